"""The HTTP API over real sockets (communication/http.md): CORS (DATA-6, DATA-7), no token
configured (AUTH-1), and the data files (DATA-1..5, AUTH-12): served from the data directory
only, never through a symlink or a path out of it."""

from __future__ import annotations

import os

import pytest
import requests

from helpers import start_runner
from http_api_kit import (
    AUTH,
    BEARER_WRONG,
    TOKEN,
    fixture_secured,  # noqa: F401 (the fixture secured)
    raw_request,
)


@pytest.fixture(scope="module")
def open_server(tmp_path_factory):
    """No access_token, CORS on, data files not served."""
    with start_runner(tmp_path_factory.mktemp("open"), enable_cors=True) as runner:
        yield runner


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


