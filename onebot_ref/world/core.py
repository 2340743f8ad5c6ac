"""WorldCore: what every side of the simulated QQ shares, written once.

The state (accounts, friends, groups, requests and their history, the groups' notifications,
pins, read marks, private files, the message store) and the one RLock around it; the clock; the
look-ups; the role and "may this member speak" checks; storing a message and publishing an
event with its facts (world/facts.py). The sides inherit it, so each module imports what it
calls:

    BotSide (world/bot.py), InfoSide (world/info.py)   what the bot does and reads: actions/
    RequestSide (world/requests.py)                    the requests, handled by flag or by seq
    ChatSide (world/chats.py), ProfileSide             conversations by seq, pins, reactions,
      (world/profile.py), GroupExtras                  nudges, profiles, announcements, essence
      (world/group_extras.py), FileSide                messages, group and private files
      (world/file_side.py)
    UserSide (world/users.py, world/injected.py,       what the other users do: the console
      world/injected_more.py)
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
from typing import TYPE_CHECKING, Any

from ..clock import ManualClock, RealClock
from ..protocol.coerce import parse_int
from ..protocol.message import is_forward, to_format
from ..protocol.response import ActionError, Retcode
from . import content, facts
from .config import WorldConfigError, build, validate_world_config
from .files import PrivateFile
from .model import Account, Group, Member, Notification, Request, rank
from .store import MessageStore

if TYPE_CHECKING:  # the bus knows no world; the world publishes on it
    from ..bus import Bus

#: How many requests and how many group notifications are kept (the oldest dropped first), so
#: that a long run or a fuzzer cannot grow them without end.
LOG_KEPT = 1000


class WorldCore:
    """The shared state and the operations every side builds on (see the module docstring)."""

    def __init__(self, world_config: dict | None = None, bus: Bus | None = None,
                 database: str | None = None, history_limit: int = 10000,
                 message_format: str = "string", data_dir: str | None = None,
                 clock: RealClock | ManualClock | None = None,
                 self_message_post_type: str | None = None):
        problems = validate_world_config(world_config)
        if problems:
            raise WorldConfigError(problems)
        #: The one lock around all of the state (re-entrant: an operation may call another).
        self.lock = threading.RLock()
        #: Notified whenever a message is stored (the console's long poll waits on it).
        self.message_stored = threading.Condition(self.lock)
        self.bus = bus
        self.message_format = message_format
        self.self_message_post_type = self_message_post_type  # None: the spec's (views.py)
        #: where media files sent as base64:// are saved (world/media.py); None: not saved
        self.data_dir = data_dir
        #: where every time the world reports comes from (onebot_ref/clock.py)
        self.clock = clock if clock is not None else RealClock()
        self._time = self.clock.time  # bound once: now() runs for every event
        me, self.accounts, self.friends, self.groups = build(world_config, self.now())
        self.self_id: int = me.user_id
        self.nickname: str = me.nickname
        self.store = MessageStore(database, history_limit)
        #: the pending requests by flag (what OneBot 11 handles: EVT-29)
        self.requests: dict[str, Request] = {}
        #: every request by seq, pending or handled (world/requests.py), oldest first
        self.request_log: dict[int, Request] = {}
        #: the groups' notifications (join requests, admin changes, kicks, quits), oldest first
        self.notifications: list[Notification] = []
        #: pinned chats, in pinning order: "friend" -> user ids, "group" -> group ids
        self.pins: dict[str, list[int]] = {"friend": [], "group": []}
        #: peer_key (world/store.py) -> the last peer_seq the bot has read there
        self.read_marks: dict[str, int] = {}
        #: files sent in private chats, by file_id
        self.private_files: dict[str, PrivateFile] = {}
        # A flag names this run too: flags of a previous run (pending requests are not kept)
        # are unknown, never confused with new ones (EVT-29). A manual clock's run is named by
        # its start time instead, so that its events are the same bytes every run.
        self._flag_prefix = (f"{self.clock.start_time:08x}" if isinstance(self.clock, ManualClock)
                             else secrets.token_hex(4))
        self._flag_count = 0
        self._seq_count = 0  # requests' and notifications' seqs
        self._id_count = 0  # files', folders' and announcements' ids
        self.likes: dict[tuple[int, str], int] = {}
        self.counters = {"message_received": 0, "message_sent": 0, "event_published": 0}

    def close(self) -> None:
        with self.lock:
            self.store.close()

    def now(self) -> int:
        """event/README.md: time "事件发生的时间戳" (EVT-1: int Unix seconds). The world's one
        clock: every time it stores or reports is read here (from ``clock``, see clock.py)."""
        return int(self._time())

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

    def new_id(self, prefix: str) -> str:
        """A fresh id for a file, a folder or an announcement: ``<prefix>-<n>``."""
        self._id_count += 1
        return f"{prefix}-{self._id_count}"

    def _next_seq(self) -> int:
        self._seq_count += 1
        return self._seq_count

    def remember_request(self, request: Request) -> Request:
        """Number a new request and keep it in the history; a join request or an invited join
        is also a notification of its group."""
        request.seq = self._next_seq()
        self.request_log[request.seq] = request
        while len(self.request_log) > LOG_KEPT:
            del self.request_log[next(iter(self.request_log))]
        kind = {"add": "join_request", "invited_join": "invited_join_request"}.get(
            request.sub_type if request.request_type == "group" else "")
        if kind is not None:  # numbered as its request: one seq names both
            self.notify(kind, request.group_id, seq=request.seq, request=request)
        return request

    def notify(self, kind: str, group_id: int, seq: int | None = None,
               **fields: Any) -> Notification:
        """Add a notification of ``group_id`` (world/model.py Notification)."""
        entry = Notification(seq or self._next_seq(), kind, group_id, self.now(), **fields)
        self.notifications.append(entry)
        del self.notifications[:-LOG_KEPT]
        return entry

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
    def publish(self, event: dict, facts: dict | None = None) -> dict:
        """Hand an event and its facts (world/facts.py) to the bus, under the lock, so events
        keep the order of the changes."""
        self.counters["event_published"] += 1
        if self.bus is not None:
            self.bus.publish(event, facts)
        return event

    def publish_facts(self, facts: dict) -> None:
        """A change OneBot 11 has no event for: a facts-only item, which no OneBot 11 sink sees
        (bus.py) and no OneBot 11 counter counts; none while no sink asks for facts."""
        if self.bus is not None and self.bus.wants_facts:
            self.bus.publish(None, facts)

    def publish_message(self, event: dict | None, record: dict) -> dict | None:
        """Publish a stored message: its OneBot 11 event (None for the bot's own message unless a
        profile reports it, views.self_message_event) with the message's facts, built only when
        a sink asks for facts (a received message is the hot path)."""
        wanted = self.bus is not None and self.bus.wants_facts
        if event is None:
            if wanted:
                self.bus.publish(None, self.message_facts(record))
            return None
        return self.publish(event, self.message_facts(record) if wanted else None)

    def message_facts(self, record: dict) -> dict:
        """The facts of a stored message (world/facts.py, kind ``message``): the record, and
        the peer, group and sender as they are now."""
        return facts.message(record, self.accounts, self.friends, self.groups, self.now())

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
                # an int32 message id: protocol/message.validate_outgoing checked it (BAD-3)
                number = parse_int(str(data["id"]))
                stored = self.store.get(number) if number is not None else None
                if stored is None:
                    raise ActionError(Retcode.NO_TARGET,
                                      f"node id {data['id']!r}: no such message to forward")
                data = {"user_id": str(stored["user_id"]),
                        "nickname": stored["sender"].get("nickname", ""),
                        "content": stored["message"]}
            resolved.append({"type": "node", "data": dict(data)})
        return self.store.add_forward(resolved, self.now())


def _prefix(field: str | None) -> str:
    return "" if field is None else f"{field}: "
