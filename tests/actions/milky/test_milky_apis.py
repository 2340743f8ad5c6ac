"""Every one of Milky 1.2's 64 APIs, called through MilkyActions.call with valid input over a
fresh world: each answer is ok and conforms to the IR (conform.output_problems, MLK-1/6/8/28),
and says what the world did (MLK-19..24 bind the bodies)."""

from __future__ import annotations

import pytest

from milky_world import (
    ADMINED,
    ALICE,
    BOB,
    BOT,
    CAROL,
    MALLORY,
    MEMBER_OF,
    OWNED,
    PNG,
    TEXT_FILE,
    group_message,
    make,
    ok,
)
from onebot_ref.actions.milky import FUNCTIONS
from onebot_ref.protocol.milky.apis import APIS
from onebot_ref.world.store import peer_key

HELLO = [{"type": "text", "data": {"text": "hello"}}]


def _friend_request(world, user_id=MALLORY, comment="let me in"):
    return world.inject_event({"post_type": "request", "request_type": "friend",
                               "user_id": user_id, "comment": comment})


def _join_request(world, user_id=20099, group_id=OWNED):
    return world.inject_event({"post_type": "request", "request_type": "group",
                               "sub_type": "add", "group_id": group_id, "user_id": user_id,
                               "comment": "hi"})


def _invitation(world, group_id=29999):
    return world.inject_event({"post_type": "request", "request_type": "group",
                               "sub_type": "invite", "group_id": group_id, "user_id": ALICE,
                               "comment": ""})


# --- system ------------------------------------------------------------------------------------

def c_get_login_info(world, milky):
    assert ok(milky, "get_login_info") == {"uin": BOT, "nickname": "onebot-ref"}


def c_get_impl_info(world, milky):
    assert ok(milky, "get_impl_info")["milky_version"] == "1.2"  # MLK-35


def c_get_user_profile(world, milky):
    data = ok(milky, "get_user_profile", user_id=CAROL)
    assert (data["nickname"], data["remark"], data["sex"]) == ("Carol", "Carol (work)", "female")
    assert ok(milky, "get_user_profile", user_id=10009)["remark"] == ""  # a stranger


def c_get_friend_list(world, milky):
    friends = ok(milky, "get_friend_list")["friends"]
    assert [f["user_id"] for f in friends] == [ALICE, BOB, CAROL, 10004]
    assert friends[0]["category"] == {"category_id": 0, "category_name": "我的好友"}


def c_get_friend_info(world, milky):
    assert ok(milky, "get_friend_info", user_id=CAROL, no_cache=True)["friend"]["remark"] \
        == "Carol (work)"


def c_get_group_list(world, milky):
    groups = ok(milky, "get_group_list")["groups"]
    assert [g["group_id"] for g in groups] == [OWNED, MEMBER_OF, ADMINED]
    assert groups[0]["member_count"] == 5 and groups[0]["created_time"] > 0


def c_get_group_info(world, milky):
    assert ok(milky, "get_group_info", group_id=OWNED)["group"]["group_name"] == "Test Group"


def c_get_group_member_list(world, milky):
    members = ok(milky, "get_group_member_list", group_id=OWNED)["members"]
    assert {m["user_id"]: m["level"] for m in members}[BOT] == 10  # "10" -> 10


def c_get_group_member_info(world, milky):
    ok(milky, "set_group_member_mute", group_id=OWNED, user_id=BOB, duration=60)
    member = ok(milky, "get_group_member_info", group_id=OWNED, user_id=BOB)["member"]
    assert member["title"] == "Bobby" and member["shut_up_end_time"] >= world.now() + 59


def c_get_peer_pins(world, milky):
    ok(milky, "set_peer_pin", message_scene="group", peer_id=ADMINED)
    ok(milky, "set_peer_pin", message_scene="friend", peer_id=ALICE)
    pins = ok(milky, "get_peer_pins")
    assert ([f["user_id"] for f in pins["friends"]], [g["group_id"] for g in pins["groups"]]) \
        == ([ALICE], [ADMINED])


def c_set_peer_pin(world, milky):
    assert ok(milky, "set_peer_pin", message_scene="friend", peer_id=BOB) == {}
    ok(milky, "set_peer_pin", message_scene="friend", peer_id=BOB, is_pinned=False)
    assert world.pins["friend"] == []


