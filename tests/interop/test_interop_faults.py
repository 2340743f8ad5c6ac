"""Real frameworks under faults (FAULT-6, FAULT-9, FAULT-11): NoneBot2 comes back after a drop
and after a restart, over the forward and the reverse WebSocket (each delay measured and
printed); aiocqhttp's API call times out under no_answer and succeeds once it is removed.

The faults are injected in-process (``runner.faults``, the methods the library and the console
offer too); the bots are the ordinary programs of bots/.
"""

from __future__ import annotations

import contextlib

import pytest

from interop_harness import FRIEND_ID, SELF_ID, assert_echoes
from test_interop_aiocqhttp import http_post as aiocqhttp_http_post
from test_interop_aiocqhttp import ws_reverse_universal as aiocqhttp_ws_reverse
from test_interop_nonebot import ws_forward, ws_reverse

#: NoneBot's forward client waits RECONNECT_INTERVAL = 3 s after any end (adapter.py)
RECONNECT_WITHIN = 15.0
#: aiocqhttp's wait for an answer (CQHttp's api_timeout_sec; 60 s by default)
API_TIMEOUT = 1.0


@pytest.mark.parametrize("mode", [ws_forward, ws_reverse], ids=["forward-ws", "reverse-ws"])
def test_nonebot_reconnects_after_drop_and_after_restart(make_runner, tmp_path, capsys, mode):
    with contextlib.ExitStack() as stack:
        runner, bot = mode(stack, make_runner, tmp_path, {})
        dropped = runner.faults.drop()
        assert len(dropped["connections"]) == 1
        bot.wait_for_line(f"READY {SELF_ID}", RECONNECT_WITHIN, count=2)
        after_drop = runner.faults.expect_reconnect(dropped, RECONNECT_WITHIN)
        restart = runner.faults.restart(downtime_ms=500)
        bot.wait_for_line(f"READY {SELF_ID}", RECONNECT_WITHIN, count=3)
        after_restart = runner.faults.expect_reconnect(restart, RECONNECT_WITHIN)
        assert after_restart >= 0.5  # nothing was accepted or dialled while down
        with capsys.disabled():
            print(f"\n  NoneBot2 over {mode.__name__}: connected again {after_drop:.2f} s after "
                  f"a drop, {after_restart:.2f} s after a restart (500 ms down)")
        assert_echoes(runner, bot, "after the faults")


@pytest.mark.parametrize("mode, gave_up", [
    (aiocqhttp_ws_reverse, "NetworkError: WebSocket API call timeout"),
    (aiocqhttp_http_post, "NetworkError: HTTP request failed")],
    ids=["reverse-ws-universal", "http-post-and-http-api"])
def test_aiocqhttp_times_out_under_no_answer_then_succeeds(make_runner, tmp_path, mode,
                                                           gave_up):
    with contextlib.ExitStack() as stack:
        runner, bot = mode(stack, make_runner, tmp_path, {}, {"api_timeout_sec": API_TIMEOUT})
        cursor = runner.traffic.cursor
        with runner.faults.no_answer(action="send_msg"):
            runner.world.receive_private_message(FRIEND_ID, "unanswered")
            bot.wait_for_line(f"API-FAILED {gave_up}", 10 + API_TIMEOUT)
        held = [f["verdict"] for f in runner.traffic.since(cursor, 10**6)[0]
                if f["channel"] == "fault"]
        assert any(v.startswith(("held echo", "holding send_msg")) for v in held), held
        assert_echoes(runner, bot, "answered again")
