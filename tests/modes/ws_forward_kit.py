"""What the forward WebSocket tests share (test_ws_forward*.py): the ``runner`` fixture (a
started Runner with use_ws, one per test), the users of the default world, and the clients:
:func:`ws_url`, :func:`event_client` (past its lifecycle connect frame), :func:`raw_handshake`
(by hand, then never read)."""

from __future__ import annotations

import base64
import os
import socket

import pytest

from fakebot import connect

ALICE, BOB, GROUP = 10001, 10002, 20001


@pytest.fixture(name="runner")
def fixture_runner(make_runner):
    """A started Runner with the forward WebSocket on (use_ws), one per test."""
    with make_runner(use_ws=True) as runner:
        yield runner


def ws_url(runner, path: str = "/") -> str:
    return runner.url("ws") + path


def event_client(runner, path: str = "/event"):
    """A connection on an event path, past its lifecycle connect frame: from then on it is
    sure to receive every event."""
    ws = connect(ws_url(runner, path))
    assert ws.receive()["sub_type"] == "connect"
    return ws


def raw_handshake(runner, path: str, extra: str = "") -> tuple[socket.socket, str]:
    """A WebSocket handshake by hand; returns the socket and the HTTP response head. The socket
    is then never read: a client that cannot keep up."""
    port = runner.ports["ws"]
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\n{extra}\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "connection closed during the handshake"
        head += chunk
    return sock, head.decode("latin-1")
