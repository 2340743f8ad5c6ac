"""Conversations: messages by their number in a chat, history pages, read marks, pins.

Built on :class:`~onebot_ref.world.core.WorldCore`. A chat is ``(message_type, peer_id)``:
``("private", user_id)`` (a friend or a temporary chat: one conversation with that user) or
``("group", group_id)``; its messages are numbered 1, 2, 3 ... (``peer_seq``, world/store.py),
while OneBot 11's ``message_id`` stays the world-wide id (MLK-42). A chat the world cannot have is 102:
a private chat needs a known user, a group chat a group the bot is in.

    chat_message(message_type, peer_id, seq) -> record       102 unknown, dropped or recalled
    chat_message_facts(message_type, peer_id, seq) -> message facts (world/facts.py)
    chat_message_id(message_type, peer_id, seq) -> id | None  for a reply: None if not quotable
    chat_history(message_type, peer_id, start, limit) -> (message facts oldest first, next)
    mark_read(message_type, peer_id, seq)
    message_record(message_id) -> record | None               recalled ones too
    forward_time(forward_id) -> int
    pinned() -> {"friend": [friend facts], "group": [group facts]}
    set_pin(kind, peer_id, is_pinned)                         kind "friend" | "group"
"""

from __future__ import annotations

from ..protocol.response import ActionError, Retcode
from . import facts
from .core import WorldCore
from .store import peer_key

#: The longest page of history: "期望获取到的消息数量，最多 30 条" (get_history_messages).
HISTORY_MAX = 30


class ChatSide(WorldCore):
    """The bot's conversations, by their numbers; see the module docstring."""

    def _chat(self, message_type: str, peer_id: int) -> str:
        """The peer_key of a chat the world can have (102 otherwise)."""
        if message_type == "group":
            self.group(peer_id)
        elif peer_id == self.self_id:
            raise ActionError(Retcode.NO_TARGET, "peer_id: the bot has no chat with itself")
        else:
            self.account(peer_id)
        return peer_key(message_type, peer_id)

    def chat_message(self, message_type: str, peer_id: int, seq: int) -> dict:
        """Message ``seq`` of the chat: 102 when it is unknown, dropped or recalled, as get_msg
        answers for such a message id."""
        with self.lock:
            record = self.store.at(self._chat(message_type, peer_id), seq)
            if record is None:
                raise ActionError(Retcode.NO_TARGET, f"message_seq: no message {seq} in the "
                                                     f"{message_type} chat with {peer_id} "
                                                     f"(unknown, or older than the history kept)")
            if record["recalled"]:
                raise ActionError(Retcode.NO_TARGET, f"message_seq: message {seq} of the "
                                                     f"{message_type} chat with {peer_id} was "
                                                     f"recalled")
            return record

    def chat_message_facts(self, message_type: str, peer_id: int, seq: int) -> dict:
        """chat_message's record with its peer, group and sender as they are now (the facts
        kind ``message``)."""
        with self.lock:
            return self.message_facts(self.chat_message(message_type, peer_id, seq))

    def chat_message_id(self, message_type: str, peer_id: int, seq: int) -> int | None:
        """The message id of message ``seq`` of the chat, or None when it cannot be quoted."""
        with self.lock:
            record = self.store.at(peer_key(message_type, peer_id), seq)
            return None if record is None or record["recalled"] else record["seq"]

    def chat_history(self, message_type: str, peer_id: int, start: int | None,
                     limit: int) -> tuple[list[dict], int | None]:
        """Up to ``limit`` (1..HISTORY_MAX, 100 otherwise) messages numbered ``start`` or lower
        (None: from the newest), as message facts, oldest first, recalled ones left out; and
        the number the next (older) page starts at, None when there is none (MLK-43)."""
        if not 1 <= limit <= HISTORY_MAX:
            raise ActionError(Retcode.BAD_PARAMS, f"limit: 1 to {HISTORY_MAX} messages, got "
                                                  f"{limit}")
        with self.lock:
            rows = self.store.page(self._chat(message_type, peer_id), start, limit + 1)
            following = rows[limit]["peer_seq"] if len(rows) > limit else None
            return [self.message_facts(r) for r in reversed(rows[:limit])
                    if not r["recalled"]], following

    def mark_read(self, message_type: str, peer_id: int, seq: int) -> None:
        """"该消息及更早的消息将被标记为已读": the chat's read mark moves up to ``seq`` (never
        back); the message must exist (102)."""
        with self.lock:
            record = self.chat_message(message_type, peer_id, seq)
            key = record["peer_key"]
            self.read_marks[key] = max(self.read_marks.get(key, 0), seq)

    def message_record(self, message_id: int) -> dict | None:
        with self.lock:
            return self.store.get(message_id)

    def forward_time(self, forward_id: str) -> int:
        with self.lock:
            return self.store.forward_time(forward_id)

    # --- pins --------------------------------------------------------------------------------
    def pinned(self) -> dict[str, list[dict]]:
        """The pinned friends and groups, in pinning order (ones gone since are left out)."""
        with self.lock:
            return {"friend": [facts.friend(self.accounts[uid], self.friends[uid])
                               for uid in self.pins["friend"] if uid in self.friends],
                    "group": [facts.group(self.groups[gid]) for gid in self.pins["group"]
                              if gid in self.groups]}

    def set_pin(self, kind: str, peer_id: int, is_pinned: bool) -> None:
        """Pin (or unpin) a friend's or a group's chat: 102 for one the bot does not have;
        a change is a facts-only item (pin), pinning twice changes nothing."""
        with self.lock:
            if kind == "friend":
                if peer_id not in self.friends:
                    self.account(peer_id, None)
                    raise ActionError(Retcode.NO_TARGET, f"peer_id: user {peer_id} is not a "
                                                         f"friend of the bot")
            elif kind == "group":
                self.group(peer_id)
            else:
                raise ActionError(Retcode.BAD_PARAMS, f"message_scene: only friend and group "
                                                      f"chats can be pinned, not {kind!r}")
            pins = self.pins[kind]
            if (peer_id in pins) == is_pinned:
                return
            if is_pinned:
                pins.append(peer_id)
            else:
                pins.remove(peer_id)
            self.publish_facts({"kind": "pin", "scene": kind, "peer_id": peer_id,
                                "is_pinned": is_pinned, "time": self.now()})
