"""Milky 1.2 message APIs (``protocol/src/ir.json`` apiCategories "message", 消息 API).

A message is named by its chat and its number there (``message_seq``: "消息序列号", world/chats.py);
the world keeps OneBot 11 segments, converted at this boundary (protocol/milky/segments_out.py
going out, segments_in.py coming in). The world makes its own checks of what is sent (the @all
right, base64 data: world/content.py), as for a OneBot 11 bot.
"""

from __future__ import annotations

from ...protocol.message import validate_outgoing
from ...protocol.milky import entities
from ...protocol.milky.envelope import BAD_REQUEST, NOT_FOUND, MilkyError
from ...protocol.milky.segments_in import to_milky
from ...protocol.milky.segments_out import to_onebot
from ...world.media import MEDIA_KINDS
from . import views
from .views import Context

#: A resource_id is ``<kind>:<the stored file value>`` (views.lookups); longer than this it
#: names nothing the world stored, and is refused before it reaches a query.
RESOURCE_ID_MAX = 4096


def _chat(message_scene: str) -> str:
    """A Milky scene as the world's chat type: friend and temporary chats are one private chat
    with the user (world/chats.py), a group chat is the group's."""
    return "group" if message_scene == "group" else "private"


def _sent(ctx: Context, message_id: int) -> dict:
    record = ctx.world.message_record(message_id)
    return {"message_seq": record["peer_seq"], "time": record["time"]}


def send_private_message(ctx: Context, user_id: int, message: list[dict]) -> dict:
    """ir.json message send_private_message (发送私聊消息): to a friend, or in a temporary chat to
    one who shares a group with the bot; → "消息序列号", "消息发送时间"."""
    segments = to_onebot(message, lambda seq: ctx.world.chat_message_id("private", user_id, seq))
    validate_outgoing(segments)
    return _sent(ctx, ctx.world.send_private(user_id, segments))


def send_group_message(ctx: Context, group_id: int, message: list[dict]) -> dict:
    """ir.json message send_group_message (发送群聊消息)."""
    segments = to_onebot(message, lambda seq: ctx.world.chat_message_id("group", group_id, seq))
    validate_outgoing(segments)
    return _sent(ctx, ctx.world.send_group(group_id, segments))


def recall_private_message(ctx: Context, user_id: int, message_seq: int) -> dict:
    """ir.json message recall_private_message (撤回私聊消息): the bot's own messages only (-403
    for the peer's)."""
    record = ctx.world.chat_message("private", user_id, message_seq)
    ctx.world.delete_message(record["seq"])
    return {}


def recall_group_message(ctx: Context, group_id: int, message_seq: int) -> dict:
    """ir.json message recall_group_message (撤回群聊消息): its own, or a member's it outranks."""
    record = ctx.world.chat_message("group", group_id, message_seq)
    ctx.world.delete_message(record["seq"])
    return {}


def get_message(ctx: Context, message_scene: str, peer_id: int, message_seq: int) -> dict:
    """ir.json message get_message (获取消息): -404 for an unknown, dropped or recalled one."""
    found = ctx.world.chat_message_facts(_chat(message_scene), peer_id, message_seq)
    return {"message": views.incoming_message(ctx, found)}


def get_history_messages(ctx: Context, message_scene: str, peer_id: int, start_message_seq: int | None,
                         limit: int) -> dict:
    """ir.json message get_history_messages (获取历史消息列表)."""
    # start_message_seq: "起始消息序列号，由此开始从新到旧查询，不提供则从最新消息开始";
    # limit: "期望获取到的消息数量，最多 30 条" (1 to 30, else -400)
    found, following = ctx.world.chat_history(_chat(message_scene), peer_id, start_message_seq,
                                              limit)
    # messages: "获取到的消息（message_seq 升序排列），部分消息可能不存在，如撤回的消息";
    # next_message_seq: "下一页起始消息序列号", null on the last page (MLK-28)
    return {"messages": [views.incoming_message(ctx, f) for f in found],
            "next_message_seq": following}


def get_resource_temp_url(ctx: Context, resource_id: str) -> dict:
    """ir.json message get_resource_temp_url (获取临时资源链接): a resource of a stored message
    (-404 otherwise); the URL stays valid as long as the server runs (MLK-50)."""
    kind, _, stored = resource_id.partition(":")
    if len(resource_id) > RESOURCE_ID_MAX:
        raise MilkyError(BAD_REQUEST, f"resource_id: at most {RESOURCE_ID_MAX} characters, "
                                      f"got {len(resource_id)}")
    if kind not in MEDIA_KINDS or not stored or not ctx.world.has_media(kind, stored):
        raise MilkyError(NOT_FOUND, f"resource_id: no resource {resource_id[:60]!r} in the "
                                    f"messages kept")
    return {"url": ctx.resource_url(kind, stored)}


def get_forwarded_messages(ctx: Context, forward_id: str) -> dict:
    """ir.json message get_forwarded_messages (获取合并转发消息内容): one IncomingForwardedMessage
    per node; a node made up by its sender has no seq in any chat (0), its time is the
    forward's."""
    nodes = ctx.world.get_forward(forward_id)
    sent = ctx.world.forward_time(forward_id)
    look = views.lookups(ctx, None)
    return {"messages": [entities.incoming_forwarded_message(
        message_seq=0, sender_name=str(node["data"].get("nickname", "")),
        avatar_url=views.avatar_url(node["data"].get("user_id", "")), time=sent,
        segments=to_milky(node["data"].get("content") or [], look)) for node in nodes]}


def mark_message_as_read(ctx: Context, message_scene: str, peer_id: int, message_seq: int) -> dict:
    """ir.json message mark_message_as_read (标记消息为已读): "该消息及更早的消息将被标记为已读"."""
    ctx.world.mark_read(_chat(message_scene), peer_id, message_seq)
    return {}


#: In the IR's order.
FUNCTIONS = (send_private_message, send_group_message, recall_private_message,
             recall_group_message, get_message, get_history_messages, get_resource_temp_url,
             get_forwarded_messages, mark_message_as_read)
