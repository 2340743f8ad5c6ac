"""Message actions: send, recall, fetch (api/public.md, API-1..7)."""

from __future__ import annotations

from typing import Any

from ..protocol.coerce import Id, Int32, Message, MessageId, Params, call
from ..protocol.message import normalize, to_format, validate_outgoing
from ..protocol.response import ActionError, Retcode
from .context import Context


def outgoing(message: Any, auto_escape: bool) -> list[dict]:
    """The canonical segments of a message the bot sends (MSG-19: an empty message is 100).
    api/public.md: auto_escape "只在 message 字段是字符串时有效" (normalize handles that)."""
    segments = normalize(message, auto_escape)
    validate_outgoing(segments)
    return segments


def send_private_msg(ctx: Context, user_id: Id, message: Message, auto_escape: bool = False) -> dict:
    """api/public.md#send_private_msg → {message_id} (API-1)."""
    return {"message_id": ctx.world.send_private(user_id, outgoing(message, auto_escape))}


def send_group_msg(ctx: Context, group_id: Id, message: Message, auto_escape: bool = False) -> dict:
    """api/public.md#send_group_msg → {message_id} (API-2)."""
    return {"message_id": ctx.world.send_group(group_id, outgoing(message, auto_escape))}


def send_msg(ctx: Context, message: Message, message_type: str | None = None,
             user_id: Id | None = None, group_id: Id | None = None,
             auto_escape: bool = False) -> dict:
    """api/public.md#send_msg (API-3): message_type "如不传入，则根据传入的 *_id 参数判断".
    Legacy inference: group_id given → group, else user_id given → private (A-22: both given
    and no message_type → group)."""
    if message_type is None:
        message_type = "group" if group_id is not None else "private" if user_id is not None \
            else None
        if message_type is None:
            raise ActionError(Retcode.BAD_PARAMS, "send_msg needs message_type, or user_id or "
                                                  "group_id to infer it from")
    if message_type == "private":
        if user_id is None:
            raise ActionError(Retcode.BAD_PARAMS, "missing parameter 'user_id' (message_type "
                                                  "is private)")
        return _send_as(ctx, send_private_msg, user_id=user_id, message=message,
                        auto_escape=auto_escape)
    if message_type == "group":
        if group_id is None:
            raise ActionError(Retcode.BAD_PARAMS, "missing parameter 'group_id' (message_type "
                                                  "is group)")
        return _send_as(ctx, send_group_msg, group_id=group_id, message=message,
                        auto_escape=auto_escape)
    raise ActionError(Retcode.BAD_PARAMS, f"parameter 'message_type': expected private or "
                                          f"group, got {message_type!r}")


def _send_as(ctx: Context, action, **values) -> dict:
    """send_msg is send_private_msg or send_group_msg, its values bound again for that action,
    so the target's parameter rules (an Id is positive, PARAM-15) apply there as well."""
    return call(action, ctx, Params(values))


def delete_msg(ctx: Context, message_id: MessageId) -> None:
    """api/public.md#delete_msg (API-4); publishes group_recall / friend_recall."""
    ctx.world.delete_message(message_id)


def get_msg(ctx: Context, message_id: MessageId) -> dict:
    """api/public.md#get_msg → time, message_type, message_id, real_id, sender, message (API-5),
    plus group_id for a group message (API-5 REC). ``message`` follows post_message_format like
    events do (MSG-24, A-38)."""
    record = ctx.world.get_message(message_id)
    fmt = ctx.config.post_message_format
    data = {"time": record["time"], "message_type": record["message_type"],
            "message_id": record["seq"], "real_id": record["seq"], "sender": record["sender"],
            "message": to_format(record["message"], fmt)}
    if record["message_type"] == "group":
        data["group_id"] = record["group_id"]
    settings = ctx.actions.settings  # the compat profile's keys added or left out
    for key in settings.get_msg_add:
        data[key] = GET_MSG_EXTRAS[key](ctx, record)
    for key in settings.get_msg_drop:
        data.pop(key, None)
    return data


#: The keys real implementations add to get_msg (Settings.get_msg_add), from the stored
#: record: go-cqhttp's message_id_v2, message_seq and group; NapCat's and LLOneBot's message
#: event fields.
GET_MSG_EXTRAS = {
    "self_id": lambda ctx, record: ctx.world.self_id,
    "user_id": lambda ctx, record: record["user_id"],
    "message_seq": lambda ctx, record: record["seq"],
    "real_seq": lambda ctx, record: str(record["seq"]),
    "message_id_v2": lambda ctx, record: str(record["seq"]),
    "group": lambda ctx, record: record["message_type"] == "group",
    "raw_message": lambda ctx, record: record["raw_message"],
    "font": lambda ctx, record: record["font"],
    "sub_type": lambda ctx, record: record["sub_type"],
    "message_format": lambda ctx, record: ctx.config.post_message_format,
    "post_type": lambda ctx, record: (ctx.actions.settings.self_message_post_type or "message")
    if record["from_self"] else "message",
    "emoji_likes_list": lambda ctx, record: [],
}


def get_forward_msg(ctx: Context, id: str) -> dict:
    """api/public.md#get_forward_msg → {"message": [node segments]} "使用消息的数组格式表示"
    (API-6); the same array is also given as ``messages``, the key go-cqhttp and NapCat use
    (A-23)."""
    nodes = ctx.world.get_forward(id)
    return {"message": nodes, "messages": nodes}


def send_like(ctx: Context, user_id: Id, times: Int32 = 1) -> None:
    """api/public.md#send_like (API-7): "每个好友每天最多 10 次"; times <= 0 → 100 (PARAM-15)."""
    if times <= 0:
        raise ActionError(Retcode.BAD_PARAMS, f"parameter 'times': expected 1 or more, got "
                                              f"{times}")
    ctx.world.send_like(user_id, times)
