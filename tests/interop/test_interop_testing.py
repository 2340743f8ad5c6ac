"""onebot_ref.testing with real frameworks (issue 8's acceptance): a NoneBot2 bot over reverse
WebSocket and an aiocqhttp bot over HTTP POST + HTTP API, each a subprocess started once per
module (bots/nonebot_echo.py, bots/aiocqhttp_echo.py), each test with a fresh ``serve()``:
expect_message and expect_call see the answers (NoneBot sends arrays, aiocqhttp a string over
the HTTP API and a quick operation for groups), and a session recorded against a bot replays
against it. Rules: COMPAT-2 (reverse WS, X-Self-ID), COMPAT-5 / POST-17 (HTTP POST, quick
operation), MSG-26 (CQ-special characters stay text).
"""

from __future__ import annotations

import contextlib

import pytest

from interop_harness import FRIEND_ID, GROUP_ID, WORLD, free_port, start_bot
from onebot_ref.testing import serve

TEXT = "hi [there] & you"  # CQ-special characters: the bots must keep them text (MSG-26)


@pytest.fixture(scope="module")
def nonebot(tmp_path_factory):
    """NoneBot2 listening for onebot_ref's reverse WebSocket (/onebot/v11/ws, WSR-18)."""
    port = free_port()
    with contextlib.ExitStack() as stack:
        bot = start_bot(stack, "nonebot_echo.py", {"driver": "~fastapi", "host": "127.0.0.1",
                                                   "port": port},
                        tmp_path_factory.mktemp("nonebot"))
        bot.wait_listening(port)
        bot.config = {"use_http": False, "use_ws": False, "use_ws_reverse": True,
                      "ws_reverse_use_universal_client": True,
                      "ws_reverse_url": f"ws://127.0.0.1:{port}/onebot/v11/ws",
                      "ws_reverse_reconnect_interval": 100}
        yield bot


@pytest.fixture(scope="module")
def aiocqhttp(tmp_path_factory):
    """aiocqhttp receiving HTTP POST events and calling the HTTP API on a port fixed for the
    module (its api_root is set at start), which each test's server listens on in turn."""
    port, api_port = free_port(), free_port()
    with contextlib.ExitStack() as stack:
        bot = start_bot(stack, "aiocqhttp_echo.py",
                        {"port": port, "api_root": f"http://127.0.0.1:{api_port}/"},
                        tmp_path_factory.mktemp("aiocqhttp"))
        bot.wait_listening(port)
        bot.config = {"use_ws": False, "port": api_port,
                      "post_url": f"http://127.0.0.1:{port}/"}
        yield bot


BOTS = [pytest.param("nonebot", id="COMPAT-2-nonebot2-reverse-ws"),
        pytest.param("aiocqhttp", id="COMPAT-5-POST-17-aiocqhttp-http-post-and-http-api")]


@pytest.mark.parametrize("name", BOTS)
def test_expect_message_and_expect_call_with_a_real_framework(request, name):
    bot = request.getfixturevalue(name)
    with serve(world=WORLD, **bot.config) as ob:
        ob.wait_for_bot(timeout=20)
        ob.say(FRIEND_ID, TEXT)
        reply = ob.expect_message(f"echo: {TEXT}", to_user=FRIEND_ID, timeout=10)
        call = ob.expect_call("send_msg", user_id=FRIEND_ID, message=f"echo: {TEXT}")
        assert call["params"]["message_type"] == "private"
        assert call["response"]["data"]["message_id"] == reply["message_id"]
        assert call["channel"] == ("ws_reverse" if name == "nonebot" else "http")

        ob.say(FRIEND_ID, TEXT, group_id=GROUP_ID)
        ob.expect_message(f"echo: {TEXT}", to_group=GROUP_ID, timeout=10)
        group = ob.expect_call("send_msg", message_type="group", group_id=GROUP_ID)
        # aiocqhttp answers a group message with a quick operation in the POST's answer
        assert group["channel"] == ("ws_reverse" if name == "nonebot" else "http_post")
        ob.expect_no_message(within=0.3)


@pytest.mark.parametrize("name", BOTS)
def test_a_recorded_session_replays_against_a_real_framework(request, name, tmp_path):
    bot = request.getfixturevalue(name)
    path = tmp_path / "session.yaml"
    with serve(world=WORLD, **bot.config) as ob:
        ob.wait_for_bot(timeout=20)
        ob.record()
        for group_id in (None, GROUP_ID):
            ob.say(FRIEND_ID, TEXT, group_id=group_id)
            ob.expect_message(f"echo: {TEXT}", timeout=10)
        steps = ob.save(path)
    assert [[c["action"] for c in step["calls"]] for step in steps] == [["send_msg"]] * 2

    with serve(world=WORLD, **bot.config) as ob:  # a new world: replayed from scratch
        ob.wait_for_bot(timeout=20)
        played = ob.replay(path, timeout=10, settle=0.2)
    assert [len(step["calls"]) for step in played] == [1, 1]