def c_set_avatar(world, milky):
    assert ok(milky, "set_avatar", uri=PNG) == {}
    assert world.accounts[BOT].avatar.endswith(".png")  # decoded, kept in data_dir/image


def c_set_nickname(world, milky):
    ok(milky, "set_nickname", new_nickname="新名字")
    assert ok(milky, "get_login_info")["nickname"] == "新名字"


def c_set_bio(world, milky):
    ok(milky, "set_bio", new_bio="hello")
    assert world.profile(BOT)["bio"] == "hello"


def c_get_custom_face_url_list(world, milky):
    assert ok(milky, "get_custom_face_url_list") == {"urls": []}


def c_get_cookies(world, milky):
    assert ok(milky, "get_cookies", domain="qun.qq.com")["cookies"].startswith(f"uin=o{BOT};")


def c_get_csrf_token(world, milky):
    assert ok(milky, "get_csrf_token")["csrf_token"].isdigit()


# --- message -----------------------------------------------------------------------------------

def c_send_private_message(world, milky):
    first = ok(milky, "send_private_message", user_id=ALICE, message=HELLO)
    reply = [{"type": "reply", "data": {"message_seq": first["message_seq"]}}] + HELLO
    second = ok(milky, "send_private_message", user_id=ALICE, message=reply)
    assert (first["message_seq"], second["message_seq"]) == (1, 2)  # per chat
    assert ok(milky, "send_private_message", user_id=BOB, message=HELLO)["message_seq"] == 1


def c_send_group_message(world, milky):
    seq = group_message(world)
    data = ok(milky, "send_group_message", group_id=OWNED, message=[
        {"type": "mention", "data": {"user_id": ALICE}}, {"type": "text", "data": {"text": " "}},
        {"type": "image", "data": {"uri": PNG}}])
    assert data["message_seq"] == seq + 1 and data["time"] > 0


def c_recall_private_message(world, milky):
    seq = ok(milky, "send_private_message", user_id=ALICE, message=HELLO)["message_seq"]
    assert ok(milky, "recall_private_message", user_id=ALICE, message_seq=seq) == {}
    assert world.store.at(peer_key("private", ALICE), seq)["recalled"]


def c_recall_group_message(world, milky):
    seq = group_message(world, user_id=BOB)  # the bot owns the group: it outranks Bob
    ok(milky, "recall_group_message", group_id=OWNED, message_seq=seq)
    assert world.store.at(peer_key("group", OWNED), seq)["recalled"]


def c_get_message(world, milky):
    seq = group_message(world, "quoted")
    message = ok(milky, "get_message", message_scene="group", peer_id=OWNED,
                 message_seq=seq)["message"]
    assert (message["message_scene"], message["sender_id"]) == ("group", ALICE)
    assert message["group_member"]["card"] == "Alice (admin)"
    world.receive_private_message(ALICE, "psst")
    private = ok(milky, "get_message", message_scene="friend", peer_id=ALICE, message_seq=1)
    assert private["message"]["friend"]["user_id"] == ALICE


def c_get_history_messages(world, milky):
    for n in range(5):
        group_message(world, f"m{n}")
    page = ok(milky, "get_history_messages", message_scene="group", peer_id=OWNED, limit=3)
    assert [m["message_seq"] for m in page["messages"]] == [3, 4, 5]  # ascending
    assert page["next_message_seq"] == 2
    rest = ok(milky, "get_history_messages", message_scene="group", peer_id=OWNED,
              start_message_seq=2, limit=3)
    assert ([m["message_seq"] for m in rest["messages"]], rest["next_message_seq"]) \
        == ([1, 2], None)


def c_get_resource_temp_url(world, milky):
    seq = ok(milky, "send_group_message", group_id=OWNED,
             message=[{"type": "image", "data": {"uri": PNG}}])["message_seq"]
    image = ok(milky, "get_message", message_scene="group", peer_id=OWNED,
               message_seq=seq)["message"]["segments"][0]["data"]
    url = ok(milky, "get_resource_temp_url", resource_id=image["resource_id"])["url"]
    assert url == image["temp_url"] and url.startswith("http://127.0.0.1:3000/res/image/")
    assert milky.resource_path("image", url.rsplit("/", 1)[1]) is not None


