"""What the tests of modes/http_server.py share (test_http_server*.py): two WSGI apps (:func:`echo`,
:func:`refuse`), :func:`serving` (an HttpServer on 127.0.0.1 port 0 with the given limits), a
raw client (:func:`connect`, :class:`Reader` for whole responses, :func:`exchange` for one
request on a new connection)."""

from __future__ import annotations

import contextlib
import socket

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
