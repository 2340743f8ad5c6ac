"""Cases of the Milky API test (test_milky_apis.py), the categories "system", "message" and
"friend" of the IR: one function ``c_<api>(world, milky)`` per API, which calls it with valid
input through MilkyActions.call (milky_world.ok: status ok, the answer conforming to the IR)
and checks what the world did."""

from __future__ import annotations

from milky_world import ADMINED, ALICE, BOB, BOT, CAROL, MALLORY, MEMBER_OF, OWNED, PNG, group_message, ok
from onebot_ref.world.store import peer_key

HELLO = [{"type": "text", "data": {"text": "hello"}}]


def _friend_request(world, user_id=MALLORY, comment="let me in"):
    return world.inject_event({"post_type": "request", "request_type": "friend",
                               "user_id": user_id, "comment": comment})


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
