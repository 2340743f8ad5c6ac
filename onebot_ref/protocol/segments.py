"""The segment types of message/segment.md, as data.

Spec: message/segment.md. Each spec table is one :class:`Form` here, in the spec's order; each
table row is one :class:`Field`, with the row quoted. "收" = may appear in a received message,
"发" = accepted when sending (the `<Badge text="发"/>` / `<Badge text="收"/>` on a heading makes
the whole type send-only / receive-only). A field is "required" when sending unless the spec
row says 可选 (optional) or gives a default (默认) or says it is absent for the normal case.
Pure data plus two look-ups; no I/O.

BAD-3: a field that holds a number names its kind (the last column): the ranges of
protocol/ranges.py (a QQ number is an :class:`~.ranges.Id`, a message id a
:class:`~.ranges.MessageId`...), ``FLAG`` for the ``0`` ``1`` switches, ``LATITUDE`` and
``LONGITUDE`` for the degrees of a location; protocol/message.validate_outgoing checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .ranges import FaceId, Id, Int32, MessageId, Seconds

#: Value kinds of segment fields besides the integer ranges (see the module docstring).
FLAG, LATITUDE, LONGITUDE = "flag", "latitude", "longitude"


@dataclass(frozen=True)
class Field:
    """One row of a segment table."""

    name: str
    recv: bool  # the "收" column
    send: bool  # the "发" column
    required: bool  # required when sending
    row: str  # the spec row, quoted
    kind: Any = None  # what the value must read as (BAD-3): a range, FLAG, ...; None: any text
    also: tuple[str, ...] = ()  # words accepted besides the kind (``all`` for at's qq)


@dataclass(frozen=True)
class Form:
    """One segment table of message/segment.md (one heading)."""

    type: str
    heading: str  # the spec heading, usable as the anchor
    recv: bool
    send: bool
    fields: tuple[Field, ...] = ()
    # Types with several tables (contact, music, node) pick the table by one data key:
    # (key, values) matches when data[key] is one of values, or, for values == (), when the key
    # is present. None: the table for every other case.
    when: tuple[str, tuple[str, ...]] | None = None

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def _F(name: str, recv: bool, send: bool, required: bool, row: str, kind: Any = None,
       also: tuple[str, ...] = ()) -> Field:
    return Field(name, recv, send, required, row, kind, also)


Y, N = True, False
# The three "只在通过网络 URL 发送时有效" rows, quoted from 图片; 语音 and 短视频 repeat them.
_MEDIA_SEND_ONLY = (
    _F("cache", N, Y, N, "| `cache` |  | ✓ | `0` `1` | 只在通过网络 URL 发送时有效，表示是否使用已缓存的文件，默认 `1` |",
       FLAG),
    _F("proxy", N, Y, N, "| `proxy` |  | ✓ | `0` `1` | 只在通过网络 URL 发送时有效，表示是否通过代理下载文件"
                         "（需通过环境变量或配置文件配置代理），默认 `1` |", FLAG),
    _F("timeout", N, Y, N, "| `timeout` |  | ✓ | - | 只在通过网络 URL 发送时有效，单位秒，表示下载网络文件的超时时间，默认不超时 |",
       Seconds),
)

#: message/segment.md, every table in order. Columns: name, 收, 发, required when sending, row.
FORMS: tuple[Form, ...] = (
    Form("text", "纯文本", Y, Y, (
        _F("text", Y, Y, Y, "| `text` | ✓ | ✓ | - | 纯文本内容 |"),
    )),
    Form("face", "QQ 表情", Y, Y, (
        _F("id", Y, Y, Y, "| `id` | ✓ | ✓ | 见 QQ 表情 ID 表 | QQ 表情 ID |", FaceId),
    )),
    Form("image", "图片", Y, Y, (
        _F("file", Y, Y, Y, "| `file` | ✓ | ✓<sup>[1]</sup> | - | 图片文件名 |"),
        _F("type", Y, Y, N, "| `type` | ✓ | ✓ | `flash` | 图片类型，`flash` 表示闪照，无此参数表示普通图片 |"),
        _F("url", Y, N, N, "| `url` | ✓ |  | - | 图片 URL |"),
    ) + _MEDIA_SEND_ONLY),
    Form("record", "语音", Y, Y, (
        _F("file", Y, Y, Y, "| `file` | ✓ | ✓<sup>[1]</sup> | - | 语音文件名 |"),
        _F("magic", Y, Y, N, "| `magic` | ✓ | ✓ | `0` `1` | 发送时可选，默认 `0`，设置为 `1` 表示变声 |", FLAG),
        _F("url", Y, N, N, "| `url` | ✓ |  | - | 语音 URL |"),
    ) + _MEDIA_SEND_ONLY),
    Form("video", "短视频", Y, Y, (
        _F("file", Y, Y, Y, "| `file` | ✓ | ✓<sup>[1]</sup> | - | 视频文件名 |"),
        _F("url", Y, N, N, "| `url` | ✓ |  | - | 视频 URL |"),
    ) + _MEDIA_SEND_ONLY),
    Form("at", "@某人", Y, Y, (
        _F("qq", Y, Y, Y, "| `qq` | ✓ | ✓ | QQ 号、`all` | @的 QQ 号，`all` 表示全体成员 |", Id, ("all",)),
    )),
    # No table: "{"type": "rps", "data": {}}"
    Form("rps", "猜拳魔法表情", Y, Y),
    Form("dice", "掷骰子魔法表情", Y, Y),
    # "## 窗口抖动（戳一戳） <Badge text="发"/>"
    Form("shake", "窗口抖动（戳一戳）", N, Y),
    Form("poke", "戳一戳", Y, Y, (
        _F("type", Y, Y, Y, "| `type` | ✓ | ✓ | 见 Mirai 的 PokeMessage 类 | 类型 |", Int32),
        _F("id", Y, Y, Y, "| `id` | ✓ | ✓ | 同上 | ID |", Int32),
        _F("name", Y, N, N, "| `name` | ✓ |  | 同上 | 表情名 |"),
    )),
    # "## 匿名发消息 <Badge text="发"/>"; "当收到匿名消息时，需要通过 ... anonymous 字段判断"
    Form("anonymous", "匿名发消息", N, Y, (
        _F("ignore", N, Y, N, "| `ignore` |  | ✓ | `0` `1` | 可选，表示无法匿名时是否继续发送 |", FLAG),
    )),
    Form("share", "链接分享", Y, Y, (
        _F("url", Y, Y, Y, "| `url` | ✓ | ✓ | - | URL |"),
        _F("title", Y, Y, Y, "| `title` | ✓ | ✓ | - | 标题 |"),
        _F("content", Y, Y, N, "| `content` | ✓ | ✓ | - | 发送时可选，内容描述 |"),
        _F("image", Y, Y, N, "| `image` | ✓ | ✓ | - | 发送时可选，图片 URL |"),
    )),
    Form("contact", "推荐好友", Y, Y, (
        _F("type", Y, Y, Y, "| `type` | ✓ | ✓ | `qq` | 推荐好友 |"),
        _F("id", Y, Y, Y, "| `id` | ✓ | ✓ | - | 被推荐人的 QQ 号 |", Id),
    ), when=("type", ("qq",))),
    Form("contact", "推荐群", Y, Y, (
        _F("type", Y, Y, Y, "| `type` | ✓ | ✓ | `group` | 推荐群 |"),
        _F("id", Y, Y, Y, "| `id` | ✓ | ✓ | - | 被推荐群的群号 |", Id),
    ), when=("type", ("group",))),
    Form("location", "位置", Y, Y, (
        _F("lat", Y, Y, Y, "| `lat` | ✓ | ✓ | - | 纬度 |", LATITUDE),
        _F("lon", Y, Y, Y, "| `lon` | ✓ | ✓ | - | 经度 |", LONGITUDE),
        _F("title", Y, Y, N, "| `title` | ✓ | ✓ | - | 发送时可选，标题 |"),
        _F("content", Y, Y, N, "| `content` | ✓ | ✓ | - | 发送时可选，内容描述 |"),
    )),
    # "## 音乐分享 <Badge text="发"/>"
    Form("music", "音乐分享", N, Y, (
        _F("type", N, Y, Y, "| `type` |  | ✓ | `qq` `163` `xm` | 分别表示使用 QQ 音乐、网易云音乐、虾米音乐 |"),
        _F("id", N, Y, Y, "| `id` |  | ✓ | - | 歌曲 ID |"),
    ), when=("type", ("qq", "163", "xm"))),
    # "## 音乐自定义分享 <Badge text="发"/>"
    Form("music", "音乐自定义分享", N, Y, (
        _F("type", N, Y, Y, "| `type` |  | ✓ | `custom` | 表示音乐自定义分享 |"),
        _F("url", N, Y, Y, "| `url` |  | ✓ | - | 点击后跳转目标 URL |"),
        _F("audio", N, Y, Y, "| `audio` |  | ✓ | - | 音乐 URL |"),
        _F("title", N, Y, Y, "| `title` |  | ✓ | - | 标题 |"),
        _F("content", N, Y, N, "| `content` |  | ✓ | - | 发送时可选，内容描述 |"),
        _F("image", N, Y, N, "| `image` |  | ✓ | - | 发送时可选，图片 URL |"),
    ), when=("type", ("custom",))),
    Form("reply", "回复", Y, Y, (
        _F("id", Y, Y, Y, "| `id` | ✓ | ✓ | - | 回复时引用的消息 ID |", MessageId),
    )),
    # "## 合并转发 <Badge text="收"/>"
    Form("forward", "合并转发", Y, N, (
        _F("id", Y, N, N, "| `id` | ✓ |  | - | 合并转发 ID，需通过 get_forward_msg API 获取具体内容 |"),
    )),
    # "## 合并转发节点 <Badge text="发"/>": a node that carries an `id` forwards a stored message.
    Form("node", "合并转发节点", N, Y, (
        _F("id", N, Y, Y, "| `id` |  | ✓ | - | 转发的消息 ID |", MessageId),
    ), when=("id", ())),
    # "## 合并转发自定义节点": "接收时，此消息段不会直接出现在消息事件的 message 中，需通过
    # get_forward_msg API 获取" -- received only inside get_forward_msg data.
    Form("node", "合并转发自定义节点", Y, Y, (
        _F("user_id", Y, Y, Y, "| `user_id` | ✓ | ✓ | - | 发送者 QQ 号 |", Id),
        _F("nickname", Y, Y, Y, "| `nickname` | ✓ | ✓ | - | 发送者昵称 |"),
        _F("content", Y, Y, Y, "| `content` | ✓ | ✓ | - | 消息内容，支持发送消息时的 `message` 数据类型 |"),
    )),
    Form("xml", "XML 消息", Y, Y, (
        _F("data", Y, Y, Y, "| `data` | ✓ | ✓ | - | XML 内容 |"),
    )),
    Form("json", "JSON 消息", Y, Y, (
        _F("data", Y, Y, Y, "| `data` | ✓ | ✓ | - | JSON 内容 |"),
    )),
)

#: The rule of docs/rules.md that describes each table (by heading), which a refused segment
#: names at the end of its message (issue 12: English errors name the rule id).
RULES: dict[str, str] = {
    "纯文本": "SEG-2", "QQ 表情": "SEG-3", "图片": "SEG-4", "语音": "SEG-5", "短视频": "SEG-6",
    "@某人": "SEG-7", "猜拳魔法表情": "SEG-8", "掷骰子魔法表情": "SEG-8", "窗口抖动（戳一戳）": "SEG-9",
    "戳一戳": "SEG-10", "匿名发消息": "SEG-11", "链接分享": "SEG-12", "推荐好友": "SEG-13",
    "推荐群": "SEG-13", "位置": "SEG-14", "音乐分享": "SEG-15", "音乐自定义分享": "SEG-15",
    "回复": "SEG-16", "合并转发": "SEG-17", "合并转发节点": "SEG-18", "合并转发自定义节点": "SEG-19",
    "XML 消息": "SEG-20", "JSON 消息": "SEG-20",
}

#: Every segment type, in the spec's order.
TYPES: tuple[str, ...] = tuple(dict.fromkeys(form.type for form in FORMS))


def forms_of(segment_type: str) -> tuple[Form, ...]:
    """Every table of one type (two for contact, music and node; none for an unknown type)."""
    return tuple(form for form in FORMS if form.type == segment_type)


def form_of(segment_type: str, data: dict) -> Form | None:
    """The table that describes this segment, or None (unknown type, or a contact/music
    whose ``type`` names no table)."""
    for form in forms_of(segment_type):
        if form.when is None:
            return form
        key, values = form.when
        if key in data and (not values or data[key] in values):
            return form
    return None
