"""onebot_ref.testing.serve(): the server in the test's process, its addresses and lifecycle,
the other users' side (say, event, world), the call log, and the expectations that pass.

The bot is tests/scripted_bot.py over a real forward WebSocket; the library speaks only the
console API. One server for the module where a test does not need its own.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time

import pytest
import requests

from onebot_ref.config import ConfigError
from onebot_ref.testing import OneBotServer, serve
from scripted_bot import ScriptedBot


@pytest.fixture(scope="module")
def ob():
    with serve() as server, ScriptedBot(server.ws_url) as bot:
        server.wait_for_bot(timeout=5)
        server.bot = bot
        yield server


def test_serve_opens_loopback_free_ports_and_the_console(ob):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", ob.http_url)
    assert re.fullmatch(r"ws://127\.0\.0\.1:\d+", ob.ws_url)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", ob.console_url)
    assert ob.config.use_console and ob.config.console_host == "127.0.0.1"
    # the HTTP API is a real one
    answer = requests.get(ob.http_url + "/get_login_info", timeout=5).json()
    assert answer["data"]["user_id"] == ob.world["self"]["user_id"] == 10000


def test_a_mode_that_is_off_has_no_url():
    with serve(use_http=False, use_ws=False) as ob:
        assert ob.http_url is None and ob.ws_url is None and ob.console_url
        assert ob.config.use_ws is False


def test_config_keys_are_validated_with_did_you_mean():
    with pytest.raises(ConfigError, match="use_htp: unknown config key \\(did you mean "
                                          "'use_http'\\?\\)"):
        serve(use_htp=True)
    with pytest.raises(ValueError, match="use_console"):
        serve(use_console=False)


def test_world_as_a_mapping_or_a_yaml_file(tmp_path):
    world = {"self": {"user_id": 42, "nickname": "me"},
             "friends": [{"user_id": 43, "nickname": "you"}]}
    with serve(world=world) as ob:
        assert ob.world["self"]["user_id"] == 42
    path = tmp_path / "config.yaml"  # a whole config file: its world: is taken
    path.write_text("world:\n  self: {user_id: 44, nickname: me}\n", encoding="utf-8")
    with serve(world=path) as ob:
        assert ob.world["self"]["user_id"] == 44


def test_several_servers_at_once_are_separate_worlds():
    with serve() as one, serve() as two:
        assert len({one.ws_url, two.ws_url, one.console_url, two.console_url}) == 4
        one.say(10001, "only in one")
        assert [m["raw_message"] for m in one.messages()] == ["only in one"]
        assert two.messages() == []


def test_everything_stops_when_the_test_fails():
    before = {t.name for t in threading.enumerate()}
    with pytest.raises(KeyError):
        with serve(enable_heartbeat=True) as ob:
            port = int(ob.console_url.rsplit(":", 1)[1])
            raise KeyError("the test failed")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)
    deadline = time.monotonic() + 5
    while {t.name for t in threading.enumerate()} - before and time.monotonic() < deadline:
        time.sleep(0.02)  # request threads end as their connections close
    assert not {t.name for t in threading.enumerate()} - before


def test_say_privately_in_a_group_and_as_a_temporary_chat(ob):
    private = ob.say(10001, "hello")
    assert private["message_type"] == "private" and private["sub_type"] == "friend"
    group = ob.say(10002, "hi all", group_id=20001)
    assert group["message_type"] == "group" and group["group_id"] == 20001
    temp = ob.say(10003, "psst", group_id=20001, temp=True)
    assert temp["message_type"] == "private" and temp["sub_type"] == "group"


def test_say_to_an_unknown_user_is_a_value_error_naming_the_field(ob):
    with pytest.raises(ValueError, match="^user_id: no user 99999"):
        ob.say(99999, "hi")


def test_expect_message_and_expect_call_meet_the_bots_answer(ob):
    ob.say(10001, "/echo hi there")
    message = ob.expect_message("hi there", to_user=10001, timeout=5)
    assert message["from_self"] and message["target_id"] == 10001
    call = ob.expect_call("send_msg", user_id=10001, message="hi there")
    assert call["channel"] == "ws" and call["response"]["status"] == "ok"
    assert call["params"]["message_type"] == "private"


def test_text_none_regex_and_group(ob):
    ob.say(10002, "/echo Pong 42", group_id=20001)
    assert ob.expect_message(re.compile(r"pong \d+", re.IGNORECASE), to_group=20001)
    ob.say(10001, "/echo anything")
    assert ob.expect_message()["raw_message"] == "anything"


@pytest.mark.parametrize("style", ["string", "array", "segment"])
def test_a_message_param_matches_whatever_form_the_bot_sent(style):
    """api/README.md#参数: a message is a CQ string, an array or one segment object."""
    with serve() as ob, ScriptedBot(ob.ws_url, style=style, ids_as_text=True):
        ob.wait_for_bot()
        ob.say(10001, "/echo a&b [x]")
        for expected in ("a&amp;b &#91;x&#93;", [{"type": "text", "data": {"text": "a&b [x]"}}],
                         {"type": "text", "data": {"text": "a&b [x]"}}):
            ob.expect_call("send_msg", message=expected, user_id=10001)
            ob.say(10001, "/echo a&b [x]")  # each call meets one expectation: one more