def c_get_forwarded_messages(world, milky):
    ok(milky, "send_group_message", group_id=OWNED, message=[{"type": "forward", "data": {
        "messages": [{"user_id": ALICE, "sender_name": "Alice", "segments": HELLO},
                     {"user_id": BOB, "sender_name": "Bob", "segments": HELLO}]}}])
    forward = ok(milky, "get_history_messages", message_scene="group", peer_id=OWNED,
                 limit=1)["messages"][0]["segments"][0]
    assert forward["type"] == "forward" and forward["data"]["summary"] == "查看2条转发消息"
    nodes = ok(milky, "get_forwarded_messages",
               forward_id=forward["data"]["forward_id"])["messages"]
    assert [n["sender_name"] for n in nodes] == ["Alice", "Bob"] and nodes[0]["time"] > 0


def c_mark_message_as_read(world, milky):
    seq = group_message(world)
    assert ok(milky, "mark_message_as_read", message_scene="group", peer_id=OWNED,
              message_seq=seq) == {}
    assert world.read_marks[peer_key("group", OWNED)] == seq


# --- friend ------------------------------------------------------------------------------------

def c_send_friend_nudge(world, milky):
    assert ok(milky, "send_friend_nudge", user_id=ALICE, is_self=True) == {}


def c_send_profile_like(world, milky):
    ok(milky, "send_profile_like", user_id=ALICE, count=10)
    assert sum(world.likes.values()) == 10


def c_delete_friend(world, milky):
    ok(milky, "delete_friend", user_id=BOB)
    assert BOB not in world.friends


def c_get_friend_requests(world, milky):
    _friend_request(world)
    requests = ok(milky, "get_friend_requests")["requests"]
    assert [(r["initiator_uid"], r["state"], r["comment"]) for r in requests] \
        == [("u_10009", "pending", "let me in")]


def c_accept_friend_request(world, milky):
    _friend_request(world)
    ok(milky, "accept_friend_request", initiator_uid="u_10009")
    assert 10009 in world.friends
    assert ok(milky, "get_friend_requests")["requests"][0]["state"] == "accepted"


def c_reject_friend_request(world, milky):
    _friend_request(world)
    ok(milky, "reject_friend_request", initiator_uid="u_10009", reason="no")
    request = next(iter(world.request_log.values()))
    assert (request.state, request.reason, 10009 in world.friends) == ("rejected", "no", False)


# --- group -------------------------------------------------------------------------------------

def c_set_group_name(world, milky):
    ok(milky, "set_group_name", group_id=OWNED, new_group_name="新群名")
    assert world.groups[OWNED].group_name == "新群名"


def c_set_group_avatar(world, milky):
    ok(milky, "set_group_avatar", group_id=ADMINED, image_uri="https://example.org/a.png")
    assert world.groups[ADMINED].avatar == "https://example.org/a.png"  # recorded, not fetched


def c_set_group_member_card(world, milky):
    ok(milky, "set_group_member_card", group_id=OWNED, user_id=BOB, card="B")
    assert world.groups[OWNED].members[BOB].card == "B"


def c_set_group_member_special_title(world, milky):
    ok(milky, "set_group_member_special_title", group_id=OWNED, user_id=BOB, special_title="T")
    assert world.groups[OWNED].members[BOB].title == "T"


def c_set_group_member_admin(world, milky):
    ok(milky, "set_group_member_admin", group_id=OWNED, user_id=BOB)
    assert world.groups[OWNED].members[BOB].role == "admin"


def c_set_group_member_mute(world, milky):
    ok(milky, "set_group_member_mute", group_id=OWNED, user_id=BOB, duration=600)
    assert world.groups[OWNED].members[BOB].banned(world.now())


def c_set_group_whole_mute(world, milky):
    ok(milky, "set_group_whole_mute", group_id=OWNED)
    assert world.groups[OWNED].whole_ban


def c_kick_group_member(world, milky):
    ok(milky, "kick_group_member", group_id=OWNED, user_id=BOB, reject_add_request=True)
    assert BOB not in world.groups[OWNED].members and BOB in world.groups[OWNED].rejected


def c_get_group_announcements(world, milky):
    ok(milky, "send_group_announcement", group_id=OWNED, content="first", image_uri=PNG)
    ok(milky, "send_group_announcement", group_id=OWNED, content="second")
    found = ok(milky, "get_group_announcements", group_id=OWNED)["announcements"]
    assert [a["content"] for a in found] == ["second", "first"]
    assert found[0]["image_url"] is None and found[1]["image_url"].startswith("http://")
    assert ok(milky, "get_group_info", group_id=OWNED)["group"]["announcement"] == "second"


