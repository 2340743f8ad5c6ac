"""milky-python-sdk (0.4.2, pinned in setup.cfg) driven in-process against the Milky face: its
synchronous ``MilkyClient`` calls every read-only API of Milky 1.2 and a representative write of
each category over HTTP, its answers parsed by the SDK's own pydantic models, while its event
readers, ``events_sse()`` and ``events_ws()``, receive what the world does (MLK-2, MLK-11..15).
The API methods the SDK lacks (get_peer_pins, get_custom_face_url_list, set_nickname) go through
its own request method, ``_request``, so they too cross its HTTP client."""

from __future__ import annotations

import hashlib
import queue
import threading
import time

import pytest
from milky import MilkyClient
from milky.client import MilkyError, MilkyHttpError
from milky.models import (
    MessageEvent,
    MessageScene,
    NotificationType,
    OutgoingForwardedMessage,
    OutgoingForwardSegment,
    OutgoingForwardSegmentData,
    OutgoingImageSegment,
    OutgoingImageSegmentData,
    OutgoingTextSegment,
    TextSegmentData,
)

from milky_client import ALICE, BOB, BOT, GROUP, milky_runner

TOKEN = "sdk-token"
PNG = "base64://iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
TIMEOUT = 5.0


def text(value: str) -> OutgoingTextSegment:
    return OutgoingTextSegment(data=TextSegmentData(text=value))


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    with milky_runner(tmp_path_factory.mktemp("milky-sdk"), milky_access_token=TOKEN) as runner:
        yield runner


@pytest.fixture(scope="module")
def client(runner):
    with MilkyClient(runner.url("milky"), TOKEN, timeout=TIMEOUT) as client:
        yield client


class Events:
    """One of the SDK's event readers in a thread of its own; ``events`` fills as it reads."""

    def __init__(self, client: MilkyClient, how: str):
        self.events: queue.Queue = queue.Queue()
        target = self._sse if how == "sse" else self._ws
        self.thread = threading.Thread(target=target, args=(client,), daemon=True,
                                       name=f"milky-sdk-{how}")

    def _sse(self, client: MilkyClient) -> None:
        for event in client.events_sse():  # ends when the server ends the stream
            self.events.put(event)

    def _ws(self, client: MilkyClient) -> None:
        client.events_ws(self.events.put, on_error=lambda err: None)

    def next(self, event_type: str) -> dict:
        while True:
            event = self.events.get(timeout=TIMEOUT)
            if event["event_type"] == event_type:
                return event


@pytest.mark.parametrize("how", ["sse", "ws"])
def test_the_sdk_receives_events_and_answers_over_http(runner, client, how):
    face = runner.modes["milky"]
    before = len(face.streams.receivers)
    reader = Events(client, how)
    reader.thread.start()
    # the stream joins the fan-out just after its opening is journalled: wait for the join
    # itself (bounded), not for a frame that may come before it
    deadline = time.monotonic() + TIMEOUT
    while len(face.streams.receivers) <= before:
        assert time.monotonic() < deadline, f"the SDK's {how} reader did not join"
        runner.traffic.wait(runner.traffic.cursor, 0.05)
    runner.world.receive_private_message(ALICE, f"hi over {how}")
    event = MessageEvent.model_validate(reader.next("message_receive"))  # the SDK's model
    assert event.data.message_scene == "friend" and event.data.peer_id == ALICE
    assert event.to_text() == f"hi over {how}"
    sent = client.send_private_message(ALICE, [text(f"echo: {event.to_text()}")])
    assert sent.message_seq == event.data.message_seq + 1
    runner.world.inject_group_name_change(GROUP, ALICE, f"renamed over {how}")
    renamed = reader.next("group_name_change")
    assert renamed["data"]["new_group_name"] == f"renamed over {how}"
    assert client.get_group_info(GROUP).group_name == f"renamed over {how}"


