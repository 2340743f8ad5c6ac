"""World: the simulated QQ's state, its one RLock, the message store and the event bus.

The bot's operations (what actions call) are in world/bot.py and world/info.py, the other users'
(what the console calls) in world/users.py; this module holds what both share: look-ups that
fail with the right retcode, storing a message, publishing an event, the snapshot.
"""

from __future__ import annotations

import secrets
import threading
import time as _time
from typing import Any

from ..protocol import events
from ..protocol.message import is_forward, to_format
from ..protocol.response import ActionError, Retcode
from . import content, media, views
from .bot import BotSide
from .config import build, validate_world_config
from .info import InfoSide
from .model import Account, Group, Member, Request, rank
from .store import MessageStore
from .users import UserSide


class WorldConfigError(ValueError):
    """The ``world:`` section is invalid; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class World(BotSide, InfoSide, UserSide):
    """The simulated QQ. Every public method takes the one RLock; see world/__init__.py."""

    def __init__(self, world_config: dict | None = None, bus: Any = None,
                 database: str | None = None, history_limit: int = 10000,
                 message_format: str = "string", data_dir: str | None = None):
        problems = validate_world_config(world_config)
        if problems:
            raise WorldConfigError(problems)
        self._lock = threading.RLock()
        self._stored = threading.Condition(self._lock)  # notified when a message is stored
        self.bus = bus
        self.message_format = message_format
        #: where media files sent as base64:// are saved (world/media.py); None: not saved
        self.data_dir = data_dir
        self.started_at = _time.time()
        me, self.accounts, self.friends, self.groups = build(world_config, self.now())
        self.self_id: int = me.user_id
        self.nickname: str = me.nickname
        self.store = MessageStore(database, history_limit)
        self.requests: dict[str, Request] = {}
        # A flag names this run too: flags of a previous run (pending requests are not kept)
        # are unknown, never confused with new ones (EVT-29).
        self._flag_prefix = secrets.token_hex(4)
        self._flag_count = 0
        self.likes: dict[tuple[int, str], int] = {}
        self.counters = {"message_received": 0, "message_sent": 0, "event_published": 0}

    def close(self) -> None:
        with self._lock:
            self.store.close()

    @staticmethod
    def now() -> int:
        """event/README.md: time "事件发生的时间戳" (EVT-1: int Unix seconds)."""
        return int(_time.time())

    # --- look-ups: no such thing -> 102 (RESP-9) --------------------------------------------
    def _account(self, user_id: int) -> Account:
        account = self.accounts.get(user_id)
        if account is None:
            raise ActionError(Retcode.NO_TARGET, f"no user {user_id} in the simulated world")
        return account

    def _group(self, group_id: int) -> Group:
        group = self.groups.get(group_id)
        if group is None:
            raise ActionError(Retcode.NO_TARGET, f"the bot is not in group {group_id}")
        return group

    def _member(self, group: Group, user_id: int) -> Member:
        member = group.members.get(user_id)
        if member is None:
            raise ActionError(Retcode.NO_TARGET,
                              f"user {user_id} is not a member of group {group.group_id}")
        return member

    def _other_member(self, group_id: int, user_id: int, what: str) -> tuple[Group, Member]:
        group = self._group(group_id)
        if user_id == self.self_id:
            raise ActionError(Retcode.BAD_PARAMS, f"{what}: user_id is the bot itself")
        return group, self._member(group, user_id)

    def _take_request(self, flag: str, request_type: str) -> Request:
        """EVT-29: a flag is valid until it is handled once (102 after that)."""
        request = self.requests.get(flag)
        if request is None:
            raise ActionError(Retcode.NO_TARGET,
                              f"no pending request with flag {flag!r} (unknown or already handled)")
        if request.request_type != request_type:
            raise ActionError(Retcode.NO_TARGET, f"flag {flag!r} is a {request.request_type} "
                                                 f"request, not a {request_type} request")
        return request

    def _bot_role(self, group: Group) -> str:
        return group.members[self.self_id].role

    def _require_role(self, group: Group, role: str, what: str) -> None:
        """The bot needs at least ``role`` in ``group`` to do ``what`` (103 otherwise)."""
        mine = self._bot_role(group)
        if rank(mine) < rank(role):
            need = "the owner" if role == "owner" else "an admin or the owner"
            raise ActionError(Retcode.NOT_PERMITTED,
                              f"{what}: the bot is {mine} of group {group.group_id}; "
                              f"only {need} may do that")

    def _require_outrank(self, group: Group, target: Member, what: str) -> None:
        """owner > admin > member: the bot acts only on members of a lower role (103)."""
        mine = self._bot_role(group)
        if rank(mine) <= rank(target.role):
            raise ActionError(Retcode.NOT_PERMITTED,
                              f"{what}: the bot is {mine} of group {group.group_id} and user "
                              f"{target.user_id} is {target.role}; the bot must outrank the "
                              f"user (owner > admin > member)")

    def _new_flag(self) -> str:
        self._flag_count += 1
        return f"{self._flag_prefix}-{self._flag_count}"

    # --- messages and events ---------------------------------------------------------------
    def _publish(self, event: dict) -> dict:
        """Hand an event to the bus (under the lock, so events keep the order of the changes)."""
        self.counters["event_published"] += 1
        if self.bus is not None:
            self.bus.publish(event)
        return event

    def _prepare(self, segments: list[dict], group_id: int | None, role: str) -> list[dict]:
        """The checks and rewrites of world/content.py (at, reply, media), before any change."""
        return content.prepare(self, segments, group_id, role)

    def _store_message(self, *, message_type: str, sub_type: str, user_id: int,
                       segments: list[dict], sender: dict, from_self: bool,
                       group_id: int | None = None, target_id: int | None = None,
                       anonymous: dict | None = None, font: int = 0) -> dict:
        """Store a sent or received message; a message of node segments only is stored as a
        merged forward and replaced by its ``forward`` segment (message/segment.md 合并转发:
        "需通过 get_forward_msg API 获取具体内容"). Returns the stored record."""
        if is_forward(segments):
            segments = [{"type": "forward", "data": {"id": self._store_forward(segments)}}]
        record = {"time": self.now(), "message_type": message_type, "sub_type": sub_type,
                  "user_id": user_id, "group_id": group_id, "target_id": target_id,
                  "from_self": from_self, "message": segments,
                  # EVT-13: raw_message is the CQ string whatever post_message_format is
                  "raw_message": to_format(segments, "string"), "sender": sender,
                  "anonymous": anonymous, "font": font}
        record["seq"] = self.store.add(record)
        self._stored.notify_all()
        self.counters["message_sent" if from_self else "message_received"] += 1
        return record

    def _store_forward(self, nodes: list[dict]) -> str:
        """message/segment.md 合并转发节点: a node with ``id`` forwards a stored message; a custom
        node carries user_id, nickname, content. Stored with content as arrays."""
        resolved = []
        for node in nodes:
            data = node["data"]
            if "content" not in data and "id" in data:
                try:
                    stored = self.store.get(int(data["id"]))
                except ValueError:
                    stored = None
                if stored is None:
                    raise ActionError(Retcode.NO_TARGET,
                                      f"node id {data['id']!r}: no such message to forward")
                data = {"user_id": str(stored["user_id"]),
                        "nickname": stored["sender"].get("nickname", ""),
                        "content": stored["message"]}
            resolved.append({"type": "node", "data": dict(data)})
        return self.store.add_forward(resolved)

    def _message_event(self, record: dict) -> dict:
        """The message event of a stored message received from another user."""
        common = {"sub_type": record["sub_type"], "message_id": record["seq"],
                  "user_id": record["user_id"], "message": record["message"],
                  "raw_message": record["raw_message"], "sender": record["sender"],
                  "font": record["font"]}
        if record["message_type"] == "group":
            return events.group_message(self.self_id, record["time"],
                                        group_id=record["group_id"],
                                        anonymous=record["anonymous"], **common)
        return events.private_message(self.self_id, record["time"], **common)

    # --- the console's views -----------------------------------------------------------------
    def media_file(self, kind: str, file: str) -> str | None:
        """The file to show for a media segment (``kind`` image, record or video; ``file`` its
        data value): a path inside data_dir/<kind>/, or None when there is none (an http(s)
        URL, which the console may show itself; a path outside data_dir). World/media.py."""
        return None if self.data_dir is None else media.find(self.data_dir, kind, file)

    def messages_since(self, seq: int = 0, limit: int = 500) -> tuple[list[dict], int]:
        """``GET /sim/messages?after=SEQ`` (docs/console-api.md): messages with seq > ``seq``, the
        bot's own (from_self) and the users', and the cursor to pass next time."""
        with self._lock:
            records = self.store.since(seq, limit)
            last = self.store.last_seq()
        cursor = records[-1]["seq"] if records else max(seq, 0)
        if not records and seq > last:  # a cursor from before a restart with a memory store
            cursor = last
        return [views.sim_message(r) for r in records], cursor

    def wait_message(self, after: int, timeout: float) -> bool:
        """Block until a message with seq > ``after`` is stored (sent by the bot or received),
        or ``timeout`` seconds pass: the long poll of ``/sim/messages``."""
        with self._stored:
            return self._stored.wait_for(lambda: self.store.last_seq() > after, timeout)

    def snapshot(self) -> dict:
        """``GET /sim/world`` (docs/console-api.md): self, friends, groups with members; plus the
        strangers and the pending requests."""
        with self._lock:
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
