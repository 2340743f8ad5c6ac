"""What the console shows of the world: the ``/sim/world`` snapshot, the ``/sim/messages`` page
and its long poll, the media files of the messages.

Built on :class:`~onebot_ref.world.core.WorldCore`; read-only. (world/views.py, by contrast,
shapes single entities as the spec's tables describe them.)
"""

from __future__ import annotations

from . import media, views
from .core import WorldCore


class ConsoleViews(WorldCore):
    """The console's reading of the world; see world/__init__.py."""

    def snapshot(self) -> dict:
        """``GET /sim/world`` (docs/console-api.md): self, friends, groups with members; plus the
        strangers and the pending requests."""
        with self.lock:
            now = self.now()
            me = self.accounts[self.self_id]
            return {
                "self": views.stranger_info(me) | {"area": me.area},
                "friends": [views.friend(self.accounts[uid], remark)
                            | {"sex": self.accounts[uid].sex, "age": self.accounts[uid].age}
                            for uid, remark in self.friends.items()],
                "groups": [views.group_info(g) | {
                    "whole_ban": g.whole_ban, "anonymous": g.anonymous,
                    "members": [views.member_info(g, self.accounts[m.user_id], m)
                                | {"banned_until": m.banned_until if m.banned(now) else 0}
                                for m in g.members.values()]} for g in self.groups.values()],
                # strangers: every known account that is not the bot's friend
                "strangers": [views.stranger_info(a) for uid, a in self.accounts.items()
                              if uid != self.self_id and uid not in self.friends],
                "requests": [{"flag": r.flag, "request_type": r.request_type,
                              "sub_type": r.sub_type, "user_id": r.user_id,
                              "group_id": r.group_id, "comment": r.comment, "time": r.time}
                             for r in self.requests.values()],
            }

    def messages_since(self, seq: int = 0, limit: int = 500) -> tuple[list[dict], int]:
        """``GET /sim/messages?after=SEQ`` (docs/console-api.md): messages with seq > ``seq``, the
        bot's own (from_self) and the users', and the cursor to pass next time."""
        with self.lock:
            records = self.store.since(seq, limit)
            last = self.store.last_seq()
        cursor = records[-1]["seq"] if records else max(seq, 0)
        if not records and seq > last:  # a cursor from before a restart with a memory store
            cursor = last
        return [views.sim_message(r) for r in records], cursor

    def wait_message(self, after: int, timeout: float) -> bool:
        """Block until a message with seq > ``after`` is stored (sent by the bot or received),
        or ``timeout`` seconds pass: the long poll of ``/sim/messages``."""
        with self.message_stored:
            return self.message_stored.wait_for(lambda: self.store.last_seq() > after, timeout)

    def media_file(self, kind: str, file: str) -> str | None:
        """The file to show for a media segment (``kind`` image, record or video; ``file`` its
        data value): a path inside data_dir/<kind>/, or None when there is none (an http(s)
        URL, which the console may show itself; a path outside data_dir). World/media.py."""
        return None if self.data_dir is None else media.find(self.data_dir, kind, file)
