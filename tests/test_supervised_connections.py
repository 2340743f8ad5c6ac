"""Every long-lived thread survives a job that raises (SUP-1, SUP-4; issue 15 case 3 at the
worker level), the connections' threads here: the reverse-WebSocket clients (a wait that
raises, a peer's lone-surrogate echo), a forward API connection, the heartbeat, a connection's
own sender thread, and the HTTP server under every port. Each is poisoned over real sockets,
and the next job must run on the same, still living thread (the job queues' workers are in
test_supervised_workers.py).

Several poisons are a wait the platform cannot do (``Event.wait(1e27)`` raises OverflowError:
what case 3's ``set_restart`` delay did): the parameter and config layers are to refuse such
values (issue 15's strict boundary), so the tests set them on the running parts, as a value
nothing checked would arrive.
"""

from __future__ import annotations

import base64
import os
import socket
import struct
import threading

from fakebot import connect
from helpers import http_data
from supervised_kit import HUGE, WAIT, eventually, failure, thread_names

# --- the reverse WebSocket clients and the heartbeat -----------------------------------------


def reverse_config(fakebot, **keys) -> dict:
    return {"use_ws_reverse": True, "ws_reverse_url": fakebot.ws_url,
            "ws_reverse_use_universal_client": True, "ws_reverse_reconnect_interval": 50, **keys}


def test_a_reverse_client_survives_a_wait_that_raises_and_reconnects(make_runner, fakebot):
    with make_runner(**reverse_config(fakebot)) as runner:
        first = fakebot.wait_connection("Universal")
        runner.modes["ws_reverse"].interval_ms = HUGE
        first.close(1001)  # the client waits one interval before reconnecting: it raises
        frame = failure(runner, "ws-reverse:universal", "waiting for the next job failed")
        assert frame["data"]["error"].startswith("OverflowError")
        runner.modes["ws_reverse"].interval_ms = 50
        again = fakebot.wait_connection("Universal", after=1)
        assert again.call("get_login_info")["retcode"] == 0
        assert "ws-reverse:universal" in thread_names()


def send_poison(runner, channel: str, ws) -> None:
    """The lone-surrogate echo, alone (not pipelined: answered in the connection's own thread),
    then wait until it was answered or its failure journalled."""
    after = runner.traffic.cursor
    ws.send_raw('{"action": "get_login_info", "echo": "\\ud800"}')
    assert runner.traffic.find(lambda f: f["channel"] == channel and f["direction"] == "out",
                               timeout=WAIT, after=after)


def test_a_reverse_peer_sending_a_lone_surrogate_echo_does_not_end_the_client(make_runner,
                                                                              fakebot):
    """The echo ``"\\ud800"`` cannot be written back as UTF-8 (case 1): refused at the
    boundary, or the request's failure reported; either way the same connection serves on."""
    with make_runner(**reverse_config(fakebot)) as runner:
        conn = fakebot.wait_connection("Universal")
        send_poison(runner, "ws_reverse", conn)
        assert conn.call("get_login_info")["retcode"] == 0
        assert conn.connected and len(fakebot.connections) == 1
        assert "ws-reverse:universal" in thread_names()


def test_a_forward_api_request_that_fails_leaves_the_connection_serving(make_runner):
    with make_runner(use_ws=True) as runner:
        ws = connect(runner.url("ws") + "/api")
        send_poison(runner, "ws", ws)
        assert ws.call("get_login_info")["retcode"] == 0
        assert ws.connected
        ws.close()


def test_the_heartbeat_survives_a_wait_that_raises_and_beats_again(make_runner):
    def is_beat(event):
        return event.get("meta_event_type") == "heartbeat"

    with make_runner(use_ws=True, enable_heartbeat=True, heartbeat_interval=100) as runner:
        ws = connect(runner.url("ws") + "/event")
        ws.next_event(is_beat)
        runner.modes["heartbeat"].interval_ms = HUGE  # (a beat may fail first: interval int64)
        frame = failure(runner, "heartbeat", "waiting for the next job failed")
        assert frame["data"]["error"].startswith("OverflowError")
        runner.modes["heartbeat"].interval_ms = 100
        after = runner.traffic.cursor
        ws.next_event(lambda e: is_beat(e) and e["interval"] == 100)
        assert runner.traffic.find(lambda f: f["channel"] == "ws" and f["direction"] == "out"
                                   and f["data"].get("meta_event_type") == "heartbeat",
                                   timeout=WAIT, after=after)
        assert "heartbeat" in thread_names()
        ws.close()


