"""Message history and merged forwards in stdlib sqlite3 (in memory, or a file that survives a
restart).

A message's id is its row number in an AUTOINCREMENT table: positive, never reused, monotonic
across restarts with the same file, and (for fewer than 2**31 messages) within int32 as
A-37 asks, so it fits both ``message_id: int32`` (message events, send responses) and
the int64 of the recall notices. The same number is the ``seq`` of ``/sim/messages``.

Each message also has a number in its conversation (``peer_seq``, 1, 2, 3 ... per
``peer_key``: ``private:<the bot's peer>`` or ``group:<group id>``), as QQ numbers the messages
of each chat (Milky's ``message_seq``): the conversation's last number + 1, UNIQUE (peer_key,
peer_seq). The last numbers live in memory, read on open from the messages and from the
``peers`` table, where the history limit records the last number of a conversation whose last
message it drops: so a number is never given twice, not even once every message of a
conversation is gone. A database written before these columns existed gets them when it is
opened, numbered in id order (MLK-42).

Storing a message is one INSERT: two triggers of this connection (TEMP: the file's schema
stays what every version reads) drop the messages past ``history_limit`` with it and record a
conversation's last number when its last message goes, in the INSERT's own transaction (a
crash loses neither, and Python runs no second statement per message). The id is the next
AUTOINCREMENT number, counted here (ids have no gaps), so an in-memory store (the default)
need not write at once: it writes its new messages :data:`BATCH` at a time with one
``executemany``, and always before anything reads it (:attr:`MessageStore._db`), so every
answer is the one a write per message gives. A file is written at once.

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
    recalled INTEGER NOT NULL DEFAULT 0,
    peer_key TEXT,                   -- the conversation: private:<peer> | group:<group id>
    peer_seq INTEGER                 -- the message's number in its conversation, from 1
);
CREATE TABLE IF NOT EXISTS forwards (
    rowid INTEGER PRIMARY KEY AUTOINCREMENT,
    nodes TEXT NOT NULL,             -- node segments, content as canonical arrays, JSON
    time INTEGER NOT NULL DEFAULT 0  -- when it was sent
);
CREATE TABLE IF NOT EXISTS peers (
    peer_key TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL        -- the highest peer_seq the history limit dropped
);
"""
#: Created once the columns exist (a database of an earlier version gets them first).
_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS messages_by_peer ON messages (peer_key, peer_seq)"

_COLUMNS = ("seq", "time", "message_type", "sub_type", "user_id", "group_id", "target_id",
            "from_self", "message", "raw_message", "sender", "anonymous", "font", "recalled",
            "peer_key", "peer_seq")
