"""Quick operations: what an event's quick-operation object asks for, as a list of action calls.

Spec: communication/http-post.md#快速操作, event/README.md#快速操作, event/message.md#快速操作,
event/request.md#快速操作, api/hidden.md (QOP-*, HID-*).

Pure: :func:`plan` reads the event (``context``) and the operation and returns the actions to
run, in order, as ``(action, params)`` pairs; the caller runs each through ``actions.call`` (the
same code the API uses), so a quick reply is an ordinary ``send_msg``. Each event table's fields
are one signature below (``_private_message`` ...), read by :func:`~.coerce.bind`, so the field
types, their coercion (QOP-16/17) and their defaults are the spec's table and nothing else.

onebot_ref choices where the spec is silent (for the README):

- A field that is present but unreadable (``"ban": "maybe"``) fails the whole operation with
  retcode 100 naming the field, before anything runs (as any action parameter would, PARAM-*).
- A message context without ``message_type`` counts as a group message when it has ``group_id``.
"""

from __future__ import annotations

import inspect
from typing import Any

from . import cqcode
from .coerce import Message, Params, Seconds, bind
from .response import ActionError, Retcode

#: event/message.md#群消息: "ban_duration | number | 禁言时长 | 30 分钟" (seconds, QOP-2)
DEFAULT_BAN_DURATION = 30 * 60


# --- the quick-operation tables, one per event table (field, type, default) ---------------

def _private_message(_, reply: Message | None = None, auto_escape: bool = False) -> None:
    """event/message.md#私聊消息 快速操作 (QOP-1)."""


def _group_message(_, reply: Message | None = None, auto_escape: bool = False,
                   at_sender: bool = True, delete: bool = False, kick: bool = False,
                   ban: bool = False, ban_duration: Seconds = DEFAULT_BAN_DURATION) -> None:
    """event/message.md#群消息 快速操作 (QOP-2): "at_sender ... 默认情况: at 发送者"."""


def _friend_request(_, approve: bool | None = None, remark: str | None = None) -> None:
    """event/request.md#加好友请求 快速操作 (QOP-3)."""


def _group_request(_, approve: bool | None = None, reason: str | None = None) -> None:
    """event/request.md#加群请求邀请 快速操作 (QOP-4)."""


# --- planning -------------------------------------------------------------------------------

def plan(context: Any, operation: Any) -> list[tuple[str, dict]]:
    """The actions that carry out ``operation`` on the event ``context``, in execution order.

    Only ``post_type``, ``message_type``, ``user_id``, ``group_id``, ``message_id``,
    ``anonymous``, ``request_type``, ``sub_type`` and ``flag`` of the context are read, so a
    trimmed context (no ``message``, ``sender``, ``comment``) works (HID-3). Notice and meta
    events have no quick operation (QOP-5): the plan is empty.

    Raises:
        ActionError(100): ``context`` or ``operation`` is not an object (HID-4), or a field of
        the operation has the wrong type (the message names it).
    """
    # api/hidden.md: context "事件数据对象", operation "快速操作对象" (both `object`)
    for name, value in (("context", context), ("operation", operation)):
        if not isinstance(value, dict):
            raise ActionError(Retcode.BAD_PARAMS, f"parameter '{name}': expected a JSON object "
                                                  f"(api/hidden.md), got {type(value).__name__}")
    post_type = context.get("post_type")
    if post_type == "message":
        if _message_type(context) == "group":
            return _plan_group_message(context, _fields(_group_message, operation))
        if _message_type(context) == "private":
            return _plan_private_message(context, _fields(_private_message, operation))
    elif post_type == "request":
        if context.get("request_type") == "friend":
            return _plan_friend_request(context, _fields(_friend_request, operation))
        if context.get("request_type") == "group":
            return _plan_group_request(context, _fields(_group_request, operation))
    return []


def _fields(table, operation: dict) -> dict[str, Any]:
    """Every field of ``table``: the operation's value, typed, or the table's default."""
    try:
        given = bind(table, Params(operation))
    except ActionError as err:
        raise ActionError(err.retcode, f"quick operation: {err.message}") from None
    fields = list(inspect.signature(table).parameters.values())[1:]
    return {field.name: given.get(field.name, field.default) for field in fields}


def _message_type(context: dict) -> str | None:
    message_type = context.get("message_type")
    if message_type is None:  # a trimmed context: our choice, see the module docstring
        return "group" if context.get("group_id") is not None else "private"
    return message_type


def is_anonymous(context: dict) -> bool:
    """HID-5: anonymous when ``anonymous`` is an object (or a non-empty string, CQHTTP 3.x)."""
    anonymous = context.get("anonymous")
    return isinstance(anonymous, dict) or (isinstance(anonymous, str) and anonymous != "")


def _plan_private_message(context: dict, op: dict) -> list[tuple[str, dict]]:
    reply = op.get("reply")
    if _is_empty(reply):
        return []
    # QOP-10: at_sender has no effect on private messages (not a field of this table).
    message, auto_escape = _reply_message(reply, op["auto_escape"], at=None)
    # QOP-7: the reply goes to the event's conversation.
    return [("send_msg", {"message_type": "private", "user_id": context.get("user_id"),
                          "message": message, "auto_escape": auto_escape})]


