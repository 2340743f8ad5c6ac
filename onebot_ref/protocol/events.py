"""Event builders: one function per event of event/*.md, each built from one table row.

Spec: event/README.md, event/message.md, event/notice.md, event/request.md, event/meta.md
(EVT-*, META-*). Pure: no I/O, no clock (the caller passes ``time``).

Where the spec is a table the code is a table: :data:`SHAPES` has one :class:`Shape` per event
table, its fields in the spec's order. :func:`build` makes the dict and checks every field
against the row (a missing field or a wrong type raises :class:`EventError` naming it), so the
console's ``inject_event`` reports a bad partial event with the same words the builders use.

In a built event ``message`` is the canonical segment ARRAY; the bus converts it to the
configured format per transport (EVT-5, EVT-14). ``raw_message`` is always the CQ string (EVT-13).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class EventError(ValueError):
    """A field of an event is missing, unknown or of the wrong type; the message names it."""


# Field kinds. "int" is a JSON integer (never a bool): GEN-6 "All IDs ... are JSON numbers"; BAD-3:
# within int64, the widest the tables declare (time, self_id "number (int64)"), as sqlite3's.
INT, STR, OBJ, ARR, OBJ_OR_NULL = "int", "str", "object", "array", "object or null"
_INT64 = (-2**63, 2**63 - 1)


@dataclass(frozen=True)
class Shape:
    """One event table: its discriminators, the allowed ``sub_type`` values, the other fields."""

    name: str  # the key in SHAPES: the builder's name
    post_type: str
    kind_key: str  # message_type | notice_type | request_type | meta_event_type (EVT-3)
    kind: str
    sub_types: tuple[str, ...]  # () = the table has no sub_type row
    fields: tuple[tuple[str, str], ...]  # (name, kind) after sub_type, in the spec's order
    spec: str


_MESSAGE_TAIL = (("message", ARR), ("raw_message", STR), ("font", INT), ("sender", OBJ))

#: Every event table of event/*.md, in the spec's order.
SHAPES: dict[str, Shape] = {s.name: s for s in (
    # event/message.md#私聊消息: sub_type "`friend`、`group`、`other`"
    Shape("private_message", "message", "message_type", "private", ("friend", "group", "other"),
          (("message_id", INT), ("user_id", INT)) + _MESSAGE_TAIL, "event/message.md#私聊消息"),
    # event/message.md#群消息: sub_type "`normal`、`anonymous`、`notice`";
    # "anonymous ... 如果不是匿名消息则为 null" (EVT-9: the key is always present)
    Shape("group_message", "message", "message_type", "group", ("normal", "anonymous", "notice"),
          (("message_id", INT), ("group_id", INT), ("user_id", INT), ("anonymous", OBJ_OR_NULL))
          + _MESSAGE_TAIL, "event/message.md#群消息"),
    # event/notice.md#群文件上传 (no sub_type)
    Shape("group_upload", "notice", "notice_type", "group_upload", (),
          (("group_id", INT), ("user_id", INT), ("file", OBJ)), "event/notice.md#群文件上传"),
    # event/notice.md#群管理员变动: "`set`、`unset`"
    Shape("group_admin", "notice", "notice_type", "group_admin", ("set", "unset"),
          (("group_id", INT), ("user_id", INT)), "event/notice.md#群管理员变动"),
    # event/notice.md#群成员减少: "`leave`、`kick`、`kick_me`"
    Shape("group_decrease", "notice", "notice_type", "group_decrease", ("leave", "kick", "kick_me"),
          (("group_id", INT), ("operator_id", INT), ("user_id", INT)),
          "event/notice.md#群成员减少"),
    # event/notice.md#群成员增加: "`approve`、`invite`"
    Shape("group_increase", "notice", "notice_type", "group_increase", ("approve", "invite"),
          (("group_id", INT), ("operator_id", INT), ("user_id", INT)),
          "event/notice.md#群成员增加"),
    # event/notice.md#群禁言: "`ban`、`lift_ban`"; duration "禁言时长，单位秒"
    Shape("group_ban", "notice", "notice_type", "group_ban", ("ban", "lift_ban"),
          (("group_id", INT), ("operator_id", INT), ("user_id", INT), ("duration", INT)),
          "event/notice.md#群禁言"),
    # event/notice.md#好友添加 (no sub_type)
    Shape("friend_add", "notice", "notice_type", "friend_add", (), (("user_id", INT),),
          "event/notice.md#好友添加"),
    # event/notice.md#群消息撤回 (no sub_type)
    Shape("group_recall", "notice", "notice_type", "group_recall", (),
          (("group_id", INT), ("user_id", INT), ("operator_id", INT), ("message_id", INT)),
          "event/notice.md#群消息撤回"),
    # event/notice.md#好友消息撤回 (no sub_type)
    Shape("friend_recall", "notice", "notice_type", "friend_recall", (),
          (("user_id", INT), ("message_id", INT)), "event/notice.md#好友消息撤回"),
    # event/notice.md#群内戳一戳: notice_type "notify", sub_type "poke"
    Shape("poke", "notice", "notice_type", "notify", ("poke",),
          (("group_id", INT), ("user_id", INT), ("target_id", INT)), "event/notice.md#群内戳一戳"),
    # event/notice.md#群红包运气王: notice_type "notify", sub_type "lucky_king"
    Shape("lucky_king", "notice", "notice_type", "notify", ("lucky_king",),
          (("group_id", INT), ("user_id", INT), ("target_id", INT)),
          "event/notice.md#群红包运气王"),
    # event/notice.md#群成员荣誉变更: notice_type "notify", sub_type "honor"
    Shape("honor", "notice", "notice_type", "notify", ("honor",),
          (("group_id", INT), ("honor_type", STR), ("user_id", INT)),
          "event/notice.md#群成员荣誉变更"),
    # event/request.md#加好友请求 (no sub_type)
    Shape("friend_request", "request", "request_type", "friend", (),
          (("user_id", INT), ("comment", STR), ("flag", STR)), "event/request.md#加好友请求"),
    # event/request.md#加群请求邀请: "`add`、`invite`"
    Shape("group_request", "request", "request_type", "group", ("add", "invite"),
          (("group_id", INT), ("user_id", INT), ("comment", STR), ("flag", STR)),
          "event/request.md#加群请求邀请"),
    # event/meta.md#生命周期: "`enable`、`disable`、`connect`"
    Shape("lifecycle", "meta_event", "meta_event_type", "lifecycle",
          ("enable", "disable", "connect"), (),
          "event/meta.md#生命周期"),
    # event/meta.md#心跳 (no sub_type, META-8); interval "到下次心跳的间隔，单位毫秒"
    Shape("heartbeat", "meta_event", "meta_event_type", "heartbeat", (),
          (("status", OBJ), ("interval", INT)), "event/meta.md#心跳"),
)}

#: event/notice.md#群成员荣誉变更: honor_type "`talkative`、`performer`、`emotion`"
HONOR_TYPES = ("talkative", "performer", "emotion")

_CHECKS = {
    INT: lambda v: isinstance(v, int) and not isinstance(v, bool) and _INT64[0] <= v <= _INT64[1],
    STR: lambda v: isinstance(v, str),
    OBJ: lambda v: isinstance(v, dict),
    ARR: lambda v: isinstance(v, list),
    OBJ_OR_NULL: lambda v: v is None or isinstance(v, dict),
}


def shape_of(event: dict) -> Shape:
    """The table a (partial) event belongs to, from post_type / *_type / sub_type (EVT-3)."""
    post_type = event.get("post_type")
    candidates = [s for s in SHAPES.values() if s.post_type == post_type]
    if not candidates:
        known = sorted({s.post_type for s in SHAPES.values()})
        raise EventError(f"post_type: expected one of {', '.join(known)}, got {post_type!r}")
    key = candidates[0].kind_key
    kind = event.get(key)
    candidates = [s for s in candidates if s.kind == kind]
    if not candidates:
        known = sorted({s.kind for s in SHAPES.values() if s.post_type == post_type})
        raise EventError(f"{key}: expected one of {', '.join(known)}, got {kind!r}")
    if len(candidates) > 1:  # notify: the sub_type picks the table
        sub = event.get("sub_type")
        match = [s for s in candidates if sub in s.sub_types]
        if not match:
            subs = ", ".join(s.sub_types[0] for s in candidates)
            raise EventError(f"sub_type: expected one of {subs} for {key} {kind!r}, got {sub!r}")
        return match[0]
    return candidates[0]


def build(shape: Shape, self_id: int, time: int, sub_type: str | None = None,
          **fields: Any) -> dict:
    """The event dict of ``shape``: time, self_id, post_type, the *_type, sub_type, then the
    table's fields in order. Raises :class:`EventError` naming a missing, unknown or mistyped
    field (EVT-1: ``time`` and ``self_id`` are integers; GEN-6: ids are JSON numbers)."""
    event: dict[str, Any] = {"time": time, "self_id": self_id, "post_type": shape.post_type,
                             shape.kind_key: shape.kind}
    if shape.sub_types:
        if sub_type not in shape.sub_types:
            raise EventError(f"sub_type: expected one of {', '.join(shape.sub_types)} "
                             f"({shape.spec}), got {sub_type!r}")
        event["sub_type"] = sub_type
    elif sub_type is not None:
        raise EventError(f"sub_type: {shape.spec} has no sub_type, got {sub_type!r}")
    names = {name for name, _ in shape.fields}
    unknown = sorted(set(fields) - names)
    if unknown:
        raise EventError(f"{unknown[0]}: not a field of {shape.spec} (fields: "
                         f"{', '.join(n for n, _ in shape.fields) or 'none'})")
    for name, kind in (("time", INT), ("self_id", INT)) + shape.fields:
        value = event[name] if name in ("time", "self_id") else fields.get(name, _MISSING)
        if value is _MISSING:
            raise EventError(f"{name}: missing ({shape.spec})")
        if not _CHECKS[kind](value):
            expected = "int (within int64)" if kind == INT else kind
            raise EventError(f"{name}: expected {expected}, got {value!r} ({shape.spec})")
        event[name] = value
    if shape.name == "group_decrease":
        # EVT-17 [LEGACY]: "kick whose user_id is the bot itself is reported as kick_me";
        # event/notice.md: kick_me "登录号被踢"
        if sub_type == "kick" and fields["user_id"] == self_id:
            event["sub_type"] = "kick_me"
        elif sub_type == "kick_me" and fields["user_id"] != self_id:
            raise EventError(f"sub_type: kick_me is the bot ({self_id}) being kicked, but "
                             f"user_id is {fields['user_id']}")
    if shape.name == "honor" and fields["honor_type"] not in HONOR_TYPES:
        raise EventError(f"honor_type: expected one of {', '.join(HONOR_TYPES)}, "
                         f"got {fields['honor_type']!r}")
    return event


_MISSING = object()


# --- one builder per event table -----------------------------------------------------------

def private_message(self_id: int, time: int, *, sub_type: str, message_id: int, user_id: int,
                    message: list, raw_message: str, sender: dict, font: int = 0) -> dict:
    """event/message.md#私聊消息 (EVT-6, EVT-7)."""
    return build(SHAPES["private_message"], self_id, time, sub_type, message_id=message_id,
                 user_id=user_id, message=message, raw_message=raw_message, font=font,
                 sender=sender)


