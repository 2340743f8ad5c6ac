"""A bus item (bus.Published: a OneBot 11 event and/or the world's facts) as a Milky 1.2 Event.

One renderer per facts kind (world/facts.py), in :data:`RENDERERS`: each returns the Event
(``protocol/milky/events.py``'s builders; ``protocol/src/ir.json`` Event) or None when the
change has no Milky form, and :data:`NO_FORM` says why for the journal. A renderer reads the
facts, and the OneBot 11 event where that already says everything (a ban's duration, a
kick's operator; MLK-47); a message is shaped as views.incoming_message shapes get_message's
answer.

OneBot 11 events without a Milky form (MLK-48): lifecycle and heartbeat (no facts: the modes
publish them), friend_add ("the friend was added" is no Milky event: a client learns it from
the accepted request), honor, lucky_king; and the bot's profile changes. A filtered friend
request would have none either (Milky's friend_request carries no is_filtered; the simulated
QQ filters none anyway).
"""

from __future__ import annotations

from typing import Any, Callable

from ...protocol.milky import events as milky
from . import views
from .views import Context

#: "戳一戳提示的动作文本" as QQ writes it; the simulated QQ has no suffix and no image.
NUDGE_ACTION = "戳了戳"


def render(ctx: Context, event: dict | None, facts: dict | None) -> dict | None:
    """The Milky Event of one bus item, or None (:func:`no_form` says why)."""
    renderer = RENDERERS.get(facts["kind"]) if facts else None
    return renderer(ctx, event, facts) if renderer else None


def no_form(event: dict | None, facts: dict | None) -> str:
    """Why an item has no Milky form (the journal's verdict)."""
    if not facts:
        what = event.get("meta_event_type") or event.get("post_type") if event else "item"
        return f"no Milky form: OneBot 11 {what} (published by the transport, not the world)"
    return NO_FORM.get(facts["kind"], f"no Milky form: {facts['kind']}")


def _at(ctx: Context, event: dict | None, facts: dict) -> tuple[int, int]:
    return (event["time"] if event else facts["time"]), ctx.world.self_id


