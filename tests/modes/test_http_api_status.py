"""The HTTP API over real sockets (communication/http.md): the status codes in the order of
HTTP-13 (AUTH-2..8, HTTP-2..21, A-5, A-6, A-10, DATA-7), a failed action still 200 (HTTP-12),
the body limit (413, max_body_bytes), and the traffic journal's verdicts (the token masked).
Parameters: test_http_api_params.py; CORS and data files: test_http_api_data.py; every public
action: test_http_api_actions.py."""

from __future__ import annotations

import json
import socket

import pytest
import requests

from http_api_kit import (
    AUTH,
    BEARER_WRONG,
    LIMIT,
    TOKEN,
    F,
    J,
    fixture_secured,  # noqa: F401 (the fixture secured)
    raw_request,
)


# --- status codes, in the order of HTTP-13 ---------------------------------------------------
def nested(levels: int) -> bytes:
    """A JSON object body whose containers nest ``levels`` deep (the object is level 1)."""
    return b'{"a":' + b"[" * (levels - 1) + b"]" * (levels - 1) + b"}"


STATUS_ROWS = [
    # (method, target, headers, body, status)
    pytest.param("GET", "/get_login_info", {}, None, 401, id="AUTH-4-missing-token-401"),
    pytest.param("GET", "/get_login_info", BEARER_WRONG, None, 403, id="AUTH-4-wrong-token-403"),
    pytest.param("GET", "/get_login_info", AUTH, None, 200, id="AUTH-2-bearer-header-200"),
    pytest.param("GET", f"/get_login_info?access_token={TOKEN}", {}, None, 200,
                 id="AUTH-3-query-token-200"),
    pytest.param("GET", "/get_login_info?access_token=nope", {}, None, 403,
                 id="AUTH-3-wrong-query-token-403"),
    pytest.param("GET", f"/get_login_info?access_token={TOKEN}", BEARER_WRONG, None, 403,
                 id="AUTH-5-wrong-header-wins-over-right-query"),
    pytest.param("GET", f"/get_login_info?access_token={TOKEN}", {"Authorization": "Basic x"},
                 None, 401, id="AUTH-5-6-malformed-header-wins-and-is-missing"),
    pytest.param("GET", "/get_login_info", {"Authorization": f"Token {TOKEN}"}, None, 200,
                 id="AUTH-6-COMPAT-token-scheme"),
    pytest.param("GET", "/get_login_info", {"Authorization": f"bearer {TOKEN}"}, None, 200,
                 id="AUTH-6-REC-scheme-any-case"),
    pytest.param("GET", "/get_login_info", {"Authorization": f"Bearer {TOKEN.upper()}"}, None,
                 403, id="AUTH-7-token-case-sensitive"),
    pytest.param("GET", "/no_such_action", {}, None, 401, id="AUTH-8-401-before-404"),
    pytest.param("GET", "/no_such_action", BEARER_WRONG, None, 403, id="AUTH-8-403-before-404"),
    pytest.param("POST", "/get_login_info", {"Content-Type": "text/plain"}, b"x", 401,
                 id="AUTH-8-401-before-406"),
    pytest.param("POST", "/get_login_info", {**J}, b"{bad", 401, id="AUTH-8-401-before-400"),
    pytest.param("GET", "/get_login_info/", AUTH, None, 200, id="HTTP-2-trailing-slash"),
    pytest.param("GET", "/GET_LOGIN_INFO", AUTH, None, 404, id="HTTP-2-case-sensitive"),
    pytest.param("GET", "/get%5Flogin_info", AUTH, None, 404, id="HTTP-2-no-percent-decoding"),
    pytest.param("GET", "/", AUTH, None, 404, id="HTTP-3-root"),
    pytest.param("GET", "/a/b", AUTH, None, 404, id="HTTP-3-two-segments"),
    # (`//x` is not testable: Python's http.server itself collapses leading slashes, gh-87389.)
    pytest.param("GET", "/get_login_info//", AUTH, None, 404, id="HTTP-3-two-trailing-slashes"),
    pytest.param("GET", "/", {}, None, 404, id="HTTP-3-other-path-404-without-token"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, b"{}", 200, id="HTTP-4-post-json"),
    pytest.param("POST", "/get_login_info", {**AUTH, **F}, b"a=1", 200, id="HTTP-4-post-form"),
    pytest.param("POST", "/get_login_info", {**AUTH, "Content-Type": "application/json; charset=utf-8"},
                 b"{}", 200, id="HTTP-7-content-type-parameters"),
    pytest.param("POST", "/get_login_info", {**AUTH, "Content-Type": "Application/JSON"}, b"{}",
                 200, id="A-5-media-type-case-insensitive"),
    pytest.param("POST", "/get_login_info", {**AUTH, "Content-Type": "text/plain"}, b"{}", 406,
                 id="HTTP-8-text-plain-406"),
    pytest.param("POST", "/get_login_info", {**AUTH, "Content-Type": "multipart/form-data; b=x"},
                 b"--x--", 406, id="HTTP-8-multipart-406"),
    pytest.param("POST", "/get_login_info", AUTH, b"garbage", 200,
                 id="HTTP-8-no-content-type-uses-query-only"),
    pytest.param("GET", "/get_login_info", {**AUTH, "Content-Type": "text/plain"}, b"{bad", 200,
                 id="HTTP-9-get-body-ignored"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, b"{bad", 400, id="HTTP-10-unparsable"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, b"[1]", 400, id="HTTP-10-array"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, b'"s"', 400, id="HTTP-10-string"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, b"3", 400, id="HTTP-10-number"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, b"null", 400, id="HTTP-10-null"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, b"", 400, id="A-6-empty-json-body"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, b'{"a":"\xff"}', 400,
                 id="HTTP-10-json-not-utf8"),
    pytest.param("POST", "/get_login_info", {**AUTH, **F}, b"a=\xff", 400,
                 id="HTTP-10-form-not-utf8"),
    pytest.param("POST", "/get_login_info", {**AUTH, **F}, b"a=%ff", 400,
                 id="HTTP-10-form-percent-not-utf8"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, nested(65), 400,
                 id="HTTP-10-json-65-levels-too-deep"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, nested(64), 200,
                 id="HTTP-10-json-64-levels-ok"),
    pytest.param("POST", "/get_login_info", {**AUTH, **J}, nested(30000), 400,
                 id="HTTP-10-json-recursion-not-500"),
    pytest.param("GET", "/no_such_action", AUTH, None, 404, id="HTTP-11-unknown-action"),
    pytest.param("POST", "/no_such_action", {**AUTH, **J}, b"{bad", 400, id="HTTP-13-400-before-404"),
    pytest.param("POST", "/no_such_action", {**AUTH, "Content-Type": "text/plain"}, b"x", 406,
                 id="HTTP-13-406-before-404"),
    pytest.param("POST", "/get_login_info", {**AUTH, "Content-Type": "text/plain"}, b"{bad", 406,
                 id="HTTP-13-406-before-400"),
    pytest.param("GET", "/no_such_action_async", AUTH, None, 404, id="A-10-unknown-async-404"),
    pytest.param("GET", "/get_login_info_async", AUTH, None, 200, id="HTTP-21-async-suffix"),
    pytest.param("PUT", "/get_login_info", AUTH, b"", 405, id="HTTP-20-put-405"),
    pytest.param("DELETE", "/get_login_info", AUTH, None, 405, id="HTTP-20-delete-405"),
    pytest.param("PATCH", "/get_login_info", AUTH, b"", 405, id="HTTP-20-patch-405"),
    pytest.param("HEAD", "/get_login_info", AUTH, None, 405, id="HTTP-20-head-405"),
    pytest.param("OPTIONS", "/get_login_info", AUTH, None, 405, id="DATA-7-options-without-cors"),
]


