"""Builders of the 20 Milky 1.2 events (``protocol/src/ir.json`` commonStructs Event).

An Event is ``{"time", "self_id", "event_type", "data"}`` (MLK-18): Event's baseFields are
"事件 Unix 时间戳（秒）" and "机器人 QQ 号", its tag is ``event_type``, and ``data`` is the
variant's struct. One function per event type, named after it, taking ``time`` and
``self_id`` and then exactly the variant's fields as keyword arguments; an optional
(nullable) field may be left out and is written as null (MLK-28). The same encoded event goes
to every channel: WebSocket and WebHook send it as it is, SSE frames it (sse.py). As in
entities.py, no checks here; conform.problems("Event", e) is what the tests run.
"""

from __future__ import annotations

from typing import Any

from .structs import STRUCTS


def event(event_type: str, time: int, self_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """The Event envelope around a variant's ``data``."""
    return {"time": time, "self_id": self_id, "event_type": event_type, "data": data}


def _event(event_type: str, values: dict[str, Any]) -> dict[str, Any]:
    fields = STRUCTS["Event"].variant(event_type).fields
    data = {field.name: values[field.name] for field in fields}
    return event(event_type, values["time"], values["self_id"], data)


def bot_offline(time: int, self_id: int, *, reason: str) -> dict:
    """"bot_offline" (机器人离线事件): "下线原因"."""
    return _event("bot_offline", locals())


def message_receive(time: int, self_id: int, *, message: dict) -> dict:
    """"message_receive" (消息接收事件): ``data`` is an IncomingMessage
    (entities.incoming_message)."""
    return event("message_receive", time, self_id, message)


def message_recall(time: int, self_id: int, *, message_scene: str, peer_id: int,
                   message_seq: int, sender_id: int, operator_id: int,
                   display_suffix: str) -> dict:
    """"message_recall" (消息撤回事件); ``display_suffix``: "撤回提示的后缀文本"."""
    return _event("message_recall", locals())


def peer_pin_change(time: int, self_id: int, *, message_scene: str, peer_id: int,
                    is_pinned: bool) -> dict:
    """"peer_pin_change" (会话置顶变更事件, 1.2); ``is_pinned``: "`false` 表示取消置顶"."""
    return _event("peer_pin_change", locals())


def friend_request(time: int, self_id: int, *, initiator_id: int, initiator_uid: str,
                   comment: str, via: str) -> dict:
    """"friend_request" (好友请求事件); ``via``: "申请来源"."""
    return _event("friend_request", locals())


def group_join_request(time: int, self_id: int, *, group_id: int, notification_seq: int,
                       is_filtered: bool, initiator_id: int, comment: str) -> dict:
    """"group_join_request" (入群请求事件); ``is_filtered``: "请求是否被过滤（发起自风险账户）"."""
    return _event("group_join_request", locals())


def group_invited_join_request(time: int, self_id: int, *, group_id: int,
                               notification_seq: int, initiator_id: int,
                               target_user_id: int) -> dict:
    """"group_invited_join_request" (群成员邀请他人入群请求事件)."""
    return _event("group_invited_join_request", locals())


def group_invitation(time: int, self_id: int, *, group_id: int, invitation_seq: int,
                     initiator_id: int, source_group_id: int | None = None) -> dict:
    """"group_invitation" (他人邀请自身入群事件); ``source_group_id``: "来源群号，如果是通过 QQ 群
    邀请" (1.2)."""
    return _event("group_invitation", locals())


def friend_nudge(time: int, self_id: int, *, user_id: int, is_self_send: bool,
                 is_self_receive: bool, display_action: str, display_suffix: str,
                 display_action_img_url: str) -> dict:
    """"friend_nudge" (好友戳一戳事件)."""
    return _event("friend_nudge", locals())


def friend_file_upload(time: int, self_id: int, *, user_id: int, file_id: str, file_name: str,
                       file_size: int, file_hash: str, is_self: bool) -> dict:
    """"friend_file_upload" (好友文件上传事件); ``file_hash``: "文件的 TriSHA1 哈希值"."""
    return _event("friend_file_upload", locals())


def group_admin_change(time: int, self_id: int, *, group_id: int, user_id: int,
                       operator_id: int, is_set: bool) -> dict:
    """"group_admin_change" (群管理员变更事件); ``operator_id`` since 1.1."""
    return _event("group_admin_change", locals())


def group_essence_message_change(time: int, self_id: int, *, group_id: int, message_seq: int,
                                 operator_id: int, is_set: bool) -> dict:
    """"group_essence_message_change" (群精华消息变更事件)."""
    return _event("group_essence_message_change", locals())


def group_member_increase(time: int, self_id: int, *, group_id: int, user_id: int,
                          operator_id: int | None = None, invitor_id: int | None = None) -> dict:
    """"group_member_increase" (群成员增加事件): ``operator_id`` "如果是管理员同意入群",
    ``invitor_id`` "如果是邀请入群"."""
    return _event("group_member_increase", locals())


def group_member_decrease(time: int, self_id: int, *, group_id: int, user_id: int,
                          operator_id: int | None = None) -> dict:
    """"group_member_decrease" (群成员减少事件): ``operator_id`` "如果是管理员踢出"."""
    return _event("group_member_decrease", locals())


def group_name_change(time: int, self_id: int, *, group_id: int, new_group_name: str,
                      operator_id: int) -> dict:
    """"group_name_change" (群名称变更事件)."""
    return _event("group_name_change", locals())


def group_message_reaction(time: int, self_id: int, *, group_id: int, user_id: int,
                           message_seq: int, face_id: str, reaction_type: str,
                           is_add: bool) -> dict:
    """"group_message_reaction" (群消息表情回应事件); ``reaction_type`` "face" or "emoji" (1.2)."""
    return _event("group_message_reaction", locals())


def group_mute(time: int, self_id: int, *, group_id: int, user_id: int, operator_id: int,
               duration: int) -> dict:
    """"group_mute" (群禁言事件); ``duration``: "禁言时长（秒），为 0 表示取消禁言"."""
    return _event("group_mute", locals())


def group_whole_mute(time: int, self_id: int, *, group_id: int, operator_id: int,
                     is_mute: bool) -> dict:
    """"group_whole_mute" (群全体禁言事件)."""
    return _event("group_whole_mute", locals())


def group_nudge(time: int, self_id: int, *, group_id: int, sender_id: int, receiver_id: int,
                display_action: str, display_suffix: str, display_action_img_url: str) -> dict:
    """"group_nudge" (群戳一戳事件)."""
    return _event("group_nudge", locals())


def group_file_upload(time: int, self_id: int, *, group_id: int, user_id: int, file_id: str,
                      file_name: str, file_size: int) -> dict:
    """"group_file_upload" (群文件上传事件)."""
    return _event("group_file_upload", locals())


#: event_type -> its builder: every variant of Event, in the IR's order.
BUILDERS = {name: globals()[name] for name in (v.tag for v in STRUCTS["Event"].variants)}
