"""The world change each injected notice or request implies, one function per event table
(event/notice.md, event/request.md), in :data:`APPLY`; and the facts each one is published
with (:func:`injected_facts`, world/facts.py).

Each function first checks the event against the world and only then changes it, so a refused
event is never half applied. A refusal is an ``ActionError`` naming the field: 100 the event
contradicts the world, 102 no such group, member or message, 103 the operator may not do that.
They run under the world's lock, called by ``UserSide.inject_event``; ``w`` is the world, and
the look-ups are the core's (world/core.py), given the event field that named the value.
"""

from __future__ import annotations

from ..protocol.response import ActionError, Retcode
from . import facts
from .core import WorldCore
from .files import GroupFile
from .model import Account, Group, Member, Request, rank


def group_upload(w: WorldCore, e: dict) -> None:
    """event/notice.md#群文件上传: a member uploads a file; it appears in the group's root
    folder (its bytes unknown; the same id again replaces it)."""
    group = w.group(e["group_id"], "group_id")
    w.member(group, e["user_id"], "user_id")
    for key, kind in (("id", str), ("name", str), ("size", int), ("busid", int)):
        if not isinstance(e["file"].get(key), kind):
            raise ActionError(Retcode.BAD_PARAMS, f"file.{key}: expected {kind.__name__} "
                                                  f"(event/notice.md#群文件上传)")
    file = e["file"]
    group.files.files[file["id"]] = GroupFile(file["id"], file["name"], max(file["size"], 0),
                                              "", "", e["user_id"], e["time"])


def group_admin(w: WorldCore, e: dict) -> None:
    """event/notice.md#群管理员变动: "set、unset" → the member becomes admin / member."""
    member = w.member(w.group(e["group_id"], "group_id"), e["user_id"], "user_id")
    if member.role == "owner":
        raise ActionError(Retcode.NOT_PERMITTED, f"user_id: {e['user_id']} is the owner; the "
                                                 f"owner's role cannot change")
    member.role = "admin" if e["sub_type"] == "set" else "member"
    w.notify("admin_change", e["group_id"], target_id=e["user_id"],
             operator_id=_owner(w, e["group_id"]), is_set=e["sub_type"] == "set")


def _owner(w: WorldCore, group_id: int) -> int:
    """Who changes a group's admins: its owner (the bot when the group lists none)."""
    members = w.groups[group_id].members.values()
    return next((m.user_id for m in members if m.role == "owner"), w.self_id)


def group_decrease(w: WorldCore, e: dict) -> None:
    """event/notice.md#群成员减少: the member leaves (the bot: the group disappears)."""
    group = w.group(e["group_id"], "group_id")
    member = w.member(group, e["user_id"], "user_id")
    if e["sub_type"] == "leave":
        if e["operator_id"] != e["user_id"]:
            raise ActionError(Retcode.BAD_PARAMS, "operator_id: must equal user_id for leave "
                                                  "(event/notice.md: \"如果是主动退群，则和 "
                                                  "user_id 相同\")")
        if member.role == "owner":
            raise ActionError(Retcode.NOT_PERMITTED, "user_id: the owner cannot leave the group")
    else:
        operator = w.member(group, e["operator_id"], "operator_id")
        if rank(operator.role) <= rank(member.role):
            raise ActionError(Retcode.NOT_PERMITTED, f"operator_id: a {operator.role} cannot "
                                                     f"kick a {member.role}")
    if e["user_id"] == w.self_id:
        del w.groups[group.group_id]
        return
    del group.members[e["user_id"]]
    if e["sub_type"] == "leave":
        w.notify("quit", group.group_id, target_id=e["user_id"])
    else:
        w.notify("kick", group.group_id, target_id=e["user_id"], operator_id=e["operator_id"])