def group_message(self_id: int, time: int, *, sub_type: str, message_id: int, group_id: int,
                  user_id: int, anonymous: dict | None, message: list, raw_message: str,
                  sender: dict, font: int = 0) -> dict:
    """event/message.md#群消息 (EVT-8..12)."""
    return build(SHAPES["group_message"], self_id, time, sub_type, message_id=message_id,
                 group_id=group_id, user_id=user_id, anonymous=anonymous, message=message,
                 raw_message=raw_message, font=font, sender=sender)


def group_upload(self_id: int, time: int, *, group_id: int, user_id: int, file: dict) -> dict:
    """event/notice.md#群文件上传 (EVT-15)."""
    return build(SHAPES["group_upload"], self_id, time, group_id=group_id, user_id=user_id,
                 file=file)


def group_admin(self_id: int, time: int, *, sub_type: str, group_id: int, user_id: int) -> dict:
    """event/notice.md#群管理员变动 (EVT-16)."""
    return build(SHAPES["group_admin"], self_id, time, sub_type, group_id=group_id,
                 user_id=user_id)


def group_decrease(self_id: int, time: int, *, sub_type: str, group_id: int, operator_id: int,
                   user_id: int) -> dict:
    """event/notice.md#群成员减少 (EVT-17): "操作者 QQ 号（如果是主动退群，则和 user_id 相同）"."""
    return build(SHAPES["group_decrease"], self_id, time, sub_type, group_id=group_id,
                 operator_id=operator_id, user_id=user_id)


