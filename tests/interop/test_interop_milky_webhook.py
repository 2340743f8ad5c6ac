"""nonebot-adapter-milky over WebHook + HTTP without a token (MLK-16): its own NoneBot process,
since the adapter checks one token for all the WebHooks it receives (the other three ways are
test_interop_milky_nonebot.py's). The WebHook carries no Authorization then, and the adapter,
with no token of its own, accepts it."""

from __future__ import annotations

import contextlib

import pytest

from interop_harness import free_port, start_bot
from milky_client import milky_runner
from milky_interop import assert_milky_echoes, client_info, world_of

SELF_ID = 10089


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("milky-webhook")
    port = free_port()
    with contextlib.ExitStack() as stack:
        runner = stack.enter_context(milky_runner(
            root, world=world_of(SELF_ID), milky_webhook_urls=[f"http://127.0.0.1:{port}/milky/"]))
        bot = start_bot(stack, "milky_nonebot_echo.py", {
            "driver": "~fastapi+~httpx", "host": "127.0.0.1", "port": port,
            "milky_webhook": client_info(runner, "")}, root)
        bot.wait_listening(port)
        yield runner, bot
        runner.stop()  # before the bot: its bot_offline reaches it


def test_nonebot_milky_over_webhook_without_a_token_MLK_16(setup):
    runner, bot = setup
    assert_milky_echoes(runner, bot, SELF_ID, webhook=True, token="")
    hooks = [f for f in runner.traffic.since(0, 10**6)[0]
             if f["channel"] == "milky_webhook" and f["direction"] == "out"]
    assert hooks and all("Authorization" not in f["headers"] for f in hooks)