def group_increase(w: WorldCore, e: dict) -> None:
    """event/notice.md#群成员增加: the user joins (the bot may join an unknown group)."""
    gid, uid, operator = e["group_id"], e["user_id"], e["operator_id"]
    group = w.groups.get(gid)
    if group is None and uid != w.self_id:
        raise ActionError(Retcode.NO_TARGET, f"group_id: the bot is not in group {gid}")
    if group is None and operator == uid:
        raise ActionError(Retcode.BAD_PARAMS, "operator_id: someone already in the group lets "
                                              "the bot in")
    if group is not None:
        w.member(group, operator, "operator_id")
        if uid in group.members:
            raise ActionError(Retcode.BAD_PARAMS, f"user_id: {uid} is already a member of "
                                                  f"group {gid}")
    if group is None:  # the bot joins a group the world did not know; the operator owns it
        group = w.groups[gid] = Group(gid)
        group.members[operator] = Member(operator, "owner", join_time=e["time"])
        w.accounts.setdefault(operator, Account(operator))
    w.accounts.setdefault(uid, Account(uid))
    group.members[uid] = Member(uid, join_time=e["time"])


def group_ban(w: WorldCore, e: dict) -> None:
    """event/notice.md#群禁言: the member is banned / lifted; user_id 0 = whole group (A-36)."""
    group = w.group(e["group_id"], "group_id")
    operator = w.member(group, e["operator_id"], "operator_id")
    banning = e["sub_type"] == "ban"
    if operator.role == "member":
        raise ActionError(Retcode.NOT_PERMITTED, "operator_id: a plain member cannot ban")
    if banning and e["duration"] <= 0:
        raise ActionError(Retcode.BAD_PARAMS, "duration: a ban needs a duration > 0 seconds")
    if e["user_id"] == 0:  # user_id 0 is the whole-group ban
        group.whole_ban = banning
        return
    member = w.member(group, e["user_id"], "user_id")
    if rank(operator.role) <= rank(member.role):
        raise ActionError(Retcode.NOT_PERMITTED, f"operator_id: a {operator.role} cannot ban "
                                                 f"a {member.role}")
    member.banned_until = e["time"] + e["duration"] if banning else 0


def friend_add(w: WorldCore, e: dict) -> None:
    """event/notice.md#好友添加: the user becomes a friend."""
    if e["user_id"] == w.self_id or e["user_id"] in w.friends:
        raise ActionError(Retcode.BAD_PARAMS, f"user_id: {e['user_id']} is already a friend "
                                              f"(or the bot)")
    w.accounts.setdefault(e["user_id"], Account(e["user_id"]))
    w.friends[e["user_id"]] = ""


def _recalled(w: WorldCore, e: dict, message_type: str) -> dict:
    record = w.store.get(e["message_id"])
    if record is None or record["recalled"] or record["message_type"] != message_type:
        raise ActionError(Retcode.NO_TARGET, f"message_id: no {message_type} message "
                                             f"{e['message_id']} to recall")
    return record


def group_recall(w: WorldCore, e: dict) -> None:
    """event/notice.md#群消息撤回: the sender (or someone above them) recalls it."""
    record = _recalled(w, e, "group")
    group = w.group(e["group_id"], "group_id")
    if record["group_id"] != e["group_id"] or record["user_id"] != e["user_id"]:
        raise ActionError(Retcode.BAD_PARAMS, f"message_id: message {e['message_id']} was not "
                                              f"sent by {e['user_id']} in group {e['group_id']}")
    if e["operator_id"] != e["user_id"]:
        operator = w.member(group, e["operator_id"], "operator_id")
        sender = group.members.get(e["user_id"]) or Member(e["user_id"])
        if rank(operator.role) <= rank(sender.role):
            raise ActionError(Retcode.NOT_PERMITTED, f"operator_id: a {operator.role} cannot "
                                                     f"recall a {sender.role}'s message")
    w.store.mark_recalled(e["message_id"])


def friend_recall(w: WorldCore, e: dict) -> None:
    """event/notice.md#好友消息撤回: the friend recalls their own message."""
    record = _recalled(w, e, "private")
    if record["from_self"] or record["user_id"] != e["user_id"]:
        raise ActionError(Retcode.BAD_PARAMS, f"message_id: message {e['message_id']} was not "
                                              f"sent by {e['user_id']}")
    w.store.mark_recalled(e["message_id"])


