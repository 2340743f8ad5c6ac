"""One request's exchange on a connection of :mod:`.http_server`: the body as ``wsgi.input``
(read from the socket only when the app asks, which is when ``Expect: 100-continue`` gets its
100), and the app's answer on the wire (PEP 3333's ``start_response``/``write``, a length or
chunked coding, ``Connection``, ``Date``). RFC 9112 and RFC 9110; the syntax is
:mod:`..protocol.http1`.
"""

from __future__ import annotations

import logging
import time
from email.utils import formatdate
from typing import TYPE_CHECKING

from .. import __version__
from ..protocol import http1

if TYPE_CHECKING:
    from .http_server import _Connection

log = logging.getLogger("onebot_ref.modes.http_server")

RECV_BYTES = 65536
DRAIN_BYTES = 65536  # an unread body up to this size is read and dropped to keep the connection
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
SERVER = f"onebot_ref/{__version__}"


class Date:
    """The Date header, formatted once a second (RFC 9110 6.6.1: an origin server with a clock
    "MUST generate a Date header field" in 2xx, 3xx and 4xx responses)."""

    second, text = 0, ""

    @classmethod
    def now(cls) -> str:
        second = int(time.time())
        if second != cls.second:
            cls.text, cls.second = formatdate(second, usegmt=True), second
        return cls.text


_PHRASES = {400: "Bad Request", 408: "Request Timeout", 413: "Content Too Large",
            417: "Expectation Failed", 431: "Request Header Fields Too Large",
            501: "Not Implemented", 503: "Service Unavailable", 505: "HTTP Version Not Supported"}


def refusal(status: int, reason: str) -> bytes:
    """The whole answer of a refusal by the server itself; the connection closes after it."""
    body = f"{reason}\n".encode()
    extra = "Retry-After: 1\r\n" if status == 503 else ""
    return (f"HTTP/1.1 {status} {_PHRASES[status]}\r\nDate: {Date.now()}\r\nServer: {SERVER}"
            f"\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
            f"{extra}Connection: close\r\n\r\n").encode() + body


def stream_head(status: str, headers: list[tuple[str, str]], minor: int) -> tuple[bytes, bool]:
    """The head of a streamed answer an app writes itself on a socket it took over (the Milky
    face's Server-Sent Events), and whether its body is chunked: RFC 9112 7.1 for HTTP/1.1,
    else (6.3) a body that ends when the connection closes. The connection closes after it."""
    chunked = minor >= 1
    lines = [f"HTTP/1.1 {status}\r\n", *(f"{name}: {value}\r\n" for name, value in headers),
             "Transfer-Encoding: chunked\r\n" if chunked else "",
             f"Connection: close\r\nDate: {Date.now()}\r\nServer: {SERVER}\r\n\r\n"]
    return "".join(lines).encode("latin-1"), chunked


def chunk(data: bytes) -> bytes:
    """One chunk of a chunked body (RFC 9112 7.1); ``b""`` makes the last chunk."""
    return b"%x\r\n%s\r\n" % (len(data), data) if data else b"0\r\n\r\n"


def make_environ(base: dict, head: http1.Head, body) -> dict:
    """The WSGI environ of one request (PEP 3333): the connection's ``base`` keys, the request
    line's, a key per header field (joined with "," when repeated) and ``wsgi.input``."""
    environ = base.copy()
    environ.update({
        "REQUEST_METHOD": head.method, "PATH_INFO": http1.path_info(head.path),
        "QUERY_STRING": head.query, "RAW_URI": head.target, "REQUEST_URI": head.target,
        "SERVER_PROTOCOL": f"HTTP/1.{head.minor}", "wsgi.input": body,
        "onebot_ref.headers": head.headers})  # the fields as received, in order
    if head.chunked:
        environ["wsgi.input_terminated"] = True  # PEP 3333's extension: read to its end
    for name, value in head.headers:
        key = http1.environ_key(name)
        if key is not None:
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


class BodyReader:
    """``wsgi.input`` of a body not yet read: reads from the socket, at most ``left`` bytes;
    when the client waits for it (``Expect: 100-continue``), the first read sends the 100."""

    def __init__(self, conn: _Connection, length: int, expecting: bool):
        self.conn, self.left, self.expecting = conn, length, expecting

    def read(self, size: int = -1) -> bytes:
        want = self.left if size is None or size < 0 else min(size, self.left)
        if want <= 0:
            return b""
        conn = self.conn
        if self.expecting:
            # RFC 9110 10.1.1: the server "MUST send either: an immediate response with a final
            # status code, [...] or an immediate 100 (Continue) response": the app reading the
            # body is its choice of the second.
            conn.sock.sendall(CONTINUE)
            self.expecting = False
        parts, got = [conn.buf[:want]], len(conn.buf[:want])
        conn.buf = conn.buf[got:]
        while got < want:
            data = conn.sock.recv(min(RECV_BYTES, want - got))
            if not data:
                break
            parts.append(data)
            got += len(data)
        self.left -= got
        if self.left == 0:
            conn.deadline = None  # all here: the app may take its time
        return b"".join(parts)

    def readline(self, size: int = -1) -> bytes:
        line = b""
        while (size < 0 or len(line) < size) and not line.endswith(b"\n"):
            byte = self.read(1)
            if not byte:
                break
            line += byte
        return line

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self):
        return iter(self.readline, b"")

    def finish(self) -> bool:
        """Read the rest of the body if it is small and was sent; False: close instead."""
        if self.left == 0:
            return True
        if self.expecting or self.left > DRAIN_BYTES:
            return False  # the client may never send it, or it is too big to wait for
        return len(self.read()) == 0 and self.left == 0