_JSON_COLUMNS = ("message", "sender", "anonymous")
#: What add() writes: every column but seq (the row number) and recalled (0).
_INSERT = ("INSERT INTO messages (seq, time, message_type, sub_type, user_id, group_id, "
           "target_id, from_self, message, raw_message, sender, anonymous, font, peer_key, "
           "peer_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
#: An in-memory store writes the messages it is given this many at a time, and before any read
#: (a file writes each at once: a message survives a crash of the process).
BATCH = 64
#: The history limit, with the INSERT: ids are allocated without gaps, so "the newest
#: history_limit" is one range (usually one message goes).
_LIMIT_TRIGGER = """
CREATE TEMP TRIGGER messages_limit AFTER INSERT ON main.messages BEGIN
    DELETE FROM messages WHERE seq <= NEW.seq - {limit};
END"""
#: A dropped message that was its conversation's newest (no higher number left) records that
#: number; the highest recorded wins, whatever order the rows of one DELETE go in.
_DROPPED_TRIGGER = """
CREATE TEMP TRIGGER messages_dropped AFTER DELETE ON main.messages
WHEN NOT EXISTS (SELECT 1 FROM messages WHERE peer_key = OLD.peer_key
                 AND peer_seq > OLD.peer_seq) BEGIN
    INSERT INTO peers (peer_key, last_seq) VALUES (OLD.peer_key, OLD.peer_seq)
    ON CONFLICT (peer_key) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq);
END"""
#: SQLite's integers are 64-bit signed: a number outside is clamped before it is bound, so
#: that no caller's value can make sqlite3 raise OverflowError.
SQL_INT_MAX = 2**63 - 1
#: At most this many messages in one page of a conversation's history.
PAGE_MAX = 100


def peer_key(message_type: str, peer_id: int) -> str:
    """The conversation of a message: ``private:<peer>`` (the bot's peer, whoever sent it) or
    ``group:<group id>``."""
    return f"{'group' if message_type == 'group' else 'private'}:{peer_id}"


def _clamp(number: int) -> int:
    return max(-SQL_INT_MAX, min(int(number), SQL_INT_MAX))


class MessageStore:
    """Every message the bot sent or received, oldest dropped past ``history_limit``."""

    def __init__(self, database: str | None = None, history_limit: int = 10000):
        self.history_limit = history_limit
        self._conn = sqlite3.connect(database or ":memory:", check_same_thread=False,
                                     isolation_level=None)  # autocommit: one statement, one commit
        #: rows added and not yet written (memory only; None: a file, written at once)
        self._pending: list[tuple] | None = None if database else []
        if database:
            # A file: write-ahead log, fsync at checkpoints only (a crash may lose the last
            # messages, never corrupt the file).
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._upgrade()
        self._db.execute(_INDEX)
        self._db.execute(_DROPPED_TRIGGER)
        #: peer_key -> the last peer_seq given
        self._peer_seqs: dict[str, int] = dict(self._db.execute(
            "SELECT peer_key, last_seq FROM peers"))
        for key, number in self._db.execute(
                "SELECT peer_key, max(peer_seq) FROM messages GROUP BY peer_key"):
            self._peer_seqs[key] = max(number, self._peer_seqs.get(key, 0))
        # a limit lower than the last run's: the oldest go now (the trigger records them)
        self._db.execute("DELETE FROM messages WHERE seq <= ?",
                         (self.last_seq() - history_limit,))
        self._db.execute(_LIMIT_TRIGGER.format(limit=int(history_limit)))
        self._next = self.last_seq() + 1  # AUTOINCREMENT's next id, given here (no gaps)

    @property
    def _db(self) -> sqlite3.Connection:
        """The connection, with every message added so far written: what every read uses."""
        if self._pending:
            rows, self._pending = self._pending, []
            self._conn.executemany(_INSERT, rows)
        return self._conn

    def _upgrade(self) -> None:
        """Give a database of an earlier version the columns this one adds: peer_key and
        peer_seq numbered per conversation in id order, and the forwards' time (0: unknown)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(messages)")}
        if "peer_key" not in columns:
            self._db.execute("BEGIN")
            self._db.execute("ALTER TABLE messages ADD COLUMN peer_key TEXT")
            self._db.execute("ALTER TABLE messages ADD COLUMN peer_seq INTEGER")
            numbers: dict[str, int] = {}
            rows = []
            for seq, message_type, group_id, target_id in self._db.execute(
                    "SELECT seq, message_type, group_id, target_id FROM messages ORDER BY seq"):
                key = peer_key(message_type,
                               group_id if message_type == "group" else target_id)
                numbers[key] = numbers.get(key, 0) + 1
                rows.append((key, numbers[key], seq))
            self._db.executemany("UPDATE messages SET peer_key = ?, peer_seq = ? WHERE seq = ?",
                                 rows)
            self._db.execute("COMMIT")
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(forwards)")}
        if "time" not in columns:
            self._db.execute("ALTER TABLE forwards ADD COLUMN time INTEGER NOT NULL DEFAULT 0")

    def close(self) -> None:
        self._db.close()

    # --- messages --------------------------------------------------------------------------
    def add(self, record: dict[str, Any]) -> int:
        """Store one message (every column but seq, recalled and the peer's); returns its id
        (= seq). Sets ``record["peer_key"]`` and ``record["peer_seq"]``, its number in its
        conversation."""
        peer = record["group_id"] if record["message_type"] == "group" else record["target_id"]
        key = peer_key(record["message_type"], peer)
        number = self._peer_seqs.get(key, 0) + 1
        record["peer_key"], record["peer_seq"] = key, number
        anonymous, seq = record.get("anonymous"), self._next
        row = (seq, record["time"], record["message_type"], record["sub_type"],
               record["user_id"], record.get("group_id"), record.get("target_id"),
               int(bool(record["from_self"])), _dumps(record["message"]),
               record["raw_message"], _dumps(record["sender"]),
               None if anonymous is None else _dumps(anonymous), record["font"], key, number)
        if self._pending is None:
            self._conn.execute(_INSERT, row)
        else:
            self._pending.append(row)
            if len(self._pending) >= BATCH:
                self._db  # noqa: B018 (written now)
        self._peer_seqs[key], self._next = number, seq + 1
        return seq

    def get(self, message_id: int) -> dict | None:
        row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM messages WHERE seq = ?",
                               (_clamp(message_id),)).fetchone()
        return _record(row) if row else None

    def at(self, key: str, number: int) -> dict | None:
        """The message numbered ``number`` in conversation ``key`` (recalled ones too)."""
        row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM messages "
                               "WHERE peer_key = ? AND peer_seq = ?",
                               (key, _clamp(number))).fetchone()
        return _record(row) if row else None

    def page(self, key: str, start: int | None, count: int) -> list[dict]:
        """Up to ``count`` (at most PAGE_MAX) messages of conversation ``key`` numbered
        ``start`` or lower (None: from the newest), newest first, recalled ones included."""
        count = max(0, min(int(count), PAGE_MAX))
        start = SQL_INT_MAX if start is None else _clamp(start)
        rows = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM messages WHERE peer_key = ? "
                                "AND peer_seq <= ? ORDER BY peer_seq DESC LIMIT ?",
                                (key, start, count)).fetchall()
        return [_record(row) for row in rows]

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
    def add_forward(self, nodes: list[dict], time: int = 0) -> str:
        """Store the nodes of a merged forward sent at ``time``; returns its id (a string,
        message/segment.md 合并转发: ``id`` "合并转发 ID")."""
        cursor = self._db.execute("INSERT INTO forwards (nodes, time) VALUES (?, ?)",
                                  (_dumps(nodes), time))
        self._db.execute("DELETE FROM forwards WHERE rowid <= ?",
                         (cursor.lastrowid - self.history_limit,))
        return f"F{cursor.lastrowid}"

    def get_forward(self, forward_id: str) -> list[dict] | None:
        rowid = _forward_rowid(forward_id)
        row = None if rowid is None else self._db.execute(
            "SELECT nodes FROM forwards WHERE rowid = ?", (rowid,)).fetchone()
        return json.loads(row[0]) if row else None

    def forward_time(self, forward_id: str) -> int:
        """When a merged forward was sent (0: unknown, or stored by an earlier version)."""
        rowid = _forward_rowid(forward_id)
        row = None if rowid is None else self._db.execute(
            "SELECT time FROM forwards WHERE rowid = ?", (rowid,)).fetchone()
        return row[0] if row else 0


def _forward_rowid(forward_id: str) -> int | None:
    """The row of a forward id ``F<n>``; None for anything else (ASCII digits only, at most 18
    of them: a longer number is no row, and int() of thousands of digits would raise)."""
    digits = forward_id[1:]
    if forward_id[:1] != "F" or not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        return None
    return int(digits)


def _record(row: tuple) -> dict:
    record = dict(zip(_COLUMNS, row))
    for column in _JSON_COLUMNS:
        if record[column] is not None:
            record[column] = json.loads(record[column])
    record["from_self"] = bool(record["from_self"])
    record["recalled"] = bool(record["recalled"])
    return record
