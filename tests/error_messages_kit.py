"""What the error-message tests share (issue 12: every refusal ends with the rule id it applies,
`` (HTTP-3)`` or `` (AUTH-4, AUTH-7)``, so that a reader can look it up in docs/rules.md):
`cited`, which reads the ids and checks each is in docs/rules.md; `exchange`, one request sent
byte for byte over a real socket; the two module-scoped servers (``runner``: the OneBot 11
faces with a token, data files and a small body limit; ``faces``: the console and the Milky
face) and the request helpers of each face."""

from __future__ import annotations

import base64
import os
import re
import socket

import pytest

from fakebot import FakeBot
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


def handshake(runner, target: str, extra: str = "", version: str = "13") -> tuple[int, str]:
    key = base64.b64encode(os.urandom(16)).decode()
    return exchange(runner.ports["ws"], (
        f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        f"Sec-WebSocket-Version: {version}\r\n{extra}\r\n").encode())


@pytest.fixture(scope="module", name="faces")
def fixture_faces(tmp_path_factory):
    """The console (its fault API) and the Milky 1.2 face, with a Milky token."""
    with start_runner(tmp_path_factory.mktemp("faces"), use_console=True, use_milky=True,
                      milky_host="127.0.0.1", milky_port=0, milky_access_token=TOKEN,
                      max_body_bytes=LIMIT) as runner:
        yield runner


def milky(runner, request: str) -> tuple[int, str]:
    return exchange(runner.ports["milky"], request.encode())


MILKY_AUTH = f"Authorization: Bearer {TOKEN}\r\n"
JSON_TYPE = "Content-Type: application/json\r\n"
