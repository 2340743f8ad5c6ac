"""protocol.quick_ops.plan: a quick operation as the list of actions it runs (QOP-*, HID-3..5)."""

from __future__ import annotations

import pytest

from onebot_ref.protocol.quick_ops import plan, purpose
from onebot_ref.protocol.response import ActionError

PRIVATE = {"post_type": "message", "message_type": "private", "sub_type": "friend",
           "message_id": 7, "user_id": 10001, "message": "hi", "raw_message": "hi",
           "font": 0, "sender": {"user_id": 10001}}
GROUP = {"post_type": "message", "message_type": "group", "sub_type": "normal",
         "message_id": 8, "group_id": 500, "user_id": 10002, "anonymous": None,
         "message": "hi", "raw_message": "hi", "font": 0, "sender": {"user_id": 10002}}
ANONYMOUS = dict(GROUP, sub_type="anonymous", user_id=80000000,
                 anonymous={"id": 42, "name": "匿名", "flag": "anon-flag"})
# HID-3 / ACT-12: aiocqhttp strips message, raw_message, sender and comment
TRIMMED_GROUP = {k: v for k, v in GROUP.items() if k not in ("message", "raw_message", "sender")}
FRIEND_REQUEST = {"post_type": "request", "request_type": "friend", "user_id": 10003,
                  "flag": "f-1"}
GROUP_REQUEST = {"post_type": "request", "request_type": "group", "sub_type": "invite",
                 "group_id": 500, "user_id": 10003, "flag": "g-1"}
NOTICE = {"post_type": "notice", "notice_type": "group_increase", "sub_type": "approve",
          "group_id": 500, "user_id": 10003, "operator_id": 1}
HEARTBEAT = {"post_type": "meta_event", "meta_event_type": "heartbeat", "interval": 1000}


def reply(message, message_type="group", target=("group_id", 500), auto_escape=False):
    return ("send_msg", {"message_type": message_type, target[0]: target[1],
                         "message": message, "auto_escape": auto_escape})


PRIVATE_REPLY = dict(message_type="private", target=("user_id", 10001))

