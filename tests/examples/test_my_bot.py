"""An example to copy into your bot's test suite: your bot, started as it runs in production,
against onebot_ref on the real wire, in pytest.

    pip install path/to/onebot_ref  # a checkout (not on PyPI): gives pytest the `onebot` fixture

Change ``BOT_COMMAND`` (how your bot starts) and ``bot_env`` (how it is told where onebot_ref
is: NoneBot2 reads ``ONEBOT_WS_URLS='["ws://..."]'``, aiocqhttp a ``CQHttp(api_root=...)``;
``python -m onebot_ref doctor`` prints what each framework needs). Here the bot is
``my_bot.py`` next to this file, a plain forward-WebSocket bot.

Each test gets a fresh onebot_ref (``onebot``: forward WebSocket, HTTP API and console on free
ports of 127.0.0.1, the default world: the bot 10000, friends 10001 Alice, 10002 Bob, ...,
group 20001 where Alice is an admin). A failing expect_* prints the bot's actual messages and
calls and the last frames on the wire.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
BOT_COMMAND = [sys.executable, str(HERE / "my_bot.py")]  # how your bot starts

# every test's server pushes messages as segment arrays (any config key works here)
pytestmark = pytest.mark.onebot(post_message_format="array")


def bot_env(onebot) -> dict[str, str]:
    """Point the bot at this test's server."""
    return dict(os.environ, ONEBOT_WS_URL=onebot.ws_url + "/")


@pytest.fixture
def bot(onebot):
    """The bot, connected to ``onebot``; stopped after the test, whatever happened."""
    process = subprocess.Popen(BOT_COMMAND, env=bot_env(onebot))
    try:
        onebot.wait_for_bot(timeout=20)
        yield process
    finally:
        process.terminate()
        process.wait(10)


def test_echo(onebot, bot):
    onebot.say(10001, "/echo hello")                     # Alice writes to the bot
    onebot.expect_message("hello", to_user=10001)


def test_ban_in_a_group(onebot, bot):
    onebot.say(10001, "/ban 10003", group_id=20001)      # Alice, in group 20001
    onebot.expect_call("set_group_ban", group_id=20001, user_id=10003, duration=600)
    onebot.expect_message("banned 10003", to_group=20001)
    banned = [m for m in onebot.world["groups"][0]["members"] if m["user_id"] == 10003]
    assert banned[0]["banned_until"] > 0                 # the world changed


def test_chatter_gets_no_answer(onebot, bot):
    onebot.say(10002, "just chatting", group_id=20001)
    onebot.expect_no_message(within=0.5)


def test_friend_requests_are_approved(onebot, bot):
    request = onebot.event("friend_request", user_id=10009, comment="hi")
    onebot.expect_call("set_friend_add_request", flag=request["flag"], approve=True)


def test_a_recorded_conversation_still_gets_the_same_answers(onebot, bot):
    """session.yaml was recorded once (`python -m onebot_ref record -o session.yaml` while
    chatting from the console, or ob.record() / ob.save()); CI replays it on every change."""
    onebot.replay(HERE / "session.yaml")
