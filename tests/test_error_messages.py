"""Every refusal names the rule it applies (issue 12: error messages stay English and name the
rule id, so that a reader can look the refusal up in docs/rules.md): the message, then
`` (HTTP-3)`` or `` (AUTH-4, AUTH-7)`` at its end.

Driven over real sockets on 127.0.0.1: the HTTP API's refusals in the order of HTTP-13 (token,
Content-Type, body, action), the server's own framing and limits (BAD-6..8), data files
(DATA-*), the forward WebSocket handshake (WSF-1/2, AUTH-*) and the 1400/1404 answers of the
forward and the reverse WebSocket (WSF-6/7, BAD-2).
"""

from __future__ import annotations

import base64
import json
import os
import re
import socket

import pytest

from fakebot import FakeBot, connect
from helpers import start_runner
from test_rule_ids import RULES, parse_rules

TOKEN = "s3cret-token"
AUTH = f"Authorization: Bearer {TOKEN}\r\n"
LIMIT = 8192
TIMEOUT = 10  # seconds for one exchange with our own server
#: `` (ID)`` or `` (ID, ID)`` at the very end of a message.
CITED = re.compile(r" \((?P<ids>[A-Z]+-\d+(?:, [A-Z]+-\d+)*)\)$")
KNOWN = parse_rules(RULES.read_text(encoding="utf-8"))[0]


def cited(message: str) -> list[str]:
    """The rule ids at the end of ``message``; fails unless there are some and each is real."""
    match = CITED.search(message)
    assert match, f"no rule id at the end of {message!r}"
    ids = match["ids"].split(", ")
    assert all(rule in KNOWN for rule in ids), f"{ids} not all in docs/rules.md"
    return ids


@pytest.fixture(scope="module", name="runner")
def fixture_runner(tmp_path_factory):
    """A token, data files, a small body limit, the forward WebSocket, and a reverse Universal
    client dialling a FakeBot."""
    bot = FakeBot().start()
    try:
        with start_runner(tmp_path_factory.mktemp("messages"), access_token=TOKEN,
                          serve_data_files=True, max_body_bytes=LIMIT, use_ws=True,
                          use_ws_reverse=True, ws_reverse_url=bot.ws_url,
                          ws_reverse_use_universal_client=True) as runner:
            runner.fakebot = bot
            yield runner
    finally:
        bot.stop()


