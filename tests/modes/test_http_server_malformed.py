"""modes/http_server.py over real sockets, refusing: malformed requests get 400 and the
connection closes (RFC 9112 6.3, 5.1, 5.2, 3.2, 7.1), the other refusals of the server itself
(505, 501, 417, 431), HEAD and LF-only lines, a failing app gets 500; the server goes on."""

from __future__ import annotations

import pytest

from http_server_kit import connect, exchange, serving

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
