"""modes/http_server.py over real sockets: persistent connections, pipelining, bodies drained or
the connection closed, the limits, HTTP/1.0, ``Connection: close``, ``Expect: 100-continue``,
malformed input, the WebSocket take-over and shutdown (RFC 9112, RFC 9110)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

from onebot_ref.modes import ws_transport
from onebot_ref.modes.http_exchange import DRAIN_BYTES
from onebot_ref.modes.http_server import HttpServer, Limits

TIMEOUT = 5  # seconds for any one answer from the server under test


def echo(environ, start_response):
    """Answers ``METHOD PATH BODY`` (reading the body), with a length."""
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} ".encode() + body]


def refuse(environ, start_response):
    """Answers 403 without reading the body (as the HTTP API does before the token is right)."""
    start_response("403 Forbidden", [("Content-Length", "7")])
    return [b"refused"]


@contextlib.contextmanager
def serving(app=echo, **limits):
    server = HttpServer("test-http", "127.0.0.1", 0, app, Limits(**limits)).start()
    try:
        yield server
    finally:
        server.stop()


def connect(server: HttpServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)


class Reader:
    """Reads whole responses off a client socket (Content-Length or chunked bodies)."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buf = sock, b""

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("the server closed the connection")
        self.buf += data

    def response(self) -> tuple[str, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        status, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                while b"\r\n" not in self.buf:
                    self._fill()
                size_line, _, self.buf = self.buf.partition(b"\r\n")
                size = int(size_line, 16)
                while len(self.buf) < size + 2:
                    self._fill()
                body, self.buf = body + self.buf[:size], self.buf[size + 2:]
                if size == 0:
                    return status, headers, body
        length = int(headers.get("content-length", 0))
        while len(self.buf) < length:
            self._fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, headers, body

    def closed(self) -> bool:
        """True when the server ends the connection (within TIMEOUT) with nothing more sent."""
        try:
            return self.buf == b"" and self.sock.recv(65536) == b""
        except ConnectionResetError:
            return True


def exchange(server: HttpServer, raw: bytes) -> tuple[str, dict[str, str], bytes, bool]:
    """One raw request on a new connection: status line, headers, body, and whether the server
    then closed the connection (looked at only when it said ``Connection: close``)."""
    with connect(server) as sock:
        sock.sendall(raw)
        reader = Reader(sock)
        status, headers, body = reader.response()
        return status, headers, body, headers.get("connection") == "close" and reader.closed()


def test_pipelined_requests_are_answered_in_order():
    """RFC 9112 9.3.2: "A server [...] MUST send its responses to those requests in the same
    order that the requests were received." """
    with serving() as server, connect(server) as sock:
        sock.sendall(b"GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                     b"POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                     b"GET /three HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = Reader(sock)
        bodies = [reader.response()[2] for _ in range(3)]
        assert bodies == [b"GET /one ", b"POST /two hello", b"GET /three "]


def test_an_unread_small_body_is_drained_and_the_connection_goes_on():
    with serving(refuse) as server, connect(server) as sock:
        body = b"x" * 1000
        sock.sendall(b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + body
                     + b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = Reader(sock)
        first, second = reader.response(), reader.response()
        assert first[0] == second[0] == "HTTP/1.1 403 Forbidden"
        assert "connection" not in first[1]  # kept: the body was read to its end here


def test_an_unread_large_body_closes_the_connection():
    """The body's bytes must never be read as the next request: too big to drain, so close."""
    with serving(refuse) as server, connect(server) as sock:
        length = DRAIN_BYTES + 1
        sock.sendall(f"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n".encode())
        reader = Reader(sock)
        status, headers, _ = reader.response()
        assert status == "HTTP/1.1 403 Forbidden" and headers["connection"] == "close"
        with contextlib.suppress(OSError):  # the server may reset what it did not read
            sock.sendall(b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
        assert reader.closed()


def test_an_idle_connection_is_closed_after_the_idle_timeout():
    with serving(idle_timeout=0.3) as server, connect(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = Reader(sock)
        assert reader.response()[0] == "HTTP/1.1 200 OK"
        began = time.monotonic()
        assert reader.closed()
        assert 0.2 < time.monotonic() - began < 3


def test_a_head_not_complete_within_the_idle_timeout_gets_408():
    """RFC 9110 15.5.9: 408 "the server did not receive a complete request message within the
    time that it was prepared to wait"."""
    with serving(idle_timeout=0.3) as server, connect(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and nothing more
        reader = Reader(sock)
        status, headers, _ = reader.response()
        assert status == "HTTP/1.1 408 Request Timeout" and headers["connection"] == "close"
        assert reader.closed()


def test_a_slow_app_is_not_cut_by_the_idle_timeout():
    """The deadline is for the client's silence, not for the app's work (a console long poll)."""
    def slow(environ, start_response):
        time.sleep(0.5)  # the app's own time, longer than idle_timeout
        start_response("200 OK", [])
        return [b"late"]

    with serving(slow, idle_timeout=0.2) as server:
        assert exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")[2] == b"late"


def test_past_max_connections_a_new_client_gets_503():
    with serving(max_connections=2) as server:
        held = [connect(server) for _ in range(2)]
        for sock in held:  # each one served, so each one counted
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert Reader(sock).response()[0] == "HTTP/1.1 200 OK"
        status, headers, body, closed = exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == "HTTP/1.1 503 Service Unavailable" and closed
        assert headers["retry-after"] == "1" and b"http_max_connections" in body
        held.pop().close()
        deadline = time.monotonic() + TIMEOUT
        while server.connections >= 2:  # the closed one's thread notices the end
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")[0] == "HTTP/1.1 200 OK"
        for sock in held:
            sock.close()


def test_after_max_requests_the_connection_is_closed():
    with serving(max_requests=3) as server, connect(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 4)
        reader = Reader(sock)
        answers = [reader.response() for _ in range(3)]
        assert [h.get("connection") for _, h, _ in answers] == [None, None, "close"]
        assert reader.closed()  # the fourth request is not answered


def test_connection_close_from_the_client():
    """RFC 9112 9.6: "A server that receives a "close" connection option MUST initiate closure
    of the connection [...] after it sends the final response to the request that contained
    the "close" connection option." """
    with serving() as server:
        status, headers, body, closed = exchange(
            server, b"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status == "HTTP/1.1 200 OK" and body == b"GET /x "
        assert headers["connection"] == "close" and closed


def test_http_1_0_closes_unless_keep_alive_is_asked_for():
    """RFC 9112 9.3: HTTP/1.0 persists only with the "keep-alive" connection option."""
    with serving() as server:
        status, headers, _, closed = exchange(server, b"GET /x HTTP/1.0\r\n\r\n")
        assert status == "HTTP/1.1 200 OK" and headers["connection"] == "close" and closed
        with connect(server) as sock:
            sock.sendall(b"GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" * 2)
            reader = Reader(sock)
            for _ in range(2):
                status, headers, body = reader.response()
                assert headers["connection"] == "keep-alive" and body == b"GET /a "


def test_http_1_0_gets_no_chunked_body():
    """RFC 9112 6.3: an HTTP/1.0 recipient cannot read chunked: a body of unknown length ends
    with the connection."""
    def stream(environ, start_response):
        start_response("200 OK", [])
        yield b"one "
        yield b"two"

    with serving(stream) as server, connect(server) as sock:
        sock.sendall(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        assert b"transfer-encoding" not in data.lower() and data.endswith(b"\r\n\r\none two")
        assert b"Connection: close" in data
    with serving(stream) as server, connect(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        status, headers, body = Reader(sock).response()
        assert headers["transfer-encoding"] == "chunked" and body == b"one two"


def test_expect_100_continue_when_the_app_reads_the_body():
    """RFC 9110 10.1.1: the server sends "an immediate 100 (Continue) response" before the
    client sends the body."""
    with serving() as server, connect(server) as sock:
        sock.sendall(b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                     b"Expect: 100-continue\r\n\r\n")
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            interim += sock.recv(1)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hello")
        status, headers, body = Reader(sock).response()
        assert status == "HTTP/1.1 200 OK" and body == b"POST /up hello"
        assert "connection" not in headers


def test_expect_100_continue_with_a_final_status_instead():
    """RFC 9110 10.1.1: or "an immediate response with a final status code"; the body may or
    may not follow, so the connection closes after it (RFC 9110 10.1.1: the server "SHOULD
    indicate whether it intends to close the connection")."""
    with serving(refuse) as server:
        status, headers, body, closed = exchange(
            server, b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                    b"Expect: 100-continue\r\n\r\n")
        assert status == "HTTP/1.1 403 Forbidden" and body == b"refused"
        assert headers["connection"] == "close" and closed


def test_a_chunked_body_is_decoded_and_trailers_dropped():
    with serving() as server:
        status, _, body, _ = exchange(
            server, b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        assert status == "HTTP/1.1 200 OK" and body == b"POST /c hello world"


def test_a_chunked_body_over_max_body_bytes_is_413():
    with serving(max_body_bytes=10) as server:
        status, _, body, closed = exchange(
            server, b"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"b\r\nhello world\r\n0\r\n\r\n")
        assert status == "HTTP/1.1 413 Content Too Large" and closed
        assert b"max_body_bytes" in body


MALFORMED = {
    "request line": b"GET /\r\nHost: x\r\n\r\n",
    "space before the colon": b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
    "obs-fold": b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\n\r\n",
    "no Host in HTTP/1.1": b"GET / HTTP/1.1\r\nX-A: 1\r\n\r\n",
    "two Host fields": b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
    "NUL in a value": b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
    "bare CR in a value": b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
    "Content-Length in Arabic-Indic digits": "POST / HTTP/1.1\r\nHost: x\r\n"
        "Content-Length: \u0661\u0662\r\n\r\n".encode("utf-8"),
    "Content-Length in superscript digits": b"POST / HTTP/1.1\r\nHost: x\r\n"
        b"Content-Length: \xb2\r\n\r\n",
    "negative Content-Length": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    "two different Content-Lengths": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
        b"Content-Length: 2\r\n\r\nab",
    "Content-Length and chunked": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "chunked not last": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
    "Transfer-Encoding in HTTP/1.0": b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
    "chunk size not hex": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"zz\r\nhello\r\n0\r\n\r\n",
    "chunk longer than its size": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
        b"\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
    "malformed trailer": b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\nnot a field\r\n\r\n",
    "a target that is no path": b"GET nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_requests_get_400_and_the_server_goes_on(raw):
    """RFC 9112 6.3 / 5.1 / 5.2 / 3.2 / 7.1: malformed framing is 400 and the connection
    closes (the next request cannot be found); never a 500, never a dead server."""
    with serving() as server:
        status, headers, body, closed = exchange(server, raw)
        assert status == "HTTP/1.1 400 Bad Request", body
        assert headers["connection"] == "close" and closed and body.strip()
        assert exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")[0] == "HTTP/1.1 200 OK"


@pytest.mark.parametrize("raw, status", [
    (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", "505 HTTP Version Not Supported"),
    (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
     "501 Not Implemented"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", "417 Expectation Failed"),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n",
     "431 Request Header Fields Too Large"),
])
def test_other_refusals_of_the_server_itself(raw, status):
    with serving() as server:
        got, headers, _, closed = exchange(server, raw)
        assert got == f"HTTP/1.1 {status}" and headers["connection"] == "close" and closed


def test_head_gets_no_body_and_lf_only_lines_are_read():
    with serving() as server, connect(server) as sock:
        sock.sendall(b"HEAD /h HTTP/1.1\nHost: x\n\nGET /g HTTP/1.1\nHost: x\n\n")
        data = b""
        while data.count(b"\r\n\r\n") < 2 or not data.endswith(b"GET /g "):
            data += sock.recv(65536)
        head, get = data.split(b"\r\n\r\n", 1)
        # RFC 9110 9.3.2: "the server SHOULD send the same header fields it would have sent if
        # the request method had been GET", and no content
        assert head.startswith(b"HTTP/1.1 200 OK") and b"Content-Length: 8" in head
        assert get.startswith(b"HTTP/1.1 200 OK")  # the next answer follows the head at once


def test_a_failing_app_gets_500_and_the_server_goes_on():
    def broken(environ, start_response):
        raise RuntimeError("a bug")

    with serving(broken) as server:
        status, headers, _, closed = exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == "HTTP/1.1 500 Internal Server Error" and closed
        assert exchange(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")[0].endswith("500 "
                                                                                   "Internal Server Error")


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
