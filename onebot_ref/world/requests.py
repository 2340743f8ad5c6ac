"""Requests: handled by flag (OneBot 11) or by seq (a request's number), and kept with their state.

Built on :class:`~onebot_ref.world.core.WorldCore`. A request arrives pending (an injected
event, world/injected.py; an invited join, world/injected_more.py) with a flag and a seq
(``remember_request``); it is handled once (EVT-29: its flag is unknown after that, 102) and
stays in ``request_log`` as accepted or rejected, with who handled it. A join request and an
invited join are also notifications of their group, numbered by the request's seq; admin
changes, kicks and quits are notifications too (world/bot.py, world/injected.py). MLK-44/45.

    handle_friend_request(flag, approve, remark)            OneBot 11's, by flag
    handle_group_request(flag, sub_type, approve, reason)
    friend_requests(limit, is_filtered) -> [request facts]    newest first
    handle_friend_request_from(uid, is_filtered, approve, reason)   the newest pending one
    group_notifications(start_seq, is_filtered, limit) -> ([notification facts], next seq)
    handle_group_notification(seq, kind, group_id, is_filtered, approve, reason)
    handle_invitation(group_id, seq, approve)

The simulated QQ filters no request (none comes "from a risky account"): asking for the
filtered ones finds none.
"""

from __future__ import annotations

from ..protocol import events
from ..protocol.response import ActionError, Retcode
from . import facts
from .core import WorldCore
from .model import Group, Member, Request

#: A notification's kind -> the sub_type of the group request it stands for.
_REQUEST_KINDS = {"join_request": "add", "invited_join_request": "invited_join"}


