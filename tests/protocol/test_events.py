"""Event builders against the spec's own tables (EVT-*, META-*).

TABLES copies the field column of every event table of event/*.md; a builder that drops, adds or
reorders a field fails here. TABLES is checked against the pinned spec: its text when
ONEBOT11_SPEC names a checkout, else the digests recorded from it (PINNED_TABLES).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from onebot_ref.protocol import events
from onebot_ref.protocol.events import SHAPES, EventError, build, shape_of

#: A checkout of the OneBot 11 spec at the commit docs/rules.md pins (botuniverse/onebot-11
#: @d4456ee), when one is given: TABLES are then compared with the spec's own text.
SPEC = Path(os.environ.get("ONEBOT11_SPEC") or "/nonexistent")

#: Without a checkout (CI: the spec repository has no licence to vendor it, and GitHub may be
#: out of reach), TABLES are compared with what the extraction below gave at the pinned commit:
#: sha256 of the space-joined field names (first 16 hex digits). Recorded with ONEBOT11_SPEC set;
#: a TABLES edit that does not come from the spec fails here.
PINNED_TABLES = {
    "friend_add": "bfa990b05f946bf6", "friend_recall": "10c49b402ee7b7fd",
    "friend_request": "35ab639351f8c508", "group_admin": "ddbe0edd010bc730",
    "group_ban": "1a34a3838d947361", "group_decrease": "ddf2ac88f225d967",
    "group_increase": "ddf2ac88f225d967", "group_message": "a61f1daf7f402565",
    "group_recall": "e2e94c7f1759bb75", "group_request": "323b3502bab19434",
    "group_upload": "cf3e0a05444dd49a", "heartbeat": "dc726db904db4582",
    "honor": "f8d50d36bf1cf58a", "lifecycle": "d5c8365c0ead5830",
    "lucky_king": "ac0f298a48009326", "poke": "ac0f298a48009326",
    "private_message": "9e1dd4a78382ad50",
}
#: The event headings (## ...) of event/message.md, notice.md, request.md, meta.md at the pinned
#: commit, as SHAPES names them.
PINNED_HEADINGS = {
    "event/message.md#私聊消息", "event/message.md#群消息", "event/notice.md#群文件上传",
    "event/notice.md#群管理员变动", "event/notice.md#群成员减少", "event/notice.md#群成员增加",
    "event/notice.md#群禁言", "event/notice.md#好友添加", "event/notice.md#群消息撤回",
    "event/notice.md#好友消息撤回", "event/notice.md#群内戳一戳", "event/notice.md#群红包运气王",
    "event/notice.md#群成员荣誉变更", "event/request.md#加好友请求", "event/request.md#加群请求邀请",
    "event/meta.md#生命周期", "event/meta.md#心跳",
}


def _digest(fields: list[str]) -> str:
    return hashlib.sha256(" ".join(fields).encode("utf-8")).hexdigest()[:16]


#: The 字段名 column of each event table, in the spec's order.
TABLES = {
    "private_message": "time self_id post_type message_type sub_type message_id user_id message "
                       "raw_message font sender",
    "group_message": "time self_id post_type message_type sub_type message_id group_id user_id "
                     "anonymous message raw_message font sender",
    "group_upload": "time self_id post_type notice_type group_id user_id file",
    "group_admin": "time self_id post_type notice_type sub_type group_id user_id",
    "group_decrease": "time self_id post_type notice_type sub_type group_id operator_id user_id",
    "group_increase": "time self_id post_type notice_type sub_type group_id operator_id user_id",
    "group_ban": "time self_id post_type notice_type sub_type group_id operator_id user_id "
                 "duration",
    "friend_add": "time self_id post_type notice_type user_id",
    "group_recall": "time self_id post_type notice_type group_id user_id operator_id message_id",
    "friend_recall": "time self_id post_type notice_type user_id message_id",
    "poke": "time self_id post_type notice_type sub_type group_id user_id target_id",
    "lucky_king": "time self_id post_type notice_type sub_type group_id user_id target_id",
    "honor": "time self_id post_type notice_type sub_type group_id honor_type user_id",
    "friend_request": "time self_id post_type request_type user_id comment flag",
    "group_request": "time self_id post_type request_type sub_type group_id user_id comment flag",
    "lifecycle": "time self_id post_type meta_event_type sub_type",
    "heartbeat": "time self_id post_type meta_event_type status interval",
}


def spec_fields(anchor: str) -> list[str]:
    """The field names of the first table under the heading ``anchor`` names."""
    page, heading = anchor.split("#")
    text = (SPEC / page).read_text(encoding="utf-8")
    sections = re.split(r"^## ", text, flags=re.M)
    section = next(s for s in sections if s.split("\n")[0].replace("／", "") == heading)
    names, in_table = [], False
    for line in section.split("\n"):
        match = re.match(r"\|\s*`(\w+)`\s*\|", line)
        if match:
            names.append(match.group(1))
            in_table = True
        elif in_table and not line.startswith("|"):
            break  # the first table only (sender / anonymous / file are sub-tables)
    return names


SAMPLES = {
    "private_message": dict(sub_type="friend", message_id=1, user_id=10001,
                            message=[{"type": "text", "data": {"text": "hi"}}],
                            raw_message="hi", sender={"user_id": 10001}),
    "group_message": dict(sub_type="normal", message_id=2, group_id=20001, user_id=10001,
                          anonymous=None, message=[], raw_message="", sender={"user_id": 10001}),
    "group_upload": dict(group_id=20001, user_id=10001,
                         file={"id": "f", "name": "a.txt", "size": 1, "busid": 102}),
    "group_admin": dict(sub_type="set", group_id=20001, user_id=10001),
    "group_decrease": dict(sub_type="leave", group_id=20001, operator_id=10001, user_id=10001),
    "group_increase": dict(sub_type="approve", group_id=20001, operator_id=10000, user_id=10005),
    "group_ban": dict(sub_type="ban", group_id=20001, operator_id=10000, user_id=10001,
                      duration=60),
    "friend_add": dict(user_id=10005),
    "group_recall": dict(group_id=20001, user_id=10001, operator_id=10001, message_id=3),
    "friend_recall": dict(user_id=10001, message_id=3),
    "poke": dict(group_id=20001, user_id=10001, target_id=10000),
    "lucky_king": dict(group_id=20001, user_id=10001, target_id=10002),
    "honor": dict(group_id=20001, honor_type="talkative", user_id=10001),
    "friend_request": dict(user_id=10005, comment="hi", flag="f1"),
    "group_request": dict(sub_type="add", group_id=20001, user_id=10005, comment="", flag="f2"),
    "lifecycle": dict(sub_type="connect"),
    "heartbeat": dict(status={"online": True, "good": True}, interval=15000),
}


@pytest.mark.parametrize("name", sorted(SHAPES), ids=lambda n: f"EVT-{n}")
def test_builder_emits_exactly_the_spec_table_in_order(name):
    """EVT-6..27, META-1/6: every row of the table, in order, and nothing else."""
    event = getattr(events, name)(10000, 1700000000, **SAMPLES[name])
    assert list(event) == TABLES[name].split()
    assert event["time"] == 1700000000 and event["self_id"] == 10000  # EVT-1
    assert shape_of(event) is SHAPES[name]
    json.dumps(event)  # GEN-3: plain JSON values only


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_tables_are_copied_from_the_spec(name):
    if SPEC.is_dir():
        assert TABLES[name].split() == spec_fields(SHAPES[name].spec)
    else:  # the pinned extraction (see PINNED_TABLES)
        assert _digest(TABLES[name].split()) == PINNED_TABLES[name], (
            f"TABLES[{name!r}] differs from event/*.md at the pinned commit: check it against "
            "the spec with ONEBOT11_SPEC=<checkout> and update PINNED_TABLES only from there")


def test_every_event_table_of_the_spec_has_a_builder():
    """One builder per event heading of event/message.md, notice.md, request.md, meta.md."""
    headings = PINNED_HEADINGS
    if SPEC.is_dir():
        headings = set()
        for page in ("message.md", "notice.md", "request.md", "meta.md"):
            text = (SPEC / "event" / page).read_text(encoding="utf-8")
            headings |= {f"event/{page}#{h.replace('／', '')}"
                         for h in re.findall(r"^## (.+)$", text, flags=re.M) if h != "相关配置"}
    assert headings == {shape.spec for shape in SHAPES.values()}


@pytest.mark.parametrize("name, field, value", [
    ("group_ban", "user_id", "10001"),      # GEN-6: ids are JSON numbers, never strings
    ("group_ban", "duration", True),        # a bool is no integer
    ("private_message", "message", "hi"),   # the canonical message is an array
    ("group_message", "anonymous", "x"),    # EVT-9/10: an object or null
    ("friend_request", "flag", 1),
], ids=["GEN-6-id-string", "EVT-19-duration-bool", "EVT-5-canonical-array", "EVT-10",
        "EVT-26-flag"])
def test_a_mistyped_field_is_named(name, field, value):
    with pytest.raises(EventError, match=rf"^{field}: expected"):
        getattr(events, name)(10000, 1, **dict(SAMPLES[name], **{field: value}))


@pytest.mark.parametrize("name, sub_type", [
    ("private_message", "temp"), ("group_message", "anon"), ("group_admin", "add"),
    ("group_decrease", "kicked"), ("group_increase", "join"), ("group_ban", "mute"),
    ("group_request", "join"), ("lifecycle", "start"),
], ids=lambda v: str(v))
def test_sub_type_outside_the_table_is_refused(name, sub_type):
    """EVT-3: sub_type takes only the values of the table's 可能的值 column."""
    with pytest.raises(EventError, match="^sub_type: expected one of"):
        getattr(events, name)(10000, 1, **dict(SAMPLES[name], sub_type=sub_type))


