"""An in-memory message store writes its messages in batches (world/store.py BATCH) and answers
every read as a store that writes each message at once (a file) does: the same ids, messages,
conversation numbers and history limit (MLK-42)."""

from __future__ import annotations

import random

from onebot_ref.world.store import BATCH, MessageStore, peer_key

RECORD = {"time": 1, "message_type": "private", "sub_type": "friend", "user_id": 10001,
          "group_id": None, "target_id": 10001, "from_self": False, "raw_message": "x",
          "message": [{"type": "text", "data": {"text": "x"}}], "sender": {}, "anonymous": None,
          "font": 0}


def test_batched_reads_are_those_of_a_store_written_at_once(tmp_path):
    memory, file = MessageStore(None, 50), MessageStore(str(tmp_path / "m.sqlite3"), 50)
    rng = random.Random(7)
    for step in range(3 * BATCH + 17):
        peer = rng.choice((10001, 10002, 10003))
        record = dict(RECORD, target_id=peer, user_id=peer, raw_message=f"m{step}")
        assert memory.add(dict(record)) == file.add(dict(record)) == step + 1
        if rng.random() < 0.1:  # a read in the middle of a batch sees every message added
            assert memory.get(step + 1)["raw_message"] == f"m{step}"
            assert memory.last_seq() == step + 1
    for store in (memory, file):
        assert store.count() == 50
    assert memory.since(0, 1000) == file.since(0, 1000)
    for peer in (10001, 10002, 10003):
        key = peer_key("private", peer)
        assert memory.page(key, None, 100) == file.page(key, None, 100)
    memory.close()
    file.close()
