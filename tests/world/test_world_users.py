"""The other users' side of the world (what the console calls): messages in, injected events
that change the world, requests and their flags (EVT-6..29, docs/console-api.md)."""

from __future__ import annotations

import pytest

from onebot_ref.bus import Bus
from onebot_ref.protocol.response import ActionError
from onebot_ref.world import World


@pytest.fixture
def bus():
    return Bus()


@pytest.fixture
def published(bus):
    events: list[dict] = []
    bus.add_sink(lambda p: events.append(p.event), "post")
    return events


@pytest.fixture
def world(bus):
    w = World(None, bus)
    yield w
    w.close()


# --- messages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("user_id, group_id, sub_type", [
    (10001, None, "friend"), (10009, 20001, "group"), (10009, None, "other"),
], ids=["EVT-6-friend", "EVT-6-temporary-session", "EVT-6-other"])
def test_private_message_sub_type(world, published, user_id, group_id, sub_type):
    event = world.receive_private_message(user_id, "hi [CQ:face,id=1]", group_id)
    assert event["sub_type"] == sub_type and published == [event]
    assert event["message"] == [{"type": "text", "data": {"text": "hi "}},
                                {"type": "face", "data": {"id": "1"}}]  # canonical array
    assert event["raw_message"] == "hi [CQ:face,id=1]"  # EVT-13
    assert set(event["sender"]) == {"user_id", "nickname", "sex", "age"}  # EVT-7
    assert world.get_message(event["message_id"])["message"] == event["message"]


def test_group_message_carries_null_anonymous_and_the_member_sender(world):
    """EVT-8, EVT-9 (anonymous always present), EVT-12 (the group sender)."""
    event = world.receive_group_message(20001, 10001, [{"type": "text", "data": {"text": "x"}}])
    assert event["anonymous"] is None and event["sub_type"] == "normal"
    assert event["sender"]["role"] == "admin" and event["sender"]["card"] == "Alice (admin)"
    assert world.member_info(20001, 10001)["last_sent_time"] == event["time"]


def test_anonymous_message_and_ban_by_flag(world):
    """EVT-10/11: anonymous {id, name, flag}, user_id 80000000; the flag bans (API-10)."""
    event = world.receive_group_message(20003, 10002, "psst", anonymous={"name": "ghost"})
    anonymous = event["anonymous"]
    assert event["sub_type"] == "anonymous" and event["user_id"] == 80000000
    assert anonymous["name"] == "ghost" and isinstance(anonymous["flag"], str)
    again = world.receive_group_message(20003, 10002, "again", anonymous=True)
    assert again["anonymous"] == anonymous  # the same identity, the same flag
    world.anonymous_ban(20003, anonymous["flag"], 60)
    with pytest.raises(ActionError, match="banned"):
        world.receive_group_message(20003, 10002, "x", anonymous=True)


@pytest.mark.parametrize("call, problem", [
    (lambda w: w.receive_private_message(99999, "x"), "user_id: no user 99999"),
    (lambda w: w.receive_private_message(10000, "x"), "user_id: 10000 is the bot itself"),
    (lambda w: w.receive_private_message(10001, ""), "message: message is empty"),
    (lambda w: w.receive_private_message(10001, 5), "message: message must be"),
    (lambda w: w.receive_private_message(10004, "x", 20001), "user_id: 10004 is not a member"),
    (lambda w: w.receive_group_message(29999, 10001, "x"), "group_id: the bot is not in"),
    (lambda w: w.receive_group_message(20001, 10004, "x"), "user_id: 10004 is not a member"),
    (lambda w: w.receive_group_message(20001, 10001, "x", anonymous=True),
     "anonymous: group 20001 does not allow"),
], ids=["unknown-user", "the-bot", "MSG-19-empty", "PARAM-8-number", "temp-session-non-member",
        "unknown-group", "non-member", "anonymous-not-allowed"])
def test_bad_user_input_is_named_and_publishes_nothing(world, published, call, problem):
    with pytest.raises(ActionError, match=problem):
        call(world)
    assert published == [] and world.messages_since(0)[0] == []


def test_whole_ban_silences_members_not_admins(world):
    world.whole_ban(20001, True)
    with pytest.raises(ActionError, match="whole-group ban"):
        world.receive_group_message(20001, 10002, "x")
    assert world.receive_group_message(20001, 10001, "admin speaks")["user_id"] == 10001