# --- a connection's own sender thread (SUP-4) ------------------------------------------------

def stuck_client(runner):
    """A raw /event connection that never reads, with a small receive buffer: the server's
    writes to it soon stop going through, and its ws-send thread takes over."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(WAIT)
    sock.connect(("127.0.0.1", runner.ports["ws"]))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /event HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b'"connect"' not in head:  # the 101, then the lifecycle connect: in the fan-out
        chunk = sock.recv(4096)
        assert chunk, "closed during the handshake"
        head += chunk
    return sock


def test_a_sender_that_fails_drops_its_own_connection_only(make_runner):
    """The stuck client resets its connection while its ws-send thread has a backlog: the send
    fails, that connection is dropped and journalled, the thread ends, and the other client
    gets every event."""
    with make_runner(use_ws=True, ws_send_queue_size=100_000) as runner:
        good = connect(runner.url("ws") + "/event")
        good.next_event()
        stuck = stuck_client(runner)
        pad = "x" * 100_000
        for n in range(200):
            runner.bus.publish({"time": 1, "self_id": 10000, "post_type": "notice",
                                "notice_type": "test", "n": n, "pad": pad})
            assert good.next_event(lambda e: e.get("notice_type") == "test")["n"] == n
            if any(name.startswith("ws-send ws event") for name in thread_names()):
                break
        senders = [t for t in threading.enumerate() if t.name.startswith("ws-send ws event")]
        assert senders, "no sender thread: the stuck client's socket never filled"
        after = runner.traffic.cursor
        # an RST: SO_LINGER on with a zero timeout, then close
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        stuck.close()
        runner.bus.publish({"time": 1, "self_id": 10000, "post_type": "notice",
                            "notice_type": "test", "n": -1, "pad": pad})
        assert good.next_event(lambda e: e.get("notice_type") == "test")["n"] == -1
        assert runner.traffic.find(lambda f: f["channel"] == "ws" and (
            "disconnected" in f.get("verdict", "") or "1006" in f.get("verdict", "")),
            timeout=WAIT, after=after)
        for sender in senders:
            sender.join(WAIT)
            assert not sender.is_alive()
        eventually(lambda: len(runner.modes["ws"].fanout.sessions) == 1, "the stuck one left")
        assert http_data(runner, "get_status")["good"] is True
        good.close()


# --- the HTTP server under every port --------------------------------------------------------

def test_the_http_server_reports_an_app_that_raises_and_serves_the_next_request():
    """SUP-4: the app's exception is a 500 for that request, reported with the connection's
    thread; the accept thread is a registry worker and goes on admitting clients."""
    import http.client

    from onebot_ref.modes.http_server import HttpServer
    from onebot_ref.traffic import Traffic
    from onebot_ref.workers import Workers

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/boom":
            raise LookupError("no such thing")
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    traffic = Traffic()
    workers = Workers(traffic)
    server = HttpServer("test-http", "127.0.0.1", 0, app, workers=workers).start()
    workers.open()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        conn.request("GET", "/boom")
        assert conn.getresponse().status == 500
        frame = traffic.find(lambda f: f["channel"] == "server", timeout=WAIT)
        assert frame["peer"].startswith("test-http 127.0.0.1:")  # the connection's thread
        assert frame["data"]["job"] == "the application"
        assert frame["data"]["error"] == "LookupError: no such thing"
        again = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        again.request("GET", "/fine")
        assert again.getresponse().read() == b"ok"
        assert [w.name for w in workers] == ["test-http"] and workers.problems() == []
        conn.close()
        again.close()
    finally:
        server.stop()
    assert workers.problems() == [] and not workers.get("test-http").alive
