"""NoneBot2 + nonebot-adapter-onebot answer a private and a group message through onebot_ref.

One real NoneBot process (bots/nonebot_echo.py) per communication mode and token setting; the
Runner runs in-process with the interop world. Rules: COMPAT-1 (forward WS: the lifecycle
connect registers the bot), COMPAT-2 (reverse WS: X-Self-ID, Universal only), COMPAT-3 (echo
back verbatim: NoneBot sends a decimal string), COMPAT-5 (HTTP POST: X-Self-ID, signature, 204).
"""

from __future__ import annotations

import contextlib

import pytest

from interop_harness import (
    FRIEND_ID,
    GROUP_ID,
    SELF_ID,
    assert_echoes,
    free_port,
    last_seq,
    start_bot,
    start_runner,
    wait_reply,
)

TOKEN = "interop-token"
SECRET = "interop-secret"
TEXT = "hello 你好 &amp; [CQ:face,id=1] a,b"  # CQ-special characters stay text (MSG-26)


def ws_reverse(stack, make_runner, tmp_path, settings):
    """NoneBot is the server (/onebot/v11/ws, WSR-18); onebot_ref's Universal client dials it
    (retrying every 100 ms until NoneBot listens)."""
    port = free_port()
    bot = start_bot(stack, "nonebot_echo.py", {
        "driver": "~fastapi", "host": "127.0.0.1", "port": port, **_bot_auth(settings)},
        tmp_path)
    runner = start_runner(stack, make_runner, use_ws_reverse=True,
                          ws_reverse_use_universal_client=True,
                          ws_reverse_url=f"ws://127.0.0.1:{port}/onebot/v11/ws", **settings)
    bot.wait_for_line(f"CONNECT {SELF_ID}")  # it read the lifecycle connect (META-4, WSR-9)
    return runner, bot


def ws_forward(stack, make_runner, tmp_path, settings):
    """onebot_ref is the server; NoneBot's client-only driver dials ``/``."""
    runner = start_runner(stack, make_runner, use_ws=True, **settings)
    bot = start_bot(stack, "nonebot_echo.py", {
        "driver": "~websockets", "onebot_ws_urls": [runner.url("ws") + "/"],
        **_bot_auth(settings)}, tmp_path)
    bot.wait_for_line(f"READY {SELF_ID}")  # registered by the lifecycle connect (WSF-23)
    bot.wait_for_line(f"CONNECT {SELF_ID}")
    return runner, bot


def http_post(stack, make_runner, tmp_path, settings):
    """Events by HTTP POST to NoneBot (/onebot/v11/), answers by NoneBot's HTTP API calls.
    NoneBot listens first, so that the lifecycle enable onebot_ref POSTs as it starts reaches
    it (META-3) and registers the bot."""
    port, api_port = free_port(), free_port()
    bot = start_bot(stack, "nonebot_echo.py", {
        "driver": "~fastapi+~httpx", "host": "127.0.0.1", "port": port,
        "onebot_api_roots": {str(SELF_ID): f"http://127.0.0.1:{api_port}/"},
        **_bot_auth(settings)}, tmp_path)
    bot.wait_listening(port)
    runner = start_runner(stack, make_runner, use_http=True, port=api_port,
                          post_url=f"http://127.0.0.1:{port}/onebot/v11/", **settings)
    bot.wait_for_line(f"ENABLE {SELF_ID}")
    return runner, bot


def _bot_auth(settings: dict) -> dict:
    """The runner's access_token / secret, as the adapter's settings."""
    return {f"onebot_{key}": settings[key] for key in ("access_token", "secret")
            if settings.get(key)}


CASES = [  # (mode, the runner's settings; the bot gets the same access_token and secret)
    pytest.param(ws_reverse, {}, id="WSR-18-COMPAT-2-reverse-ws-universal"),
    pytest.param(ws_reverse, {"access_token": TOKEN},
                 id="WSR-18-AUTH-10-reverse-ws-universal-access-token"),
    pytest.param(ws_forward, {}, id="WSF-23-COMPAT-1-forward-ws"),
    pytest.param(ws_forward, {"access_token": TOKEN}, id="WSF-23-AUTH-2-forward-ws-access-token"),
    pytest.param(http_post, {}, id="COMPAT-5-http-post-and-http-api"),
    pytest.param(http_post, {"access_token": TOKEN, "secret": SECRET},
                 id="COMPAT-5-POST-5-http-post-and-http-api-access-token-secret"),
    pytest.param(ws_reverse, {"post_message_format": "array"},
                 id="EVT-5-reverse-ws-universal-array-format"),
]


@pytest.mark.parametrize("mode, settings", CASES)
def test_nonebot_echoes_private_and_group_message(make_runner, tmp_path, mode, settings):
    with contextlib.ExitStack() as stack:
        runner, bot = mode(stack, make_runner, tmp_path, settings)
        assert_echoes(runner, bot, TEXT)


def test_nonebot_gets_lifecycle_disable_when_onebot_ref_stops(make_runner, tmp_path):
    """META-2/3: over HTTP POST, enable as onebot_ref starts (waited for by http_post) and
    disable as it stops, both parsed as NoneBot's LifecycleMetaEvent, signature checked."""
    with contextlib.ExitStack() as stack:
        runner, bot = http_post(stack, make_runner, tmp_path, {"secret": SECRET})
        runner.stop()
        bot.wait_for_line(f"DISABLE {SELF_ID}")


def test_nonebot_parses_heartbeat(make_runner, tmp_path):
    """META-10: NoneBot's HeartbeatMetaEvent model (status.online / status.good booleans)
    accepts onebot_ref's heartbeat; the bot prints HEARTBEAT only for an event of that model."""
    with contextlib.ExitStack() as stack:
        _, bot = ws_forward(stack, make_runner, tmp_path,
                            {"enable_heartbeat": True, "heartbeat_interval": 200})
        bot.wait_for_line(f"HEARTBEAT {SELF_ID} interval=200")


def test_nonebot_resolves_a_reply_to_the_bot_with_get_msg(make_runner, tmp_path):
    """API-5/MSG-24: a group message replying to the bot's message makes NoneBot call get_msg;
    the answer must validate as its Reply model (time, message_type, message_id, real_id,
    sender, message), whose sender being the bot makes the message to_me."""
    with contextlib.ExitStack() as stack:
        runner, bot = ws_forward(stack, make_runner, tmp_path, {})
        after = last_seq(runner)
        runner.world.receive_group_message(GROUP_ID, FRIEND_ID, "hi")
        answer = wait_reply(runner, after, "group", "echo: hi", bot)

        after = last_seq(runner)
        runner.world.receive_group_message(GROUP_ID, FRIEND_ID, [
            {"type": "reply", "data": {"id": str(answer["message_id"])}},
            {"type": "text", "data": {"text": "again"}}])
        bot.wait_for_line(f"REPLY {answer['message_id']} from {SELF_ID} to_me=True")
        wait_reply(runner, after, "group", "echo: again", bot)