# --- injected events ----------------------------------------------------------------------------

def notice(notice_type: str, **fields) -> dict:
    return {"post_type": "notice", "notice_type": notice_type, **fields}


def test_inject_fills_time_and_self_id(world, published):
    event = world.inject_event(notice("notify", sub_type="poke", group_id=20001, user_id=10001,
                                      target_id=10000))
    assert event["self_id"] == 10000 and isinstance(event["time"], int)
    assert published == [event]


INJECTED = [
    ("EVT-18-increase", notice("group_increase", sub_type="approve", group_id=20001,
                               operator_id=10001, user_id=10004),
     lambda w: 10004 in w.groups[20001].members),
    ("EVT-17-decrease-leave", notice("group_decrease", sub_type="leave", group_id=20001,
                                     user_id=10002),
     lambda w: 10002 not in w.groups[20001].members),
    ("EVT-17-kick_me", notice("group_decrease", sub_type="kick", group_id=20002,
                              operator_id=10002, user_id=10000),
     lambda w: 20002 not in w.groups),
    ("EVT-16-admin", notice("group_admin", sub_type="set", group_id=20001, user_id=10002),
     lambda w: w.groups[20001].members[10002].role == "admin"),
    ("EVT-19-ban", notice("group_ban", sub_type="ban", group_id=20001, operator_id=10001,
                          user_id=10002, duration=60),
     lambda w: w.groups[20001].members[10002].banned(w.now())),
    ("A-36-whole-ban", notice("group_ban", sub_type="ban", group_id=20002, operator_id=10002,
                              user_id=0, duration=60),
     lambda w: w.groups[20002].whole_ban),
    ("EVT-20-friend_add", notice("friend_add", user_id=10009),
     lambda w: 10009 in w.friends),
    ("EVT-15-upload", notice("group_upload", group_id=20001, user_id=10001,
                             file={"id": "1", "name": "a.txt", "size": 3, "busid": 102}),
     lambda w: True),
    ("EVT-25-honor", notice("notify", sub_type="honor", group_id=20001, honor_type="emotion",
                            user_id=10002),
     lambda w: True),
]


@pytest.mark.parametrize("partial, applied", [i[1:] for i in INJECTED],
                         ids=[i[0] for i in INJECTED])
def test_inject_applies_the_change(world, published, partial, applied):
    event = world.inject_event(partial)
    assert applied(world) and published == [event]
    assert all(event[k] == v for k, v in partial.items() if k != "sub_type")


def test_inject_kick_of_the_bot_is_kick_me(world):
    event = world.inject_event(INJECTED[2][1])
    assert event["sub_type"] == "kick_me"  # EVT-17


def test_inject_recall_marks_the_message(world, published):
    message = world.receive_group_message(20001, 10002, "oops")
    world.inject_event(notice("group_recall", group_id=20001, user_id=10002, operator_id=10002,
                              message_id=message["message_id"]))
    with pytest.raises(ActionError, match="recalled"):
        world.get_message(message["message_id"])


@pytest.mark.parametrize("partial, problem", [
    (notice("group_increase", sub_type="approve", group_id=20001, operator_id=10001,
            user_id=10002), "user_id: 10002 is already a member"),
    (notice("group_ban", sub_type="ban", group_id=20001, operator_id=10002, user_id=10003,
            duration=60), "operator_id: a plain member cannot ban"),
    (notice("group_ban", sub_type="ban", group_id=20001, operator_id=10001, user_id=10000,
            duration=60), "operator_id: a admin cannot ban a owner"),
    (notice("group_decrease", sub_type="kick", group_id=20001, operator_id=10002,
            user_id=10003), "operator_id: a member cannot kick"),
    (notice("group_admin", sub_type="set", group_id=20001, user_id=10000),
     "user_id: 10000 is the owner"),
    (notice("group_ban", sub_type="ban", group_id=20001, user_id=10002, duration=1),
     "operator_id: missing"),
    (notice("group_ban", sub_type="ban", group_id="20001", operator_id=10001, user_id=10002,
            duration=1), "group_id: expected int"),
    (notice("friend_add", user_id=10001), "user_id: 10001 is already a friend"),
    (notice("group_recall", group_id=20001, user_id=10002, operator_id=10002, message_id=999),
     "message_id: no group message 999"),
    ({"post_type": "meta_event", "meta_event_type": "heartbeat"}, "post_type: meta events"),
    (notice("group_admin", sub_type="set", group_id=20001, user_id=10002, self_id=1),
     "self_id: expected the bot's id"),
    ({"post_type": "message", "message_type": "private", "user_id": 10001, "message": "x",
      "message_id": 5}, "message_id: not accepted"),
], ids=["EVT-18-already-member", "member-bans", "admin-bans-owner", "member-kicks",
        "owner-role-fixed", "EVT-19-missing-field", "GEN-6-string-id", "EVT-20-already",
        "EVT-21-unknown-message", "META-own", "self_id", "message-id-filled-in"])