def test_params_match_after_coercion_and_partially(ob):
    """PARAM-3: the bot's "20001" was read as 20001; the test may write either."""
    ob.bot.ids_as_text = True
    try:
        ob.say(10002, "/ban 10003", group_id=20001)
        call = ob.expect_call("set_group_ban", group_id=20001, user_id="10003")
        assert call["params"] == {"group_id": 20001, "user_id": 10003, "duration": 600}
        ob.expect_message("banned 10003", to_group=20001)
    finally:
        ob.bot.ids_as_text = False


def test_each_message_meets_one_expectation_in_any_order(ob):
    ob.say(10001, "/twice again")
    ob.expect_message("again")
    ob.expect_message("again")
    with pytest.raises(AssertionError, match="meets it, but an earlier expectation matched it"):
        ob.expect_message("again", timeout=0.2)


def test_expect_no_message(ob):
    ob.say(10001, "no command here")
    ob.expect_no_message(within=0.3)
    ob.say(10001, "/echo x")
    ob.expect_message("x")
    ob.expect_no_message(within=0.2)  # x was matched: only new messages count


def test_calls_and_event_and_world(ob):
    event = ob.event("friend_request", user_id=10009, comment="add me")
    assert event["request_type"] == "friend" and event["flag"]
    ob.expect_call("set_friend_add_request", flag=event["flag"], approve=True)
    assert 10009 in [f["user_id"] for f in ob.world["friends"]]
    calls = ob.calls("set_friend_add_request")
    assert [c["params"]["flag"] for c in calls][-1] == event["flag"]
    assert {c["action"] for c in ob.calls()} >= {"send_msg", "set_friend_add_request"}
    notice = ob.event({"post_type": "notice", "notice_type": "friend_recall",
                       "user_id": 10001, "message_id": ob.say(10001, "oops")["message_id"]})
    assert notice["notice_type"] == "friend_recall"


def test_wait_for_bot_sees_an_http_api_call():
    with serve(use_ws=False) as ob:
        with pytest.raises(AssertionError, match="hint: no bot has connected"):
            ob.wait_for_bot(timeout=0.1)
        requests.get(ob.http_url + "/get_status", timeout=5)
        assert "HTTP API request" in ob.wait_for_bot(timeout=5)


def test_the_async_twins_leave_the_event_loop_running(ob):
    """A bot in the test's own loop (NoneBot2 + pytest-asyncio) must go on while a test waits."""
    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        task = asyncio.create_task(ticker())
        ob.say(10001, "no answer")
        await ob.expect_no_message_async(within=0.3)
        ob.say(10001, "/echo async")
        found, _ = await asyncio.gather(  # two waits at once, each in its own thread
            ob.expect_message_async("async", timeout=5),
            ob.expect_call_async("send_msg", message="async"))
        assert await ob.wait_for_bot_async(timeout=1)
        with pytest.raises(AssertionError, match="expected a message from the bot"):
            await ob.expect_message_async("never", timeout=0.2)
        task.cancel()
        return ticks, found

    ticks, found = asyncio.run(main())
    assert found["raw_message"] == "async"
    assert ticks >= 20  # 0.3 s + 0.2 s of waiting, the loop ticking every 10 ms


def test_the_server_object_is_usable_without_with():
    ob = serve()
    with pytest.raises(RuntimeError, match="not started"):
        _ = ob.http_url
    ob.start()
    try:
        assert isinstance(ob, OneBotServer) and "forward WebSocket=ws://" in repr(ob)
    finally:
        ob.stop()
    ob.stop()  # twice is fine
