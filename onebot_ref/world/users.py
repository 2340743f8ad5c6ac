"""What the other QQ users do (the console plays them): send messages, and everything else as an
injected event that changes the world the way it says.

Built on :class:`~onebot_ref.world.core.WorldCore`, with the bot's error type: a refusal is an
``ActionError`` (100 bad input, 102 no such user/group/member/message, 103 not allowed; the
console answers 400 with its message) naming the field, and everything is checked before
anything changes: a refused event is never half applied. The look-ups are the core's, given the
field name that the console's answers start with.
"""

from __future__ import annotations

from typing import Any

from ..protocol import cqcode, events
from ..protocol.message import normalize, validate_outgoing
from ..protocol.response import ActionError, Retcode
from . import views
from .core import WorldCore
from .injected import APPLY, injected_facts
from .model import ANONYMOUS_USER_ID, Account, Group

_MESSAGE_KEYS = {"post_type", "message_type", "sub_type", "user_id", "group_id", "message",
                 "anonymous", "time", "self_id"}


class UserSide(WorldCore):
    """The other users' operations; see world/__init__.py."""

    # --- messages --------------------------------------------------------------------------
    def _store_inbound(self, **record: Any) -> dict:
        try:
            return self.store_message(**record)
        except ActionError as err:  # a forwarded node naming no stored message
            raise ActionError(err.retcode, f"message: {err.message}") from None

    def _inbound(self, message: Any, group_id: int | None = None,
                 role: str = "member") -> list[dict]:
        """The message a user sends, checked as the bot's are (segment table, then at, reply
        and media: world/content.py) before anything changes."""
        try:
            segments = normalize(message)
            validate_outgoing(segments)
            return self.prepare(segments, group_id, role)
        except ActionError as err:
            raise ActionError(err.retcode, f"message: {err.message}") from None

    def _speaker(self, user_id: Any) -> Account:
        """The account of the user who speaks: another user of the world, never the bot."""
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            raise ActionError(Retcode.BAD_PARAMS, f"user_id: expected an integer, got {user_id!r}")
        if user_id == self.self_id:
            raise ActionError(Retcode.BAD_PARAMS, f"user_id: {user_id} is the bot itself")
        return self.account(user_id, "user_id")

    def receive_private_message(self, user_id: int, message: Any,
                                group_id: int | None = None) -> dict:
        """A user sends the bot a private message: ``sub_type`` friend (a friend), group (a
        temporary session from ``group_id``) or other (event/message.md#私聊消息). Returns the
        published event; its ``message_id`` is readable by get_msg."""
        with self.lock:
            account = self._speaker(user_id)
            segments = self._inbound(message)
            if group_id is not None:
                self.member(self.group(group_id, "group_id"), user_id, "user_id")
                sub_type = "group"
            else:
                sub_type = "friend" if user_id in self.friends else "other"
            record = self._store_inbound(message_type="private", sub_type=sub_type,
                                         user_id=user_id, segments=segments,
                                         sender=views.private_sender(account), from_self=False,
                                         group_id=group_id, target_id=user_id)
            return self.publish_message(self._message_event(record), record)

    def receive_group_message(self, group_id: int, user_id: int, message: Any,
                              anonymous: Any = None) -> dict:
        """A member speaks in a group (event/message.md#群消息). ``anonymous``: None, true, or
        ``{"name": ...}`` to speak anonymously where the group allows it (sub_type anonymous,
        user_id 80000000: EVT-11)."""
        with self.lock:
            group = self.group(group_id, "group_id")
            account = self._speaker(user_id)
            member = self.member(group, user_id, "user_id")
            speaks_anonymously = anonymous is not None and anonymous is not False
            # an anonymous speaker has no role: a plain member (no @全体成员)
            segments = self._inbound(message, group_id,
                                     "member" if speaks_anonymously else member.role)
            now = self.now()
            if speaks_anonymously:
                anon = self._anonymous_identity(group, user_id, anonymous, now)
                sender, sub_type, speaker = views.anonymous_sender(anon), "anonymous", \
                    ANONYMOUS_USER_ID
            else:
                self.require_may_speak(group, member, now)
                anon, sub_type, speaker = None, "normal", user_id
                sender = views.group_sender(account, member)
                member.last_sent_time = now
            record = self._store_inbound(message_type="group", sub_type=sub_type,
                                         user_id=speaker, segments=segments, sender=sender,
                                         from_self=False, group_id=group_id, anonymous=anon)
            return self.publish_message(self._message_event(record), record)

    def _anonymous_identity(self, group: Group, user_id: int, anonymous: Any, now: int) -> dict:
        """event/message.md anonymous: id, name, flag ("在调用禁言 API 时需要传入")."""
        if not group.anonymous:
            raise ActionError(Retcode.NOT_PERMITTED,
                              f"anonymous: group {group.group_id} does not allow anonymous "
                              f"chat (set_group_anonymous)")
        name = anonymous.get("name") if isinstance(anonymous, dict) else None
        if anonymous is not True and not (isinstance(anonymous, dict) and
                                          isinstance(name, (str, type(None)))):
            raise ActionError(Retcode.BAD_PARAMS,
                              f"anonymous: expected true or {{\"name\": str}}, "
                              f"got {anonymous!r}")
        for flag, known in group.anonymous_users.items():
            if known["user_id"] == user_id and name in (None, known["name"]):
                if known["banned_until"] > now:
                    raise ActionError(Retcode.NOT_PERMITTED,
                                      f"anonymous user {known['name']!r} is banned in "
                                      f"group {group.group_id}")
                return {"id": known["id"], "name": known["name"], "flag": flag}
        flag = self.new_flag()
        anon_id = 1000000 + sum(len(g.anonymous_users) for g in self.groups.values()) + 1
        group.anonymous_users[flag] = {"id": anon_id, "name": name or f"匿名者{anon_id % 1000}",
                                       "user_id": user_id, "banned_until": 0}
        return {"id": anon_id, "name": group.anonymous_users[flag]["name"], "flag": flag}

    def _message_event(self, record: dict) -> dict:
        """The message event of a stored message received from another user."""
        return views.message_event(self.self_id, record)

    # --- injected events ---------------------------------------------------------------------
    def inject_event(self, partial: dict) -> dict:
        """Publish any message, notice or request event given as a partial event: ``time``,
        ``self_id`` and (for requests) a fresh ``flag`` are filled in, the fields are checked
        against the spec table, the world change the event implies is applied, and the full
        event is returned."""
        if not isinstance(partial, dict):
            raise ActionError(Retcode.BAD_PARAMS, f"event: expected an object, got {partial!r}")
        with self.lock:
            if partial.get("post_type") == "message":
                return self._inject_message(partial)
            if partial.get("post_type") == "meta_event":
                raise ActionError(Retcode.BAD_PARAMS,
                                  "post_type: meta events (lifecycle, heartbeat) are produced "
                                  "by onebot_ref itself")
            try:
                return self._inject_notice_or_request(dict(partial))
            except events.EventError as err:  # the event tables' own words (protocol/events.py)
                raise ActionError(Retcode.BAD_PARAMS, str(err)) from None

    def _inject_notice_or_request(self, fields: dict) -> dict:
        shape = events.shape_of(fields)
        time = fields.pop("time", self.now())
        if fields.pop("self_id", self.self_id) != self.self_id:
            raise ActionError(Retcode.BAD_PARAMS,
                              f"self_id: expected the bot's id {self.self_id} or none")
        for key in ("post_type", shape.kind_key):
            fields.pop(key)
        sub_type = fields.pop("sub_type", shape.sub_types[0] if len(shape.sub_types) == 1
                              else None)
        if shape.post_type == "request":
            fields["flag"] = self.new_flag()
            # A-45: the comment is sent CQ-escaped, as legacy does (EVT-28)
            fields["comment"] = cqcode.escape(str(fields.get("comment", "")))
        if shape.kind == "group_decrease" and sub_type == "leave":
            fields.setdefault("operator_id", fields.get("user_id"))
        if shape.kind == "group_ban" and sub_type == "lift_ban":
            fields.setdefault("duration", 0)
        event = events.build(shape, self.self_id, time, sub_type, **fields)
        APPLY[shape.name](self, event)  # checks everything first, then changes the world
        return self.publish(event, injected_facts(self, shape.name, event))

    def _inject_message(self, partial: dict) -> dict:
        unknown = sorted(set(partial) - _MESSAGE_KEYS)
        if unknown:
            raise ActionError(Retcode.BAD_PARAMS,
                              f"{unknown[0]}: not accepted in an injected message event "
                              f"(message_id, raw_message, sender and font are filled in)")
        kind = partial.get("message_type")
        if kind == "private":
            group_id = partial.get("group_id") if partial.get("sub_type") == "group" else None
            return self.receive_private_message(partial.get("user_id"), partial.get("message"),
                                                group_id)
        if kind == "group":
            return self.receive_group_message(partial.get("group_id"), partial.get("user_id"),
                                              partial.get("message"), partial.get("anonymous"))
        raise ActionError(Retcode.BAD_PARAMS,
                          f"message_type: expected private or group, got {kind!r}")
