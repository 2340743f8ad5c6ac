"""The segment table against message/segment.md (SEG-*)."""

from __future__ import annotations

import pytest

from onebot_ref.protocol.segments import FORMS, TYPES, form_of, forms_of


def test_every_segment_type_of_segment_md_in_order_SEG_2_to_20():
    assert TYPES == ("text", "face", "image", "record", "video", "at", "rps", "dice", "shake",
                     "poke", "anonymous", "share", "contact", "location", "music", "reply",
                     "forward", "node", "xml", "json")
    # one Form per table heading of message/segment.md (contact, music, node have two each)
    assert len(FORMS) == 23


# (type, heading, recv, send): the <Badge> of each heading.
@pytest.mark.parametrize("kind, heading, recv, send", [
    ("shake", "窗口抖动（戳一戳）", False, True),
    ("anonymous", "匿名发消息", False, True),
    ("music", "音乐分享", False, True),
    ("music", "音乐自定义分享", False, True),
    ("forward", "合并转发", True, False),
    ("node", "合并转发节点", False, True),
    ("node", "合并转发自定义节点", True, True),
    ("text", "纯文本", True, True),
    ("rps", "猜拳魔法表情", True, True),
], ids=["SEG-9-shake-send-only", "SEG-11-anonymous-send-only", "SEG-15-music-send-only",
        "SEG-15-music-custom-send-only", "SEG-17-forward-recv-only", "SEG-18-node-id-send-only",
        "SEG-19-node-custom-both", "SEG-2-text-both", "SEG-8-rps-both"])
def test_badges(kind, heading, recv, send):
    form = next(f for f in forms_of(kind) if f.heading == heading)
    assert (form.recv, form.send) == (recv, send)


# (type, discriminating data, required when sending, optional, receive-only fields)
FIELDS = [
    ("text", {}, {"text"}, set(), set(), "SEG-2"),
    ("face", {}, {"id"}, set(), set(), "SEG-3"),
    ("image", {}, {"file"}, {"type", "cache", "proxy", "timeout"}, {"url"}, "SEG-4"),
    ("record", {}, {"file"}, {"magic", "cache", "proxy", "timeout"}, {"url"}, "SEG-5"),
    ("video", {}, {"file"}, {"cache", "proxy", "timeout"}, {"url"}, "SEG-6"),
    ("at", {}, {"qq"}, set(), set(), "SEG-7"),
    ("rps", {}, set(), set(), set(), "SEG-8-rps"),
    ("dice", {}, set(), set(), set(), "SEG-8-dice"),
    ("shake", {}, set(), set(), set(), "SEG-9"),
    ("poke", {}, {"type", "id"}, set(), {"name"}, "SEG-10"),
    ("anonymous", {}, set(), {"ignore"}, set(), "SEG-11"),
    ("share", {}, {"url", "title"}, {"content", "image"}, set(), "SEG-12"),
    ("contact", {"type": "qq"}, {"type", "id"}, set(), set(), "SEG-13-qq"),
    ("contact", {"type": "group"}, {"type", "id"}, set(), set(), "SEG-13-group"),
    ("location", {}, {"lat", "lon"}, {"title", "content"}, set(), "SEG-14"),
    ("music", {"type": "163"}, {"type", "id"}, set(), set(), "SEG-15-music"),
    ("music", {"type": "custom"}, {"type", "url", "audio", "title"}, {"content", "image"}, set(),
     "SEG-15-custom"),
    ("reply", {}, {"id"}, set(), set(), "SEG-16"),
    ("forward", {}, set(), set(), {"id"}, "SEG-17"),
    ("node", {"id": "1"}, {"id"}, set(), set(), "SEG-18"),
    ("node", {"user_id": "1"}, {"user_id", "nickname", "content"}, set(), set(), "SEG-19"),
    ("xml", {}, {"data"}, set(), set(), "SEG-20-xml"),
    ("json", {}, {"data"}, set(), set(), "SEG-20-json"),
]


@pytest.mark.parametrize("kind, data, required, optional, recv_only",
                         [pytest.param(*row[:5], id=row[5]) for row in FIELDS])
def test_fields(kind, data, required, optional, recv_only):
    form = form_of(kind, data)
    assert form is not None and form.type == kind
    assert {f.name for f in form.fields if f.required} == required
    assert {f.name for f in form.fields if f.send and not f.required} == optional
    assert {f.name for f in form.fields if f.recv and not f.send} == recv_only
    for field in form.fields:  # each row quotes its spec row, which names the field
        assert field.row.startswith(f"| `{field.name}` |")


@pytest.mark.parametrize("kind, data", [
    ("contact", {"type": "friend", "id": "1"}),
    ("contact", {}),
    ("music", {"type": "spotify"}),
    ("nope", {}),
], ids=["SEG-13-unknown-contact-type", "SEG-13-no-contact-type", "SEG-15-unknown-music-type",
        "unknown-segment-type"])
def test_no_table(kind, data):
    assert form_of(kind, data) is None