def exchange(port: int, request: bytes) -> tuple[int, str]:
    """One request sent byte for byte; the answer's status and its body's last line."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed before an answer: {data!r}"
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        assert length, f"no Content-Length in {head!r}"
        while len(body) < int(length[1]):
            chunk = sock.recv(65536)
            assert chunk, "connection closed inside the body"
            body += chunk
    status = int(head.split(b" ", 2)[1])
    return status, body.decode("utf-8").strip().splitlines()[-1]


def http(runner, request: str | bytes) -> tuple[int, str]:
    raw = request.encode("latin-1") if isinstance(request, str) else request
    return exchange(runner.ports["http"], raw)


HOST = "Host: 127.0.0.1\r\nConnection: close\r\n"

HTTP_ROWS = [
    # (request, status, the ids it cites)
    pytest.param(f"GET /get_status HTTP/1.1\r\n{HOST}\r\n", 401, ["AUTH-2", "AUTH-3"],
                 id="AUTH-4-401-nothing-sent"),
    pytest.param(f"GET /get_status HTTP/1.1\r\n{HOST}Authorization: Basic x\r\n\r\n", 401,
                 ["AUTH-6"], id="AUTH-6-401-other-scheme"),
    pytest.param(f"GET /get_status HTTP/1.1\r\n{HOST}Authorization: Bearer no\r\n\r\n", 403,
                 ["AUTH-4", "AUTH-7"], id="AUTH-4-403-header"),
    pytest.param(f"GET /get_status?access_token=no HTTP/1.1\r\n{HOST}\r\n", 403,
                 ["AUTH-4", "AUTH-7"], id="AUTH-4-403-query"),
    pytest.param(f"GET /a/b HTTP/1.1\r\n{HOST}{AUTH}\r\n", 404, ["HTTP-3"], id="HTTP-3-path"),
    pytest.param(f"PUT /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Length: 0\r\n\r\n", 405,
                 ["HTTP-20"], id="HTTP-20-method"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: text/plain\r\n"
                 "Content-Length: 1\r\n\r\nx", 406, ["HTTP-8"], id="HTTP-8-content-type"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
                 "Content-Length: 0\r\n\r\n", 400, ["HTTP-10"], id="HTTP-10-empty-json"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
                 "Content-Length: 3\r\n\r\n[1]", 400, ["HTTP-10"], id="HTTP-10-not-an-object"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
                 "Content-Length: 4\r\n\r\n{bad", 400, ["BAD-2"], id="BAD-2-does-not-parse"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
                 "Content-Length: 9\r\n\r\n{\"a\":NaN}", 400, ["BAD-2"], id="BAD-2-nan"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/x-www-"
                 "form-urlencoded\r\nContent-Length: 5\r\n\r\na=%ff", 400, ["BAD-1"],
                 id="BAD-1-form"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/x-www-"
                 "form-urlencoded\r\nContent-Length: 3\r\n\r\na=\xff", 400, ["BAD-1"],
                 id="BAD-1-form-raw"),
    pytest.param(f"GET /get_status?a=%ff HTTP/1.1\r\n{HOST}{AUTH}\r\n", 400, ["BAD-1"],
                 id="BAD-1-query"),
    pytest.param(f"GET /get_status?a=\xff HTTP/1.1\r\n{HOST}{AUTH}\r\n", 400, ["BAD-1"],
                 id="BAD-1-query-raw"),
    pytest.param(f"GET /\xff HTTP/1.1\r\n{HOST}{AUTH}\r\n", 400, ["BAD-1"], id="BAD-1-path"),
    pytest.param(f"GET /no_such_action HTTP/1.1\r\n{HOST}{AUTH}\r\n", 404,
                 ["HTTP-11", "WSF-7"], id="HTTP-11-action"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
                 f"Content-Length: {LIMIT * 100}\r\n\r\n{{", 413, ["BAD-8"], id="BAD-8-413"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
                 f"Content-Length: {'9' * 19}\r\n\r\n", 413, ["BAD-8"], id="BAD-8-413-digits"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n"
                 f"{LIMIT + 1:x}\r\n{'x' * (LIMIT + 1)}\r\n0\r\n\r\n", 413, ["BAD-8"],
                 id="BAD-8-413-chunked"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
                 "Content-Length: \u00b2\r\n\r\n", 400, ["BAD-6"], id="BAD-6-length"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
                 "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400, ["BAD-6"], id="BAD-6-chunked"),
    pytest.param("NONSENSE\r\n\r\n", 400, ["BAD-7"], id="BAD-7-request-line"),
    pytest.param(f"GET /get_status HTTP/1.1\r\n{HOST}: x\r\n\r\n", 400, ["BAD-7"],
                 id="BAD-7-header-line"),
    pytest.param(f"GET /get_status HTTP/1.1\r\n{HOST} folded\r\n\r\n", 400, ["BAD-7"],
                 id="BAD-7-line-folding"),
    pytest.param("GET /get_status HTTP/1.1\r\nConnection: close\r\n\r\n", 400, ["BAD-7"],
                 id="BAD-7-no-host"),
    pytest.param("GET get_status HTTP/1.1\r\nHost: x\r\n\r\n", 400, ["BAD-7"],
                 id="BAD-7-target"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}Content-Length: 1\r\n"
                 "Transfer-Encoding: chunked\r\n\r\n", 400, ["BAD-7"], id="BAD-7-length-and-te"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}Content-Length: 1\r\nContent-Length: 2"
                 "\r\n\r\n", 400, ["BAD-7"], id="BAD-7-lengths-differ"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}Transfer-Encoding: chunked, gzip\r\n\r\n",
                 400, ["BAD-7"], id="BAD-7-te-not-chunked-last"),
    pytest.param(f"POST /get_status HTTP/1.1\r\n{HOST}Transfer-Encoding: gzip, chunked\r\n\r\n",
                 501, ["BAD-7"], id="BAD-7-501-coding"),
    pytest.param("POST /get_status HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                 ["BAD-7"], id="BAD-7-te-in-1.0"),
    pytest.param(f"GET /get_status HTTP/1.1\r\n{HOST}Expect: magic\r\n\r\n", 417, ["BAD-7"],
                 id="BAD-7-417"),
    pytest.param("GET /get_status HTTP/2.0\r\nHost: x\r\n\r\n", 505, ["BAD-7"], id="BAD-7-505"),
    pytest.param(f"GET /get_status HTTP/1.1\r\n{HOST}X: {'a' * 70000}\r\n\r\n", 431, ["BAD-8"],
                 id="BAD-8-431"),
    # data files: the kind, the method, the token (header only), the path
    pytest.param(f"GET /data/ HTTP/1.1\r\n{HOST}{AUTH}\r\n", 404, ["HTTP-3"], id="HTTP-3-data"),
    pytest.param(f"GET /data/nope/x HTTP/1.1\r\n{HOST}{AUTH}\r\n", 404, ["DATA-1"],
                 id="DATA-1-kind"),
    pytest.param(f"POST /data/image/x HTTP/1.1\r\n{HOST}{AUTH}Content-Length: 0\r\n\r\n", 404,
                 ["DATA-3"], id="DATA-3-get-only"),
    pytest.param(f"GET /data/image/x?access_token={TOKEN} HTTP/1.1\r\n{HOST}\r\n", 401,
                 ["AUTH-12"], id="AUTH-12-header-only"),
    pytest.param(f"GET /data/image/../x HTTP/1.1\r\n{HOST}{AUTH}\r\n", 403, ["DATA-3"],
                 id="DATA-3-leaves"),
    pytest.param(f"GET /data/image/missing.png HTTP/1.1\r\n{HOST}{AUTH}\r\n", 404, ["DATA-3"],
                 id="DATA-3-no-file"),
    pytest.param(f"GET /data/image/\xff HTTP/1.1\r\n{HOST}{AUTH}\r\n", 404, ["BAD-1"],
                 id="BAD-1-file-name"),
]


@pytest.mark.parametrize("request_text, status, ids", HTTP_ROWS)
def test_http_api_refusals_end_with_their_rule(runner, request_text, status, ids):
    answered, message = http(runner, request_text)
    assert answered == status, message
    assert cited(message) == ids


def test_the_journal_verdict_is_the_message_with_its_rule(runner):
    status, message = http(runner, f"GET /get_status HTTP/1.1\r\n{HOST}\r\n")
    frames, _ = runner.traffic.since(0, limit=10**6)
    verdict = next(frame["verdict"] for frame in reversed(frames)
                   if frame["channel"] == "http" and frame["direction"] == "out")
    assert verdict == f"{status}: {message}" and cited(verdict) == ["AUTH-2", "AUTH-3"]


def test_a_request_head_not_complete_in_time_is_408_BAD_8(tmp_path):
    with start_runner(tmp_path, http_idle_timeout=1) as runner:
        with socket.create_connection(("127.0.0.1", runner.ports["http"]),
                                      timeout=TIMEOUT) as sock:
            sock.sendall(b"GET /get_status HTTP/1.1\r\nHost: x\r\n")  # never ends its head
            data = b""
            while chunk := sock.recv(4096):
                data += chunk
    assert data.startswith(b"HTTP/1.1 408 "), data
    assert cited(data.decode().strip().splitlines()[-1]) == ["BAD-8"]


# --- the forward WebSocket handshake ----------------------------------------------------------

def handshake(runner, target: str, extra: str = "", version: str = "13") -> tuple[int, str]:
    key = base64.b64encode(os.urandom(16)).decode()
    return exchange(runner.ports["ws"], (
        f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        f"Sec-WebSocket-Version: {version}\r\n{extra}\r\n").encode())


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


# --- retcode 100: the parameters (PARAM-*, BAD-3/4) and the segments (MSG-*, SEG-*) ------------

def post(runner, action: str, body: str) -> dict:
    status, text = http(runner, (
        f"POST /{action} HTTP/1.1\r\n{HOST}{AUTH}Content-Type: application/json\r\n"
        f"Content-Length: {len(body.encode())}\r\n\r\n{body}").encode())
    assert status == 200, text
    return json.loads(text)


@pytest.mark.parametrize("action, body, ids", [
    pytest.param("send_private_msg", '{"message": "hi"}', ["PARAM-14"], id="PARAM-14"),
    pytest.param("send_private_msg", '{"user_id": 1.5, "message": "hi"}', ["PARAM-2"],
                 id="PARAM-2"),
    pytest.param("send_private_msg", '{"user_id": "12abc", "message": "hi"}', ["PARAM-3"],
                 id="PARAM-3"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": "hi", "auto_escape": 7}',
                 ["PARAM-4"], id="PARAM-4"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": "hi", '
                 '"auto_escape": "maybe"}', ["PARAM-5"], id="PARAM-5"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": 5}', ["PARAM-8"],
                 id="PARAM-8"),
    pytest.param("set_group_anonymous_ban", '{"group_id": 20001, "anonymous": "[1]"}',
                 ["PARAM-10"], id="PARAM-10"),
    pytest.param("send_private_msg", '{"user_id": 0, "message": "hi"}', ["PARAM-15"],
                 id="PARAM-15"),
    pytest.param("set_group_ban", '{"group_id": 20001, "user_id": 10001, "duration": 1e30}',
                 ["PARAM-2"], id="PARAM-2-float"),
    pytest.param("set_group_ban", '{"group_id": 20001, "user_id": 10001, "duration": '
                 '10000000000}', ["BAD-3"], id="BAD-3"),
    pytest.param("get_image", f'{{"file": "{"x" * 5000}"}}', ["BAD-4"], id="BAD-4"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": [1]}', ["MSG-2"],
                 id="MSG-2"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": [{"type": "face", '
                 '"data": 1}]}', ["MSG-22"], id="MSG-22"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": ""}', ["MSG-19"],
                 id="MSG-19"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": "[CQ:nope]"}',
                 ["SEG-21"], id="SEG-21"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": "[CQ:face]"}', ["SEG-3"],
                 id="SEG-3-missing"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": "[CQ:reply,id=0]"}',
                 ["SEG-16", "BAD-3"], id="SEG-16-range"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": "[CQ:record,file=a,'
                 'magic=2]"}', ["SEG-5", "PARAM-5"], id="SEG-5-flag"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": "[CQ:contact,type=x,id=1]"}',
                 ["SEG-13"], id="SEG-13-table"),
    pytest.param("send_private_msg", '{"user_id": 10001, "message": [{"type": "node", '
                 '"data": {"id": 1}}, {"type": "text", "data": {"text": "x"}}]}', ["A-44"],
                 id="A-44"),
])
def test_retcode_100_ends_with_its_rule(runner, action, body, ids):
    envelope = post(runner, action, body)
    assert envelope["retcode"] == 100, envelope
    assert cited(envelope["message"]) == ids


# --- the fault API's 400s (FAULT-*) and the Milky face's refusals (MLK-*) ----------------------

@pytest.fixture(scope="module", name="faces")
def fixture_faces(tmp_path_factory):
    """The console (its fault API) and the Milky 1.2 face, with a Milky token."""
    with start_runner(tmp_path_factory.mktemp("faces"), use_console=True, use_milky=True,
                      milky_host="127.0.0.1", milky_port=0, milky_access_token=TOKEN,
                      max_body_bytes=LIMIT) as runner:
        yield runner


@pytest.mark.parametrize("body, ids", [
    pytest.param('{"type": "explode"}', ["FAULT-1"], id="FAULT-1-type"),
    pytest.param('{"type": "delay_answer", "ms": -1}', ["FAULT-1"], id="FAULT-1-range"),
    pytest.param('{"type": "drop", "target": {"chanel": "ws"}}', ["FAULT-2"], id="FAULT-2"),
    pytest.param('{"type": "http_status", "status": 503, "times": 0}', ["FAULT-3"],
                 id="FAULT-3-times"),
    pytest.param('{"type": "http_status", "status": 503, "probability": 2}', ["FAULT-3"],
                 id="FAULT-3-probability"),
    pytest.param('{"type": "close", "code": 1006}', ["FAULT-6"], id="FAULT-6"),
    pytest.param('{"type": "bad_answer", "kind": "twice", "target": {"channel": "http"}}',
                 ["FAULT-14"], id="FAULT-14"),
])
def test_fault_requests_refused_end_with_their_rule(faces, body, ids):
    status, text = exchange(faces.ports["console"], (
        f"POST /sim/faults HTTP/1.1\r\n{HOST}Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}").encode())
    assert status == 400, text
    assert cited(json.loads(text)["error"]) == ids


def milky(runner, request: str) -> tuple[int, str]:
    return exchange(runner.ports["milky"], request.encode())


MILKY_AUTH = f"Authorization: Bearer {TOKEN}\r\n"
JSON_TYPE = "Content-Type: application/json\r\n"


@pytest.mark.parametrize("request_text, status, ids", [
    pytest.param(f"GET /nope HTTP/1.1\r\n{HOST}\r\n", 404, ["MLK-39"], id="MLK-39-path"),
    pytest.param(f"GET /api/get_login_info HTTP/1.1\r\n{HOST}{MILKY_AUTH}\r\n", 405,
                 ["MLK-2"], id="MLK-2-method"),
    pytest.param(f"POST /api/get_login_info HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 2"
                 "\r\n\r\n{}", 401, ["MLK-4", "MLK-10"], id="MLK-4-token"),
    pytest.param(f"POST /api/get_login_info HTTP/1.1\r\n{HOST}{MILKY_AUTH}Content-Type: "
                 "text/plain\r\nContent-Length: 2\r\n\r\n{}", 415, ["MLK-5"], id="MLK-5"),
    pytest.param(f"POST /api/get_login_info HTTP/1.1\r\n{HOST}{MILKY_AUTH}{JSON_TYPE}"
                 f"Content-Length: {LIMIT * 100}\r\n\r\n{{", 413, ["MLK-39"], id="MLK-39-413"),
    pytest.param(f"POST /api/nope HTTP/1.1\r\n{HOST}{MILKY_AUTH}{JSON_TYPE}Content-Length: 2"
                 "\r\n\r\n{}", 404, ["MLK-3"], id="MLK-3"),
    pytest.param(f"GET /event HTTP/1.1\r\n{HOST}\r\n", 401, ["MLK-12"], id="MLK-12"),
    pytest.param(f"POST /event HTTP/1.1\r\n{HOST}{MILKY_AUTH}Content-Length: 0\r\n\r\n", 405,
                 ["MLK-11"], id="MLK-11-method"),
    pytest.param(f"POST /res/image/x HTTP/1.1\r\n{HOST}Content-Length: 0\r\n\r\n", 405,
                 ["MLK-50"], id="MLK-50-method"),
    pytest.param(f"GET /res/image/nope.png HTTP/1.1\r\n{HOST}\r\n", 404, ["MLK-50"],
                 id="MLK-50-missing"),
])
def test_milky_refusals_end_with_their_rule(faces, request_text, status, ids):
    answered, message = milky(faces, request_text)
    assert answered == status, message
    assert cited(message) == ids


def test_a_milky_body_that_is_not_strict_json_ends_with_MLK_40(faces):
    status, text = milky(faces, f"POST /api/get_login_info HTTP/1.1\r\n{HOST}{MILKY_AUTH}"
                                f"{JSON_TYPE}Content-Length: 4\r\n\r\n{{bad")
    envelope = json.loads(text)
    assert status == 200 and envelope["retcode"] == -400
    assert cited(envelope["message"]) == ["MLK-40"]


def test_a_bad_milky_event_upgrade_ends_with_MLK_11(faces):
    key = base64.b64encode(os.urandom(16)).decode()
    status, message = milky(faces, (
        f"GET /event HTTP/1.1\r\nHost: 127.0.0.1\r\n{MILKY_AUTH}Upgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 12\r\n\r\n"))
    assert 400 <= status < 500 and cited(message) == ["MLK-11"]


def test_milky_events_while_the_face_stops_are_503_MLK_58(tmp_path):
    with start_runner(tmp_path, use_milky=True, milky_host="127.0.0.1", milky_port=0) as runner:
        runner.modes["milky"].streams.stop()  # its server still answers until the runner stops
        status, message = milky(runner, f"GET /event HTTP/1.1\r\n{HOST}\r\n")
    assert status == 503 and message == "server stopping (MLK-58)"


# --- the console's strict input (BAD-1..3) -----------------------------------------------------

@pytest.mark.parametrize("request_text, ids", [
    pytest.param(f"GET /sim/traffic?after=%ff HTTP/1.1\r\n{HOST}\r\n", ["BAD-1"],
                 id="BAD-1-query"),
    pytest.param(f"GET /sim/traffic?after=\xff HTTP/1.1\r\n{HOST}\r\n", ["BAD-1"],
                 id="BAD-1-query-raw"),
    pytest.param(f"POST /sim/private_message HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 9\r\n"
                 "\r\n{\"a\":NaN}", ["BAD-2"], id="BAD-2-body"),
    pytest.param(f"POST /sim/private_message HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 4\r\n"
                 "\r\n{bad", ["BAD-2"], id="BAD-2-body-syntax"),
    pytest.param(f"POST /sim/private_message HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 34\r\n"
                 "\r\n{\"user_id\": true, \"message\": \"hi\"}", ["BAD-3"], id="BAD-3-type"),
    pytest.param(f"POST /sim/private_message HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 31\r\n"
                 "\r\n{\"user_id\": 0, \"message\": \"hi\"}", ["BAD-3"], id="BAD-3-range"),
])
def test_console_strict_input_ends_with_its_rule(faces, request_text, ids):
    status, text = exchange(faces.ports["console"], request_text.encode("latin-1"))
    assert status == 400, text
    assert cited(json.loads(text)["error"]) == ids


@pytest.mark.parametrize("api, body, ids", [
    pytest.param("get_friend_info", "[]", ["MLK-40"], id="MLK-40-not-an-object"),
    pytest.param("get_friend_info", "{}", ["MLK-7"], id="MLK-7-missing"),
    pytest.param("get_friend_info", '{"user_id": "10001"}', ["MLK-22"], id="MLK-22"),
    pytest.param("get_friend_info", '{"user_id": 10000}', ["MLK-20"], id="MLK-20"),
    pytest.param("get_message", '{"message_scene": "group", "peer_id": 20001, '
                 '"message_seq": -1}', ["MLK-21"], id="MLK-21"),
    pytest.param("get_message", '{"message_scene": "Group", "peer_id": 20001, '
                 '"message_seq": 1}', ["MLK-24"], id="MLK-24"),
    # the wire refuses a lone surrogate before any field is read (MLK-27 via MLK-40)
    pytest.param("set_bio", '{"new_bio": "\\ud800"}', ["MLK-40"], id="MLK-27-on-the-wire"),
    pytest.param("send_group_message", '{"group_id": 20001, "message": [{"type": "at"}]}',
                 ["MLK-24"], id="MLK-24-segment-type"),
    pytest.param("send_private_message", '{"user_id": 10001, "message": [{"type": "image", '
                 '"data": {"uri": "ftp://x"}}]}', ["MLK-30"], id="MLK-30"),
    pytest.param("send_private_message", '{"user_id": 10001, "message": [{"type": "text", '
                 '"data": {"text": ""}}]}', ["MLK-34"], id="MLK-34"),
    pytest.param("send_private_message", '{"user_id": 10001, "message": [{"type": "forward", '
                 '"data": {"messages": []}}]}', ["MLK-31"], id="MLK-31"),
])
def test_milky_bad_parameters_end_with_their_rule(faces, api, body, ids):
    status, text = milky(faces, f"POST /api/{api} HTTP/1.1\r\n{HOST}{MILKY_AUTH}{JSON_TYPE}"
                                f"Content-Length: {len(body)}\r\n\r\n{body}")
    envelope = json.loads(text)
    assert status == 200 and envelope["retcode"] == -400, envelope
    assert cited(envelope["message"]) == ids


def test_a_milky_reply_to_no_message_is_404_MLK_32(faces):
    body = ('{"user_id": 10001, "message": [{"type": "reply", "data": {"message_seq": 999}}, '
            '{"type": "text", "data": {"text": "x"}}]}')
    status, text = milky(faces, f"POST /api/send_private_message HTTP/1.1\r\n{HOST}{MILKY_AUTH}"
                                f"{JSON_TYPE}Content-Length: {len(body)}\r\n\r\n{body}")
    envelope = json.loads(text)
    assert status == 200 and envelope["retcode"] == -404, envelope
    assert cited(envelope["message"]) == ["MLK-32"]