@pytest.mark.parametrize("method, target, headers, body, status", STATUS_ROWS)
def test_status_codes(secured, method, target, headers, body, status):
    got, response_headers, content = raw_request(secured, method, target, headers, body)
    assert got == status, content
    if status == 200:
        # HTTP-15 and RESP-1
        assert response_headers["Content-Type"] == "application/json; charset=UTF-8"
        envelope = json.loads(content)
        assert set(envelope) >= {"status", "retcode", "data"}
    elif method != "HEAD":
        # onebot_ref choice: 4xx bodies give a one-line reason (legacy: empty, HTTP-14).
        assert response_headers["Content-Type"].startswith("text/plain")
        assert content.strip()


@pytest.mark.parametrize("method, headers, body", [
    pytest.param("POST", {**AUTH, **J}, b"{}", id="json"),
    pytest.param("POST", {**AUTH, **F}, b"", id="form"),
    pytest.param("GET", AUTH, None, id="get"),
])
def test_failed_action_is_still_200_HTTP_12(secured, method, headers, body):
    """communication/http.md: "无论操作实际成功与否，状态码都是 200"; PARAM-14 → retcode 100."""
    status, _, content = raw_request(secured, method, "/send_private_msg", headers, body)
    envelope = json.loads(content)
    assert status == 200
    assert (envelope["status"], envelope["retcode"], envelope["data"]) == ("failed", 100, None)
    assert "user_id" in envelope.get("message", "user_id")


