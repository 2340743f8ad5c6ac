"""Actions.call over every public action with the default world: data shapes and what each
action does (API-*, PARAM-1, MSG-24, A-22, A-23). The retcode table and the role permissions are
in test_actions_refusals.py, the dispatch (_async, _rate_limited, hidden) in
test_actions_dispatch.py (RESP-*, ACT-*, PARAM-14/15)."""

from __future__ import annotations

import os

import pytest

from actions_kit import (  # the fixtures config, world, actions
    fixture_actions,  # noqa: F401
    fixture_config,  # noqa: F401
    fixture_world,  # noqa: F401
)
from helpers import direct_call as call  # the envelope of Actions.call, no transport
from helpers import direct_data as data_of  # its data, checked ok / retcode 0
from onebot_ref import __version__
from onebot_ref.actions import PUBLIC, Actions
from onebot_ref.config import Config


def test_the_table_is_api_public_md():
    """api/public.md lists 38 actions; one function each, named after it."""
    assert len(PUBLIC) == 38 and len({fn.__name__ for fn in PUBLIC}) == 38


# --- every public action succeeds ----------------------------------------------------------

MEMBER_KEYS = {"group_id", "user_id", "nickname", "card", "sex", "age", "area", "join_time",
               "last_sent_time", "level", "role", "unfriendly", "title", "title_expire_time",
               "card_changeable"}
OK_CALLS = [
    ("send_private_msg", {"user_id": 10001, "message": "hi"}, lambda d: d["message_id"] > 0),
    ("send_group_msg", {"group_id": 20001, "message": {"type": "face", "data": {"id": "1"}}},
     lambda d: d["message_id"] > 0),
    ("send_msg", {"message_type": "private", "user_id": 10001, "message": "x"},
     lambda d: d["message_id"] > 0),
    ("send_like", {"user_id": 10001, "times": 10}, lambda d: d is None),
    ("set_group_kick", {"group_id": 20001, "user_id": 10002}, lambda d: d is None),
    ("set_group_ban", {"group_id": 20001, "user_id": 10002}, lambda d: d is None),
    ("set_group_whole_ban", {"group_id": 20003}, lambda d: d is None),
    ("set_group_admin", {"group_id": 20001, "user_id": 10002, "enable": False},
     lambda d: d is None),
    ("set_group_anonymous", {"group_id": 20001, "enable": True}, lambda d: d is None),
    ("set_group_card", {"group_id": 20002, "user_id": 10000, "card": "me"}, lambda d: d is None),
    ("set_group_name", {"group_id": 20003, "group_name": "New"}, lambda d: d is None),
    ("set_group_leave", {"group_id": 20002}, lambda d: d is None),
    ("set_group_special_title", {"group_id": 20001, "user_id": 10002, "special_title": "X",
                                 "duration": 3600}, lambda d: d is None),
    ("get_login_info", {}, lambda d: d == {"user_id": 10000, "nickname": "onebot-ref"}),
    ("get_stranger_info", {"user_id": 10009},
     lambda d: d == {"user_id": 10009, "nickname": "Mallory", "sex": "unknown", "age": 0}),
    ("get_friend_list", {}, lambda d: d[0] == {"user_id": 10001, "nickname": "Alice",
                                               "remark": ""}),
    ("get_group_info", {"group_id": 20001},
     lambda d: d == {"group_id": 20001, "group_name": "Test Group", "member_count": 5,
                     "max_member_count": 200}),
    ("get_group_list", {}, lambda d: [g["group_id"] for g in d] == [20001, 20002, 20003]),
    ("get_group_member_info", {"group_id": 20001, "user_id": 10002},
     lambda d: set(d) == MEMBER_KEYS and d["title"] == "Bobby" and d["role"] == "member"),
    ("get_group_member_list", {"group_id": 20002},
     lambda d: len(d) == 4 and all(set(m) == MEMBER_KEYS for m in d)),
    ("get_group_honor_info", {"group_id": 20001, "type": "talkative"},
     lambda d: set(d) == {"group_id", "current_talkative", "talkative_list"}),
    ("get_group_honor_info", {"group_id": 20001, "type": "all"},
     lambda d: {"performer_list", "legend_list", "strong_newbie_list", "emotion_list"} <= set(d)),
    ("get_cookies", {"domain": "qun.qq.com"}, lambda d: "uin=o10000" in d["cookies"]),
    ("get_csrf_token", {}, lambda d: isinstance(d["token"], int) and 0 <= d["token"] < 2**31),
    ("get_credentials", {}, lambda d: set(d) == {"cookies", "csrf_token"}),
    ("can_send_image", {}, lambda d: d == {"yes": True}),
    ("can_send_record", {}, lambda d: d == {"yes": True}),
    ("get_status", {}, lambda d: d["online"] is True and d["good"] is True),
    ("get_version_info", {}, lambda d: d["app_name"] == "onebot_ref"
     and d["app_version"] == __version__ and d["protocol_version"] == "v11"),
    ("clean_cache", {}, lambda d: d is None),
]


