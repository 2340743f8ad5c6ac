"""Actions.call over every public action with the default world: data shapes, the retcode
table, _async / _rate_limited dispatch (API-*, RESP-*, ACT-*, PARAM-14/15, MSG-24)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from helpers import direct_call as call  # the envelope of Actions.call, no transport
from helpers import direct_data as data_of  # its data, checked ok / retcode 0
from onebot_ref import __version__
from onebot_ref.actions import PUBLIC, Actions
from onebot_ref.bus import Bus
from onebot_ref.config import Config
from onebot_ref.world import World


@pytest.fixture
def config(tmp_path):
    return Config(rate_limit_interval=100, data_dir=str(tmp_path / "data"))


@pytest.fixture
def world():
    w = World(None, Bus())
    yield w
    w.close()


@pytest.fixture
def actions(world, config):
    a = Actions(world, config)
    yield a
    a.stop()


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


# --- the retcode table (RESP-8/9, PARAM-14/15) ---------------------------------------------

RETCODES = [
    ("PARAM-14-missing", "send_private_msg", {"message": "x"}, 100),
    ("PARAM-15-user_id-0", "send_private_msg", {"user_id": 0, "message": "x"}, 100),
    ("PARAM-15-message_id-0", "get_msg", {"message_id": 0}, 100),
    ("PARAM-15-times-0", "send_like", {"user_id": 10001, "times": 0}, 100),
    ("PARAM-15-duration", "set_group_ban", {"group_id": 20001, "user_id": 10002,
                                            "duration": -1}, 100),
    ("MSG-19-empty", "send_private_msg", {"user_id": 10001, "message": ""}, 100),
    ("PARAM-2-float", "send_private_msg", {"user_id": 10001.5, "message": "x"}, 100),
    ("API-3-bad-type", "send_msg", {"message_type": "discuss", "user_id": 1, "message": "x"},
     100),
    ("API-3-no-target", "send_msg", {"message": "x"}, 100),
    ("API-10-no-flag", "set_group_anonymous_ban", {"group_id": 20003}, 100),
    ("API-18-empty-flag", "set_friend_add_request", {"flag": ""}, 100),
    ("API-19-bad-type", "set_group_add_request", {"flag": "f", "sub_type": "join"}, 100),
    ("API-27-bad-type", "get_group_honor_info", {"group_id": 20001, "type": "best"}, 100),
    ("API-31-format", "get_record", {"file": "a.silk", "out_format": "aac"}, 100),
    ("kick-self", "set_group_kick", {"group_id": 20001, "user_id": 10000}, 100),
    ("RESP-9-no-friend", "send_private_msg", {"user_id": 99999, "message": "x"}, 102),
    ("RESP-9-not-in-group", "send_group_msg", {"group_id": 29999, "message": "x"}, 102),
    ("RESP-9-not-member", "get_group_member_info", {"group_id": 20001, "user_id": 10004}, 102),
    ("RESP-9-no-message", "delete_msg", {"message_id": 99999}, 102),
    ("RESP-9-no-flag", "set_friend_add_request", {"flag": "nope"}, 102),
    ("RESP-9-no-forward", "get_forward_msg", {"id": "F999"}, 102),
    ("RESP-9-anonymous-flag", "set_group_anonymous_ban", {"group_id": 20003, "flag": "x"},
     102),
    ("API-7-over-ten", "send_like", {"user_id": 10001, "times": 11}, 103),
]


@pytest.mark.parametrize("action, params, retcode", [r[1:] for r in RETCODES],
                         ids=[r[0] for r in RETCODES])
def test_retcode(actions, action, params, retcode):
    envelope = call(actions, action, **params)
    assert (envelope["status"], envelope["retcode"], envelope["data"]) == \
        ("failed", retcode, None)  # RESP-4, RESP-7
    assert envelope["message"]  # the reason, in words


# Roles in the default world: 20001 bot owner (Alice admin, Bob member), 20002 bot member
# (Bob owner, Alice admin, Dave member), 20003 bot admin (Carol owner, Alice admin, Bob member).
PERMISSIONS = [
    ("set_group_kick", 20001, 10001, {}, 0), ("set_group_kick", 20003, 10002, {}, 0),
    ("set_group_kick", 20003, 10001, {}, 103), ("set_group_kick", 20003, 10003, {}, 103),
    ("set_group_kick", 20002, 10004, {}, 103),
    ("set_group_ban", 20003, 10002, {}, 0), ("set_group_ban", 20003, 10001, {}, 103),
    ("set_group_ban", 20002, 10004, {}, 103),
    ("set_group_admin", 20001, 10002, {}, 0), ("set_group_admin", 20003, 10002, {}, 103),
    ("set_group_special_title", 20001, 10002, {"special_title": "t"}, 0),
    ("set_group_special_title", 20003, 10002, {"special_title": "t"}, 103),
    ("set_group_card", 20003, 10002, {"card": "c"}, 0),
    ("set_group_card", 20003, 10001, {"card": "c"}, 103),
    ("set_group_card", 20002, 10000, {"card": "c"}, 0),
    ("set_group_card", 20002, 10004, {"card": "c"}, 103),
    ("set_group_name", 20003, None, {"group_name": "n"}, 0),
    ("set_group_name", 20002, None, {"group_name": "n"}, 103),
    ("set_group_whole_ban", 20002, None, {}, 103),
    ("set_group_anonymous", 20002, None, {}, 103),
    ("set_group_leave", 20001, None, {}, 103),
    ("set_group_leave", 20001, None, {"is_dismiss": True}, 0),
]


@pytest.mark.parametrize("action, group_id, user_id, extra, retcode", PERMISSIONS,
                         ids=[f"{p[0]}-{p[1]}-{p[2]}-{p[4]}" for p in PERMISSIONS])
def test_the_bot_acts_with_the_powers_of_its_role(actions, action, group_id, user_id, extra,
                                                  retcode):
    """RESP-9: owner > admin > member; refusals are 103 and change nothing."""
    params = dict(extra, group_id=group_id)
    if user_id is not None:
        params["user_id"] = user_id
    before = actions.world.snapshot()
    assert call(actions, action, **params)["retcode"] == retcode
    if retcode:
        assert actions.world.snapshot() == before


# --- dispatch: unknown, _async, _rate_limited, hidden (ACT-*) -------------------------------

@pytest.mark.parametrize("action", ["no_such_action", "no_such_action_async",
                                    "get_status_async_async", "get_status_rate_limited_async",
                                    "send_msg_Async"],
                         ids=["A-9", "A-10", "ACT-3", "ACT-3-mixed", "PARAM-12-case"])
def test_unknown_actions_are_1404(actions, action):
    assert call(actions, action) == {"status": "failed", "retcode": 1404, "data": None,
                                     "message": f"unknown action '{action}'"}
    assert not actions.exists(action)


class Probe:
    """An action that records when and where it ran (added to the table, like a hidden one)."""

    def __init__(self, expected: int = 1):
        self.runs: list[tuple[int, float, str]] = []
        self.done = threading.Event()
        self.expected = expected

        def probe(ctx, n: int) -> dict:
            self.runs.append((n, time.monotonic(), threading.current_thread().name))
            if len(self.runs) >= self.expected:
                self.done.set()
            return {"n": n}

        self.action = probe


@pytest.fixture
def probe(actions):
    probe = Probe()
    actions.table["probe"] = actions.table[".probe"] = probe.action
    return probe


def test_act2_async_answers_at_once_and_runs_on_a_worker(actions, probe):
    """ACT-1/2, RESP-6: {"status": "async", "retcode": 1, "data": null}; the call runs on the
    named worker thread and its result is discarded."""
    assert call(actions, "probe_async", n=1) == {"status": "async", "retcode": 1, "data": None}
    assert probe.done.wait(5)
    assert probe.runs[0][0] == 1 and probe.runs[0][2] == "actions-async"


def test_act12_suffixes_work_on_hidden_actions(actions, probe):
    assert actions.exists(".probe_async")
    assert call(actions, ".probe_async", n=2)["status"] == "async"
    assert probe.done.wait(5) and probe.runs[0][0] == 2


def test_act6_rate_limited_runs_fifo_one_per_interval(actions, probe, config):
    """ACT-6/7/8: answered async at once; executed in order, consecutive executions at least
    rate_limit_interval apart (measured by the execution timestamps)."""
    probe.expected = 3
    answers = [call(actions, "probe_rate_limited", n=n) for n in range(3)]
    assert all(a["status"] == "async" for a in answers)
    assert probe.done.wait(5)
    assert [n for n, _, _ in probe.runs] == [0, 1, 2]
    gaps = [b[1] - a[1] for a, b in zip(probe.runs, probe.runs[1:])]
    assert min(gaps) >= config.rate_limit_interval / 1000 * 0.95, gaps
    assert probe.runs[0][2] == "actions-rate-limited"


def test_a11_rate_limited_is_always_available(world, tmp_path):
    actions = Actions(world, Config(enable_rate_limited_actions=False, data_dir=str(tmp_path)))
    try:
        assert call(actions, "send_private_msg_rate_limited", user_id=10001,
                    message="x")["status"] == "async"
    finally:
        actions.stop()


def test_api36_set_restart_is_async_and_calls_the_hook(actions):
    restarted = threading.Event()
    actions.on_restart = restarted.set
    assert call(actions, "set_restart", delay=10) == {"status": "async", "retcode": 1,
                                                      "data": None}
    assert restarted.wait(5)


def test_a_bug_in_an_action_is_a_failed_envelope_not_an_exception(actions, caplog):
    def broken(ctx):
        raise KeyError("oops")

    actions.table["broken"] = broken
    envelope = call(actions, "broken")
    assert envelope["status"] == "failed" and envelope["retcode"] == 103
    assert "internal error in broken: KeyError" in envelope["message"]
    assert "action broken failed unexpectedly" in caplog.text


def test_api10_anonymous_ban_by_object_or_flag(actions, world):
    """API-10: "anonymous 和 anonymous_flag 两者任选其一传入即可，若都传入，则使用 anonymous"."""
    anonymous = world.receive_group_message(20003, 10002, "boo", anonymous=True)["anonymous"]
    assert data_of(actions, "set_group_anonymous_ban", group_id=20003, anonymous=anonymous,
                   anonymous_flag="not-used") is None
    assert data_of(actions, "set_group_anonymous_ban", group_id="20003",
                   flag=anonymous["flag"], duration="60") is None
    assert call(actions, "set_group_anonymous_ban", group_id=20002,
                flag=anonymous["flag"])["retcode"] == 103  # the bot is a plain member there