def test_unsupported_content_type_reason_names_the_accepted_ones(secured):
    status, _, content = raw_request(secured, "POST", "/get_login_info",
                                     {**AUTH, "Content-Type": "text/plain"}, b"x")
    assert status == 406
    assert b"application/json" in content and b"application/x-www-form-urlencoded" in content


# --- body size (413) ------------------------------------------------------------------------
def test_body_over_limit_413(secured):
    body = b'{"a":"' + b"x" * LIMIT + b'"}'
    status, _, content = raw_request(secured, "POST", "/get_login_info", {**AUTH, **J}, body)
    assert status == 413
    assert b"max_body_bytes" in content


def test_body_at_limit_is_read(secured):
    body = b'{"a":"' + b"x" * (LIMIT - 8) + b'"}'
    assert len(body) == LIMIT
    status, _, _ = raw_request(secured, "POST", "/get_login_info", {**AUTH, **J}, body)
    assert status == 200


def test_declared_length_over_limit_413_without_sending_the_body(secured):
    """The Content-Length alone decides: the server answers before the body arrives."""
    with socket.create_connection(("127.0.0.1", secured.servers["http"].port), timeout=10) as sock:
        sock.sendall(b"POST /get_login_info HTTP/1.1\r\nHost: x\r\n"
                     b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{")
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 413")


def test_chunked_body_over_limit_413(secured):
    def chunks():
        for _ in range(LIMIT // 4096 + 2):
            yield b" " * 4096

    r = requests.post(secured.url("http") + "/get_login_info", data=chunks(), timeout=10,
                      headers={**AUTH, **J})
    assert r.status_code == 413


def test_chunked_body_under_limit_is_read(secured):
    r = requests.post(secured.url("http") + "/get_stranger_info", timeout=10,
                      data=iter([b'{"user_id"', b": 10003}"]), headers={**AUTH, **J})
    assert r.status_code == 200 and r.json()["data"]["user_id"] == 10003


# --- the traffic journal ---------------------------------------------------------------------
@pytest.mark.parametrize("target, headers, body, verdict", [
    pytest.param("/get_login_info", {}, None, "401: no token", id="AUTH-4-401"),
    pytest.param("/get_login_info", BEARER_WRONG, None, "403: wrong token", id="AUTH-4-403"),
    pytest.param("/get_login_info", {**AUTH, "Content-Type": "text/plain"}, b"x",
                 "406: unsupported Content-Type text/plain", id="HTTP-8-406"),
    pytest.param("/get_stranger_info?user_id=10001", AUTH, None, 'coerced user_id from "10001"',
                 id="PARAM-1-coercion-note"),
])
def test_traffic_verdicts(secured, target, headers, body, verdict):
    cursor = secured.traffic.cursor
    raw_request(secured, "POST" if body else "GET", target, headers, body)
    frame = secured.traffic.find(lambda f: f["channel"] == "http" and f["direction"] == "out"
                                 and verdict in (f.get("verdict") or ""), timeout=5, after=cursor)
    assert frame is not None
    inbound = secured.traffic.find(lambda f: f["channel"] == "http" and f["direction"] == "in",
                                   timeout=5, after=cursor)
    assert inbound["peer"].startswith("127.0.0.1:")


def test_traffic_masks_the_token(secured):
    cursor = secured.traffic.cursor
    raw_request(secured, "GET", f"/get_login_info?access_token={TOKEN}", {}, None)
    raw_request(secured, "GET", "/get_login_info", AUTH, None)
    frames, _ = secured.traffic.since(cursor)
    assert frames and TOKEN not in json.dumps(frames)


