"""The simulated world: config, store, persistence, history bound, the bot's changes and the
events they publish (API-39, EVT-*, A-36, A-37, EVT-29)."""

from __future__ import annotations

import threading

import pytest

from onebot_ref.bus import Bus
from onebot_ref.protocol.response import ActionError
from onebot_ref.world import DEFAULT_WORLD, World, WorldConfigError, validate_world_config
from onebot_ref.world.bot import WHOLE_BAN_DURATION

TEXT = [{"type": "text", "data": {"text": "hello"}}]


class Recorder:
    """A sink on the real Bus (not started: it delivers inline, in publish order)."""

    def __init__(self, bus: Bus):
        self.events: list[dict] = []
        bus.add_sink(lambda published: self.events.append(published.event), "push")

    def last(self) -> dict:
        return self.events[-1]


@pytest.fixture
def bus():
    return Bus()


@pytest.fixture
def recorder(bus):
    return Recorder(bus)


@pytest.fixture
def world(bus):
    w = World(None, bus)
    yield w
    w.close()


# --- the world: section ------------------------------------------------------------------------

def test_default_world_is_valid_and_used_without_config(world):
    assert validate_world_config(DEFAULT_WORLD) == []
    assert (world.self_id, world.nickname) == (10000, "onebot-ref")
    roles = {gid: g.members[10000].role for gid, g in world.groups.items()}
    assert sorted(roles.values()) == ["admin", "member", "owner"]  # every permission path
    assert world.snapshot()["strangers"]  # and at least one stranger


def _world(**groups_and_more) -> dict:
    return {"self": {"user_id": 1, "nickname": "bot"}, **groups_and_more}


@pytest.mark.parametrize("section, problem", [
    (_world(groups=[{"group_id": 5, "members": [{"user_id": 2, "role": "boss"}]}]),
     'world.groups[0].members[0].role: expected owner|admin|member, got \'boss\''),
    (_world(groups=[{"group_id": 5, "members": [{"user_id": 2, "role": "owner"},
                                                {"user_id": 3, "role": "owner"}]}]),
     "world.groups[0].members: a group has at most one owner, got 2"),
    (_world(groups=[{"group_id": 5, "members": [{"nickname": "x"}]}]),
     "world.groups[0].members[0]: missing user_id"),
    (_world(friends=[{"user_id": 2}, {"user_id": 2}]),
     "world.friends[1].user_id: duplicate 2 (also world.friends[0])"),
    (_world(groups=[{"group_id": 5}, {"group_id": 5}]),
     "world.groups[1].group_id: duplicate 5 (also world.groups[0])"),
    (_world(groups=[{"group_id": 5, "members": [{"user_id": 2}, {"user_id": 2}]}]),
     "world.groups[0].members[1].user_id: duplicate member 2"),
    (_world(friends=[{"user_id": 1}]), "world.friends[0].user_id: 1 is the bot itself"),
    (_world(friends=[{"user_id": 2, "nick": "x"}]), "world.friends[0].nick: unknown key"),
    (_world(friends=[{"user_id": "2"}]),
     "world.friends[0].user_id: expected a positive integer, got '2'"),
    (_world(friends=[{"user_id": 2, "sex": "x"}]),
     "world.friends[0].sex: expected male|female|unknown"),
    (_world(groups=[{"group_id": 5, "max_member_count": 1,
                     "members": [{"user_id": 2}, {"user_id": 3}]}]),
     "world.groups[0].max_member_count: 1 is less than the 2 members listed"),
    ({"friends": []}, "world.self: missing"),
    ({"self": {"user_id": 1}, "group": []}, "world.group: unknown key"),
], ids=["role", "two-owners", "member-without-user_id", "duplicate-friend", "duplicate-group",
        "duplicate-member", "self-as-friend", "unknown-key", "id-as-string", "sex",
        "max_member_count", "no-self", "typo-top-level"])
def test_validate_world_config_names_the_path(section, problem):
    problems = validate_world_config(section)
    assert any(p.startswith(problem) for p in problems), problems
    with pytest.raises(WorldConfigError):
        World(section, None)


