"""Milky 1.2 group APIs about what a group posts and asks (``protocol/src/ir.json`` apiCategories
"group", 群聊 API): announcements, essence messages, the notification list, join requests,
invited joins and invitations of the bot (world/group_extras.py, world/requests.py).
"""

from __future__ import annotations

from ...protocol.milky import entities
from ...protocol.milky.segments_in import to_milky
from ...protocol.milky.segments_out import check_uri
from . import views
from .views import Context


def get_group_announcements(ctx: Context, group_id: int) -> dict:
    """ir.json group get_group_announcements (获取群公告列表): the newest first; "公告图片 URL"
    null without an image."""
    return {"announcements": [entities.group_announcement(
        group_id=a["group_id"], announcement_id=a["announcement_id"], user_id=a["user_id"],
        time=a["time"], content=a["content"],
        image_url=ctx.resource_url("image", a["image"]) if a["image"] else None)
        for a in ctx.world.announcements(group_id)]}


def send_group_announcement(ctx: Context, group_id: int, content: str, image_uri: str | None) -> dict:
    """ir.json group send_group_announcement (发送群公告): an admin or the owner; "公告内容" 1 to
    4000 characters."""
    if image_uri is not None:
        # "公告附带图像文件 URI，支持 `file://` `http(s)://` `base64://` 三种格式" (MLK-30)
        check_uri("image_uri", image_uri)
    ctx.world.send_announcement(group_id, content, image_uri)
    return {}


def delete_group_announcement(ctx: Context, group_id: int, announcement_id: str) -> dict:
    """ir.json group delete_group_announcement (删除群公告): an admin or the owner."""
    ctx.world.delete_announcement(group_id, announcement_id)
    return {}


def get_group_essence_messages(ctx: Context, group_id: int, page_index: int, page_size: int) -> dict:
    """ir.json group get_group_essence_messages (获取群精华消息列表): "页码索引，从 0 开始", "每页包含的
    精华消息数量" (at least 1), the newest set first; ``is_end``: "是否已到最后一页"."""
    page, is_end = ctx.world.essence_page(group_id, page_index, page_size)
    look = views.lookups(ctx, group_id)
    messages = []
    for entry in page:
        record = entry["record"]
        sender = record["sender"]
        messages.append(entities.group_essence_message(
            group_id=group_id, message_seq=entry["message_seq"], message_time=record["time"],
            sender_id=record["user_id"],
            sender_name=sender.get("card") or sender.get("nickname", ""),
            operator_id=entry["operator_id"], operator_name=entry["operator_name"],
            operation_time=entry["operation_time"],
            segments=to_milky(record["message"], look)))
    return {"messages": messages, "is_end": is_end}


def set_group_essence_message(ctx: Context, group_id: int, message_seq: int, is_set: bool) -> dict:
    """ir.json group set_group_essence_message (设置群精华消息): an admin or the owner; "是否设置为
    精华消息，`false` 表示取消精华"."""
    ctx.world.set_essence(group_id, message_seq, is_set)
    return {}


def _notification(n: dict) -> dict:
    """GroupNotification from notification facts (world/facts.py)."""
    common = {"group_id": n["group_id"], "notification_seq": n["seq"]}
    request = n["request"]
    if n["kind"] == "join_request":
        return entities.join_request_notification(
            is_filtered=request["is_filtered"], initiator_id=request["user_id"],
            state=request["state"], comment=request["comment"],
            operator_id=request["operator_id"], **common)
    if n["kind"] == "invited_join_request":
        return entities.invited_join_request_notification(
            initiator_id=request["user_id"], target_user_id=request["target_id"],
            state=request["state"], operator_id=request["operator_id"], **common)
    if n["kind"] == "admin_change":
        return entities.admin_change_notification(target_user_id=n["target_id"],
                                                  is_set=n["is_set"],
                                                  operator_id=n["operator_id"], **common)
    if n["kind"] == "kick":
        return entities.kick_notification(target_user_id=n["target_id"],
                                          operator_id=n["operator_id"], **common)
    return entities.quit_notification(target_user_id=n["target_id"], **common)


def get_group_notifications(ctx: Context, start_notification_seq: int | None, is_filtered: bool,
                            limit: int) -> dict:
    """ir.json group get_group_notifications (获取群通知列表): every group's; "获取到的群通知
    （notification_seq 降序排列），序列号不一定连续"; ``next_notification_seq``: "下一页起始通知序列号",
    null on the last page (MLK-28)."""
    found, following = ctx.world.group_notifications(start_notification_seq, is_filtered, limit)
    return {"notifications": [_notification(n) for n in found],
            "next_notification_seq": following}


def accept_group_request(ctx: Context, notification_seq: int, notification_type: str, group_id: int,
                         is_filtered: bool) -> dict:
    """ir.json group accept_group_request (同意入群/邀请他人入群请求): the pending join request or
    invited join "请求对应的通知序列号" names (-404 otherwise); an admin or the owner."""
    ctx.world.handle_group_notification(notification_seq, notification_type, group_id,
                                        is_filtered, True)
    return {}


def reject_group_request(ctx: Context, notification_seq: int, notification_type: str, group_id: int,
                         is_filtered: bool, reason: str | None) -> dict:
    """ir.json group reject_group_request (拒绝入群/邀请他人入群请求); ``reason``: "拒绝理由"."""
    ctx.world.handle_group_notification(notification_seq, notification_type, group_id,
                                        is_filtered, False, reason or "")
    return {}


def accept_group_invitation(ctx: Context, group_id: int, invitation_seq: int) -> dict:
    """ir.json group accept_group_invitation (同意他人邀请自身入群): the bot joins the group."""
    ctx.world.handle_invitation(group_id, invitation_seq, True)
    return {}


def reject_group_invitation(ctx: Context, group_id: int, invitation_seq: int) -> dict:
    """ir.json group reject_group_invitation (拒绝他人邀请自身入群)."""
    ctx.world.handle_invitation(group_id, invitation_seq, False)
    return {}


#: The rest of the "group" category (group.FUNCTIONS has the first part).
FUNCTIONS = (get_group_announcements, send_group_announcement, delete_group_announcement,
             get_group_essence_messages, set_group_essence_message, get_group_notifications,
             accept_group_request, reject_group_request, accept_group_invitation,
             reject_group_invitation)
