"""NoneBot2 + nonebot-adapter-milky (1.3.0, pinned in setup.cfg) answer through the Milky face:
one real NoneBot process (bots/milky_nonebot_echo.py) connected to three onebot_ref runners at
once, one per way of connecting -- WebSocket ``/event`` + HTTP ``/api`` with a token, the same
without a token, and WebHook + HTTP with a token -- each echoing a private and a group message
and resolving a reply through ``get_message`` (MLK-2, MLK-11/12, MLK-16, MLK-37).
test_interop_milky_webhook.py runs the WebHook without a token (the adapter checks one token
for all its WebHooks, so that needs a process of its own).

Each runner's bot has its own number (the adapter keys its bots by it), every one a Milky uin
(MLK-20: the default world's 10000 is none).
"""

from __future__ import annotations

import contextlib

import pytest

from interop_harness import free_port, start_bot
from milky_client import milky_runner
from milky_interop import TOKEN, assert_milky_echoes, client_info, world_of

#: (bot number, how it connects, the runner's token)
RUNNERS = {10086: ("websocket", TOKEN), 10087: ("websocket", ""), 10088: ("webhook", TOKEN)}


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """{self_id: runner} and the bot process, all stopped at the end of the module."""
    root = tmp_path_factory.mktemp("milky-nonebot")
    hook_port = free_port()
    with contextlib.ExitStack() as stack:
        runners = {}
        for self_id, (how, token) in RUNNERS.items():
            keys = {"milky_access_token": token, "world": world_of(self_id)}
            if how == "webhook":
                keys["milky_webhook_urls"] = [f"http://127.0.0.1:{hook_port}/milky/"]
            runners[self_id] = stack.enter_context(milky_runner(root / str(self_id), **keys))
        clients = [client_info(runners[n], RUNNERS[n][1]) for n in (10086, 10087)]
        bot = start_bot(stack, "milky_nonebot_echo.py", {
            "driver": "~fastapi+~httpx+~websockets", "host": "127.0.0.1", "port": hook_port,
            "milky_clients": clients,
            "milky_webhook": client_info(runners[10088], TOKEN)}, root)
        bot.wait_listening(hook_port)
        for self_id in (10086, 10087):  # a client registers once get_login_info answered
            bot.wait_for_line(f"READY {self_id}")
        yield runners, bot
        for runner in runners.values():  # before the bot: their bot_offline reaches it
            runner.stop()


@pytest.mark.parametrize("self_id", list(RUNNERS), ids=[
    "MLK-11-websocket-http-token", "MLK-11-websocket-http-no-token",
    "MLK-16-webhook-http-token"])
def test_nonebot_milky_echoes_and_resolves_a_reply(setup, self_id):
    runners, bot = setup
    assert_milky_echoes(runners[self_id], bot, self_id, webhook=RUNNERS[self_id][0] == "webhook",
                        token=RUNNERS[self_id][1])