def message(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """message_receive (消息接收事件): "data" is the IncomingMessage."""
    record = facts["record"]
    return milky.message_receive(record["time"], ctx.world.self_id,
                                 message=views.incoming_message(ctx, facts))


def recall(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """message_recall (消息撤回事件); "撤回提示的后缀文本": none in the simulated QQ."""
    record = facts["record"]
    if record is None:
        return None
    is_group = record["message_type"] == "group"
    scene = "group" if is_group else "friend" if record["sub_type"] == "friend" else "temp"
    return milky.message_recall(
        *_at(ctx, event, facts), message_scene=scene,
        peer_id=record["group_id"] if is_group else record["target_id"],
        message_seq=record["peer_seq"], sender_id=record["user_id"],
        operator_id=facts["operator_id"], display_suffix="")


def request(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """friend_request / group_join_request / group_invitation / group_invited_join_request."""
    r = facts["request"]
    at = (r["time"], ctx.world.self_id)
    if r["request_type"] == "friend":
        if r["is_filtered"]:
            return None
        return milky.friend_request(*at, initiator_id=r["user_id"],
                                    initiator_uid=views.uid(r["user_id"]),
                                    comment=r["comment"], via=r["via"])
    if r["sub_type"] == "add":
        return milky.group_join_request(*at, group_id=r["group_id"], notification_seq=r["seq"],
                                        is_filtered=r["is_filtered"], initiator_id=r["user_id"],
                                        comment=r["comment"])
    if r["sub_type"] == "invite":
        # "来源群号，如果是通过 QQ 群邀请"
        return milky.group_invitation(*at, group_id=r["group_id"], invitation_seq=r["seq"],
                                      initiator_id=r["user_id"],
                                      source_group_id=r["source_group_id"])
    return milky.group_invited_join_request(*at, group_id=r["group_id"],
                                            notification_seq=r["seq"],
                                            initiator_id=r["user_id"],
                                            target_user_id=r["target_id"])


def group_admin(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """group_admin_change (群管理员变更事件): "是否被设置为管理员，`false` 表示被取消管理员"."""
    return milky.group_admin_change(*_at(ctx, event, facts), group_id=event["group_id"],
                                    user_id=event["user_id"], operator_id=facts["operator_id"],
                                    is_set=event["sub_type"] == "set")


def group_increase(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """group_member_increase (群成员增加事件): "管理员 QQ 号，如果是管理员同意入群", "邀请者 QQ 号，
    如果是邀请入群"."""
    return milky.group_member_increase(*_at(ctx, event, facts), group_id=event["group_id"],
                                       user_id=event["user_id"],
                                       operator_id=facts.get("operator_id"),
                                       invitor_id=facts.get("invitor_id"))


def group_decrease(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """group_member_decrease (群成员减少事件): "管理员 QQ 号，如果是管理员踢出" (none when the
    member left)."""
    kicked = event["sub_type"] in ("kick", "kick_me")
    return milky.group_member_decrease(*_at(ctx, event, facts), group_id=event["group_id"],
                                       user_id=event["user_id"],
                                       operator_id=event["operator_id"] if kicked else None)


def group_ban(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """group_mute (群禁言事件), or group_whole_mute (群全体禁言事件) for user_id 0 (A-36)."""
    if event["user_id"] == 0:
        return milky.group_whole_mute(*_at(ctx, event, facts), group_id=event["group_id"],
                                      operator_id=event["operator_id"],
                                      is_mute=event["sub_type"] == "ban")
    # "禁言时长（秒），为 0 表示取消禁言"
    return milky.group_mute(*_at(ctx, event, facts), group_id=event["group_id"],
                            user_id=event["user_id"], operator_id=event["operator_id"],
                            duration=event["duration"] if event["sub_type"] == "ban" else 0)


def poke(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """group_nudge (群戳一戳事件) from OneBot 11's 群内戳一戳."""
    return milky.group_nudge(*_at(ctx, event, facts), group_id=event["group_id"],
                             sender_id=event["user_id"], receiver_id=event["target_id"],
                             display_action=NUDGE_ACTION, display_suffix="",
                             display_action_img_url="")


def group_upload(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """group_file_upload (群文件上传事件)."""
    file = event["file"]
    return milky.group_file_upload(*_at(ctx, event, facts), group_id=event["group_id"],
                                   user_id=event["user_id"], file_id=file["id"],
                                   file_name=file["name"], file_size=max(file["size"], 0))


def group_name(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """group_name_change (群名称变更事件)."""
    return milky.group_name_change(*_at(ctx, event, facts), group_id=facts["group_id"],
                                   new_group_name=facts["group_name"],
                                   operator_id=facts["operator_id"])


def reaction(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """group_message_reaction (群消息表情回应事件): "是否为添加，`false` 表示取消回应"."""
    return milky.group_message_reaction(*_at(ctx, event, facts), group_id=facts["group_id"],
                                        user_id=facts["user_id"],
                                        message_seq=facts["message_seq"],
                                        face_id=facts["face_id"],
                                        reaction_type=facts["reaction_type"],
                                        is_add=facts["is_add"])


def pin(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """peer_pin_change (会话置顶变更事件)."""
    return milky.peer_pin_change(*_at(ctx, event, facts), message_scene=facts["scene"],
                                 peer_id=facts["peer_id"], is_pinned=facts["is_pinned"])


def friend_nudge(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """friend_nudge (好友戳一戳事件): "是否是自己发送的戳一戳", "是否是自己接收的戳一戳"."""
    return milky.friend_nudge(*_at(ctx, event, facts), user_id=facts["user_id"],
                              is_self_send=facts["from_self"],
                              is_self_receive=facts["to_self"],
                              display_action=NUDGE_ACTION, display_suffix="",
                              display_action_img_url="")


def essence(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """group_essence_message_change (群精华消息变更事件)."""
    return milky.group_essence_message_change(*_at(ctx, event, facts),
                                              group_id=facts["group_id"],
                                              message_seq=facts["message_seq"],
                                              operator_id=facts["operator_id"],
                                              is_set=facts["is_set"])


def private_file(ctx: Context, event: dict | None, facts: dict) -> dict | None:
    """friend_file_upload (好友文件上传事件): "是否是自己发送的文件"."""
    file = facts["file"]
    return milky.friend_file_upload(*_at(ctx, event, facts), user_id=facts["user_id"],
                                    file_id=file["file_id"], file_name=file["file_name"],
                                    file_size=file["size"], file_hash=file["sha1"],
                                    is_self=facts["from_self"])


#: facts kind (world/facts.py) -> its renderer.
RENDERERS: dict[str, Callable[[Context, Any, dict], dict | None]] = {
    "message": message, "group_recall": recall, "friend_recall": recall,
    "friend_request": request, "group_request": request, "invited_join_request": request,
    "group_admin": group_admin, "group_increase": group_increase,
    "group_decrease": group_decrease, "group_ban": group_ban, "poke": poke,
    "group_upload": group_upload, "group_name": group_name, "reaction": reaction, "pin": pin,
    "friend_nudge": friend_nudge, "essence": essence, "private_file": private_file,
}

#: facts kind -> why it has no Milky form.
NO_FORM = {
    "friend_add": "no Milky form: a new friend (a Milky client learns it from the request it "
                  "accepted)",
    "honor": "no Milky form: OneBot 11's honor notice",
    "lucky_king": "no Milky form: OneBot 11's lucky_king notice",
    "profile": "no Milky form: the bot's own profile changed",
    "friend_request": "no Milky form: a filtered friend request",
}
