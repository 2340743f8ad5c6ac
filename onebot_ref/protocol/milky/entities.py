"""Builders of the Milky 1.2 response structs (``protocol/src/ir.json`` commonStructs).

One function per struct (per variant for GroupNotification), named after it, taking exactly
the IR's fields as keyword arguments and returning the struct as a dict in the IR's field
order. The inputs are neutral facts (plain values, and the dicts other builders return);
turning the world's facts into them (``level`` "10" -> 10, a missing remark -> "") is the
action layer's job. An optional (nullable) field may be left out: it is written as null
(MLK-28). The builders do not check kinds or ranges, so they cost nothing on the hot path;
conform.problems does, and the tests run it over every builder.
"""

from __future__ import annotations

from typing import Any

from .structs import STRUCTS


def _make(struct: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` in the field order of the struct (a simple one) named ``struct``."""
    return {field.name: values[field.name] for field in STRUCTS[struct].fields}


def _variant(union: str, tag: str, values: dict[str, Any]) -> dict[str, Any]:
    """A plain union's value: its tag, then the variant's fields in order."""
    struct = STRUCTS[union]
    fields = struct.variant(tag).fields
    return {struct.tag: tag, **{field.name: values[field.name] for field in fields}}


def friend_category(*, category_id: int, category_name: str) -> dict:
    """FriendCategoryEntity (好友分组实体)."""
    return _make("FriendCategoryEntity", locals())


def friend(*, user_id: int, nickname: str, sex: str, qid: str, remark: str,
           category: dict) -> dict:
    """FriendEntity (好友实体); ``category`` from :func:`friend_category`."""
    return _make("FriendEntity", locals())


def group(*, group_id: int, group_name: str, member_count: int, max_member_count: int,
          remark: str, created_time: int, description: str, question: str,
          announcement: str) -> dict:
    """GroupEntity (群实体); remark .. announcement are 1.2's ("给 `GroupEntity` 增加了更多元信息")."""
    return _make("GroupEntity", locals())


def group_member(*, user_id: int, nickname: str, sex: str, group_id: int, card: str, title: str,
                 level: int, role: str, join_time: int, last_sent_time: int,
                 shut_up_end_time: int | None = None) -> dict:
    """GroupMemberEntity (群成员实体). ``level``: "群等级，注意和 QQ 等级区分", an int32;
    ``shut_up_end_time``: "禁言结束时间", null when not muted."""
    return _make("GroupMemberEntity", locals())


def group_announcement(*, group_id: int, announcement_id: str, user_id: int, time: int,
                       content: str, image_url: str | None = None) -> dict:
    """GroupAnnouncementEntity (群公告实体); ``announcement_id`` is a string."""
    return _make("GroupAnnouncementEntity", locals())


def group_file(*, group_id: int, file_id: str, file_name: str, parent_folder_id: str,
               file_size: int, uploaded_time: int, uploader_id: int, downloaded_times: int,
               expire_time: int | None = None) -> dict:
    """GroupFileEntity (群文件实体)."""
    return _make("GroupFileEntity", locals())


def group_folder(*, group_id: int, folder_id: str, parent_folder_id: str, folder_name: str,
                 created_time: int, last_modified_time: int, creator_id: int,
                 file_count: int) -> dict:
    """GroupFolderEntity (群文件夹实体)."""
    return _make("GroupFolderEntity", locals())


def friend_request(*, time: int, initiator_id: int, initiator_uid: str, target_user_id: int,
                   target_user_uid: str, state: str, comment: str, via: str,
                   is_filtered: bool) -> dict:
    """FriendRequest (好友请求实体); ``state`` one of schema.REQUEST_STATES."""
    return _make("FriendRequest", locals())


def join_request_notification(*, group_id: int, notification_seq: int, is_filtered: bool,
                              initiator_id: int, state: str, comment: str,
                              operator_id: int | None = None) -> dict:
    """GroupNotification "join_request" (用户入群请求); ``operator_id``: "处理请求的管理员"."""
    return _variant("GroupNotification", "join_request", locals())


def admin_change_notification(*, group_id: int, notification_seq: int, target_user_id: int,
                              is_set: bool, operator_id: int) -> dict:
    """GroupNotification "admin_change" (群管理员变更通知); ``operator_id``: "操作者（群主）"."""
    return _variant("GroupNotification", "admin_change", locals())


def kick_notification(*, group_id: int, notification_seq: int, target_user_id: int,
                      operator_id: int) -> dict:
    """GroupNotification "kick" (群成员被移除通知)."""
    return _variant("GroupNotification", "kick", locals())


def quit_notification(*, group_id: int, notification_seq: int, target_user_id: int) -> dict:
    """GroupNotification "quit" (群成员退群通知)."""
    return _variant("GroupNotification", "quit", locals())


def invited_join_request_notification(*, group_id: int, notification_seq: int,
                                      initiator_id: int, target_user_id: int, state: str,
                                      operator_id: int | None = None) -> dict:
    """GroupNotification "invited_join_request" (群成员邀请他人入群请求)."""
    return _variant("GroupNotification", "invited_join_request", locals())


#: IncomingMessage: the entity keys each message_scene carries (and which are required).
_SCENE_ENTITIES = {"friend": {"friend": True}, "group": {"group": True, "group_member": True},
                   "temp": {"group": False}}


def incoming_message(*, message_scene: str, peer_id: int, message_seq: int, sender_id: int,
                     time: int, segments: list[dict], friend: dict | None = None,
                     group: dict | None = None, group_member: dict | None = None) -> dict:
    """IncomingMessage (接收消息), a plain union on ``message_scene``: "friend" carries
    ``friend`` (FriendEntity), "group" ``group`` and ``group_member``, "temp" an optional
    ``group`` ("临时会话发送者的所在的群信息"). ``segments`` from segments_in.to_milky.

    Raises:
        ValueError: an unknown scene, a required entity missing, or an entity the scene does
        not carry (a bug of the caller, never the client's input).
    """
    entities = {"friend": friend, "group": group, "group_member": group_member}
    wanted = _SCENE_ENTITIES.get(message_scene)
    if wanted is None:
        raise ValueError(f"message_scene {message_scene!r} is not friend, group or temp")
    for name, value in entities.items():
        if name not in wanted and value is not None:
            raise ValueError(f"a {message_scene} message carries no {name}")
        if wanted.get(name) and value is None:
            raise ValueError(f"a {message_scene} message needs {name}")
    return _variant("IncomingMessage", message_scene, locals())


def incoming_forwarded_message(*, message_seq: int, sender_name: str, avatar_url: str,
                               time: int, segments: list[dict]) -> dict:
    """IncomingForwardedMessage (接收转发消息): one message of get_forwarded_messages;
    ``message_seq``: "该消息在来源会话中的序列号" (1.2; not nullable: 0 for a made-up node)."""
    return _make("IncomingForwardedMessage", locals())


def group_essence_message(*, group_id: int, message_seq: int, message_time: int,
                          sender_id: int, sender_name: str, operator_id: int,
                          operator_name: str, operation_time: int,
                          segments: list[dict]) -> dict:
    """GroupEssenceMessage (群精华消息)."""
    return _make("GroupEssenceMessage", locals())
