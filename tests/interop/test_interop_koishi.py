"""Koishi 4 + koishi-plugin-adapter-onebot answer a private and a group message through onebot_ref.

One real Koishi process (koishi/koishi_echo.js, run by Node with the exact versions of
koishi/package-lock.json, installed by ``make koishi``) per communication mode and token
setting; the Runner runs in-process with the interop world. Koishi's echo in WebSocket is a
JSON number (COMPAT-3), its bot comes online only after ``get_login_info`` is answered.
Rules: COMPAT-4 / WSR-19 (reverse WS: Koishi refuses any ``X-Client-Role`` but ``Universal``
and an ``X-Self-ID`` of no configured bot), AUTH-6 (Koishi's HTTP API client sends
``Authorization: Token <t>``), POST-7 (Koishi checks the HTTP POST signature over
``JSON.stringify`` of the parsed body, so only the compact non-ASCII-escaped body verifies).
Koishi's side, not onebot_ref's: its reverse WS server checks no access_token, and the
published adapter reads HTTP POST events from Koa's response body (the bot script works
around it; see koishi_echo.js).
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path

import pytest

from interop_harness import (
    FRIEND_ID,
    REPLY_TIMEOUT,
    SELF_ID,
    assert_echoes,
    free_port,
    start_bot,
    start_runner,
)

KOISHI = Path(__file__).parent / "koishi"
NODE = shutil.which("node")
TOKEN = "interop-token"
SECRET = "interop-secret"
TEXT = "hello 你好 &amp; [CQ:face,id=1] a,b"  # CQ-special characters stay text (MSG-26)

INSTALLED = (KOISHI / "node_modules" / "koishi-plugin-adapter-onebot").is_dir()
pytestmark = pytest.mark.skipif(
    NODE is None or not INSTALLED,
    reason="the Koishi interop test needs Node.js: no `node` on PATH" if NODE is None else
           "tests/interop/koishi/node_modules is not installed: run `make koishi`")


def start_koishi(stack, tmp_path, settings: dict):
    """koishi_echo.js with the adapter's bot ``settings`` (selfId added)."""
    return start_bot(stack, "koishi_echo.js", {"selfId": str(SELF_ID), **settings}, tmp_path,
                     command=[NODE, str(KOISHI / "koishi_echo.js")])


def ws_reverse(stack, make_runner, tmp_path, settings):
    """Koishi is the server (/onebot); onebot_ref's Universal client dials it, retrying every
    100 ms until Koishi listens (WSR-11). Koishi ignores the token here: it checks none."""
    port = free_port()
    bot = start_koishi(stack, tmp_path, {"protocol": "ws-reverse", "port": port})
    runner = start_runner(stack, make_runner, use_ws_reverse=True,
                          ws_reverse_use_universal_client=True,
                          ws_reverse_url=f"ws://127.0.0.1:{port}/onebot", **settings)
    bot.wait_for_line(f"READY {SELF_ID}")
    return runner, bot


def ws_forward(stack, make_runner, tmp_path, settings):
    """onebot_ref is the server; Koishi's WebSocket client dials ``/`` (token as Bearer)."""
    runner = start_runner(stack, make_runner, use_ws=True, **settings)
    bot = start_koishi(stack, tmp_path, {"protocol": "ws", "endpoint": runner.url("ws") + "/",
                                         "port": free_port(), **_bot_auth(settings)})
    bot.wait_for_line(f"READY {SELF_ID}")
    return runner, bot


def http_post(stack, make_runner, tmp_path, settings, bot_secret: str | None = None):
    """Events by HTTP POST to Koishi's /onebot, answers by its HTTP API calls. onebot_ref
    starts first, because Koishi calls get_login_info once as it starts and stays offline if
    that fails (the lifecycle enable POSTed before Koishi listens is lost; nothing depends on
    it)."""
    port = free_port()
    runner = start_runner(stack, make_runner, use_http=True,
                          post_url=f"http://127.0.0.1:{port}/onebot", **settings)
    auth = _bot_auth(settings) | ({"secret": bot_secret} if bot_secret else {})
    bot = start_koishi(stack, tmp_path, {"protocol": "http", "endpoint": runner.url("http"),
                                         "port": port, **auth})
    bot.wait_for_line(f"READY {SELF_ID}")
    return runner, bot