def test_inject_refuses_without_half_applying(world, published, partial, problem):
    before = world.snapshot()
    with pytest.raises(ActionError, match=problem):
        world.inject_event(partial)
    assert world.snapshot() == before and published == []


def test_injected_message_event_is_a_received_message(world):
    event = world.inject_event({"post_type": "message", "message_type": "group",
                                "group_id": 20001, "user_id": 10002, "message": "hi"})
    assert event["message_type"] == "group" and event["raw_message"] == "hi"


# --- requests and flags (EVT-26..29) ----------------------------------------------------------

def test_friend_request_flag_is_fresh_and_handled_once(world, published):
    request = world.inject_event({"post_type": "request", "request_type": "friend",
                                  "user_id": 10009, "comment": "add me [pls]",
                                  "flag": "ignored"})
    assert request["flag"] != "ignored" and request["comment"] == "add me &#91;pls&#93;"
    world.handle_friend_request(request["flag"], True, "new friend")
    assert published[-1] == {"time": published[-1]["time"], "self_id": 10000,
                             "post_type": "notice", "notice_type": "friend_add",
                             "user_id": 10009}
    assert {"user_id": 10009, "nickname": "Mallory", "remark": "new friend"} in \
        world.friend_list()
    with pytest.raises(ActionError, match="already handled") as err:  # EVT-29
        world.handle_friend_request(request["flag"], True, "")
    assert err.value.retcode == 102


def test_group_join_request_approved_adds_the_member(world, published):
    request = world.inject_event({"post_type": "request", "request_type": "group",
                                  "sub_type": "add", "group_id": 20003, "user_id": 10004})
    with pytest.raises(ActionError) as err:
        world.handle_group_request(request["flag"], "invite", True, "")
    assert err.value.retcode == 100  # the sub_type must match the request's
    world.handle_group_request(request["flag"], "add", True, "")
    assert published[-1]["notice_type"] == "group_increase"
    assert published[-1]["sub_type"] == "approve" and 10004 in world.groups[20003].members


def test_a_member_bot_cannot_approve_and_the_flag_stays(world):
    request = world.inject_event({"post_type": "request", "request_type": "group",
                                  "sub_type": "add", "group_id": 20002, "user_id": 10009})
    with pytest.raises(ActionError) as err:
        world.handle_group_request(request["flag"], "add", True, "")
    assert err.value.retcode == 103 and request["flag"] in world.requests


def test_group_invitation_approved_makes_the_bot_join(world, published):
    request = world.inject_event({"post_type": "request", "request_type": "group",
                                  "sub_type": "invite", "group_id": 29999, "user_id": 10001})
    world.handle_group_request(request["flag"], "invite", True, "")
    assert published[-1]["sub_type"] == "invite" and published[-1]["user_id"] == 10000
    assert world.group_info(29999)["member_count"] == 2


def test_kicked_with_reject_add_request_cannot_ask_again(world):
    world.kick(20001, 10002, reject_add_request=True)
    with pytest.raises(ActionError, match="reject_add_request"):
        world.inject_event({"post_type": "request", "request_type": "group", "sub_type": "add",
                            "group_id": 20001, "user_id": 10002})


def test_snapshot_is_the_sim_world_body(world):
    """docs/console-api.md GET /sim/world: self, friends, groups with members."""
    snap = world.snapshot()
    assert snap["self"]["user_id"] == 10000
    assert {f["user_id"] for f in snap["friends"]} == {10001, 10002, 10003, 10004}
    group = next(g for g in snap["groups"] if g["group_id"] == 20001)
    assert group["member_count"] == len(group["members"]) == 5