def test_every_read_only_api(runner, client):
    """The 24 read-only APIs of the IR (every get_*), each answer through the SDK's model."""
    world = runner.world
    assert client.get_login_info().uin == BOT
    assert client.get_impl_info().milky_version == "1.2"
    assert client.get_user_profile(ALICE).nickname == "Alice"
    assert ALICE in {f.user_id for f in client.get_friend_list()}
    assert client.get_friend_info(ALICE).category.category_name
    assert GROUP in {g.group_id for g in client.get_group_list()}
    assert client.get_group_info(GROUP).member_count >= 3
    assert BOT in {m.user_id for m in client.get_group_member_list(GROUP)}
    assert client.get_group_member_info(GROUP, ALICE).role == "admin"
    assert client._request("get_peer_pins") == {"friends": [], "groups": []}
    assert client._request("get_custom_face_url_list") == {"urls": []}
    assert isinstance(client.get_cookies("qun.qq.com"), str)
    assert isinstance(client.get_csrf_token(), str)
    # messages: one with an image (its resource), a forward
    sent = client.send_group_message(GROUP, [OutgoingImageSegment(
        data=OutgoingImageSegmentData(uri=PNG, sub_type="normal"))])
    message = client.get_message(MessageScene.GROUP, GROUP, sent.message_seq)
    image = message.segments[0]
    assert image.type == "image"
    assert client.get_resource_temp_url(image.data.resource_id).url == image.data.temp_url
    history, _ = client.get_history_messages(MessageScene.GROUP, GROUP, limit=30)
    assert sent.message_seq in {m.message_seq for m in history}
    forward = client.send_group_message(GROUP, [OutgoingForwardSegment(
        data=OutgoingForwardSegmentData(messages=[OutgoingForwardedMessage(
            user_id=ALICE, sender_name="Alice", segments=[text("inside")])]))])
    forwarded = client.get_message(MessageScene.GROUP, GROUP, forward.message_seq)
    nodes = client.get_forwarded_messages(forwarded.segments[0].data.forward_id)
    assert [n.sender_name for n in nodes] == ["Alice"]
    # requests, notifications, announcements, essence, files
    world.inject_event({"post_type": "request", "request_type": "friend", "user_id": 10009,
                        "comment": "add me"})
    assert [r.comment for r in client.get_friend_requests()] == ["add me"]
    world.inject_invited_join_request(GROUP, ALICE, 10004)
    notifications, _ = client.get_group_notifications()
    assert notifications[0].type == "invited_join_request"
    client.send_group_announcement(GROUP, "read me")
    assert [a.content for a in client.get_group_announcements(GROUP)] == ["read me"]
    client.set_group_essence_message(GROUP, sent.message_seq)
    essence, is_end = client.get_group_essence_messages(GROUP, 0, 10)
    assert [m.message_seq for m in essence] == [sent.message_seq] and is_end
    uploaded = client.upload_group_file(GROUP, "base64://aGVsbG8=", "hello.txt")
    files, folders = client.get_group_files(GROUP)
    assert [f.file_name for f in files] == ["hello.txt"] and folders == []
    url = client.get_group_file_download_url(GROUP, uploaded.file_id).download_url
    assert url.startswith(runner.url("milky") + "/res/file/")
    private = client.upload_private_file(ALICE, "base64://aGk=", "hi.txt")
    # "文件的 TriSHA1 哈希值": the simulated QQ's is the SHA-1 of the bytes ("hi")
    download = client.get_private_file_download_url(ALICE, private.file_id,
                                                    hashlib.sha1(b"hi").hexdigest())
    assert download.download_url.startswith(runner.url("milky") + "/res/file/")


def test_a_write_of_each_category(runner, client):
    world = runner.world
    # system: the bot's nickname
    client._request("set_nickname", {"new_nickname": "sdk bot"})
    assert client.get_login_info().nickname == "sdk bot"
    # message: send, then recall
    sent = client.send_group_message(GROUP, [text("to recall")])
    client.recall_group_message(GROUP, sent.message_seq)
    with pytest.raises(MilkyError) as gone:
        client.get_message(MessageScene.GROUP, GROUP, sent.message_seq)
    assert gone.value.retcode == -404
    # friend: accept a request by its initiator's uid
    world.inject_event({"post_type": "request", "request_type": "friend", "user_id": 10005,
                        "comment": "me too"})
    pending = [r for r in client.get_friend_requests() if r.initiator_id == 10005][0]
    client.accept_friend_request(pending.initiator_uid)
    assert 10005 in {f.user_id for f in client.get_friend_list()}
    # group: a member's card, an invited join accepted
    client.set_group_member_card(GROUP, BOB, "Bobby card")
    assert client.get_group_member_info(GROUP, BOB).card == "Bobby card"
    invited = world.inject_invited_join_request(GROUP, ALICE, 10006)
    client.accept_group_request(invited["seq"], NotificationType.INVITED_JOIN_REQUEST, GROUP)
    assert 10006 in {m.user_id for m in client.get_group_member_list(GROUP)}
    # file: a folder, and a file moved into it
    folder = client.create_group_folder(GROUP, "docs").folder_id
    uploaded = client.upload_group_file(GROUP, "base64://aGVsbG8=", "notes.txt")
    client.move_group_file(GROUP, uploaded.file_id, "/", folder)
    files, _ = client.get_group_files(GROUP, folder)
    assert [f.file_name for f in files] == ["notes.txt"]


def test_the_sdk_s_errors(runner):
    with MilkyClient(runner.url("milky"), "wrong", timeout=TIMEOUT) as wrong:
        with pytest.raises(MilkyHttpError) as refused:
            wrong.get_login_info()
    assert refused.value.status_code == 401
    with MilkyClient(runner.url("milky"), TOKEN, timeout=TIMEOUT) as client:
        with pytest.raises(MilkyError) as bad:
            client.get_user_profile(5)  # below the uin range (MLK-20)
        assert bad.value.retcode == -400 and "user_id" in bad.value.message
        with pytest.raises(MilkyHttpError) as unknown:
            client._request("no_such_api")
        assert unknown.value.status_code == 404
