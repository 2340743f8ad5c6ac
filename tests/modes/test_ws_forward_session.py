"""The forward WebSocket server's connections over real sockets (communication/ws.md): a client
that cannot keep up is dropped (WSF-21), permessage-deflate only when configured and a deflate
bomb closed with 1009 (RFC 6455 7.4.1), pings answered (RFC 6455 5.5.2), the traffic journal,
and stop closing every connection with 1001."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from fakebot import connect
from ws_forward_kit import (
    event_client,
    fixture_runner,  # noqa: F401 (the fixture runner)
    raw_handshake,
    ws_url,
)


# --- a slow client (WSF-21) and compression -------------------------------------------------------
def test_a_client_that_cannot_keep_up_is_dropped_and_the_others_keep_receiving(make_runner,
                                                                               caplog):
    """WSF-21: the stuck client fills its own outbox and is disconnected with a log line; the
    good one (read in lockstep) gets every event."""
    with make_runner(use_ws=True, ws_send_queue_size=8) as runner:
        good = event_client(runner)
        stuck, head = raw_handshake(runner, "/event")  # never reads: its buffers fill up
        assert head.startswith("HTTP/1.1 101")
        assert b'"connect"' in stuck.recv(4096)  # it is in the fan-out once connect is sent
        assert len(runner.modes["ws"].fanout.sessions) == 2
        pad = "x" * 200_000
        with caplog.at_level(logging.WARNING, logger="onebot_ref.modes.ws_session"):
            for n in range(400):
                runner.bus.publish({"time": 1, "self_id": 10000, "post_type": "notice",
                                    "notice_type": "test", "n": n, "pad": pad})
                assert good.next_event(lambda e: e["post_type"] == "notice")["n"] == n
                if len(runner.modes["ws"].fanout.sessions) == 1:
                    break
        assert len(runner.modes["ws"].fanout.sessions) == 1, "the stuck client was never dropped"
        assert "cannot keep up" in caplog.text
        assert runner.traffic.find(lambda f: "cannot keep up" in (f.get("verdict") or ""), 1)
        runner.bus.publish({"time": 1, "self_id": 10000, "post_type": "notice", "n": -1})
        assert good.next_event()["n"] == -1
        stuck.close()
        good.close()


@pytest.mark.parametrize("enabled", [False, True], ids=["off-by-default", "ws_compression"])
def test_permessage_deflate_only_when_configured(make_runner, enabled):
    with make_runner(use_ws=True, ws_compression=enabled) as runner:
        sock, head = raw_handshake(runner, "/api",
                                   "Sec-WebSocket-Extensions: permessage-deflate\r\n")
        assert head.startswith("HTTP/1.1 101")
        assert ("permessage-deflate" in head.lower()) is enabled
        sock.close()


# --- the journal and stopping ----------------------------------------------------------------------

def test_traffic_records_frames_both_ways_and_the_close_code(runner):
    ws = connect(ws_url(runner, "/api"))
    ws.call("get_login_info", echo="j")
    ws.close(1000)
    closed = runner.traffic.find(lambda f: f.get("verdict") == "closed by peer: 1000", 2)
    assert closed is not None and closed["channel"] == "ws" and closed["peer"].startswith("127.")
    journal, _ = runner.traffic.since(0)
    frames = [(f["direction"], f["data"].get("echo") if isinstance(f["data"], dict) else None)
              for f in journal]
    assert ("in", "j") in frames and ("out", "j") in frames


def test_stop_closes_every_connection_with_1001(make_runner):
    with make_runner(use_ws=True) as runner:
        clients = [event_client(runner, "/"), connect(ws_url(runner, "/api")),
                   event_client(runner, "/event")]
        began = time.monotonic()
        runner.stop()
        assert time.monotonic() - began < 2
    assert [c.wait_closed(2) for c in clients] == [1001, 1001, 1001]


def test_a_ping_is_answered_through_the_session_lock(runner):
    """RFC 6455 5.5.2/5.5.3: a ping gets a pong. simple-websocket's reader thread writes it;
    the session routes that write through its own lock and backlog (every send under a lock),
    so the pong arrives as a whole frame after the connect event, not inside another frame."""
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, Ping, Pong, Request, TextMessage

    port = runner.ports["ws"]
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    client = WSConnection(ConnectionType.CLIENT)
    sock.sendall(client.send(Request(host=f"127.0.0.1:{port}", target="/event")))
    seen: list = []
    deadline = time.monotonic() + 5
    while not any(isinstance(e, Pong) for e in seen) and time.monotonic() < deadline:
        client.receive_data(sock.recv(65536))
        for event in client.events():
            seen.append(event)
            if isinstance(event, TextMessage):  # the session exists: ping it
                sock.sendall(client.send(Ping(payload=b"are-you-there")))
    sock.close()
    kinds = [type(e) for e in seen]
    assert kinds[0] is AcceptConnection
    assert kinds[1] is TextMessage, "the lifecycle connect frame comes whole, first"
    pong = next(e for e in seen if isinstance(e, Pong))
    assert pong.payload == b"are-you-there"


def test_a_deflate_bomb_closes_with_1009_and_others_are_served(make_runner):
    """ws_compression on: a compressed message that inflates past max_body_bytes closes its
    connection with 1009 (RFC 6455 7.4.1), like an uncompressed one; the server serves on."""
    from wsproto.events import TextMessage

    from helpers import close_code_sent_to, deflate_client

    with make_runner(use_ws=True, ws_compression=True, max_body_bytes=4096) as runner:
        sock, client = deflate_client(runner.ports["ws"])
        sock.sendall(client.send(TextMessage('{"action": "get_status", "echo": "%s"}'
                                             % ("a" * 20_000_000))))
        assert close_code_sent_to(sock, client) == 1009
        sock.close()
        assert connect(ws_url(runner, "/api")).call("get_status")["status"] == "ok"