def group_increase(self_id: int, time: int, *, sub_type: str, group_id: int, operator_id: int,
                   user_id: int) -> dict:
    """event/notice.md#群成员增加 (EVT-18)."""
    return build(SHAPES["group_increase"], self_id, time, sub_type, group_id=group_id,
                 operator_id=operator_id, user_id=user_id)


def group_ban(self_id: int, time: int, *, sub_type: str, group_id: int, operator_id: int,
              user_id: int, duration: int) -> dict:
    """event/notice.md#群禁言 (EVT-19; A-36: a whole-group ban has user_id 0; lift_ban has
    duration 0)."""
    return build(SHAPES["group_ban"], self_id, time, sub_type, group_id=group_id,
                 operator_id=operator_id, user_id=user_id, duration=duration)


def friend_add(self_id: int, time: int, *, user_id: int) -> dict:
    """event/notice.md#好友添加 (EVT-20)."""
    return build(SHAPES["friend_add"], self_id, time, user_id=user_id)


def group_recall(self_id: int, time: int, *, group_id: int, user_id: int, operator_id: int,
                 message_id: int) -> dict:
    """event/notice.md#群消息撤回 (EVT-21)."""
    return build(SHAPES["group_recall"], self_id, time, group_id=group_id, user_id=user_id,
                 operator_id=operator_id, message_id=message_id)


