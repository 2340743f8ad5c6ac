"""The HTTP API over real sockets (communication/http.md; HTTP-*, AUTH-*, DATA-*, PARAM-*).

Every server here is a real :class:`onebot_ref.runner.Runner` (Config, World, Actions, traffic)
on 127.0.0.1 port 0; requests go over TCP with ``requests`` or, where the exact bytes of the
request line matter, ``http.client`` / a raw socket.
"""

from __future__ import annotations

import http.client
import json
import os
import socket

import pytest
import requests

from helpers import HOWS, http_call, start_runner
from onebot_ref.runner import Runner

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    """access_token set, data files served, CORS off, a 64 KiB body limit."""
    with start_runner(tmp_path_factory.mktemp("secured"), access_token=TOKEN,
                      serve_data_files=True, max_body_bytes=LIMIT) as runner:
        yield runner


@pytest.fixture(scope="module")
def open_server(tmp_path_factory):
    """No access_token, CORS on, data files not served."""
    with start_runner(tmp_path_factory.mktemp("open"), enable_cors=True) as runner:
        yield runner


def raw_request(runner: Runner, method: str, target: str, headers: dict | None = None,
                body: bytes | None = None) -> tuple[int, dict, bytes]:
    """One request with the request target sent byte for byte (no client normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", runner.servers["http"].port, timeout=10)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None and "Content-Length" not in (headers or {}):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def first_friend(runner: Runner) -> int:
    r = requests.get(runner.url("http") + "/get_friend_list", headers=AUTH, timeout=10)
    return r.json()["data"][0]["user_id"]


# --- status codes, in the order of HTTP-13 ---------------------------------------------------
J = {"Content-Type": "application/json"}
F = {"Content-Type": "application/x-www-form-urlencoded"}
BEARER_WRONG = {"Authorization": "Bearer nope"}


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


# --- where the parameters come from ----------------------------------------------------------
def stranger(runner, method, query="", **kwargs) -> int:
    """get_stranger_info echoes the user_id it read: a probe for which source won."""
    r = requests.request(method, runner.url("http") + "/get_stranger_info" + query,
                         headers={**AUTH, **kwargs.pop("headers", {})}, timeout=10, **kwargs)
    assert r.status_code == 200, r.text
    envelope = r.json()
    assert envelope["status"] == "ok", envelope
    return envelope["data"]["user_id"]


def test_query_wins_over_json_body_HTTP_16(secured):
    assert stranger(secured, "POST", "?user_id=10002", json={"user_id": 10003}) == 10002


def test_query_wins_over_form_HTTP_16(secured):
    assert stranger(secured, "POST", "?user_id=10002", data={"user_id": "10003"}) == 10002


def test_json_body_alone_PARAM_2(secured):
    assert stranger(secured, "POST", json={"user_id": 10003}) == 10003


def test_json_string_value_is_coerced_PARAM_1(secured):
    assert stranger(secured, "POST", json={"user_id": "10003"}) == 10003


def test_first_duplicate_wins_HTTP_17_A_42(secured):
    assert stranger(secured, "GET", "?user_id=10002&user_id=10003") == 10002


def test_form_first_duplicate_wins_HTTP_17(secured):
    assert stranger(secured, "POST", data=b"user_id=10002&user_id=10003&=x&flag",
                    headers=F) == 10002


def test_post_query_is_merged_PARAM_11(secured):
    """A POST without Content-Type uses its query (HTTP-8); the query strings are coerced."""
    assert stranger(secured, "POST", "?user_id=+10002") == 10002


def test_percent_and_plus_decoding_HTTP_6(secured):
    user_id = first_friend(secured)
    r = requests.get(secured.url("http") + "/send_private_msg?user_id=%d&message=a+b%%26c" % user_id,
                     headers=AUTH, timeout=10)
    envelope = r.json()
    assert envelope["status"] == "ok", envelope
    stored = requests.get(secured.url("http") + "/get_msg", headers=AUTH, timeout=10,
                          params={"message_id": envelope["data"]["message_id"]}).json()
    assert stored["data"]["message"] in ("a b&amp;c", [{"type": "text", "data": {"text": "a b&c"}}])


@pytest.mark.parametrize("encoding", ["get", "form"])
def test_message_json_in_text_PARAM_9(secured, encoding):
    """A message from the query/form that is a JSON array is segments, not CQ text."""
    user_id = first_friend(secured)
    params = {"user_id": str(user_id),
              "message": json.dumps([{"type": "text", "data": {"text": "from json"}}])}
    url = secured.url("http") + "/send_private_msg"
    r = (requests.get(url, params=params, headers=AUTH, timeout=10) if encoding == "get"
         else requests.post(url, data=params, headers=AUTH, timeout=10))
    envelope = r.json()
    assert envelope["status"] == "ok", envelope
    stored = requests.get(secured.url("http") + "/get_msg", headers=AUTH, timeout=10,
                          params={"message_id": envelope["data"]["message_id"]}).json()
    assert stored["data"]["message"] in ("from json",
                                         [{"type": "text", "data": {"text": "from json"}}])


def test_json_body_string_message_stays_cq_PARAM_9(secured):
    user_id = first_friend(secured)
    text = '[{"type":"text","data":{"text":"x"}}]'
    r = requests.post(secured.url("http") + "/send_private_msg", headers=AUTH, timeout=10,
                      json={"user_id": user_id, "message": text, "auto_escape": True})
    envelope = r.json()
    assert envelope["status"] == "ok", envelope
    stored = requests.get(secured.url("http") + "/get_msg", headers=AUTH, timeout=10,
                          params={"message_id": envelope["data"]["message_id"]}).json()
    message = stored["data"]["message"]
    assert message in ("&#91;{\"type\":\"text\",\"data\":{\"text\":\"x\"}}&#93;",
                       [{"type": "text", "data": {"text": text}}])


def test_access_token_in_query_is_harmless_HTTP_18(secured):
    r = requests.get(secured.url("http") + "/get_login_info", timeout=10,
                     params={"access_token": TOKEN})
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_invalid_boolean_fails_100_naming_it(secured):
    """onebot_ref choice: an unreadable boolean is an error, not the default (PARAM-5)."""
    user_id = first_friend(secured)
    r = requests.get(secured.url("http") + "/send_private_msg", headers=AUTH, timeout=10,
                     params={"user_id": user_id, "message": "x", "auto_escape": "maybe"})
    envelope = r.json()
    assert (r.status_code, envelope["retcode"]) == (200, 100)
    assert "auto_escape" in envelope["message"]


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


# --- CORS (DATA-6) ---------------------------------------------------------------------------
def test_cors_preflight_DATA_6(open_server):
    status, headers, _ = raw_request(open_server, "OPTIONS", "/send_private_msg")
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Allow-Methods"] == "*"
    assert headers["Access-Control-Allow-Headers"] == "*"


def test_cors_header_on_api_responses_DATA_6(open_server):
    r = requests.get(open_server.url("http") + "/get_login_info", timeout=10)
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "*"


def test_no_cors_header_when_off_DATA_7(secured):
    r = requests.get(secured.url("http") + "/get_login_info", headers=AUTH, timeout=10)
    assert "Access-Control-Allow-Origin" not in r.headers


def test_no_token_configured_AUTH_1(open_server):
    r = requests.get(open_server.url("http") + "/get_login_info", timeout=10,
                     headers={"Authorization": "Bearer anything"})
    assert r.status_code == 200 and r.json()["status"] == "ok"


# --- data files (DATA-1..5) ------------------------------------------------------------------
@pytest.fixture(scope="module")
def data_files(secured, tmp_path_factory):
    image = os.path.join(secured.config.data_dir, "image")
    os.makedirs(os.path.join(image, "sub"), exist_ok=True)
    with open(os.path.join(image, "a.jpg"), "wb") as fh:
        fh.write(b"\xff\xd8jpeg")
    with open(os.path.join(image, "sub", "图 b.png"), "wb") as fh:
        fh.write(b"png")
    outside = tmp_path_factory.mktemp("outside") / "secret.txt"
    outside.write_bytes(b"secret")
    os.symlink(outside, os.path.join(image, "link.txt"))
    os.symlink(os.path.join(image, "a.jpg"), os.path.join(image, "inside.jpg"))
    with open(os.path.join(secured.config.data_dir, "top.txt"), "wb") as fh:
        fh.write(b"top")
    return secured


@pytest.mark.parametrize("method, target, headers, status, content", [
    pytest.param("GET", "/data/image/a.jpg", AUTH, 200, b"\xff\xd8jpeg", id="DATA-1-serves"),
    pytest.param("GET", "/data/image/sub/%E5%9B%BE%20b.png", AUTH, 200, b"png",
                 id="DATA-1-subfolder-utf8-name"),
    pytest.param("GET", "/data/image/inside.jpg", AUTH, 200, b"\xff\xd8jpeg",
                 id="DATA-3-symlink-inside-ok"),
    pytest.param("GET", "/data/image/missing.jpg", AUTH, 404, None, id="DATA-3-missing-404"),
    pytest.param("GET", "/data/image/sub", AUTH, 404, None, id="DATA-3-directory-404"),
    pytest.param("GET", "/data/image/../top.txt", AUTH, 403, None, id="DATA-3-dotdot-403"),
    pytest.param("GET", "/data/image/sub/../../top.txt", AUTH, 403, None,
                 id="DATA-3-nested-dotdot-403"),
    pytest.param("GET", "/data/image/%2e%2e/top.txt", AUTH, 403, None,
                 id="DATA-3-encoded-dotdot-403"),
    pytest.param("GET", "/data/image//etc/passwd", AUTH, 403, None, id="DATA-3-absolute-403"),
    pytest.param("GET", "/data/image/link.txt", AUTH, 403, None, id="DATA-3-symlink-out-403"),
    pytest.param("GET", "/data/other/a.jpg", AUTH, 404, None, id="DATA-1-unknown-kind-404"),
    pytest.param("POST", "/data/image/a.jpg", AUTH, 404, None, id="DATA-3-post-404"),
    pytest.param("GET", "/data/image/a.jpg", {}, 401, None, id="DATA-5-no-token-401"),
    pytest.param("GET", "/data/image/a.jpg", BEARER_WRONG, 403, None, id="DATA-5-wrong-token-403"),
    pytest.param("GET", f"/data/image/a.jpg?access_token={TOKEN}", {}, 401, None,
                 id="AUTH-12-query-token-not-consulted"),
])
def test_data_files(data_files, method, target, headers, status, content):
    got, response_headers, body = raw_request(data_files, method, target, headers)
    assert got == status, body
    if content is not None:
        assert body == content
        # DATA-4
        assert response_headers["Content-Type"] == "application/octet-stream"
        assert response_headers["Content-Disposition"].startswith("attachment")
        assert response_headers["Content-Length"] == str(len(content))
    assert b"secret" not in body


def test_data_files_off_DATA_2(open_server):
    image = os.path.join(open_server.config.data_dir, "image")
    os.makedirs(image, exist_ok=True)
    with open(os.path.join(image, "a.jpg"), "wb") as fh:
        fh.write(b"jpeg")
    status, _, _ = raw_request(open_server, "GET", "/data/image/a.jpg")
    assert status == 404


# --- every public action of api/public.md answers ok, via each encoding ------------------------
@pytest.fixture(scope="module", params=HOWS)
def prepared(request, tmp_path_factory):
    """A fresh default world per encoding, with what some actions need to exist: a received
    message with an image and a record, a message the bot sent, a merged forward, pending
    friend and group requests, and an anonymous sender."""
    with start_runner(tmp_path_factory.mktemp("prepared")) as runner:
        world, call = runner.world, runner.actions.call
        received = world.receive_private_message(10001, [
            {"type": "text", "data": {"text": "look"}},
            {"type": "image", "data": {"file": "cat.jpg"}},
            {"type": "record", "data": {"file": "meow.amr"}}])
        sent = call("send_private_msg", {"user_id": 10001, "message": "to recall"})["data"]
        forward = call("send_private_msg", {"user_id": 10002, "message": [
            {"type": "node", "data": {"user_id": "10001", "nickname": "Alice", "content": "hi"}}]})
        anonymous = world.receive_group_message(20003, 10002, "psst", anonymous=True)["anonymous"]
        state = {
            "received": received["message_id"], "sent": sent["message_id"],
            "forward_id": world.get_message(forward["data"]["message_id"])["message"][0]["data"]["id"],
            "friend_flag": world.inject_event({"post_type": "request", "request_type": "friend",
                                               "user_id": 10009, "comment": "hi"})["flag"],
            "group_flag": world.inject_event({"post_type": "request", "request_type": "group",
                                              "sub_type": "add", "group_id": 20001,
                                              "user_id": 10004, "comment": "let me in"})["flag"],
            "anonymous": anonymous,
        }
        yield request.param, runner, state


#: (action, params from the prepared state, expected status). Destructive ones come last.
PUBLIC_CALLS = [
    ("send_private_msg", lambda s: {"user_id": 10001, "message": "hello"}, "ok"),
    ("send_group_msg", lambda s: {"group_id": 20001, "message": [
        {"type": "text", "data": {"text": "hi "}}, {"type": "face", "data": {"id": "1"}}]}, "ok"),
    ("send_msg", lambda s: {"message_type": "private", "user_id": 10002,
                            "message": {"type": "text", "data": {"text": "one segment"}}}, "ok"),
    ("delete_msg", lambda s: {"message_id": s["sent"]}, "ok"),
    ("get_msg", lambda s: {"message_id": s["received"]}, "ok"),
    ("get_forward_msg", lambda s: {"id": s["forward_id"]}, "ok"),
    ("send_like", lambda s: {"user_id": 10001, "times": 1}, "ok"),
    ("set_group_ban", lambda s: {"group_id": 20001, "user_id": 10002, "duration": 60}, "ok"),
    ("set_group_anonymous_ban", lambda s: {"group_id": 20003, "anonymous": s["anonymous"],
                                           "duration": 60}, "ok"),
    ("set_group_whole_ban", lambda s: {"group_id": 20001, "enable": False}, "ok"),
    ("set_group_admin", lambda s: {"group_id": 20001, "user_id": 10002, "enable": True}, "ok"),
    ("set_group_anonymous", lambda s: {"group_id": 20001, "enable": True}, "ok"),
    ("set_group_card", lambda s: {"group_id": 20001, "user_id": 10002, "card": "B"}, "ok"),
    ("set_group_name", lambda s: {"group_id": 20001, "group_name": "Renamed"}, "ok"),
    ("set_group_special_title", lambda s: {"group_id": 20001, "user_id": 10002,
                                           "special_title": "T", "duration": -1}, "ok"),
    ("set_friend_add_request", lambda s: {"flag": s["friend_flag"], "approve": True,
                                          "remark": "new"}, "ok"),
    ("set_group_add_request", lambda s: {"flag": s["group_flag"], "sub_type": "add",
                                         "approve": True}, "ok"),
    ("get_login_info", lambda s: {}, "ok"),
    ("get_stranger_info", lambda s: {"user_id": 10009, "no_cache": True}, "ok"),
    ("get_friend_list", lambda s: {}, "ok"),
    ("get_group_info", lambda s: {"group_id": 20001}, "ok"),
    ("get_group_list", lambda s: {}, "ok"),
    ("get_group_member_info", lambda s: {"group_id": 20001, "user_id": 10001}, "ok"),
    ("get_group_member_list", lambda s: {"group_id": 20001}, "ok"),
    ("get_group_honor_info", lambda s: {"group_id": 20001, "type": "all"}, "ok"),
    ("get_cookies", lambda s: {"domain": "qun.qq.com"}, "ok"),
    ("get_csrf_token", lambda s: {}, "ok"),
    ("get_credentials", lambda s: {}, "ok"),
    ("get_record", lambda s: {"file": "meow.amr", "out_format": "mp3"}, "ok"),
    ("get_image", lambda s: {"file": "cat.jpg"}, "ok"),
    ("can_send_image", lambda s: {}, "ok"),
    ("can_send_record", lambda s: {}, "ok"),
    ("get_status", lambda s: {}, "ok"),
    ("get_version_info", lambda s: {}, "ok"),
    ("clean_cache", lambda s: {}, "ok"),
    ("set_group_kick", lambda s: {"group_id": 20001, "user_id": 10003,
                                  "reject_add_request": False}, "ok"),
    ("set_group_leave", lambda s: {"group_id": 20002}, "ok"),
    # api/public.md#set_restart: "需要异步地重启，接口返回的 status 是 async"
    ("set_restart", lambda s: {"delay": 0}, "async"),
]


def test_public_calls_cover_api_public_md():
    """The table below names every action of api/public.md (the actions package lists them)."""
    from onebot_ref.actions import PUBLIC

    assert {name for name, _, _ in PUBLIC_CALLS} == {fn.__name__ for fn in PUBLIC}


@pytest.mark.parametrize("action, make_params, status", PUBLIC_CALLS,
                         ids=[f"API-{name}" for name, _, _ in PUBLIC_CALLS])
def test_every_public_action_answers(prepared, action, make_params, status):
    """HTTP-4/5 + PARAM-1: GET + query, POST + urlencoded form, POST + JSON, same answer."""
    how, runner, state = prepared
    envelope = http_call(runner, action, how=how, **make_params(state))
    assert envelope["status"] == status, envelope
    assert envelope["retcode"] == {"ok": 0, "async": 1}[status]