def _plan_group_message(context: dict, op: dict) -> list[tuple[str, dict]]:
    steps: list[tuple[str, dict]] = []
    group_id, user_id = context.get("group_id"), context.get("user_id")
    anonymous = is_anonymous(context)
    # QOP-14: reply → delete → kick → ban.
    reply = op.get("reply")
    if not _is_empty(reply):
        # event/message.md: at_sender "发送者是匿名用户时无效" (QOP-9, A-19)
        at = user_id if op["at_sender"] and not anonymous and user_id is not None else None
        message, auto_escape = _reply_message(reply, op["auto_escape"], at)
        steps.append(("send_msg", {"message_type": "group", "group_id": group_id,
                                   "message": message, "auto_escape": auto_escape}))
    # event/message.md: delete "撤回该条消息" (QOP-11)
    if op["delete"] and context.get("message_id") is not None:
        steps.append(("delete_msg", {"message_id": context["message_id"]}))
    # event/message.md: kick "**不拒绝**此人后续加群请求，发送者是匿名用户时无效" (QOP-12)
    if op["kick"] and not anonymous:
        steps.append(("set_group_kick", {"group_id": group_id, "user_id": user_id,
                                         "reject_add_request": False}))
    # event/message.md: ban "把发送者禁言 ban_duration 指定时长，对匿名用户也有效" (QOP-13, A-20)
    if op["ban"]:
        duration = op["ban_duration"]
        if not anonymous:
            steps.append(("set_group_ban", {"group_id": group_id, "user_id": user_id,
                                            "duration": duration}))
        elif isinstance(context["anonymous"], dict):
            steps.append(("set_group_anonymous_ban", {"group_id": group_id, "duration": duration,
                                                      "anonymous": context["anonymous"]}))
        else:  # a CQHTTP 3.x context: the flag is a field of its own
            steps.append(("set_group_anonymous_ban", {
                "group_id": group_id, "duration": duration,
                "anonymous_flag": context.get("anonymous_flag", "")}))
    return steps


def _plan_friend_request(context: dict, op: dict) -> list[tuple[str, dict]]:
    # communication/http-post.md: "只有在字段存在（明确要求进行操作）时，才会触发相应的操作" (QOP-15)
    if op.get("approve") is None:
        return []
    params = {"flag": context.get("flag"), "approve": op["approve"]}
    # event/request.md: remark "添加后的好友备注（仅在同意时有效）"
    if op["approve"] and op.get("remark") is not None:
        params["remark"] = op["remark"]
    return [("set_friend_add_request", params)]


def _plan_group_request(context: dict, op: dict) -> list[tuple[str, dict]]:
    if op.get("approve") is None:
        return []
    # QOP-15: set_group_add_request(flag, sub_type from the event, approve, reason)
    params = {"flag": context.get("flag"), "sub_type": context.get("sub_type"),
              "approve": op["approve"]}
    # event/request.md: reason "拒绝理由（仅在拒绝时有效）"
    if not op["approve"] and op.get("reason") is not None:
        params["reason"] = op["reason"]
    return [("set_group_add_request", params)]


def _is_empty(reply: Any) -> bool:
    """QOP-7: no reply, ``""`` and ``[]`` send nothing."""
    return reply is None or reply == "" or reply == []


def _reply_message(reply: str | list | dict, auto_escape: bool,
                   at: Any) -> tuple[str | list, bool]:
    """The ``send_msg`` message and auto_escape for a reply, with the @ prefix when ``at``.

    QOP-8: the prefix is an ``at`` of the sender and a space: ``[CQ:at,qq=X] <reply>``.
    """
    if isinstance(reply, str):
        if at is None:
            # event/message.md: auto_escape "只在 reply 字段是字符串时有效"
            return reply, auto_escape
        # The prefix is a CQ code, so the reply text is escaped here rather than by send_msg.
        text = cqcode.escape(reply) if auto_escape else reply
        return f"[CQ:at,qq={at}] {text}", False
    segments = [reply] if isinstance(reply, dict) else list(reply)
    if at is None:
        return segments, False
    first = segments[0] if segments else None
    if (isinstance(first, dict) and first.get("type") == "text"
            and isinstance(first.get("data"), dict) and isinstance(first["data"].get("text"), str)):
        # adjacent text merged: the array reads as the string form does
        segments[0] = {"type": "text", "data": dict(first["data"], text=" " + first["data"]["text"])}
    else:
        segments.insert(0, {"type": "text", "data": {"text": " "}})
    return [{"type": "at", "data": {"qq": str(at)}}] + segments, False


#: What each planned action does, for logs and the traffic journal ("quick operation: reply").
_PURPOSE = {"send_msg": "reply", "delete_msg": "delete", "set_group_kick": "kick",
            "set_group_ban": "ban", "set_group_anonymous_ban": "ban"}


def purpose(action: str, params: dict) -> str:
    """The quick-operation field a planned action carries out: reply, delete, kick, ban,
    approve or reject."""
    if action in _PURPOSE:
        return _PURPOSE[action]
    return "approve" if params.get("approve") else "reject"