CASES = [
    # --- private messages ---
    pytest.param(PRIVATE, {"reply": "嗨～"}, [reply("嗨～", **PRIVATE_REPLY)],
                 id="QOP-1-private-reply"),
    pytest.param(PRIVATE, {"reply": "[x]", "auto_escape": True},
                 [reply("[x]", auto_escape=True, **PRIVATE_REPLY)], id="QOP-1-auto_escape-passed"),
    pytest.param(PRIVATE, {"reply": "hi", "at_sender": True},
                 [reply("hi", **PRIVATE_REPLY)], id="QOP-10-no-at-in-private"),
    pytest.param(PRIVATE, {"reply": "hi", "ban": True, "kick": True, "delete": True},
                 [reply("hi", **PRIVATE_REPLY)], id="QOP-1-group-fields-ignored-in-private"),
    pytest.param(PRIVATE, {}, [], id="POST-10-empty-operation-does-nothing"),
    pytest.param(PRIVATE, {"reply": ""}, [], id="QOP-7-empty-string-reply"),
    pytest.param(PRIVATE, {"reply": []}, [], id="QOP-7-empty-array-reply"),
    # --- group messages ---
    pytest.param(GROUP, {"reply": "hi"}, [reply("[CQ:at,qq=10002] hi")],
                 id="QOP-2-QOP-8-at_sender-default-true"),
    pytest.param(GROUP, {"reply": "hi", "at_sender": False}, [reply("hi")],
                 id="QOP-2-at_sender-false"),
    pytest.param(GROUP, {"reply": "a&[b]", "auto_escape": True},
                 [reply("[CQ:at,qq=10002] a&amp;&#91;b&#93;")], id="QOP-8-auto_escape-with-at"),
    pytest.param(GROUP, {"reply": "a[b]", "auto_escape": True, "at_sender": False},
                 [reply("a[b]", auto_escape=True)], id="QOP-1-auto_escape-without-at"),
    pytest.param(GROUP, {"reply": [{"type": "text", "data": {"text": "hi"}}]},
                 [reply([{"type": "at", "data": {"qq": "10002"}},
                         {"type": "text", "data": {"text": " hi"}}])],
                 id="QOP-6-QOP-8-array-reply-text-merged"),
    pytest.param(GROUP, {"reply": {"type": "face", "data": {"id": "1"}}},
                 [reply([{"type": "at", "data": {"qq": "10002"}},
                         {"type": "text", "data": {"text": " "}},
                         {"type": "face", "data": {"id": "1"}}])],
                 id="QOP-6-single-segment-reply"),
    pytest.param(GROUP, {"reply": "x", "delete": True, "kick": True, "ban": True},
                 [reply("[CQ:at,qq=10002] x"), ("delete_msg", {"message_id": 8}),
                  ("set_group_kick", {"group_id": 500, "user_id": 10002,
                                      "reject_add_request": False}),
                  ("set_group_ban", {"group_id": 500, "user_id": 10002, "duration": 1800})],
                 id="QOP-14-order-reply-delete-kick-ban-QOP-12-QOP-2-duration-1800"),
    pytest.param(GROUP, {"ban": True, "ban_duration": 60},
                 [("set_group_ban", {"group_id": 500, "user_id": 10002, "duration": 60})],
                 id="QOP-2-ban_duration"),
    pytest.param(GROUP, {"ban": "yes", "ban_duration": "60", "delete": 1},
                 [("delete_msg", {"message_id": 8}),
                  ("set_group_ban", {"group_id": 500, "user_id": 10002, "duration": 60})],
                 id="QOP-17-coerced-booleans-and-duration"),
    pytest.param(GROUP, {"ban": False, "kick": "false", "delete": 0}, [],
                 id="QOP-2-false-means-nothing"),
    # --- anonymous senders ---
    pytest.param(ANONYMOUS, {"reply": "hi"}, [reply("hi")], id="QOP-9-A-19-no-at-for-anonymous"),
    pytest.param(ANONYMOUS, {"kick": True}, [], id="QOP-12-no-kick-for-anonymous"),
    pytest.param(ANONYMOUS, {"ban": True, "ban_duration": 120},
                 [("set_group_anonymous_ban", {"group_id": 500, "duration": 120,
                                               "anonymous": ANONYMOUS["anonymous"]})],
                 id="QOP-13-A-20-anonymous-ban"),
    pytest.param(dict(GROUP, anonymous="匿名", anonymous_flag="old-flag"), {"ban": True},
                 [("set_group_anonymous_ban", {"group_id": 500, "duration": 1800,
                                               "anonymous_flag": "old-flag"})],
                 id="HID-5-string-anonymous-is-anonymous"),
    # --- trimmed contexts (HID-3) ---
    pytest.param(TRIMMED_GROUP, {"reply": "hi", "delete": True},
                 [reply("[CQ:at,qq=10002] hi"), ("delete_msg", {"message_id": 8})],
                 id="HID-3-context-without-message-and-sender"),
    pytest.param({"post_type": "message", "group_id": 500, "user_id": 1}, {"reply": "hi"},
                 [reply("[CQ:at,qq=1] hi")], id="choice-no-message_type-with-group_id-is-group"),
    # --- requests ---
    pytest.param(FRIEND_REQUEST, {"approve": True, "remark": "pal"},
                 [("set_friend_add_request", {"flag": "f-1", "approve": True, "remark": "pal"})],
                 id="QOP-3-QOP-15-friend-approve-with-remark"),
    pytest.param(FRIEND_REQUEST, {"approve": False, "remark": "pal"},
                 [("set_friend_add_request", {"flag": "f-1", "approve": False})],
                 id="QOP-3-remark-only-when-approving"),
    pytest.param(FRIEND_REQUEST, {"remark": "pal"}, [], id="QOP-15-nothing-without-approve"),
    pytest.param(FRIEND_REQUEST, {"approve": "true"},
                 [("set_friend_add_request", {"flag": "f-1", "approve": True})],
                 id="QOP-16-A-21-approve-coerced"),
    pytest.param(GROUP_REQUEST, {"approve": False, "reason": "no"},
                 [("set_group_add_request", {"flag": "g-1", "sub_type": "invite",
                                             "approve": False, "reason": "no"})],
                 id="QOP-4-QOP-15-group-reject-with-reason"),
    pytest.param(GROUP_REQUEST, {"approve": True, "reason": "no"},
                 [("set_group_add_request", {"flag": "g-1", "sub_type": "invite",
                                             "approve": True})],
                 id="QOP-4-reason-only-when-rejecting"),
    # --- events without quick operations ---
    pytest.param(NOTICE, {"reply": "hi", "approve": True}, [], id="QOP-5-notice-none"),
    pytest.param(HEARTBEAT, {"reply": "hi"}, [], id="QOP-5-meta-none"),
    pytest.param(PRIVATE, {"block": True}, [], id="POST-16-block-ignored"),
]


@pytest.mark.parametrize("context, operation, expected", CASES)
def test_plan(context, operation, expected):
    assert plan(context, operation) == expected


@pytest.mark.parametrize("context, operation, named", [
    pytest.param([], {}, "context", id="HID-4-context-not-object"),
    pytest.param(GROUP, "ban", "operation", id="HID-4-operation-not-object"),
    pytest.param(GROUP, {"ban": "maybe"}, "ban", id="choice-unreadable-boolean-names-field"),
    pytest.param(GROUP, {"ban": True, "ban_duration": 1.5}, "ban_duration",
                 id="PARAM-2-float-duration"),
    pytest.param(GROUP, {"reply": 12}, "reply", id="PARAM-8-number-is-no-message"),
    pytest.param(FRIEND_REQUEST, {"approve": "perhaps"}, "approve", id="QOP-16-bad-approve"),
])
def test_bad_operation_is_retcode_100_naming_the_field(context, operation, named):
    with pytest.raises(ActionError) as caught:
        plan(context, operation)
    assert caught.value.retcode == 100
    assert named in caught.value.message


def test_plan_does_not_modify_its_inputs():
    reply_array = [{"type": "text", "data": {"text": "hi"}}]
    operation = {"reply": reply_array}
    context = dict(GROUP)
    plan(context, operation)
    assert reply_array == [{"type": "text", "data": {"text": "hi"}}]
    assert context == GROUP


@pytest.mark.parametrize("action, params, expected", [
    ("send_msg", {}, "reply"), ("delete_msg", {}, "delete"), ("set_group_kick", {}, "kick"),
    ("set_group_ban", {}, "ban"), ("set_group_anonymous_ban", {}, "ban"),
    ("set_friend_add_request", {"approve": True}, "approve"),
    ("set_group_add_request", {"approve": False}, "reject"),
])
def test_purpose_names_the_quick_operation_field(action, params, expected):
    assert purpose(action, params) == expected
