"""What the bot does to the world: send and recall messages, manage groups, handle requests.

Built on :class:`~onebot_ref.world.core.WorldCore` (its look-ups and role checks). Every method
takes the lock, raises ``ActionError`` (102 no such target, 103 the bot's role does not allow
it, RESP-9) before changing anything, and publishes the event the change implies (API-39)
with its facts (world/facts.py); a change OneBot 11 has no event for (the bot's own message,
a group renamed) is a facts-only item. Parameter sanity (ids > 0, durations >= 0: PARAM-15) is
checked by the actions. Requests are handled in world/requests.py.
"""

from __future__ import annotations

import time as _time

from ..protocol import events
from ..protocol.response import ActionError, Retcode
from . import views
from .core import WorldCore
from .model import Group, Member

#: Duration reported for a whole-group ban, which has no end (onebot_ref choice; A-36 only
#: fixes user_id 0). 0x0FFFFFFF seconds is QQ's "forever".
WHOLE_BAN_DURATION = 0x0FFFFFFF
#: api/public.md#send_like: "每个好友每天最多 10 次"
LIKES_PER_DAY = 10


class BotSide(WorldCore):
    """The bot's operations; see world/__init__.py for the list."""

    # --- messages ------------------------------------------------------------------------------
    def send_private(self, user_id: int, segments: list[dict]) -> int:
        """Send a private message (api/public.md#send_private_msg); returns its message_id.
        A friend gets a friend message; a non-friend sharing a group with the bot gets a
        temporary session (sub_type ``group``); anyone else is unreachable (102)."""
        with self.lock:
            if user_id == self.self_id:
                raise ActionError(Retcode.NO_TARGET, "user_id is the bot itself")
            self.account(user_id)
            if user_id in self.friends:
                sub_type, source = "friend", None
            else:
                source = next((g.group_id for g in self.groups.values()
                               if user_id in g.members), None)
                if source is None:
                    raise ActionError(Retcode.NO_TARGET,
                                      f"user {user_id} is not a friend of the bot and shares no "
                                      f"group with it (no temporary session possible)")
                sub_type = "group"
            segments = self.prepare(segments, None, "member")
            me = self.accounts[self.self_id]
            record = self.store_message(message_type="private", sub_type=sub_type,
                                        user_id=self.self_id, segments=segments,
                                        sender=views.private_sender(me), from_self=True,
                                        group_id=source, target_id=user_id)
            self.publish_message(views.self_message_event(  # None, or a profile's message_sent
                self.self_id, record, self.self_message_post_type), record)
            return record["seq"]

    def send_group(self, group_id: int, segments: list[dict]) -> int:
        """Send a group message (api/public.md#send_group_msg); a banned bot cannot speak, nor
        a plain member during a whole-group ban (103)."""
        with self.lock:
            group = self.group(group_id)
            me = group.members[self.self_id]
            self.require_may_speak(group, me, self.now())
            segments = self.prepare(segments, group_id, me.role)
            sender = views.group_sender(self.accounts[self.self_id], me)
            record = self.store_message(message_type="group", sub_type="normal",
                                        user_id=self.self_id, segments=segments,
                                        sender=sender, from_self=True, group_id=group_id)
            me.last_sent_time = record["time"]
            self.publish_message(views.self_message_event(  # None, or a profile's message_sent
                self.self_id, record, self.self_message_post_type), record)
            return record["seq"]

    def get_message(self, message_id: int) -> dict:
        """The stored record of a message (102 when unknown, dropped or recalled)."""
        with self.lock:
            record = self.store.get(message_id)
            if record is None:
                raise ActionError(Retcode.NO_TARGET, f"no message {message_id} (unknown, or "
                                                     f"older than the history kept)")
            if record["recalled"]:
                raise ActionError(Retcode.NO_TARGET, f"message {message_id} was recalled")
            return record

    def get_forward(self, forward_id: str) -> list[dict]:
        """The node segments of a merged forward (api/public.md#get_forward_msg)."""
        with self.lock:
            nodes = self.store.get_forward(forward_id)
            if nodes is None:
                raise ActionError(Retcode.NO_TARGET, f"no merged forward {forward_id!r}")
            return nodes

    def delete_message(self, message_id: int) -> None:
        """Recall a message (api/public.md#delete_msg): its own messages always; in a group,
        another's message when the bot outranks the sender. Publishes group_recall (EVT-21) or
        friend_recall (EVT-22, user_id = the friend of the conversation)."""
        with self.lock:
            record = self.get_message(message_id)
            if record["message_type"] == "group":
                group = self.group(record["group_id"])
                sender = record["user_id"]
                if sender != self.self_id:
                    # an anonymous sender, or one who left: a plain member
                    target = group.members.get(sender) or Member(sender)
                    self.require_outrank(group, target, f"recall message {message_id}")
                self.store.mark_recalled(message_id)
                self.publish(events.group_recall(
                    self.self_id, self.now(), group_id=group.group_id, user_id=sender,
                    operator_id=self.self_id, message_id=message_id),
                    {"kind": "group_recall", "record": record, "operator_id": self.self_id})
                return
            if not record["from_self"]:
                raise ActionError(Retcode.NOT_PERMITTED,
                                  f"recall message {message_id}: a private message can only be "
                                  f"recalled by its sender")
            self.store.mark_recalled(message_id)
            self.publish(events.friend_recall(self.self_id, self.now(),
                                              user_id=record["target_id"],
                                              message_id=message_id),
                         {"kind": "friend_recall", "record": record,
                          "operator_id": self.self_id})

    def send_like(self, user_id: int, times: int) -> None:
        """api/public.md#send_like: "每个好友每天最多 10 次" (more: 103)."""
        with self.lock:
            if user_id not in self.friends:
                self.account(user_id)
                raise ActionError(Retcode.NO_TARGET, f"user {user_id} is not a friend of the bot")
            day = _time.strftime("%Y-%m-%d", _time.localtime(self.now()))
            given = self.likes.get((user_id, day), 0)
            if given + times > LIKES_PER_DAY:
                raise ActionError(Retcode.NOT_PERMITTED,
                                  f"send_like: at most {LIKES_PER_DAY} likes per friend per day "
                                  f"({given} given today to {user_id})")
            self.likes[(user_id, day)] = given + times

    # --- group management ----------------------------------------------------------------------
    def _other_member(self, group_id: int, user_id: int, what: str) -> tuple[Group, Member]:
        """The group and the member the bot acts on; never the bot itself (100)."""
        group = self.group(group_id)
        if user_id == self.self_id:
            raise ActionError(Retcode.BAD_PARAMS, f"{what}: user_id is the bot itself")
        return group, self.member(group, user_id)

    def kick(self, group_id: int, user_id: int, reject_add_request: bool = False) -> None:
        """api/public.md#set_group_kick; publishes group_decrease kick (EVT-17)."""
        with self.lock:
            group, target = self._other_member(group_id, user_id, "set_group_kick")
            self.require_outrank(group, target, "set_group_kick")
            del group.members[user_id]
            if reject_add_request:  # "拒绝此人的加群请求": later join requests are refused
                group.rejected.add(user_id)
            self.notify("kick", group_id, target_id=user_id, operator_id=self.self_id)
            self.publish(events.group_decrease(self.self_id, self.now(), sub_type="kick",
                                               group_id=group_id, operator_id=self.self_id,
                                               user_id=user_id), {"kind": "group_decrease"})

    def ban(self, group_id: int, user_id: int, duration: int) -> None:
        """api/public.md#set_group_ban: "0 表示取消禁言"; publishes group_ban (EVT-19)."""
        with self.lock:
            group, target = self._other_member(group_id, user_id, "set_group_ban")
            self.require_outrank(group, target, "set_group_ban")
            now = self.now()
            target.banned_until = now + duration if duration else 0
            self.publish(events.group_ban(
                self.self_id, now, sub_type="ban" if duration else "lift_ban",
                group_id=group_id, operator_id=self.self_id, user_id=user_id,
                duration=duration), {"kind": "group_ban"})

    def anonymous_ban(self, group_id: int, flag: str, duration: int) -> None:
        """api/public.md#set_group_anonymous_ban: "无法取消匿名用户禁言". The flag must come from
        an anonymous message of this group (102). No notice: the anonymous user has no id."""
        with self.lock:
            group = self.group(group_id)
            self.require_role(group, "admin", "set_group_anonymous_ban")
            anonymous = group.anonymous_users.get(flag)
            if anonymous is None:
                raise ActionError(Retcode.NO_TARGET, f"no anonymous user with flag {flag!r} "
                                                     f"spoke in group {group_id}")
            anonymous["banned_until"] = self.now() + duration

    def whole_ban(self, group_id: int, enable: bool) -> None:
        """api/public.md#set_group_whole_ban; publishes group_ban with user_id 0 (A-36)."""
        with self.lock:
            group = self.group(group_id)
            self.require_role(group, "admin", "set_group_whole_ban")
            if group.whole_ban == enable:
                return
            group.whole_ban = enable
            self.publish(events.group_ban(
                self.self_id, self.now(), sub_type="ban" if enable else "lift_ban",
                group_id=group_id, operator_id=self.self_id, user_id=0,
                duration=WHOLE_BAN_DURATION if enable else 0), {"kind": "group_ban"})

    def set_admin(self, group_id: int, user_id: int, enable: bool) -> None:
        """api/public.md#set_group_admin (owner only); publishes group_admin (EVT-16)."""
        with self.lock:
            group, target = self._other_member(group_id, user_id, "set_group_admin")
            self.require_role(group, "owner", "set_group_admin")
            role = "admin" if enable else "member"
            if target.role == role:
                return
            target.role = role
            self.notify("admin_change", group_id, target_id=user_id, operator_id=self.self_id,
                        is_set=enable)
            self.publish(events.group_admin(self.self_id, self.now(),
                                            sub_type="set" if enable else "unset",
                                            group_id=group_id, user_id=user_id),
                         {"kind": "group_admin", "operator_id": self.self_id})

    def set_anonymous(self, group_id: int, enable: bool) -> None:
        """api/public.md#set_group_anonymous: "是否允许匿名聊天" (admin or owner)."""
        with self.lock:
            group = self.group(group_id)
            self.require_role(group, "admin", "set_group_anonymous")
            group.anonymous = enable

    def set_card(self, group_id: int, user_id: int, card: str) -> None:
        """api/public.md#set_group_card: its own card always, others' when it outranks them."""
        with self.lock:
            group = self.group(group_id)
            target = self.member(group, user_id)
            if user_id != self.self_id:
                self.require_outrank(group, target, "set_group_card")
            target.card = card  # "不填或空字符串表示删除群名片"

    def set_group_name(self, group_id: int, group_name: str) -> None:
        """api/public.md#set_group_name (admin or owner). OneBot 11 has no event for it: a
        facts-only item (group_name)."""
        with self.lock:
            group = self.group(group_id)
            self.require_role(group, "admin", "set_group_name")
            group.group_name = group_name
            self.publish_facts({"kind": "group_name", "group_id": group_id,
                                "group_name": group_name, "operator_id": self.self_id,
                                "time": self.now()})

    def leave(self, group_id: int, is_dismiss: bool) -> None:
        """api/public.md#set_group_leave: "如果登录号是群主，则仅在此项为 true 时能够解散"; the group
        disappears from the bot's world; publishes group_decrease leave for the bot."""
        with self.lock:
            group = self.group(group_id)
            if self.bot_role(group) == "owner" and not is_dismiss:
                raise ActionError(Retcode.NOT_PERMITTED,
                                  f"set_group_leave: the bot owns group {group_id}; the owner "
                                  f"can only dismiss it (is_dismiss=true)")
            del self.groups[group_id]
            self.publish(events.group_decrease(self.self_id, self.now(), sub_type="leave",
                                               group_id=group_id, operator_id=self.self_id,
                                               user_id=self.self_id), {"kind": "group_decrease"})

    def set_special_title(self, group_id: int, user_id: int, title: str, duration: int) -> None:
        """api/public.md#set_group_special_title (owner only); duration -1 = permanent."""
        with self.lock:
            group = self.group(group_id)
            target = self.member(group, user_id)
            self.require_role(group, "owner", "set_group_special_title")
            target.title = title
            target.title_expire_time = self.now() + duration if title and duration > 0 else 0
