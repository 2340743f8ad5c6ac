"""The console-side operations for the kinds OneBot 11 has no event for (world/injected_more.py):
each checks everything, then changes (MLK-53), and publishes a facts-only item; and no facts are
built while no sink asks for them (MLK-46)."""

from __future__ import annotations

import copy

import pytest

from onebot_ref.bus import Bus
from onebot_ref.world import World
from world_extras_kit import ALICE, BOB, DAVE, MALLORY, OWNED, TEXT_FILE, fixture_world, kinds, refused  # noqa: F401 (fixture_world: the fixture)


@pytest.mark.parametrize("call, retcode, words", [
    (lambda w: w.inject_group_name_change(OWNED, BOB, "x"), 103, "operator_id: a member"),
    (lambda w: w.inject_group_name_change(OWNED, ALICE, ""), 100, "group_name: 1 to 60"),
    (lambda w: w.inject_group_name_change("20001", ALICE, "x"), 100, "group_id: expected"),
    (lambda w: w.inject_group_name_change(OWNED, DAVE, "x"), 102, "operator_id: 10004"),
    (lambda w: w.inject_reaction(OWNED, ALICE, 99, "76"), 102, "message_seq: message 99"),
    (lambda w: w.inject_reaction(OWNED, 10000, 1, "76"), 100, "user_id: 10000 is the bot"),
    (lambda w: w.inject_friend_nudge(MALLORY), 102, "user_id: user 10009 is not a friend"),
    (lambda w: w.inject_friend_nudge(ALICE, to_self="yes"), 100, "to_self: expected true"),
    (lambda w: w.inject_essence(OWNED, ALICE, 1, is_set=False), 102, "no essence message"),
    (lambda w: w.inject_file_upload(ALICE, "a.txt", "base64://!", group_id=OWNED), 100,
     "file_uri: invalid base64"),
    (lambda w: w.inject_file_upload(DAVE, "a.txt", TEXT_FILE, group_id=OWNED), 102,
     "user_id: 10004"),
    (lambda w: w.inject_file_upload(ALICE, "a.txt", TEXT_FILE, group_id=OWNED,
                                    parent_folder_id="nope"), 102, "parent_folder_id"),
    (lambda w: w.inject_file_upload(MALLORY, "a.txt", TEXT_FILE), 102, "user_id: user 10009"),
    (lambda w: w.inject_invited_join_request(OWNED, ALICE, BOB), 100, "already a member"),
    (lambda w: w.inject_invited_join_request(OWNED, DAVE, 20050), 102, "initiator_id"),
    (lambda w: w.inject_invited_join_request(29999, ALICE, 20050), 102, "group_id"),
])
def test_a_refused_console_operation_changes_nothing(world, call, retcode, words):
    before = (copy.deepcopy(world.groups), copy.deepcopy(world.request_log),
              copy.deepcopy(world.private_files), world.store.count(), len(world.items))
    assert words in refused(retcode, call, world)
    assert (world.groups, world.request_log, world.private_files, world.store.count(),
            len(world.items)) == before


def test_the_console_operations_publish_facts_only_items(world):
    seq = world.message_record(world.receive_group_message(OWNED, ALICE, "x")["message_id"])[
        "peer_seq"]
    world.inject_group_name_change(OWNED, ALICE, "新群名")
    world.inject_reaction(OWNED, BOB, seq, "76")
    world.inject_friend_nudge(ALICE)
    world.inject_essence(OWNED, ALICE, seq)
    world.inject_file_upload(ALICE, "a.txt", TEXT_FILE)
    world.inject_invited_join_request(OWNED, ALICE, 20050)
    world.inject_file_upload(ALICE, "g.txt", TEXT_FILE, group_id=OWNED)
    assert kinds(world) == [(True, "message"), (False, "group_name"), (False, "reaction"),
                             (False, "friend_nudge"), (False, "essence"),
                             (False, "private_file"), (False, "invited_join_request"),
                             (True, "group_upload")]
    assert world.groups[OWNED].group_name == "新群名"
    assert world.counters["event_published"] == 2  # OneBot 11 counts its own events only


def test_no_facts_are_built_while_no_sink_asks_for_them():
    """OneBot 11 alone: a message's event carries no facts and the bot's own message, a
    rename, a pin publish nothing (bus.wants_facts); the moment a sink asks, they do."""
    bus = Bus()
    onebot = []
    bus.add_sink(onebot.append, "push")
    world = World(None, bus)
    world.receive_group_message(OWNED, ALICE, "hi")
    world.send_group(OWNED, [{"type": "text", "data": {"text": "x"}}])
    world.set_group_name(OWNED, "x")
    assert [(p.event["post_type"], p.facts) for p in onebot] == [("message", None)]
    assert not bus.wants_facts
    milky = []
    bus.add_sink(milky.append, "push", also_facts_only=True)
    assert bus.wants_facts
    world.receive_group_message(OWNED, ALICE, "hi")
    world.send_group(OWNED, [{"type": "text", "data": {"text": "x"}}])
    assert [(p.event is None, p.facts["kind"]) for p in milky] == [(False, "message"),
                                                                   (True, "message")]
    assert len(onebot) == 2 and onebot[-1].facts["record"]["peer_seq"] == 3
    world.close()