def poke(w: WorldCore, e: dict) -> None:
    """event/notice.md#群内戳一戳 / #群红包运气王: both users are members."""
    group = w.group(e["group_id"], "group_id")
    w.member(group, e["user_id"], "user_id")
    w.member(group, e["target_id"], "target_id")


lucky_king = poke


def honor(w: WorldCore, e: dict) -> None:
    """event/notice.md#群成员荣誉变更: the user is a member."""
    w.member(w.group(e["group_id"], "group_id"), e["user_id"], "user_id")


def friend_request(w: WorldCore, e: dict) -> None:
    """event/request.md#加好友请求: pending until handled once (EVT-29)."""
    if e["user_id"] == w.self_id or e["user_id"] in w.friends:
        raise ActionError(Retcode.BAD_PARAMS, f"user_id: {e['user_id']} is already a friend "
                                              f"(or the bot)")
    w.accounts.setdefault(e["user_id"], Account(e["user_id"]))
    _remember(w, e, "")


def group_request(w: WorldCore, e: dict) -> None:
    """event/request.md#加群请求邀请: add (join this group) or invite (the bot, elsewhere)."""
    gid, uid = e["group_id"], e["user_id"]
    if uid == w.self_id:
        raise ActionError(Retcode.BAD_PARAMS, "user_id: the bot cannot ask itself")
    if e["sub_type"] == "add":
        group = w.group(gid, "group_id")
        if uid in group.members:
            raise ActionError(Retcode.BAD_PARAMS, f"user_id: {uid} is already a member of "
                                                  f"group {gid}")
        if uid in group.rejected:
            raise ActionError(Retcode.NOT_PERMITTED, f"user_id: {uid} was kicked from group "
                                                     f"{gid} with reject_add_request")
    elif gid in w.groups:
        raise ActionError(Retcode.BAD_PARAMS, f"group_id: the bot is already in group {gid}")
    w.accounts.setdefault(uid, Account(uid))
    _remember(w, e, e["sub_type"])


def _remember(w: WorldCore, e: dict, sub_type: str) -> None:
    request = Request(e["flag"], e["request_type"], e["user_id"], sub_type,
                      e.get("group_id", 0), e["comment"], e["time"])
    w.requests[e["flag"]] = request
    w.remember_request(request)


#: event table name (protocol.events.SHAPES) -> its world change
APPLY = {
    "group_upload": group_upload,
    "group_admin": group_admin,
    "group_decrease": group_decrease,
    "group_increase": group_increase,
    "group_ban": group_ban,
    "friend_add": friend_add,
    "group_recall": group_recall,
    "friend_recall": friend_recall,
    "poke": poke,
    "lucky_king": lucky_king,
    "honor": honor,
    "friend_request": friend_request,
    "group_request": group_request,
}


def injected_facts(w: WorldCore, name: str, e: dict) -> dict:
    """The facts an injected event of table ``name`` is published with, read after its change
    (world/facts.py: the kind is the table's name)."""
    out: dict = {"kind": name}
    if name in ("group_recall", "friend_recall"):
        out.update(record=w.store.get(e["message_id"]),
                   operator_id=e.get("operator_id", e["user_id"]))
    elif name in ("friend_request", "group_request"):
        out["request"] = facts.request(w.requests[e["flag"]])
    elif name == "group_admin":
        out["operator_id"] = _owner(w, e["group_id"])
    elif name == "group_increase":
        invited = e["sub_type"] == "invite"
        out.update(invitor_id=e["operator_id"] if invited else None,
                   operator_id=None if invited else e["operator_id"])
    elif name == "group_upload":
        out["file"] = facts.group_file(e["group_id"],
                                       w.groups[e["group_id"]].files.files[e["file"]["id"]])
    return out