@pytest.mark.parametrize("action, params, check", OK_CALLS,
                         ids=[f"{a}-{i}" for i, (a, _, _) in enumerate(OK_CALLS)])
def test_public_action_succeeds(actions, action, params, check):
    assert check(data_of(actions, action, **params))


def test_param1_values_given_as_strings_are_coerced(actions):
    """PARAM-1: numbers and booleans from query/form strings."""
    data = data_of(actions, "get_group_member_info", group_id="20001", user_id="10001",
                   no_cache="yes")
    assert data["user_id"] == 10001


def test_get_msg_and_delete_msg(actions):
    """API-4/5: get_msg's fields; after delete_msg the message is gone (102)."""
    mid = data_of(actions, "send_group_msg", group_id=20001, message="a&#91;b")["message_id"]
    got = data_of(actions, "get_msg", message_id=mid)
    assert got == {"time": got["time"], "message_type": "group", "message_id": mid,
                   "real_id": mid, "sender": got["sender"], "message": "a&#91;b",
                   "group_id": 20001}
    assert data_of(actions, "delete_msg", message_id=mid) is None
    assert call(actions, "get_msg", message_id=mid)["retcode"] == 102


def test_msg24_get_msg_follows_post_message_format(world, tmp_path):
    array = Actions(world, Config(post_message_format="array", data_dir=str(tmp_path)))
    mid = data_of(array, "send_private_msg", user_id=10001,
                  message="[CQ:face,id=1]")["message_id"]
    assert data_of(array, "get_msg", message_id=mid)["message"] == [
        {"type": "face", "data": {"id": "1"}}]


@pytest.mark.parametrize("params, message_type", [
    ({"group_id": 20001}, "group"),
    ({"user_id": 10001}, "private"),
    ({"user_id": 10001, "group_id": 20001}, "group"),
], ids=["API-3-group", "API-3-private", "A-22-both-ids-group"])
def test_send_msg_infers_the_type(actions, params, message_type):
    mid = data_of(actions, "send_msg", message="x", **params)["message_id"]
    assert data_of(actions, "get_msg", message_id=mid)["message_type"] == message_type


def test_api6_get_forward_msg_has_message_and_messages(actions):
    """API-6 {message: [node...]}; A-23: also `messages` with the same array."""
    nodes = [{"type": "node", "data": {"user_id": "10001", "nickname": "Alice",
                                       "content": "hello"}}]
    mid = data_of(actions, "send_group_msg", group_id=20001, message=nodes)["message_id"]
    forward = data_of(actions, "get_msg", message_id=mid)["message"]
    forward_id = forward.split("id=")[1].rstrip("]")
    data = data_of(actions, "get_forward_msg", id=forward_id)
    assert data["message"] == data["messages"] == [
        {"type": "node", "data": {"user_id": "10001", "nickname": "Alice",
                                  "content": [{"type": "text", "data": {"text": "hello"}}]}}]


def test_friend_request_round_trip(actions, world):
    flag = world.inject_event({"post_type": "request", "request_type": "friend",
                               "user_id": 10009})["flag"]
    assert data_of(actions, "set_friend_add_request", flag=flag, remark="M") is None
    assert call(actions, "set_friend_add_request", flag=flag)["retcode"] == 102  # EVT-29
    flag = world.inject_event({"post_type": "request", "request_type": "group",
                               "sub_type": "add", "group_id": 20001, "user_id": 10004})["flag"]
    assert data_of(actions, "set_group_add_request", flag=flag, type="add") is None


def test_get_image_and_get_record_write_inside_the_data_dir(actions, world, config):
    world.receive_private_message(10001, "[CQ:image,file=abc.jpg][CQ:record,file=v.silk]")
    world.receive_private_message(10001, "[CQ:image,file=../../escape.png]")
    image = data_of(actions, "get_image", file="abc.jpg")["file"]
    record = data_of(actions, "get_record", file="v.silk", out_format="mp3")["file"]
    odd = data_of(actions, "get_image", file="../../escape.png")["file"]
    data_dir = os.path.abspath(config.data_dir)
    assert image == os.path.join(data_dir, "image", "abc.jpg") and os.path.isfile(image)
    assert record == os.path.join(data_dir, "record", "v.mp3") and os.path.isfile(record)
    assert os.path.dirname(odd) == os.path.join(data_dir, "image")  # never outside data_dir
    assert call(actions, "get_image", file="nope.jpg")["retcode"] == 102


def test_api10_anonymous_ban_by_object_or_flag(actions, world):
    """API-10: "anonymous 和 anonymous_flag 两者任选其一传入即可，若都传入，则使用 anonymous"."""
    anonymous = world.receive_group_message(20003, 10002, "boo", anonymous=True)["anonymous"]
    assert data_of(actions, "set_group_anonymous_ban", group_id=20003, anonymous=anonymous,
                   anonymous_flag="not-used") is None
    assert data_of(actions, "set_group_anonymous_ban", group_id="20003",
                   flag=anonymous["flag"], duration="60") is None
    assert call(actions, "set_group_anonymous_ban", group_id=20002,
                flag=anonymous["flag"])["retcode"] == 103  # the bot is a plain member there