def c_send_group_announcement(world, milky):
    assert ok(milky, "send_group_announcement", group_id=ADMINED, content="公告") == {}
    assert world.groups[ADMINED].announcements[0].user_id == BOT


def c_delete_group_announcement(world, milky):
    ok(milky, "send_group_announcement", group_id=OWNED, content="x")
    found = ok(milky, "get_group_announcements", group_id=OWNED)["announcements"][0]
    ok(milky, "delete_group_announcement", group_id=OWNED,
       announcement_id=found["announcement_id"])
    assert world.groups[OWNED].announcements == []


def c_get_group_essence_messages(world, milky):
    seqs = [group_message(world, f"e{n}") for n in range(3)]
    for seq in seqs:
        ok(milky, "set_group_essence_message", group_id=OWNED, message_seq=seq)
    page = ok(milky, "get_group_essence_messages", group_id=OWNED, page_index=0, page_size=2)
    assert [m["message_seq"] for m in page["messages"]] == seqs[:0:-1] and not page["is_end"]
    last = ok(milky, "get_group_essence_messages", group_id=OWNED, page_index=1, page_size=2)
    assert [m["message_seq"] for m in last["messages"]] == seqs[:1] and last["is_end"]
    assert last["messages"][0]["sender_name"] == "Alice (admin)"


def c_set_group_essence_message(world, milky):
    seq = group_message(world)
    ok(milky, "set_group_essence_message", group_id=OWNED, message_seq=seq)
    ok(milky, "set_group_essence_message", group_id=OWNED, message_seq=seq, is_set=False)
    assert world.groups[OWNED].essence == {}


def c_quit_group(world, milky):
    ok(milky, "quit_group", group_id=MEMBER_OF)
    assert MEMBER_OF not in world.groups


def c_send_group_message_reaction(world, milky):
    seq = group_message(world)
    ok(milky, "send_group_message_reaction", group_id=OWNED, message_seq=seq, reaction="76")
    assert world.groups[OWNED].reactions == {(seq, BOT): {("76", "face")}}


def c_send_group_nudge(world, milky):
    assert ok(milky, "send_group_nudge", group_id=OWNED, user_id=ALICE) == {}


def c_get_group_notifications(world, milky):
    _join_request(world)
    ok(milky, "set_group_member_admin", group_id=OWNED, user_id=BOB)
    ok(milky, "kick_group_member", group_id=OWNED, user_id=CAROL)
    found = ok(milky, "get_group_notifications", limit=2)
    assert [n["type"] for n in found["notifications"]] == ["kick", "admin_change"]
    rest = ok(milky, "get_group_notifications", start_notification_seq=found[
        "next_notification_seq"])
    assert [n["type"] for n in rest["notifications"]] == ["join_request"]
    assert rest["next_notification_seq"] is None


def c_accept_group_request(world, milky):
    _join_request(world)
    seq = ok(milky, "get_group_notifications")["notifications"][0]["notification_seq"]
    ok(milky, "accept_group_request", notification_seq=seq, notification_type="join_request",
       group_id=OWNED)
    assert 20099 in world.groups[OWNED].members
    accepted = ok(milky, "get_group_notifications")["notifications"][0]
    assert (accepted["state"], accepted["operator_id"]) == ("accepted", BOT)


def c_reject_group_request(world, milky):
    request = world.inject_invited_join_request(OWNED, ALICE, 20098)
    ok(milky, "reject_group_request", notification_seq=request["seq"],
       notification_type="invited_join_request", group_id=OWNED, reason="no")
    assert 20098 not in world.groups[OWNED].members
    assert world.request_log[request["seq"]].state == "rejected"


def c_accept_group_invitation(world, milky):
    _invitation(world)
    seq = next(iter(world.request_log))
    ok(milky, "accept_group_invitation", group_id=29999, invitation_seq=seq)
    assert ok(milky, "get_group_info", group_id=29999)["group"]["member_count"] == 2


def c_reject_group_invitation(world, milky):
    _invitation(world)
    ok(milky, "reject_group_invitation", group_id=29999, invitation_seq=next(iter(
        world.request_log)))
    assert 29999 not in world.groups


# --- file --------------------------------------------------------------------------------------

