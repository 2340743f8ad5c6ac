"""What the HTTP API tests share (test_http_api_*.py). Every server there is a real
:class:`onebot_ref.runner.Runner` (Config, World, Actions, traffic) on 127.0.0.1 port 0;
requests go over TCP with ``requests`` or, where the exact bytes of the request line matter,
``http.client`` (:func:`raw_request`) / a raw socket.

The ``secured`` fixture (module scope: one server per test module) has an access_token, serves
data files, has CORS off and a 64 KiB body limit; AUTH, BEARER_WRONG, J and F are the headers
the tests send.
"""

from __future__ import annotations

import http.client

import pytest
import requests

from helpers import start_runner
from onebot_ref.runner import Runner

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIMIT = 64 * 1024
J = {"Content-Type": "application/json"}
F = {"Content-Type": "application/x-www-form-urlencoded"}
BEARER_WRONG = {"Authorization": "Bearer nope"}


@pytest.fixture(scope="module", name="secured")
def fixture_secured(tmp_path_factory):
    """access_token set, data files served, CORS off, a 64 KiB body limit."""
    with start_runner(tmp_path_factory.mktemp("secured"), access_token=TOKEN,
                      serve_data_files=True, max_body_bytes=LIMIT) as runner:
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