def test_missing_and_unknown_fields_are_named():
    with pytest.raises(EventError, match="^operator_id: missing"):
        build(SHAPES["group_ban"], 1, 1, "ban", group_id=1, user_id=2, duration=3)
    with pytest.raises(EventError, match="^reason: not a field of event/notice.md#群禁言"):
        build(SHAPES["group_ban"], 1, 1, "ban", group_id=1, user_id=2, operator_id=3,
              duration=3, reason="spam")
    with pytest.raises(EventError, match="^sub_type: event/notice.md#好友添加 has no sub_type"):
        build(SHAPES["friend_add"], 1, 1, "x", user_id=2)


def test_evt17_the_bot_kicked_is_kick_me():
    """EVT-17 [LEGACY]: "kick whose user_id is the bot itself is reported as kick_me"."""
    event = events.group_decrease(10000, 1, sub_type="kick", group_id=1, operator_id=2,
                                  user_id=10000)
    assert event["sub_type"] == "kick_me"
    other = events.group_decrease(10000, 1, sub_type="kick", group_id=1, operator_id=2,
                                  user_id=3)
    assert other["sub_type"] == "kick"


def test_evt25_honor_type_is_checked():
    with pytest.raises(EventError, match="^honor_type: expected one of talkative"):
        events.honor(10000, 1, group_id=1, honor_type="legend", user_id=2)


