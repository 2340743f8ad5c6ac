"""Every refusal of the forward and the reverse WebSocket names the rule it applies (issue 12:
the message ends with its rule id, so that a reader can look it up in docs/rules.md): the
forward handshake (WSF-1/2, AUTH-*), the 1400/1404 answers of both (WSF-6/7, BAD-2), and a
handshake while the forward WebSocket stops (SUP-3). Over real sockets on 127.0.0.1; the HTTP
API's refusals are in test_error_messages_http.py.
"""

from __future__ import annotations

import pytest

from error_messages_kit import AUTH, HOST, TIMEOUT, TOKEN, cited, exchange, fixture_runner, handshake  # noqa: F401
from fakebot import connect
from helpers import start_runner

# --- the forward WebSocket handshake ----------------------------------------------------------


@pytest.mark.parametrize("target, extra, status, ids", [
    pytest.param("/nope", AUTH, 404, ["WSF-2"], id="WSF-2-path"),
    pytest.param("/api", "", 401, ["AUTH-2", "AUTH-3"], id="AUTH-9-401"),
    pytest.param("/api", "Authorization: Token\r\n", 401, ["AUTH-6"], id="AUTH-9-401-empty"),
    pytest.param("/api", "Authorization: Bearer no\r\n", 403, ["AUTH-4", "AUTH-7"],
                 id="AUTH-9-403"),
    pytest.param("/api?access_token=no", "", 403, ["AUTH-4", "AUTH-7"], id="AUTH-9-403-query"),
])
def test_forward_handshake_refusals_end_with_their_rule(runner, target, extra, status, ids):
    answered, message = handshake(runner, target, extra)
    assert answered == status, message
    assert cited(message) == ids


def test_a_bad_upgrade_and_a_plain_request_end_with_WSF_1(runner):
    status, message = handshake(runner, "/api", AUTH, version="12")
    assert 400 <= status < 500, message
    assert cited(message) == ["WSF-1"]
    status, message = exchange(runner.ports["ws"], (
        f"GET /api HTTP/1.1\r\n{HOST}{AUTH}\r\n").encode())
    assert status == 400, message
    assert cited(message) == ["WSF-1"]


# --- 1400 and 1404, forward and reverse -------------------------------------------------------

FRAME_ROWS = [
    pytest.param("{bad", 1400, ["BAD-2"], id="BAD-2-not-json"),
    pytest.param('{"action": "get_status", "echo": NaN}', 1400, ["BAD-2"], id="BAD-2-nan"),
    pytest.param("[1]", 1400, ["WSF-6"], id="WSF-6-not-an-object"),
    pytest.param('{"echo": 1}', 1400, ["WSF-6"], id="WSF-6-no-action"),
    pytest.param('{"action": "no_such_action", "echo": 2}', 1404, ["HTTP-11", "WSF-7"],
                 id="WSF-7-unknown-action"),
]


@pytest.mark.parametrize("frame, retcode, ids", FRAME_ROWS)
def test_forward_websocket_answers_end_with_their_rule(runner, frame, retcode, ids):
    bot = connect(runner.url("ws") + "/api", {"Authorization": f"Bearer {TOKEN}"})
    try:
        bot.send_raw(frame)
        answer = bot.receive(TIMEOUT)
    finally:
        bot.close()
    assert answer["retcode"] == retcode
    assert cited(answer["message"]) == ids


@pytest.mark.parametrize("frame, retcode, ids", FRAME_ROWS)
def test_reverse_websocket_answers_end_with_their_rule(runner, frame, retcode, ids):
    conn = runner.fakebot.wait_connection(role="Universal")
    conn.send_raw(frame)
    answer = conn.receive(TIMEOUT)
    while "post_type" in answer:  # the lifecycle connect, a heartbeat
        answer = conn.receive(TIMEOUT)
    assert answer["retcode"] == retcode
    assert cited(answer["message"]) == ids


def test_a_handshake_while_the_forward_websocket_stops_is_503_SUP_3(tmp_path):
    with start_runner(tmp_path, use_ws=True) as runner:
        runner.modes["ws"].stop()  # its server still answers until the runner stops it
        status, message = handshake(runner, "/api")
    assert status == 503 and message == "server stopping (SUP-3)"
