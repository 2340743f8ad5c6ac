"""Chats: each conversation numbers its messages (peer_seq) under the world's lock, uniquely and
for good (a trimmed history, a restart with ``database:``, a database of an earlier version);
OneBot 11's message_id stays the world-wide id (MLK-42). History pages (MLK-43), read marks,
pins."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from onebot_ref.bus import Bus
from onebot_ref.protocol.response import ActionError
from onebot_ref.world import World
from onebot_ref.world.store import MessageStore, peer_key

ALICE, BOB, GROUP = 10001, 10002, 20001
TEXT = [{"type": "text", "data": {"text": "x"}}]


@pytest.fixture
def world():
    w = World(None, Bus())
    yield w
    w.close()


def _seq(world, message_id):
    return world.message_record(message_id)["peer_seq"]


def test_each_chat_numbers_its_messages_and_the_id_stays_global(world):
    to_alice = world.send_private(ALICE, TEXT)
    from_alice = world.receive_private_message(ALICE, "hi")["message_id"]
    in_group = world.send_group(GROUP, TEXT)
    to_bob = world.send_private(BOB, TEXT)
    assert [to_alice, from_alice, in_group, to_bob] == [1, 2, 3, 4]  # OneBot 11's ids
    assert [_seq(world, i) for i in (to_alice, from_alice, in_group, to_bob)] == [1, 2, 1, 1]
    assert world.message_record(from_alice)["peer_key"] == peer_key("private", ALICE)
    assert world.chat_message("private", ALICE, 2)["seq"] == from_alice


def test_seqs_are_unique_under_concurrent_senders(world):
    def speak():
        for _ in range(25):
            world.receive_group_message(GROUP, ALICE, "x")

    threads = [threading.Thread(target=speak, name=f"speaker-{n}") for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    rows = world.store.page(peer_key("group", GROUP), None, 100)
    assert sorted(r["peer_seq"] for r in rows) == list(range(1, 101))


@pytest.mark.parametrize("reopen", [False, True], ids=["running", "after a restart"])
def test_a_trimmed_chat_never_reuses_a_number(tmp_path, reopen):
    path = str(tmp_path / "world.sqlite3")
    store = MessageStore(path, history_limit=2)
    record = {"time": 1, "message_type": "private", "sub_type": "friend", "user_id": ALICE,
              "group_id": None, "target_id": ALICE, "from_self": False, "message": TEXT,
              "raw_message": "x", "sender": {}, "anonymous": None, "font": 0}
    for _ in range(3):
        store.add(dict(record))
    store.add(dict(record, target_id=BOB, user_id=BOB))
    store.add(dict(record, target_id=BOB, user_id=BOB))  # Alice's messages are all dropped now
    assert store.page(peer_key("private", ALICE), None, 10) == []
    if reopen:
        store.close()
        store = MessageStore(path, history_limit=2)
    store.add(dict(record))
    assert store.page(peer_key("private", ALICE), None, 10)[0]["peer_seq"] == 4
    store.close()


def test_history_pages_newest_first_ascending_and_skips_recalled(world):
    ids = [world.receive_group_message(GROUP, ALICE, f"m{n}")["message_id"] for n in range(7)]
    world.delete_message(ids[5])  # seq 6 recalled: "部分消息可能不存在，如撤回的消息"
    page, following = world.chat_history("group", GROUP, None, 3)
    assert ([f["record"]["peer_seq"] for f in page], following) == ([5, 7], 4)
    page, following = world.chat_history("group", GROUP, following, 3)
    assert ([f["record"]["peer_seq"] for f in page], following) == ([2, 3, 4], 1)
    page, following = world.chat_history("group", GROUP, following, 3)
    assert ([f["record"]["peer_seq"] for f in page], following) == ([1], None)
    assert world.chat_history("group", GROUP, 2**70, 30)[0][-1]["record"]["peer_seq"] == 7
    assert page[0]["member"]["card"] == "Alice (admin)" and page[0]["group"]["group_id"] == GROUP


@pytest.mark.parametrize("limit", [0, 31, -1])
def test_history_limit_is_1_to_30(world, limit):
    with pytest.raises(ActionError) as err:
        world.chat_history("group", GROUP, None, limit)
    assert (err.value.retcode, err.value.message) == (100, f"limit: 1 to 30 messages, got {limit}")


def test_chats_the_world_cannot_have_are_102(world):
    for args in (("group", 29999, 1), ("private", 99999, 1), ("private", world.self_id, 1),
                 ("group", GROUP, 1)):
        with pytest.raises(ActionError) as err:
            world.chat_message(*args)
        assert err.value.retcode == 102
    assert world.chat_message_id("group", GROUP, 1) is None


def test_read_marks_only_move_up(world):
    for _ in range(3):
        world.receive_group_message(GROUP, ALICE, "x")
    world.mark_read("group", GROUP, 3)
    world.mark_read("group", GROUP, 1)
    assert world.read_marks == {peer_key("group", GROUP): 3}


def test_pins_keep_their_order_and_publish_a_change_once(world):
    items = []
    world.bus.add_sink(items.append, "push", also_facts_only=True)
    world.set_pin("group", GROUP, True)
    world.set_pin("friend", BOB, True)
    world.set_pin("friend", BOB, True)  # twice: nothing new
    pinned = world.pinned()
    assert ([f["user_id"] for f in pinned["friend"]], [g["group_id"] for g in pinned["group"]]) \
        == ([BOB], [GROUP])
    assert [(i.event, i.facts["kind"], i.facts["peer_id"]) for i in items] \
        == [(None, "pin", GROUP), (None, "pin", BOB)]
    world.delete_friend(BOB)
    assert world.pinned()["friend"] == []


def test_restart_with_database_keeps_every_chats_numbers(tmp_path):
    db = str(tmp_path / "world.sqlite3")
    first = World(None, Bus(), database=db)
    first.send_group(GROUP, TEXT)
    first.receive_group_message(GROUP, ALICE, "x")
    first.send_private(ALICE, TEXT)
    first.close()
    again = World(None, Bus(), database=db)
    assert _seq(again, again.send_group(GROUP, TEXT)) == 3
    assert _seq(again, again.send_private(ALICE, TEXT)) == 2
    assert again.chat_message("group", GROUP, 2)["message"] == TEXT  # Alice's "x"
    again.close()


def test_a_database_of_an_earlier_version_is_numbered_when_opened(tmp_path):
    """The schema before per-chat numbers: the columns are added and filled in id order."""
    path = str(tmp_path / "old.sqlite3")
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL,
            message_type TEXT NOT NULL, sub_type TEXT NOT NULL, user_id INTEGER NOT NULL,
            group_id INTEGER, target_id INTEGER, from_self INTEGER NOT NULL,
            message TEXT NOT NULL, raw_message TEXT NOT NULL, sender TEXT NOT NULL,
            anonymous TEXT, font INTEGER NOT NULL, recalled INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE forwards (rowid INTEGER PRIMARY KEY AUTOINCREMENT, nodes TEXT NOT NULL);
    """)
    rows = [("group", GROUP, None), ("private", None, ALICE), ("group", GROUP, None),
            ("private", GROUP, ALICE)]  # the last: a temporary chat from the group
    for message_type, group_id, target_id in rows:
        db.execute("INSERT INTO messages (time, message_type, sub_type, user_id, group_id, "
                   "target_id, from_self, message, raw_message, sender, font) VALUES "
                   "(1, ?, 'normal', 10001, ?, ?, 0, '[]', '', '{}', 0)",
                   (message_type, group_id, target_id))
    db.execute("INSERT INTO forwards (nodes) VALUES ('[]')")
    db.commit()
    db.close()
    world = World(None, Bus(), database=path)
    assert [(r["seq"], r["peer_key"], r["peer_seq"]) for r in world.store.since(0, 10)] == [
        (1, "group:20001", 1), (2, "private:10001", 1), (3, "group:20001", 2),
        (4, "private:10001", 2)]
    assert _seq(world, world.send_group(GROUP, TEXT)) == 3
    assert world.forward_time("F1") == 0 and world.get_forward("F1") == []
    world.close()


@pytest.mark.parametrize("forward_id", ["F" + "9" * 5000, "F²", "F" + "-1", "F" + "9" * 19, "X1"])
def test_no_forward_id_reaches_sqlite_unchecked(world, forward_id):
    with pytest.raises(ActionError):
        world.get_forward(forward_id)
    assert world.forward_time(forward_id) == 0