class Response:
    """The answer to one request: ``start_response`` for the app, then the bytes on the wire."""

    def __init__(self, conn: _Connection, head: http1.Head, body, keep: bool):
        self.conn, self.head, self.body, self.keep = conn, head, body, keep
        self.status = "500 Internal Server Error"
        self.headers: list[tuple[str, str]] = []
        self.answered = False  # start_response was called
        self.sent = False  # the head is on the wire
        self.chunked = self.no_body = False

    def start_response(self, status: str, headers, exc_info=None):
        if exc_info is not None and self.sent:
            raise exc_info[1].with_traceback(exc_info[2])  # PEP 3333: too late to change
        self.status, self.headers, self.answered = status, headers, True
        return self._write

    def send(self, environ: dict) -> bool:
        """Run the app and send its answer; True when the connection may go on."""
        conn = self.conn
        # No deadline while the app runs (a long poll may take its time); a body it reads
        # from the socket must come within idle_timeout, and so must the answer's writes.
        idle = conn.server.limits.idle_timeout
        conn.deadline = time.monotonic() + idle if isinstance(self.body, BodyReader) else None
        try:
            result = conn.server.app(environ, self.start_response)
        except Exception as err:  # reported (log and journal, SUP-4); the client gets a 500
            conn.server.workers.failed(conn.thread.name, "the application", err)
            if self.sent:
                return False
            self.keep, result = False, [b"internal error\n"]
            self.status, self.headers = "500 Internal Server Error", [
                ("Content-Type", "text/plain; charset=utf-8")]
        try:
            if conn.taken:  # the app took the socket: it wrote its own answer (a 101), or
                self.keep = False  # it refused the upgrade before writing anything: this one
                if not self.answered:
                    return False
            if isinstance(result, (list, tuple)):
                first, rest = [b"".join(result)], None
            else:
                first, rest = _peek(result)
            if isinstance(self.body, BodyReader) and not self.body.finish():
                self.keep = False
            conn.deadline = time.monotonic() + idle
            if self.sent:  # the app used write(): the rest goes the same way
                for chunk in first:
                    self._write(chunk)
            else:
                self._send_head(None if rest is not None else sum(map(len, first)),
                                b"".join(first))
            for chunk in rest or ():
                self._write(chunk)
            if self.chunked:
                self.conn.sock.sendall(b"0\r\n\r\n")
            return self.keep
        finally:
            if hasattr(result, "close"):
                result.close()

    def _send_head(self, length: int | None, first: bytes) -> None:
        """The status line and header fields, with ``first`` (the body, or its start)."""
        self.no_body = http1.bodyless(self.status, self.head.method)
        lines = [f"HTTP/1.1 {self.status}\r\n"]
        known = False
        for name, value in self.headers:
            lower = name.lower()
            if lower == "connection":  # hop-by-hop, ours (PEP 3333: not the app's to set)
                self.keep = self.keep and "close" not in value.lower()
                continue
            known = known or lower == "content-length"
            lines.append(f"{name}: {value}\r\n")
        if known or self.status[:1] == "1" or self.status[:3] in ("204", "304"):
            pass  # RFC 9110 8.6: no Content-Length in 1xx and 204; a 304 has none to give
        elif length is not None:  # RFC 9110 9.3.2: a HEAD answer has GET's header fields
            lines.append(f"Content-Length: {length}\r\n")
        elif self.no_body:
            pass
        elif self.head.minor >= 1:  # RFC 9112 7: chunked, so the connection can persist
            lines.append("Transfer-Encoding: chunked\r\n")
            self.chunked = True
        else:  # RFC 9112 6.3: without a length, the end of an HTTP/1.0 body is the close
            self.keep = False
        if not self.keep or self.conn.server._closing:
            self.keep = False
            lines.append("Connection: close\r\n")
        elif self.head.minor == 0:
            lines.append("Connection: keep-alive\r\n")
        lines.append(f"Date: {Date.now()}\r\nServer: {SERVER}\r\n\r\n")
        self.sent = True
        data = b"" if self.no_body or not first else (
            b"%x\r\n%s\r\n" % (len(first), first) if self.chunked else first)
        self.conn.sock.sendall("".join(lines).encode("latin-1") + data)

    def _write(self, data: bytes) -> None:
        """PEP 3333's ``write()``, and every chunk of a streamed body."""
        if not self.sent:
            self._send_head(None, b"")
        if data and not self.no_body:
            self.conn.sock.sendall(b"%x\r\n%s\r\n" % (len(data), data) if self.chunked
                                   else data)


def _peek(result) -> tuple[list[bytes], object | None]:
    """The first chunks of an iterable answer, and the iterator of the rest (None: no rest)."""
    chunks = []
    iterator = iter(result)
    for chunk in iterator:
        if chunk:
            chunks.append(chunk)
            if len(chunks) == 2:
                return chunks, iterator  # more than one: streamed
    return chunks, None
