"""The forward WebSocket at its edges, through a real runner: a message over ``max_body_bytes``
(1009), an invalid upgrade request, a client that drops the TCP connection, and what an idle
connection costs (communication/ws.md; RFC 6455 7.4.1, 4.2.1, 7.1.5)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from fakebot import connect


def upgrade(port: int, path: str, headers: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}\r\n".encode())
    return sock


def answer_head(sock: socket.socket) -> str:
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        assert chunk, "connection closed before the answer"
        head += chunk
    return head.decode("latin-1")


UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"


def test_a_message_over_max_body_bytes_closes_with_1009(make_runner):
    """README: frames larger than max_body_bytes close the connection with 1009."""
    with make_runner(use_ws=True, max_body_bytes=1000) as runner:
        ws = connect(runner.url("ws") + "/api")
        assert ws.call("get_login_info", {"pad": "x" * 800})["status"] == "ok"
        ws.send({"action": "get_login_info", "params": {"pad": "y" * 1000}})
        assert ws.wait_closed(5) == 1009
        closed = runner.traffic.find(lambda f: (f.get("verdict") or "").startswith(
            "closed by server: 1009"), 2)
        assert closed is not None and closed["channel"] == "ws"
        assert closed["verdict"] == "closed by server: 1009 message over 1000 bytes (BAD-8)"


@pytest.mark.parametrize("headers, status", [
    pytest.param(UPGRADE + "Sec-WebSocket-Version: 13\r\n", 400, id="no-key"),
    pytest.param(UPGRADE + KEY + "Sec-WebSocket-Version: 8\r\n", 426, id="old-version-426"),
])
def test_an_invalid_upgrade_is_refused_not_a_500(make_runner, headers, status):
    """RFC 6455 4.2.1: a bad handshake gets an HTTP error (426 names the version we speak)."""
    with make_runner(use_ws=True) as runner:
        sock = upgrade(runner.ports["ws"], "/api", headers)
        head = answer_head(sock)
        sock.close()
        assert head.startswith(f"HTTP/1.1 {status} "), head
        if status == 426:
            assert "Sec-WebSocket-Version: 13" in head
        assert runner.traffic.find(lambda f: (f.get("verdict") or "").startswith(
            f"{status}: not a valid WebSocket upgrade"), 2)


def test_a_dropped_tcp_connection_is_journalled_as_1006(make_runner):
    """RFC 6455 7.1.5: no close frame at all is close code 1006."""
    with make_runner(use_ws=True) as runner:
        sock = upgrade(runner.ports["ws"], "/api", UPGRADE + KEY + "Sec-WebSocket-Version: 13\r\n")
        assert answer_head(sock).startswith("HTTP/1.1 101")
        sock.close()
        assert runner.traffic.find(lambda f: f.get("verdict") == "closed by peer: 1006", 2)


def test_an_idle_connection_costs_one_thread(make_runner):
    """The request's thread reads the connection itself: no reader thread next to it."""
    with make_runner(use_ws=True) as runner:
        before = set(threading.enumerate())
        socks = [upgrade(runner.ports["ws"], "/api", UPGRADE + KEY
                         + "Sec-WebSocket-Version: 13\r\n") for _ in range(5)]
        for sock in socks:
            assert answer_head(sock).startswith("HTTP/1.1 101")
        time.sleep(0.2)  # a second thread per connection would have started by now
        new = [t.name for t in set(threading.enumerate()) - before]
        # werkzeug's request threads are named after the peer: "<server> 127.0.0.1:<port>"
        ports = {f"127.0.0.1:{sock.getsockname()[1]}" for sock in socks}
        assert sorted(name.rsplit(" ", 1)[-1] for name in new) == sorted(ports), new
        for sock in socks:
            sock.close()