class RequestSide(WorldCore):
    """The bot's handling of requests; see the module docstring."""

    # --- by flag (EVT-29: a flag is valid until handled once) -------------------------------
    def handle_friend_request(self, flag: str, approve: bool, remark: str,
                              reason: str = "") -> None:
        """api/public.md#set_friend_add_request; approving publishes friend_add (EVT-20)."""
        with self.lock:
            request = self.pending_request(flag, "friend")
            del self.requests[flag]
            self._handled(request, approve, reason)
            if approve and request.user_id not in self.friends:
                self.friends[request.user_id] = remark
                self.publish(events.friend_add(self.self_id, self.now(),
                                               user_id=request.user_id),
                             {"kind": "friend_add"})

    def handle_group_request(self, flag: str, sub_type: str, approve: bool, reason: str) -> None:
        """api/public.md#set_group_add_request: ``sub_type`` "需要和上报消息中的 sub_type 字段相符"
        (100 otherwise). Approving a join (admin or owner) or an invitation publishes
        group_increase approve / invite (EVT-18). ``reason`` is only shown when rejecting."""
        with self.lock:
            request = self.pending_request(flag, "group")
            if sub_type != request.sub_type:
                raise ActionError(Retcode.BAD_PARAMS,
                                  f"sub_type {sub_type!r} does not match the request's "
                                  f"{request.sub_type!r}")
            now = self.now()
            if request.sub_type == "add":
                group = self.group(request.group_id)
                self.require_role(group, "admin", "set_group_add_request")
                if approve and len(group.members) >= group.max_member_count:
                    raise ActionError(Retcode.NOT_PERMITTED,
                                      f"group {group.group_id} is full "
                                      f"({group.max_member_count} members)")
                del self.requests[flag]
                self._handled(request, approve, reason)
                if approve and request.user_id not in group.members:
                    group.members[request.user_id] = Member(request.user_id, join_time=now)
                    self.publish(events.group_increase(
                        self.self_id, now, sub_type="approve", group_id=group.group_id,
                        operator_id=self.self_id, user_id=request.user_id),
                        {"kind": "group_increase", "operator_id": self.self_id,
                         "invitor_id": None})
                return
            del self.requests[flag]
            self._handled(request, approve, reason)
            if approve and request.group_id not in self.groups:
                # The bot joins: the inviter is the only other member the world knows of.
                group = Group(request.group_id, created_time=now)
                group.members[request.user_id] = Member(request.user_id, join_time=now)
                group.members[self.self_id] = Member(self.self_id, join_time=now)
                self.groups[group.group_id] = group
                self.publish(events.group_increase(
                    self.self_id, now, sub_type="invite", group_id=group.group_id,
                    operator_id=request.user_id, user_id=self.self_id),
                    {"kind": "group_increase", "operator_id": None,
                     "invitor_id": request.user_id})

    def _handled(self, request: Request, approve: bool, reason: str) -> None:
        request.state = "accepted" if approve else "rejected"
        request.operator_id = self.self_id
        request.reason = "" if approve else reason

    # --- by seq -----------------------------------------------------------------------------
    def friend_requests(self, limit: int, is_filtered: bool) -> list[dict]:
        """The newest ``limit`` friend requests (any state), filtered or not."""
        with self.lock:
            found = [r for r in reversed(self.request_log.values())
                     if r.request_type == "friend" and r.is_filtered == is_filtered]
            return [facts.request(r) for r in found[:max(limit, 0)]]

    def handle_friend_request_from(self, uid: str, is_filtered: bool, approve: bool,
                                   reason: str = "") -> None:
        """Handle the newest pending friend request of the user whose uid is ``uid``."""
        with self.lock:
            request = next((r for r in reversed(self.request_log.values())
                            if r.request_type == "friend" and r.state == "pending"
                            and f"u_{r.user_id}" == uid and r.is_filtered == is_filtered),
                           None)
            if request is None:
                shown = uid if len(uid) <= 40 else uid[:40] + "..."
                raise ActionError(Retcode.NO_TARGET,
                                  f"initiator_uid: no pending {_filtered(is_filtered)}friend "
                                  f"request from {shown!r}")
            self.handle_friend_request(request.flag, approve, "", reason)

    def group_notifications(self, start_seq: int | None, is_filtered: bool,
                            limit: int) -> tuple[list[dict], int | None]:
        """Up to ``limit`` notifications numbered ``start_seq`` or lower (None: from the
        newest), newest first, and the seq the next page starts at (None: no more)."""
        with self.lock:
            found = [n for n in reversed(self.notifications)
                     if (start_seq is None or n.seq <= start_seq)
                     and (n.request.is_filtered if n.request else False) == is_filtered]
            page = found[:max(limit, 0)]
            following = found[len(page)].seq if len(found) > len(page) else None
            return [facts.notification(n) for n in page], following

    def handle_group_notification(self, seq: int, kind: str, group_id: int,
                                  is_filtered: bool, approve: bool, reason: str = "") -> None:
        """Handle the pending join request or invited join numbered ``seq``; every part of the
        reference must match (102 otherwise)."""
        with self.lock:
            request = self._pending_by_seq(seq, _REQUEST_KINDS.get(kind, ""), group_id,
                                           "notification_seq")
            if request.is_filtered != is_filtered:
                raise ActionError(Retcode.NO_TARGET, f"is_filtered: request {seq} is "
                                                     f"{_filtered(request.is_filtered).strip()}")
            if request.sub_type == "add":
                self.handle_group_request(request.flag, "add", approve, reason)
            else:
                self._handle_invited_join(request, approve, reason)

    def handle_invitation(self, group_id: int, seq: int, approve: bool) -> None:
        """Accept or refuse the pending invitation of the bot numbered ``seq``."""
        with self.lock:
            request = self._pending_by_seq(seq, "invite", group_id, "invitation_seq")
            self.handle_group_request(request.flag, "invite", approve, "")

    def _pending_by_seq(self, seq: int, sub_type: str, group_id: int, field: str) -> Request:
        request = self.request_log.get(seq)
        if (request is None or request.request_type != "group" or request.sub_type != sub_type
                or request.group_id != group_id):
            what = {"add": "join request", "invite": "invitation",
                    "invited_join": "invited join request"}.get(sub_type, "request")
            raise ActionError(Retcode.NO_TARGET, f"{field}: no {what} {seq} of group "
                                                 f"{group_id}")
        if request.state != "pending":
            raise ActionError(Retcode.NO_TARGET, f"{field}: request {seq} was already "
                                                 f"handled ({request.state})")
        return request

    def _handle_invited_join(self, request: Request, approve: bool, reason: str) -> None:
        """A member invited ``target_id``: an admin or the owner lets them in (group_increase
        invite, the inviter as its operator) or not."""
        group = self.group(request.group_id)
        self.require_role(group, "admin", "accept_group_request")
        if approve and len(group.members) >= group.max_member_count:
            raise ActionError(Retcode.NOT_PERMITTED, f"group {group.group_id} is full "
                                                     f"({group.max_member_count} members)")
        self.requests.pop(request.flag, None)
        self._handled(request, approve, reason)
        if approve and request.target_id not in group.members:
            now = self.now()
            group.members[request.target_id] = Member(request.target_id, join_time=now)
            self.publish(events.group_increase(
                self.self_id, now, sub_type="invite", group_id=group.group_id,
                operator_id=request.user_id, user_id=request.target_id),
                {"kind": "group_increase", "operator_id": self.self_id,
                 "invitor_id": request.user_id})


def _filtered(is_filtered: bool) -> str:
    return "filtered " if is_filtered else "unfiltered "
