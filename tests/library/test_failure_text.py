"""The failure text of an expectation not met: the product (issue 8). A CI log must say why
without a re-run: what was expected, the nearest misses with a diff, the bot's messages and
calls since the last say(), the last frames of the journal with verdicts, a hint with no bot.
"""

from __future__ import annotations

import pytest

from onebot_ref.testing import serve
from scripted_bot import ScriptedBot


@pytest.fixture(scope="module")
def ob():
    with serve() as server, ScriptedBot(server.ws_url):
        server.wait_for_bot(timeout=5)
        yield server


def failure(fn, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_a_timed_out_expect_message_shows_the_actual_reply_as_a_diff_and_the_journal(ob):
    ob.say(10001, "/echo hello world!")
    ob.expect_call("send_msg")  # the answer is there (a call; its message stays unmatched)
    text = failure(ob.expect_message, "hello world", to_user=10001, timeout=0.2)
    lines = text.splitlines()
    assert lines[0] == ("expected a message from the bot to user 10001 with text 'hello world' "
                        "within 0.2 s of the last say/event (#"
                        + lines[0].split("#", 1)[1].split(" ", 1)[0]
                        + ' private_message from 10001: "/echo hello world!")')
    near = lines.index("nearest misses:")
    assert '"hello world!"' in lines[near + 1] and "to user 10001" in lines[near + 1]
    assert lines[near + 2].strip() == "text differs:"
    assert lines[near + 3].strip() == "- hello world"
    assert lines[near + 4].strip() == "+ hello world!"
    assert "the bot's messages since the last say/event (1):" in lines
    calls = lines.index("the bot's calls since the last say/event (1):")
    assert lines[calls + 1].lstrip().startswith("#") and "send_msg via ws" in lines[calls + 1]
    assert '"user_id":10001' in lines[calls + 1] and "-> ok" in lines[calls + 1]
    journal = lines.index("last frames of the traffic journal (heartbeats and expectations "
                          "left out):")
    frames = lines[journal + 1:]
    assert any("console in" in f and "-- injected private message" in f for f in frames)
    assert any("ws in" in f and '"action":"send_msg"' in f for f in frames)
    assert any("ws out" in f and '"status":"ok"' in f for f in frames)
    assert not any("/sim/expect" in f for f in frames)


def test_the_wrong_target_is_named(ob):
    ob.say(10002, "/echo to the group", group_id=20001)
    ob.expect_call("send_msg")
    text = failure(ob.expect_message, "to the group", to_user=10002, timeout=0.1)
    assert "sent in group 20001, not to user 10002" in text


def test_expect_call_names_the_params_that_differ(ob):
    ob.say(10002, "/ban 10003", group_id=20001)
    ob.expect_message("banned 10003")  # the calls are there (the message came after them)
    text = failure(ob.expect_call, "set_group_ban", group_id=20001, user_id=10004,
                   duration=600, timeout=0.1)
    assert "expected a call of set_group_ban(group_id=20001, user_id=10004, duration=600)" in text
    assert "      user_id: expected 10004, got 10003" in text
    assert "group_id: expected" not in text  # what matched is not listed
    assert "#" in text and "set_group_ban via ws" in text


def test_a_typo_in_the_action_finds_the_real_call(ob):
    ob.say(10001, "/echo hi")
    ob.expect_message("hi")
    text = failure(ob.expect_call, "send_mesage", timeout=0.1)
    near = text.split("nearest misses:\n", 1)[1]
    assert near.splitlines()[1].strip() == "action send_msg, not send_mesage"


def test_a_message_param_shows_both_cq_strings(ob):
    ob.say(10001, "/echo hi")
    ob.expect_message("hi")
    text = failure(ob.expect_call, "send_msg", message="[CQ:face,id=2] hi", timeout=0.1)
    assert "- [CQ:face,id=2] hi" in text and "+ hi" in text


def test_no_message_shows_what_came(ob):
    ob.say(10001, "/echo unwanted")
    text = failure(ob.expect_no_message, within=2)
    assert text.startswith("expected no message from the bot within 2 s")
    assert "but the bot sent:" in text and '"unwanted"' in text


def test_without_a_bot_the_hint_says_where_to_point_it():
    with serve() as ob:
        ob.say(10001, "/echo anyone?")
        text = failure(ob.expect_message, "anyone?", timeout=0.1)
    lines = text.splitlines()
    assert lines[1] == (f"this server: HTTP API {ob.http_url}, forward WebSocket {ob.ws_url}, "
                        f"console {ob.console_url}")
    assert lines[2].startswith("hint: no bot has connected to this server since it started "
                               "(enabled: HTTP API, forward WebSocket)")
    assert "nearest misses: none (no message from the bot since then)" in text


def test_a_failed_call_shows_its_retcode(ob):
    """The bot's call that failed is why no message came: the calls section says so."""
    ob.say(10002, "/ban 10000", group_id=20001)  # the bot cannot ban itself (100)
    ob.expect_call("set_group_ban", user_id=10000)
    text = failure(ob.expect_message, "banned 10000", timeout=0.2)
    assert "set_group_ban via ws" in text and "-> failed 100" in text
    assert "[matched earlier]" in text  # expect_call met it; it is still shown
