"""aiocqhttp answers a private and a group message through onebot_ref.

One real aiocqhttp process (bots/aiocqhttp_echo.py) per case: it answers private messages with
an API call (``bot.send``) and group messages with a returned quick operation, so each case
covers both. Rules: COMPAT-3 (aiocqhttp's echo is an object ``{"seq": n}``, returned verbatim),
COMPAT-5/POST-17 (HTTP POST: X-Self-ID, X-Signature, a JSON quick operation in the response),
WSR-19 (reverse WS: X-Client-Role, X-Self-ID, Bearer or Token), ACT-12 (the quick operation
over WS is ``.handle_quick_operation_async``).
"""

from __future__ import annotations

import contextlib

import pytest

from interop_harness import SELF_ID, assert_echoes, free_port, start_bot, start_runner

TOKEN = "interop-token"
SECRET = "interop-secret"
TEXT = "hello 你好 &#91;x&#93; [CQ:at,qq=all] a,b"  # CQ-special characters stay text (MSG-26)


def http_post(stack, make_runner, tmp_path, settings, bot_settings=None):
    """Events by signed HTTP POST to aiocqhttp's ``/``; ``bot.send`` uses the HTTP API.
    aiocqhttp listens first, so that the lifecycle enable onebot_ref POSTs as it starts reaches
    it (META-3). ``bot_settings``: more of CQHttp's keyword arguments."""
    port, api_port = free_port(), free_port()
    bot = start_bot(stack, "aiocqhttp_echo.py", {
        "port": port, "api_root": f"http://127.0.0.1:{api_port}/", **_bot_auth(settings),
        **(bot_settings or {})}, tmp_path)
    bot.wait_listening(port)
    runner = start_runner(stack, make_runner, use_http=True, port=api_port,
                          post_url=f"http://127.0.0.1:{port}/", **settings)
    bot.wait_for_line(f"ENABLE {SELF_ID}")
    return runner, bot


def ws_reverse_split(stack, make_runner, tmp_path, settings):
    """An API and an Event connection, to aiocqhttp's ``/ws/api/`` and ``/ws/event/``."""
    port = free_port()
    bot = start_bot(stack, "aiocqhttp_echo.py", {"port": port, **_bot_auth(settings)}, tmp_path)
    runner = start_runner(stack, make_runner, use_ws_reverse=True,
                          ws_reverse_api_url=f"ws://127.0.0.1:{port}/ws/api/",
                          ws_reverse_event_url=f"ws://127.0.0.1:{port}/ws/event/", **settings)
    bot.wait_for_line("WS api")
    bot.wait_for_line(f"CONNECT {SELF_ID}")  # on the Event connection (WSR-9, META-4)
    return runner, bot


def ws_reverse_universal(stack, make_runner, tmp_path, settings, bot_settings=None):
    """One Universal connection to aiocqhttp's ``/ws/``."""
    port = free_port()
    bot = start_bot(stack, "aiocqhttp_echo.py", {"port": port, **_bot_auth(settings),
                                                 **(bot_settings or {})}, tmp_path)
    runner = start_runner(stack, make_runner, use_ws_reverse=True,
                          ws_reverse_use_universal_client=True,
                          ws_reverse_url=f"ws://127.0.0.1:{port}/ws/", **settings)
    bot.wait_for_line(f"CONNECT {SELF_ID}")  # WSR-9, META-4
    return runner, bot


def _bot_auth(settings: dict) -> dict:
    """The runner's access_token / secret, as CQHttp's keyword arguments."""
    return {key: settings[key] for key in ("access_token", "secret") if settings.get(key)}


CASES = [  # (mode, the runner's settings; the bot gets the same access_token and secret)
    pytest.param(http_post, {"secret": SECRET, "access_token": TOKEN},
                 id="POST-5-POST-17-COMPAT-5-http-post-secret-and-http-api-access-token"),
    pytest.param(http_post, {}, id="POST-17-COMPAT-5-http-post-and-http-api"),
    pytest.param(ws_reverse_split, {"access_token": TOKEN},
                 id="WSR-3-WSR-19-reverse-ws-api-and-event-access-token"),
    pytest.param(ws_reverse_universal, {}, id="WSR-19-reverse-ws-universal"),
    pytest.param(ws_reverse_universal, {"access_token": TOKEN, "ws_reverse_auth_scheme": "Token"},
                 id="AUTH-10-WSR-19-reverse-ws-universal-legacy-token-scheme"),
    pytest.param(http_post, {"post_message_format": "array"},
                 id="EVT-5-http-post-array-format"),
]


@pytest.mark.parametrize("mode, settings", CASES)
def test_aiocqhttp_echoes_private_and_group_message(make_runner, tmp_path, mode, settings):
    with contextlib.ExitStack() as stack:
        runner, bot = mode(stack, make_runner, tmp_path, settings)
        assert_echoes(runner, bot, TEXT)


def test_aiocqhttp_gets_lifecycle_disable_when_onebot_ref_stops(make_runner, tmp_path):
    """META-2/3: over HTTP POST, enable as onebot_ref starts (waited for by http_post) and
    disable as it stops, signature checked (POST-5)."""
    with contextlib.ExitStack() as stack:
        runner, bot = http_post(stack, make_runner, tmp_path, {"secret": SECRET})
        runner.stop()
        bot.wait_for_line(f"DISABLE {SELF_ID}")
