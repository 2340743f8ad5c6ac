"""Milky 1.2 group APIs, managing a group and its members (``protocol/src/ir.json``
apiCategories "group", 群聊 API; announcements, essence messages, notifications and requests:
group_notices.py).

The world's rules of the bot's role hold as for OneBot 11 (world/__init__.py: outrank a member
to act on them, admin or owner for the group, owner for admins and titles); a refusal is -403.
"""

from __future__ import annotations

from ...protocol.milky.envelope import BAD_REQUEST, MilkyError
from ...protocol.milky.segments_out import check_uri
from ...world.injected_more import GROUP_NAME_MAX
from .views import Context


def set_group_name(ctx: Context, group_id: int, new_group_name: str) -> dict:
    """ir.json group set_group_name (设置群名称): "新群名称", 1 to 60 characters."""
    if not new_group_name.strip() or len(new_group_name) > GROUP_NAME_MAX:
        raise MilkyError(BAD_REQUEST, f"new_group_name: 1 to {GROUP_NAME_MAX} characters, got "
                                      f"{len(new_group_name)}")
    ctx.world.set_group_name(group_id, new_group_name)
    return {}


def set_group_avatar(ctx: Context, group_id: int, image_uri: str) -> dict:
    """ir.json group set_group_avatar (设置群头像)."""
    # "头像文件 URI，支持 `file://` `http(s)://` `base64://` 三种格式" (MLK-30)
    ctx.world.set_group_avatar(group_id, check_uri("image_uri", image_uri))
    return {}


def set_group_member_card(ctx: Context, group_id: int, user_id: int, card: str) -> dict:
    """ir.json group set_group_member_card (设置群名片): its own always, another's when the bot
    outranks them; "" clears it."""
    ctx.world.set_card(group_id, user_id, card)
    return {}


def set_group_member_special_title(ctx: Context, group_id: int, user_id: int,
                                   special_title: str) -> dict:
    """ir.json group set_group_member_special_title (设置群成员专属头衔): the owner only; Milky has
    no duration, so the title is permanent (OneBot 11's duration -1)."""
    ctx.world.set_special_title(group_id, user_id, special_title, -1)
    return {}


def set_group_member_admin(ctx: Context, group_id: int, user_id: int, is_set: bool) -> dict:
    """ir.json group set_group_member_admin (设置群管理员): "是否设置为管理员，`false` 表示取消管理员";
    the owner only."""
    ctx.world.set_admin(group_id, user_id, is_set)
    return {}


def set_group_member_mute(ctx: Context, group_id: int, user_id: int, duration: int) -> dict:
    """ir.json group set_group_member_mute (设置群成员禁言)."""
    # "禁言持续时间（秒），设为 `0` 为取消禁言"
    ctx.world.ban(group_id, user_id, duration)
    return {}


def set_group_whole_mute(ctx: Context, group_id: int, is_mute: bool) -> dict:
    """ir.json group set_group_whole_mute (设置群全员禁言): "是否开启全员禁言，`false` 表示取消全员
    禁言"; an admin or the owner."""
    ctx.world.whole_ban(group_id, is_mute)
    return {}


def kick_group_member(ctx: Context, group_id: int, user_id: int, reject_add_request: bool) -> dict:
    """ir.json group kick_group_member (踢出群成员); ``reject_add_request``: "是否拒绝加群申请，
    `false` 表示不拒绝"."""
    ctx.world.kick(group_id, user_id, reject_add_request)
    return {}


def quit_group(ctx: Context, group_id: int) -> dict:
    """ir.json group quit_group (退出群): Milky has no dismissal, so the owner cannot quit
    (-403, as OneBot 11's set_group_leave without is_dismiss)."""
    ctx.world.leave(group_id, False)
    return {}


def send_group_message_reaction(ctx: Context, group_id: int, message_seq: int, reaction: str,
                                reaction_type: str, is_add: bool) -> dict:
    """ir.json group send_group_message_reaction (发送群消息表情回应): "发送的回应的表情 ID" to
    "要回应的消息序列号"; ``is_add``: "是否添加表情，`false` 表示取消"."""
    ctx.world.react(group_id, message_seq, reaction, reaction_type, is_add)
    return {}


def send_group_nudge(ctx: Context, group_id: int, user_id: int) -> dict:
    """ir.json group send_group_nudge (发送群戳一戳): "被戳的群成员 QQ 号"."""
    ctx.world.nudge_member(group_id, user_id)
    return {}


#: In the IR's order (the rest of the category: group_notices.FUNCTIONS).
FUNCTIONS = (set_group_name, set_group_avatar, set_group_member_card,
             set_group_member_special_title, set_group_member_admin, set_group_member_mute,
             set_group_whole_mute, kick_group_member, quit_group, send_group_message_reaction,
             send_group_nudge)
