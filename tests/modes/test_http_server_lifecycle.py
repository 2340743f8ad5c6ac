"""modes/http_server.py over real sockets: the WebSocket take-over hook, named threads and
servers that share nothing, stop() within 2 s under load; under the runner, keep-alive on
every port, the limits from the config and every port stopped within 2 s (issue 10)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

from http_server_kit import TIMEOUT, Reader, connect, exchange, serving
from onebot_ref.modes import ws_transport
from onebot_ref.modes.http_server import HttpServer


def test_an_app_takes_the_socket_over_for_a_websocket():
    """The take-over hook: ws_transport.accept gets the socket and the bytes read past the head
    (a frame the client sent right behind its upgrade request is not lost)."""
    def upgrade(environ, start_response):
        sock, leftover = environ["onebot_ref.take_socket"]()
        headers = [(k[5:].replace("_", "-"), v) for k, v in environ.items()
                   if k.startswith("HTTP_")]
        ws = ws_transport.accept(sock, environ["REQUEST_METHOD"], environ["RAW_URI"], headers,
                                 leftover)
        with contextlib.suppress(ws_transport.ConnectionClosed):
            while True:
                message = ws.receive(timeout=TIMEOUT)
                with ws.lock:
                    ws.write(ws.frame(f"echo {message}"))
        return []

    with serving(upgrade) as server:
        ws = ws_transport.connect(f"ws://127.0.0.1:{server.port}/ws")
        with ws.lock:
            ws.write(ws.frame("hi"))
        assert ws.receive(timeout=TIMEOUT) == "echo hi"
        with ws.lock:
            ws.write(ws.frame_close(1000))
        with pytest.raises(ws_transport.ConnectionClosed):
            ws.receive(timeout=TIMEOUT)
        assert ws.close_code == 1000


def test_threads_are_named_and_two_servers_share_nothing():
    with serving() as first, serving() as second, connect(first) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        Reader(sock).response()
        names = {t.name for t in threading.enumerate()}
        assert "test-http" in names
        assert f"test-http 127.0.0.1:{sock.getsockname()[1]}" in names
        first.stop()
        assert exchange(second, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")[0] == "HTTP/1.1 200 OK"


def test_stop_under_load_within_two_seconds():
    """Idle connections are closed at once, a request being answered finishes, one that takes
    too long is cut: stop() returns within 2 s whatever the clients do."""
    release, started = threading.Event(), threading.Event()

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            started.set()
            release.wait(0.3)  # finishes within stop()'s time
        elif environ["PATH_INFO"] == "/stuck":
            release.wait(30)  # never finishes in time: cut
        start_response("200 OK", [])
        return [b"done"]

    server = HttpServer("test-http", "127.0.0.1", 0, app).start()
    stop_loop = threading.Event()

    def hammer() -> None:
        with contextlib.suppress(OSError, EOFError), connect(server) as sock:
            reader = Reader(sock)
            while not stop_loop.is_set():
                sock.sendall(b"GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
                reader.response()

    clients = [threading.Thread(target=hammer, name=f"hammer-{i}") for i in range(4)]
    for client in clients:
        client.start()
    idle, slow, stuck = connect(server), connect(server), connect(server)
    slow.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    stuck.sendall(b"GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
    assert started.wait(TIMEOUT)
    began = time.monotonic()
    server.stop()
    took = time.monotonic() - began
    stop_loop.set()
    assert took < 2.1, took
    status, headers, body = Reader(slow).response()  # finished, told the connection ends
    assert body == b"done" and headers["connection"] == "close"
    assert Reader(idle).closed() and Reader(stuck).closed()
    for client in clients:
        client.join(TIMEOUT)
    release.set()  # the stuck app returns (a thread cannot be killed; its socket was cut)
    for thread in [t for t in threading.enumerate() if t.name.startswith("test-http")]:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), thread.name
    for sock in (idle, slow, stuck):
        sock.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1)


# --- under the runner: every port on this server, the limits from the config -----------------

def test_the_http_api_and_the_console_keep_a_connection_alive(make_runner):
    """Keep-alive clients (httpx in NoneBot2 and aiocqhttp, requests.Session) get every answer on
    one TCP connection (issue 10), with the HTTP API's answers as before."""
    import http.client

    with make_runner(use_console=True) as runner:
        for name, paths in (("http", ["/get_login_info", "/get_status", "/nope"]),
                            ("console", ["/sim/world", "/sim/traffic", "/sim/nope"])):
            conn = http.client.HTTPConnection("127.0.0.1", runner.ports[name], timeout=TIMEOUT)
            statuses, local = [], None
            for path in paths:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                statuses.append(response.status)
                local = local or conn.sock.getsockname()
                assert conn.sock.getsockname() == local  # the same connection every time
                assert response.getheader("Connection") is None
            assert statuses == [200, 200, 404], (name, statuses)
            conn.close()


def test_the_runner_takes_the_limits_from_the_config(make_runner):
    with make_runner(http_max_requests_per_connection=2) as runner:
        with socket.create_connection(("127.0.0.1", runner.ports["http"]), TIMEOUT) as sock:
            sock.sendall(b"GET /get_login_info HTTP/1.1\r\nHost: x\r\n\r\n" * 3)
            reader = Reader(sock)
            first, second = reader.response(), reader.response()
            assert b'"retcode":0' in first[2] and b'"retcode":0' in second[2]
            assert "connection" not in first[1] and second[1]["connection"] == "close"
            assert reader.closed()


def test_the_runner_stops_every_port_within_two_seconds(tmp_path):
    """Idle keep-alive connections on every port (HTTP API, console, a forward WebSocket) do
    not hold the stop up: the servers share one 2 s (runner.STOP_SECONDS)."""
    from helpers import start_runner

    with start_runner(tmp_path, use_ws=True, use_console=True) as runner:
        idle = []
        for name in ("http", "console"):
            sock = socket.create_connection(("127.0.0.1", runner.ports[name]), TIMEOUT)
            sock.sendall(b"GET /sim/world HTTP/1.1\r\nHost: x\r\n\r\n")
            Reader(sock).response()
            idle.append(sock)
        ws = ws_transport.connect(f"ws://127.0.0.1:{runner.ports['ws']}/api")
        began = time.monotonic()
        runner.stop()
        assert time.monotonic() - began < 2.1
    assert all(Reader(sock).closed() for sock in idle)
    with pytest.raises(ws_transport.ConnectionClosed):
        while True:
            ws.receive(timeout=TIMEOUT)
    for sock in idle:
        sock.close()
