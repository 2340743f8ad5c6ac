"""WorldCore: what every side of the simulated QQ shares, written once.

The state (accounts, friends, groups, pending requests, the message store) and the one RLock
around it; the clock; the look-ups; the role and "may this member speak" checks; storing a
message and publishing an event. The sides inherit it, so each module imports what it calls:

    BotSide (world/bot.py), InfoSide (world/info.py)   what the bot does and reads: actions/
    UserSide (world/users.py, world/injected.py)       what the other users do: the console
    ConsoleViews (world/console_views.py)              what the console shows
    World (world/state.py)                             all of them

One error type for the whole world: ``ActionError(retcode, message)`` (RESP-9: 100 bad input,
102 no such target, 103 not permitted), raised before anything changes. It is translated at the
boundary: the actions answer a failed envelope (``Actions.call``), the console a 400 carrying
the message (``console/api._world_call``).

The look-ups and checks below expect the caller to hold :attr:`lock`. A look-up takes
``field``, the console's input field that named the value: the console's answers start with it
("group_id: the bot is not in group 29999"); the bot's do not.
"""

from __future__ import annotations

import secrets
import threading
import time as _time
from typing import TYPE_CHECKING

from ..protocol.message import is_forward, to_format
from ..protocol.response import ActionError, Retcode
from . import content
from .config import WorldConfigError, build, validate_world_config
from .model import Account, Group, Member, Request, rank
from .store import MessageStore

if TYPE_CHECKING:  # the bus knows no world; the world publishes on it
    from ..bus import Bus


class WorldCore:
    """The shared state and the operations every side builds on (see the module docstring)."""

    def __init__(self, world_config: dict | None = None, bus: Bus | None = None,
                 database: str | None = None, history_limit: int = 10000,
                 message_format: str = "string", data_dir: str | None = None):
        problems = validate_world_config(world_config)
        if problems:
            raise WorldConfigError(problems)
        #: The one lock around all of the state (re-entrant: an operation may call another).
        self.lock = threading.RLock()
        #: Notified whenever a message is stored (the console's long poll waits on it).
        self.message_stored = threading.Condition(self.lock)
        self.bus = bus
        self.message_format = message_format
        #: where media files sent as base64:// are saved (world/media.py); None: not saved
        self.data_dir = data_dir
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
        with self.lock:
            self.store.close()

    def now(self) -> int:
        """event/README.md: time "事件发生的时间戳" (EVT-1: int Unix seconds). The world's one
        clock: every time it stores or reports is read here."""
        return int(_time.time())

    # --- look-ups: no such thing -> 102 (RESP-9) --------------------------------------------
    def account(self, user_id: int, field: str | None = None) -> Account:
        """The account of ``user_id``, whoever it is to the bot (friend, member, stranger)."""
        account = self.accounts.get(user_id) if isinstance(user_id, int) else None
        if account is None:
            # the console's user can add the account; the bot's developer learns it is unknown
            where = ("in the simulated world" if field is None else "in the world (add it to "
                     "world.friends, world.strangers or a group)")
            raise ActionError(Retcode.NO_TARGET, f"{_prefix(field)}no user {user_id} {where}")
        return account

    def group(self, group_id: int, field: str | None = None) -> Group:
        """A group the bot is in."""
        group = self.groups.get(group_id) if isinstance(group_id, int) else None
        if group is None:
            raise ActionError(Retcode.NO_TARGET,
                              f"{_prefix(field)}the bot is not in group {group_id!r}")
        return group

    def member(self, group: Group, user_id: int, field: str | None = None) -> Member:
        """The membership of ``user_id`` in ``group``."""
        member = group.members.get(user_id) if isinstance(user_id, int) else None
        if member is None:
            who = f"user {user_id}" if field is None else f"{field}: {user_id!r}"
            raise ActionError(Retcode.NO_TARGET,
                              f"{who} is not a member of group {group.group_id}")
        return member

    def pending_request(self, flag: str, request_type: str) -> Request:
        """EVT-29: a flag is valid until it is handled once (102 after that)."""
        request = self.requests.get(flag)
        if request is None:
            raise ActionError(Retcode.NO_TARGET,
                              f"no pending request with flag {flag!r} (unknown or already handled)")
        if request.request_type != request_type:
            raise ActionError(Retcode.NO_TARGET, f"flag {flag!r} is a {request.request_type} "
                                                 f"request, not a {request_type} request")
        return request

    def new_flag(self) -> str:
        """A fresh flag (a request's, an anonymous speaker's), never one of an earlier run."""
        self._flag_count += 1
        return f"{self._flag_prefix}-{self._flag_count}"

    # --- what a role allows: 103 otherwise (RESP-9) ---------------------------------------
    def bot_role(self, group: Group) -> str:
        return group.members[self.self_id].role

    def require_role(self, group: Group, role: str, what: str) -> None:
        """The bot needs at least ``role`` in ``group`` to do ``what``."""
        mine = self.bot_role(group)
        if rank(mine) < rank(role):
            need = "the owner" if role == "owner" else "an admin or the owner"
            raise ActionError(Retcode.NOT_PERMITTED,
                              f"{what}: the bot is {mine} of group {group.group_id}; "
                              f"only {need} may do that")

    def require_outrank(self, group: Group, target: Member, what: str) -> None:
        """owner > admin > member: the bot acts only on members of a lower role."""
        mine = self.bot_role(group)
        if rank(mine) <= rank(target.role):
            raise ActionError(Retcode.NOT_PERMITTED,
                              f"{what}: the bot is {mine} of group {group.group_id} and user "
                              f"{target.user_id} is {target.role}; the bot must outrank the "
                              f"user (owner > admin > member)")

    def require_may_speak(self, group: Group, member: Member, now: int) -> None:
        """A banned member cannot speak in ``group``, nor a plain member during a whole-group
        ban (set_group_ban, set_group_whole_ban); the bot and the users alike."""
        is_bot = member.user_id == self.self_id
        if member.banned(now):
            who = "the bot" if is_bot else f"user {member.user_id}"
            raise ActionError(Retcode.NOT_PERMITTED,
                              f"{who} is banned in group {group.group_id} for "
                              f"{member.banned_until - now} more seconds")
        if group.whole_ban and member.role == "member":
            raise ActionError(Retcode.NOT_PERMITTED,
                              f"group {group.group_id} is under a whole-group ban"
                              + (" and the bot is a plain member" if is_bot else ""))

    # --- messages and events ---------------------------------------------------------------
    def publish(self, event: dict) -> dict:
        """Hand an event to the bus (under the lock, so events keep the order of the changes)."""
        self.counters["event_published"] += 1
        if self.bus is not None:
            self.bus.publish(event)
        return event

    def prepare(self, segments: list[dict], group_id: int | None, role: str) -> list[dict]:
        """The checks and rewrites of world/content.py (at, reply, media), before any change."""
        return content.prepare(segments, group_id, role, self.store, self.data_dir)

    def store_message(self, *, message_type: str, sub_type: str, user_id: int,
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
        self.message_stored.notify_all()
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


def _prefix(field: str | None) -> str:
    return "" if field is None else f"{field}: "