def friend_recall(self_id: int, time: int, *, user_id: int, message_id: int) -> dict:
    """event/notice.md#好友消息撤回 (EVT-22)."""
    return build(SHAPES["friend_recall"], self_id, time, user_id=user_id, message_id=message_id)


def poke(self_id: int, time: int, *, group_id: int, user_id: int, target_id: int) -> dict:
    """event/notice.md#群内戳一戳 (EVT-23)."""
    return build(SHAPES["poke"], self_id, time, "poke", group_id=group_id, user_id=user_id,
                 target_id=target_id)


def lucky_king(self_id: int, time: int, *, group_id: int, user_id: int, target_id: int) -> dict:
    """event/notice.md#群红包运气王 (EVT-24)."""
    return build(SHAPES["lucky_king"], self_id, time, "lucky_king", group_id=group_id,
                 user_id=user_id, target_id=target_id)


def honor(self_id: int, time: int, *, group_id: int, honor_type: str, user_id: int) -> dict:
    """event/notice.md#群成员荣誉变更 (EVT-25)."""
    return build(SHAPES["honor"], self_id, time, "honor", group_id=group_id,
                 honor_type=honor_type, user_id=user_id)


def friend_request(self_id: int, time: int, *, user_id: int, comment: str, flag: str) -> dict:
    """event/request.md#加好友请求 (EVT-26). ``comment`` is passed already CQ-escaped (A-45)."""
    return build(SHAPES["friend_request"], self_id, time, user_id=user_id, comment=comment,
                 flag=flag)


def group_request(self_id: int, time: int, *, sub_type: str, group_id: int, user_id: int,
                  comment: str, flag: str) -> dict:
    """event/request.md#加群请求邀请 (EVT-27)."""
    return build(SHAPES["group_request"], self_id, time, sub_type, group_id=group_id,
                 user_id=user_id, comment=comment, flag=flag)


def lifecycle(self_id: int, time: int, sub_type: str) -> dict:
    """event/meta.md#生命周期 (META-1). No ``_post_method`` field (META-5, A-15)."""
    return build(SHAPES["lifecycle"], self_id, time, sub_type)


def heartbeat(self_id: int, time: int, *, status: dict, interval: int) -> dict:
    """event/meta.md#心跳 (META-6): "其中 status 字段的内容和 get_status 接口的快速操作相同"
    (read: its response data); ``interval`` in milliseconds."""
    return build(SHAPES["heartbeat"], self_id, time, status=status, interval=interval)