def test_meta8_heartbeat_has_no_sub_type_and_lifecycle_no_post_method():
    """META-8 (no sub_type on heartbeats), META-5/A-15 (no _post_method)."""
    beat = events.heartbeat(10000, 1, status={"online": True, "good": True}, interval=5000)
    assert "sub_type" not in beat and beat["interval"] == 5000
    assert "_post_method" not in events.lifecycle(10000, 1, "enable")


@pytest.mark.parametrize("partial, error", [
    ({"post_type": "notice"}, "^notice_type: expected one of"),
    ({"post_type": "notice", "notice_type": "notify", "sub_type": "slap"},
     "^sub_type: expected one of poke, lucky_king, honor"),
    ({"post_type": "bogus"}, "^post_type: expected one of"),
], ids=["EVT-3-kind", "EVT-23-notify-sub_type", "EVT-1-post_type"])
def test_shape_of_names_the_discriminator(partial, error):
    with pytest.raises(EventError, match=error):
        shape_of(partial)


def test_shape_of_picks_the_notify_table_by_sub_type():
    """event/notice.md: poke, lucky_king and honor share notice_type "notify"."""
    for sub in ("poke", "lucky_king", "honor"):
        assert shape_of({"post_type": "notice", "notice_type": "notify",
                         "sub_type": sub}).name == sub


def test_evt17_kick_me_names_the_bot():
    with pytest.raises(EventError, match="^sub_type: kick_me is the bot"):
        events.group_decrease(10000, 1, sub_type="kick_me", group_id=1, operator_id=2,
                              user_id=3)
