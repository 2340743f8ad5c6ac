"""modes/http_server.py over real sockets: persistent connections, pipelining, bodies drained or
the connection closed, the limits, HTTP/1.0, ``Connection: close``, ``Expect: 100-continue``,
chunked bodies (RFC 9112, RFC 9110). Malformed input and the server's own refusals:
test_http_server_malformed.py; the WebSocket take-over, threads, shutdown and the runner's
ports: test_http_server_lifecycle.py."""

from __future__ import annotations

import contextlib
import time

from http_server_kit import TIMEOUT, Reader, connect, exchange, refuse, serving
from onebot_ref.modes.http_exchange import DRAIN_BYTES


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
        assert body == b"too many connections (http_max_connections) (BAD-8)\n"
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