def _bot_auth(settings: dict) -> dict:
    """The runner's access_token / secret, as the adapter's ``token`` / ``secret``."""
    keys = {"access_token": "token", "secret": "secret"}
    return {keys[key]: value for key, value in settings.items() if key in keys}


CASES = [  # (mode, the runner's settings; the bot gets the same access_token and secret)
    pytest.param(ws_reverse, {}, id="WSR-19-COMPAT-4-reverse-ws-universal"),
    pytest.param(ws_reverse, {"access_token": TOKEN},
                 id="WSR-19-AUTH-10-reverse-ws-universal-access-token"),
    pytest.param(ws_forward, {}, id="COMPAT-3-forward-ws"),
    pytest.param(ws_forward, {"access_token": TOKEN},
                 id="COMPAT-3-AUTH-2-forward-ws-access-token"),
    pytest.param(http_post, {}, id="COMPAT-4-http-post-and-http-api"),
    pytest.param(http_post, {"access_token": TOKEN, "secret": SECRET},
                 id="COMPAT-4-POST-7-AUTH-6-http-post-secret-and-http-api-token-scheme"),
    pytest.param(ws_forward, {"post_message_format": "array"}, id="EVT-5-forward-ws-array-format"),
]


@pytest.mark.parametrize("mode, settings", CASES)
def test_koishi_echoes_private_and_group_message(make_runner, tmp_path, mode, settings):
    with contextlib.ExitStack() as stack:
        runner, bot = mode(stack, make_runner, tmp_path, settings)
        assert_echoes(runner, bot, TEXT)


def test_koishi_refuses_an_event_signed_with_another_secret(make_runner, tmp_path):
    """POST-5/POST-7: the signature check the cases above pass is real: signed with a secret
    Koishi does not share, a message is answered 403 (journalled) and not echoed."""
    with contextlib.ExitStack() as stack:
        runner, bot = http_post(stack, make_runner, tmp_path, {"secret": "another-secret"},
                           bot_secret=SECRET)
        cursor = runner.traffic.cursor
        runner.world.receive_private_message(FRIEND_ID, "hello")
        answer = first_frame(runner, cursor, bot, lambda frame: frame["channel"] == "http_post"
                             and frame["direction"] == "in")
        assert answer["data"]["status"] == 403, answer
        assert not [m for m in runner.world.messages_since(0, 500)[0] if m["from_self"]]


def test_koishi_refuses_api_and_event_connections(make_runner, tmp_path):
    """WSR-19/COMPAT-4: why the cases above use the Universal client: Koishi's reverse WS
    server closes an API or Event connection (X-Client-Role other than Universal) with 1008,
    which onebot_ref journals with its close code (and keeps retrying, WSR-12)."""
    with contextlib.ExitStack() as stack:
        port = free_port()
        bot = start_koishi(stack, tmp_path, {"protocol": "ws-reverse", "port": port})
        bot.wait_listening(port)  # Koishi listens once its plugins (the /onebot route) are up
        runner = start_runner(stack, make_runner, use_ws_reverse=True,
                              ws_reverse_url=f"ws://127.0.0.1:{port}/onebot")
        closed = first_frame(runner, 0, bot, lambda frame: frame["channel"] == "ws_reverse"
                             and frame["data"].get("event") == "close")
        assert closed["data"]["code"] == 1008, closed


def first_frame(runner, cursor: int, bot, wanted) -> dict:
    """The first frame of the traffic journal after ``cursor`` for which ``wanted`` is true."""
    deadline = time.monotonic() + REPLY_TIMEOUT
    while time.monotonic() < deadline:
        frames, cursor = runner.traffic.since(cursor)
        for frame in frames:
            if wanted(frame):
                return frame
        runner.traffic.wait(cursor, deadline - time.monotonic())
    raise AssertionError(f"no such frame in the traffic journal within {REPLY_TIMEOUT} s; "
                         f"bot output:\n{bot.output()}")