def test_the_bot_joins_a_listed_group_that_omits_it():
    world = World(_world(groups=[{"group_id": 5, "members": [{"user_id": 2, "role": "owner"}]}]),
                  None)
    assert world.groups[5].members[1].role == "member"
    assert world.member_info(5, 2)["nickname"] == "User 2"


# --- the store -------------------------------------------------------------------------------

def test_a37_message_ids_are_positive_int32_and_monotonic(world):
    ids = [world.send_private(10001, TEXT) for _ in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5
    assert all(0 < i < 2**31 for i in ids)


def test_concurrent_sends_get_distinct_ids(world):
    """One RLock around the store: parallel senders never share an id."""
    ids, lock = [], threading.Lock()

    def send():
        for _ in range(20):
            mid = world.send_group(20001, TEXT)
            with lock:
                ids.append(mid)

    threads = [threading.Thread(target=send, name=f"sender-{n}") for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(ids) == len(set(ids)) == 80


def test_restart_with_the_same_database_keeps_history_and_id_order(tmp_path):
    """A restart with the same file: get_msg of an earlier message works, ids keep growing,
    and the world: section is re-applied (a kicked member is back)."""
    path = str(tmp_path / "world.sqlite3")
    first = World(None, None, database=path)
    old = first.send_private(10001, TEXT)
    first.kick(20001, 10002)
    first.close()
    second = World(None, None, database=path)
    try:
        assert second.get_message(old)["message"] == TEXT
        assert second.send_private(10001, TEXT) > old
        assert 10002 in second.groups[20001].members
        messages, _ = second.messages_since(0)
        assert [m["message_id"] for m in messages][0] == old
    finally:
        second.close()


def test_history_is_bounded_oldest_first():
    world = World(None, None, history_limit=3)
    ids = [world.send_private(10001, [{"type": "text", "data": {"text": str(n)}}])
           for n in range(5)]
    with pytest.raises(ActionError) as err:
        world.get_message(ids[0])
    assert err.value.retcode == 102
    assert [m["message_id"] for m in world.messages_since(0)[0]] == ids[2:]


def test_messages_since_shape_and_cursor(world):
    """docs/console-api.md /sim/messages: both directions, group_id / target_id, a cursor."""
    mine = world.send_private(10001, TEXT)
    event = world.receive_group_message(20001, 10002, "hi")
    messages, cursor = world.messages_since(0)
    assert cursor == event["message_id"]
    assert messages[0] == {"seq": mine, "message_id": mine, "message_type": "private",
                           "user_id": 10000, "target_id": 10001, "from_self": True,
                           "message": TEXT, "raw_message": "hello",
                           "time": messages[0]["time"]}
    assert messages[1]["group_id"] == 20001 and messages[1]["from_self"] is False
    assert world.messages_since(cursor) == ([], cursor)
    assert world.messages_since(10**6)[1] == cursor  # a cursor from before a restart


def test_merged_forward_is_stored_and_readable(world):
    """message/segment.md 合并转发: node segments become one forward segment; get_forward
    gives the nodes back with arrays as content (a node ``id`` is resolved)."""
    quoted = world.send_private(10001, TEXT)
    nodes = [{"type": "node", "data": {"user_id": "1", "nickname": "A", "content": TEXT}},
             {"type": "node", "data": {"id": str(quoted)}}]
    record = world.get_message(world.send_group(20001, nodes))
    assert [s["type"] for s in record["message"]] == ["forward"]
    forward = world.get_forward(record["message"][0]["data"]["id"])
    assert forward[0]["data"]["content"] == TEXT
    assert forward[1]["data"] == {"user_id": "10000", "nickname": "onebot-ref", "content": TEXT}
    with pytest.raises(ActionError, match="no merged forward"):
        world.get_forward("F999")


# --- the bot's changes publish their events (API-39) ----------------------------------------

CHANGES = [
    ("EVT-17-kick", lambda w: w.kick(20001, 10002),
     {"notice_type": "group_decrease", "sub_type": "kick", "group_id": 20001,
      "operator_id": 10000, "user_id": 10002}),
    ("EVT-19-ban", lambda w: w.ban(20001, 10002, 600),
     {"notice_type": "group_ban", "sub_type": "ban", "user_id": 10002, "duration": 600}),
    ("EVT-19-lift_ban", lambda w: (w.ban(20001, 10002, 600), w.ban(20001, 10002, 0)),
     {"notice_type": "group_ban", "sub_type": "lift_ban", "user_id": 10002, "duration": 0}),
    ("A-36-whole-ban", lambda w: w.whole_ban(20001, True),
     {"notice_type": "group_ban", "sub_type": "ban", "user_id": 0,
      "duration": WHOLE_BAN_DURATION}),
    ("A-36-whole-lift", lambda w: (w.whole_ban(20001, True), w.whole_ban(20001, False)),
     {"notice_type": "group_ban", "sub_type": "lift_ban", "user_id": 0, "duration": 0}),
    ("EVT-16-set", lambda w: w.set_admin(20001, 10002, True),
     {"notice_type": "group_admin", "sub_type": "set", "group_id": 20001, "user_id": 10002}),
    ("EVT-16-unset", lambda w: w.set_admin(20001, 10001, False),
     {"notice_type": "group_admin", "sub_type": "unset", "user_id": 10001}),
    ("EVT-17-leave", lambda w: w.leave(20002, False),
     {"notice_type": "group_decrease", "sub_type": "leave", "group_id": 20002,
      "operator_id": 10000, "user_id": 10000}),
    ("EVT-21-recall", lambda w: w.delete_message(w.receive_group_message(20001, 10002, "x")
                                                 ["message_id"]),
     {"notice_type": "group_recall", "group_id": 20001, "user_id": 10002,
      "operator_id": 10000}),
    ("EVT-22-recall", lambda w: w.delete_message(w.send_private(10001, TEXT)),
     {"notice_type": "friend_recall", "user_id": 10001}),
]


@pytest.mark.parametrize("change, expected", [c[1:] for c in CHANGES],
                         ids=[c[0] for c in CHANGES])
def test_each_change_publishes_its_notice(world, recorder, change, expected):
    change(world)
    event = recorder.last()
    assert {k: event[k] for k in expected} == expected
    assert event["post_type"] == "notice" and event["self_id"] == 10000


def test_state_reflects_the_changes(world):
    """API-39: later look-ups see the change."""
    world.kick(20001, 10002)
    world.ban(20001, 10003, 60)
    world.set_card(20001, 10001, "new card")
    world.set_special_title(20001, 10003, "VIP", -1)
    world.set_group_name(20001, "Renamed")
    world.leave(20002, False)
    assert 10002 not in [m["user_id"] for m in world.member_list(20001)]
    assert world.groups[20001].members[10003].banned(world.now())
    assert world.member_info(20001, 10001)["card"] == "new card"
    assert world.member_info(20001, 10003)["title"] == "VIP"
    assert world.group_info(20001)["group_name"] == "Renamed"
    assert 20002 not in [g["group_id"] for g in world.group_list()]


def test_no_event_when_nothing_changes(world, recorder):
    world.set_admin(20001, 10001, True)  # Alice is already admin
    world.whole_ban(20001, False)  # not banned
    assert recorder.events == []


def test_refusals_change_nothing(world, recorder):
    with pytest.raises(ActionError) as err:
        world.kick(20003, 10001)  # the bot is admin, Alice is admin
    assert err.value.retcode == 103
    assert 10001 in world.groups[20003].members and recorder.events == []


def test_a_banned_bot_cannot_speak(world):
    world.inject_event({"post_type": "notice", "notice_type": "group_ban", "sub_type": "ban",
                        "group_id": 20002, "operator_id": 10002, "user_id": 10000,
                        "duration": 60})
    with pytest.raises(ActionError, match="banned") as err:
        world.send_group(20002, TEXT)
    assert err.value.retcode == 103


def test_wait_message_wakes_on_a_bot_reply(world):
    """The long poll of /sim/messages: a message stored on another thread wakes the waiter."""
    assert world.wait_message(0, 0.01) is False
    sender = threading.Timer(0.05, world.send_private, (10001, TEXT))
    sender.name = "late-sender"
    sender.start()
    try:
        assert world.wait_message(0, 5) is True
    finally:
        sender.join(5)
    assert world.wait_message(0, 0) is True  # already there: no wait
