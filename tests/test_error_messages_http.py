"""Every refusal of the HTTP API names the rule it applies (issue 12: error messages stay
English and end with the rule id, `` (HTTP-3)`` or `` (AUTH-4, AUTH-7)``, so that a reader can
look the refusal up in docs/rules.md).

Driven byte for byte over real sockets on 127.0.0.1: the refusals in the order of HTTP-13
(token, Content-Type, body, action), the server's own framing and limits (BAD-6..8), data files
(DATA-*), the journal's verdict, and retcode 100 for the parameters (PARAM-*, BAD-3/4) and the
segments (MSG-*, SEG-*). The WebSocket answers are in test_error_messages_ws.py, the console's
and the Milky face's in test_error_messages_console_milky.py.
"""

from __future__ import annotations

import json
import socket

import pytest

from error_messages_kit import AUTH, HOST, LIMIT, TIMEOUT, TOKEN, cited, fixture_runner, http  # noqa: F401
from helpers import start_runner

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
