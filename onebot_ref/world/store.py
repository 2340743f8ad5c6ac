"""Message history and merged forwards in stdlib sqlite3 (in memory, or a file that survives a
restart).

A message's id is its row number in an AUTOINCREMENT table: positive, never reused, monotonic
across restarts with the same file, and (for fewer than 2**31 messages) within int32 as
A-37 asks, so it fits both ``message_id: int32`` (message events, send responses) and
the int64 of the recall notices. The same number is the ``seq`` of ``/sim/messages``.

The caller (World) holds its RLock around every call; the connection is opened with
``check_same_thread=False`` because requests arrive on many threads.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..protocol.wire import dumps as _dumps  # GEN-3: the one JSON form onebot_ref writes

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time INTEGER NOT NULL,
    message_type TEXT NOT NULL,      -- private | group
    sub_type TEXT NOT NULL,
    user_id INTEGER NOT NULL,        -- the sender
    group_id INTEGER,                -- group messages (and temporary sessions: the source group)
    target_id INTEGER,               -- private messages: the peer of the bot
    from_self INTEGER NOT NULL,
    message TEXT NOT NULL,           -- canonical segment array, JSON
    raw_message TEXT NOT NULL,
    sender TEXT NOT NULL,            -- the sender object of the event, JSON
    anonymous TEXT,                  -- JSON or NULL
    font INTEGER NOT NULL,
    recalled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS forwards (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    nodes TEXT NOT NULL              -- node segments, content as canonical arrays, JSON
);
"""

_COLUMNS = ("seq", "time", "message_type", "sub_type", "user_id", "group_id", "target_id",
            "from_self", "message", "raw_message", "sender", "anonymous", "font", "recalled")
_JSON_COLUMNS = ("message", "sender", "anonymous")


class MessageStore:
    """Every message the bot sent or received, oldest dropped past ``history_limit``."""

    def __init__(self, database: str | None = None, history_limit: int = 10000):
        self.history_limit = history_limit
        self._db = sqlite3.connect(database or ":memory:", check_same_thread=False,
                                   isolation_level=None)  # autocommit: one statement, one commit
        if database:
            # A file: write-ahead log, fsync at checkpoints only (a crash may lose the last
            # messages, never corrupt the file).
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._trim()

    def close(self) -> None:
        self._db.close()

    # --- messages --------------------------------------------------------------------------
    def add(self, record: dict[str, Any]) -> int:
        """Store one message (every column but seq and recalled); returns its id (= seq)."""
        names = [c for c in _COLUMNS if c not in ("seq", "recalled")]
        values = [_dumps(record[c]) if c in _JSON_COLUMNS and record.get(c) is not None
                  else record.get(c) for c in names]
        values[names.index("from_self")] = int(bool(record["from_self"]))
        cursor = self._db.execute(
            f"INSERT INTO messages ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            values)
        self._trim(cursor.lastrowid)
        return cursor.lastrowid

    def get(self, message_id: int) -> dict | None:
        row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM messages WHERE seq = ?",
                               (message_id,)).fetchone()
        return _record(row) if row else None

    def mark_recalled(self, message_id: int) -> None:
        self._db.execute("UPDATE messages SET recalled = 1 WHERE seq = ?", (message_id,))

    def since(self, after: int, limit: int) -> list[dict]:
        rows = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM messages WHERE seq > ? "
                                "ORDER BY seq LIMIT ?", (after, limit)).fetchall()
        return [_record(row) for row in rows]

    def last_seq(self) -> int:
        """The highest id ever allocated (also of dropped messages), 0 for a new store."""
        row = self._db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").fetchone()
        return row[0] if row else 0

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM messages").fetchone()[0]

    def has_media(self, kind: str, file: str) -> bool:
        """True when a stored message has a ``kind`` segment whose ``file`` is ``file``."""
        needle = _dumps(file)
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._db.execute("SELECT message FROM messages WHERE message LIKE ? ESCAPE '\\'",
                                (pattern,))
        return any(seg.get("type") == kind and seg.get("data", {}).get("file") == file
                   for (text,) in rows for seg in json.loads(text))

    # --- merged forwards -------------------------------------------------------------------
    def add_forward(self, nodes: list[dict]) -> str:
        """Store the nodes of a merged forward; returns its id (a string, message/segment.md
        合并转发: ``id`` "合并转发 ID")."""
        cursor = self._db.execute("INSERT INTO forwards (nodes) VALUES (?)", (_dumps(nodes),))
        self._db.execute("DELETE FROM forwards WHERE rowid <= ?",
                         (cursor.lastrowid - self.history_limit,))
        return f"F{cursor.lastrowid}"

    def get_forward(self, forward_id: str) -> list[dict] | None:
        if not (forward_id[:1] == "F" and forward_id[1:].isdigit()):
            return None
        row = self._db.execute("SELECT nodes FROM forwards WHERE rowid = ?",
                               (int(forward_id[1:]),)).fetchone()
        return json.loads(row[0]) if row else None

    def _trim(self, last: int | None = None) -> None:
        # Ids are allocated without gaps, so "the newest history_limit" is one range. ``last``:
        # the id just inserted (the sequence's value, without asking sqlite3 for it). Each
        # statement releases the GIL under the world's lock, where other request threads then
        # queue (issue 10): none is run when there is nothing to drop.
        drop_through = (self.last_seq() if last is None else last) - self.history_limit
        if drop_through > 0:
            self._db.execute("DELETE FROM messages WHERE seq <= ?", (drop_through,))


def _record(row: tuple) -> dict:
    record = dict(zip(_COLUMNS, row))
    for column in _JSON_COLUMNS:
        if record[column] is not None:
            record[column] = json.loads(record[column])
    record["from_self"] = bool(record["from_self"])
    record["recalled"] = bool(record["recalled"])
    return record