def c_upload_private_file(world, milky):
    file_id = ok(milky, "upload_private_file", user_id=ALICE, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    assert world.private_files[file_id].size == len("hello file")


def c_upload_group_file(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="docs")["folder_id"]
    file_id = ok(milky, "upload_group_file", group_id=OWNED, parent_folder_id=folder,
                 file_uri=TEXT_FILE, file_name="b.txt")["file_id"]
    assert world.groups[OWNED].files.files[file_id].parent_folder_id == folder


def c_get_private_file_download_url(world, milky):
    file_id = ok(milky, "upload_private_file", user_id=ALICE, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    sha1 = world.private_files[file_id].sha1
    url = ok(milky, "get_private_file_download_url", user_id=ALICE, file_id=file_id,
             file_hash=sha1)["download_url"]
    path = milky.resource_path("file", url.rsplit("/", 1)[1])
    assert open(path, "rb").read() == b"hello file"


def c_get_group_file_download_url(world, milky):
    file_id = ok(milky, "upload_group_file", group_id=OWNED, file_uri="https://e.org/x.zip",
                 file_name="x.zip")["file_id"]
    assert ok(milky, "get_group_file_download_url", group_id=OWNED,
              file_id=file_id)["download_url"] == "https://e.org/x.zip"
    assert world.groups[OWNED].files.files[file_id].downloaded_times == 1


def c_get_group_files(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="docs")["folder_id"]
    ok(milky, "upload_group_file", group_id=OWNED, file_uri=TEXT_FILE, file_name="root.txt")
    ok(milky, "upload_group_file", group_id=OWNED, parent_folder_id=folder, file_uri=TEXT_FILE,
       file_name="in.txt")
    root = ok(milky, "get_group_files", group_id=OWNED)
    assert [f["file_name"] for f in root["files"]] == ["root.txt"]
    assert [(d["folder_name"], d["file_count"]) for d in root["folders"]] == [("docs", 1)]
    inside = ok(milky, "get_group_files", group_id=OWNED, parent_folder_id=folder)
    assert [f["file_name"] for f in inside["files"]] == ["in.txt"] and inside["folders"] == []


def c_move_group_file(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="docs")["folder_id"]
    file_id = ok(milky, "upload_group_file", group_id=OWNED, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    ok(milky, "move_group_file", group_id=OWNED, file_id=file_id, target_folder_id=folder)
    assert world.groups[OWNED].files.files[file_id].parent_folder_id == folder


def c_rename_group_file(world, milky):
    file_id = ok(milky, "upload_group_file", group_id=OWNED, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    ok(milky, "rename_group_file", group_id=OWNED, file_id=file_id, new_file_name="b.txt")
    assert world.groups[OWNED].files.files[file_id].file_name == "b.txt"


def c_delete_group_file(world, milky):
    file_id = ok(milky, "upload_group_file", group_id=OWNED, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    ok(milky, "delete_group_file", group_id=OWNED, file_id=file_id)
    assert world.groups[OWNED].files.files == {}


def c_create_group_folder(world, milky):
    folder = ok(milky, "create_group_folder", group_id=ADMINED, folder_name="x")["folder_id"]
    assert world.groups[ADMINED].files.folders[folder].creator_id == BOT


def c_rename_group_folder(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="x")["folder_id"]
    ok(milky, "rename_group_folder", group_id=OWNED, folder_id=folder, new_folder_name="y")
    assert world.groups[OWNED].files.folders[folder].folder_name == "y"


def c_delete_group_folder(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="x")["folder_id"]
    ok(milky, "upload_group_file", group_id=OWNED, parent_folder_id=folder,
       file_uri=TEXT_FILE, file_name="a.txt")
    ok(milky, "delete_group_folder", group_id=OWNED, folder_id=folder)
    assert world.groups[OWNED].files.folders == {} == world.groups[OWNED].files.files


CASES = {name[2:]: fn for name, fn in dict(globals()).items() if name.startswith("c_")}


def test_every_api_has_a_case():
    assert set(CASES) == set(APIS) and len(CASES) == 64


@pytest.mark.parametrize("api", sorted(CASES))
def test_every_api_answers_ok_and_conforms(api, tmp_path):
    world, milky, _ = make(tmp_path)
    try:
        CASES[api](world, milky)
    finally:
        world.close()


@pytest.mark.parametrize("api", sorted(CASES))
def test_every_function_is_named_after_its_api_and_cites_its_row(api):
    """One function per API, named after it; its docstring starts with its IR row."""
    fn = FUNCTIONS[api]
    assert fn.__name__ == api
    assert fn.__doc__.startswith(f"ir.json {APIS[api].category} {api} ({APIS[api].doc})")
