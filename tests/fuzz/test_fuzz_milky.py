"""Fuzzing the Milky face over real sockets: every API of the IR and some that are not, bodies
of every JSON type with the edge values (and bytes that are no JSON), the Content-Types and
tokens right and wrong, against one running server with a Milky client listening (MLK-39/40,
MLK-53; README "Bad input"). Bounded to a few seconds.

After every example: one of the spec's statuses (200, 401, 404, 405, 413, 415), never a 5xx; a
200 is a strict-JSON envelope whose retcode is 0, -400, -403 or -404 (-500 would be a bug of
onebot_ref); a refused call leaves the whole world (its data_dir too) and the messages as they
were; the face's threads live and its journal serialises. At the end the listening client
still gets an event: the server kept serving everyone else.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz_kit import FUZZ, INT_EDGES, STR_EDGES, TIMEOUT, json_text, json_values, strict_json
from milky_client import ALICE, SseReader, joined, milky_runner
from onebot_ref.protocol import wire
from onebot_ref.protocol.milky import apis
from onebot_ref.protocol.milky.envelope import is_envelope
from onebot_ref.protocol.response import ActionError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "actions" / "milky"))
from milky_world import state  # noqa: E402  (the whole world, for "nothing half-applied")

pytestmark = pytest.mark.timeout(120)

TOKEN = "fuzz-token"
STATUSES = {200, 401, 404, 405, 413, 415}
RETCODES = {0, -400, -403, -404}
NAMES = sorted(apis.APIS) + ["nope", "send_private_msg", "Get_Login_Info", "get_login_info ",
                             "%67et_login_info", "\u4e2d"]
UINS = [10001, 10002, 10003, 10009, 20001, 20002, 20003, 10086, 10000, 1, 4294967295,
        4294967296]
PLAUSIBLE = {
    "user_id": st.sampled_from(UINS), "group_id": st.sampled_from(UINS),
    "peer_id": st.sampled_from(UINS), "message_seq": st.sampled_from([1, 2, 3, 0] + INT_EDGES),
    "message_scene": st.sampled_from(["friend", "group", "temp", "", "Friend"]),
    "message": st.lists(st.fixed_dictionaries({
        "type": st.sampled_from(["text", "mention", "mention_all", "face", "reply", "image",
                                 "record", "video", "forward", "light_app", "nope"]),
        "data": st.one_of(st.fixed_dictionaries({}, optional={
            "text": st.sampled_from(STR_EDGES), "user_id": st.sampled_from(UINS),
            "face_id": st.sampled_from(STR_EDGES), "message_seq": st.sampled_from(INT_EDGES),
            "uri": st.sampled_from(STR_EDGES + ["base64://aGk=", "http://example.com/x.png"]),
            "messages": json_values, "sub_type": st.sampled_from(["normal", "sticker", ""])}),
            json_values)}), max_size=3),
}


def _field_values(name: str):
    plausible = PLAUSIBLE.get(name)
    generic = st.one_of(json_values, st.sampled_from(STR_EDGES), st.sampled_from(INT_EDGES))
    return generic if plausible is None else st.one_of(plausible, plausible, generic)


@st.composite
def bodies(draw, name: str) -> bytes:
    """The body of one call of ``name``: its inputs (each present or not, with edge values), any
    JSON value, or bytes that are no strict JSON."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.sampled_from([b"", b"{bad", b"NaN", b'{"a": NaN}', b'{"a": "\\ud800"}',
                                     b"\xff\xfe", b"[" * 5000, b'{"a":' * 70 + b"1" + b"}" * 70,
                                     b"\xef\xbb\xbf{}", b"null", b"[]", b'"{}"']))
    if choice == 1:
        return json_text(draw(json_values)).encode("ascii")
    row = apis.APIS.get(name)
    fields = [field.name for field in row.inputs] if row is not None else ["user_id"]
    body = {field: draw(_field_values(field)) for field in fields if draw(st.integers(0, 3))}
    return json_text(body).encode("ascii")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    # keep-alives every second: the listener's socket times out after 5 s of silence, and a
    # run of fuzz calls that publish nothing may last longer than that on a loaded machine
    with milky_runner(tmp_path_factory.mktemp("fuzz-milky"), milky_access_token=TOKEN,
                      max_body_bytes=65536, milky_sse_keepalive_interval=1000) as runner:
        listener = SseReader(runner, TOKEN)
        assert joined(runner, listener)
        yield runner, listener
        listener.close()


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_fuzz_the_milky_api_MLK_39_MLK_53(setup, data):
    runner, _ = setup
    name = data.draw(st.sampled_from(NAMES))
    body = data.draw(bodies(name))
    headers = {"Content-Type": data.draw(st.sampled_from(
        ["application/json"] * 6 + ["application/json; charset=utf-8", "text/plain", ""]))}
    token = data.draw(st.sampled_from([TOKEN] * 8 + ["wrong", None]))
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    method = data.draw(st.sampled_from(["POST"] * 9 + ["GET"]))
    world = runner.world
    before, messages = state(world), world.store.last_seq()
    response = requests.request(method, f"{runner.url('milky')}/api/{name}", data=body,
                                headers=headers, timeout=TIMEOUT)
    assert response.status_code in STATUSES, (response.status_code, response.text[:300])
    refused = True
    if response.status_code == 200:
        envelope = strict_json(response.content)
        assert is_envelope(envelope) and envelope["retcode"] in RETCODES, envelope
        refused = envelope["status"] == "failed"
    else:
        response.content.decode("utf-8")  # a one-line UTF-8 reason
    if refused:
        assert world.store.last_seq() == messages
        assert state(world) == before
    alive = {thread.name for thread in threading.enumerate()}
    assert {"milky", "event-bus"} <= alive
    assert runner.workers.problems() == []  # every supervised thread runs (SUP-2)
    frames, _ = runner.traffic.since(max(0, runner.traffic.cursor - 4), 10)
    wire.dumps(frames)  # the journal serialises (BAD-5)


def test_the_listener_still_gets_events(setup):
    runner, listener = setup
    assert runner.bus.wait_idle(5)
    while not listener.records.empty():  # what the fuzz calls made happen
        listener.records.get_nowait()
    for user in (ALICE, 10002, 10003, 10004):  # a friend the fuzz calls left the bot
        try:
            runner.world.receive_private_message(user, "still here")
            break
        except ActionError:
            continue
    event = listener.next_event()
    assert event["event_type"] == "message_receive"
