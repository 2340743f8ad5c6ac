"""The runner's two listening ends, for the directions in which the target is the client: an
HTTP POST receiver (communication/http-post.md) and a reverse WebSocket server
(communication/ws-reverse.md). Each records everything that arrives, with its arrival time;
the cases look at the records. Both are the standard library's threading HTTP server, each in a
named thread, stopped by :meth:`Listener.stop`.

The receiver answers every POST ``204 No Content`` (no quick operation: "如果不需要使用这个特性，
返回 HTTP 响应状态码 204"), reads ``Content-Length`` and chunked bodies, and keeps connections
alive, as implementations' HTTP clients expect. The reverse server accepts every WebSocket
handshake on any path and reads each connection in its request thread.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from ..modes import ws_transport
from ..modes.ws_transport import HandshakeError
from .ws_client import Frames

MAX_BODY = 16 * 1024 * 1024  # a POST body larger than this is refused (413) and not kept


@dataclass(frozen=True)
class Post:
    time: float              # time.monotonic() when the body had arrived
    method: str
    path: str
    headers: dict[str, str]  # as sent (names as the target spelled them)
    body: bytes

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


class _Server(ThreadingHTTPServer):
    """The standard library's threading server, with named request threads and the open
    connections kept, so that stopping ends them too (a keep-alive POST client, a reverse
    WebSocket) instead of leaving their threads blocked in a read."""

    daemon_threads = True

    def __init__(self, name: str, address: tuple[str, int], handler: type):
        self.name, self.connections = name, set()
        self._lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        with self._lock:
            self.connections.add(request)
        threading.Thread(target=self.process_request_thread, args=(request, client_address),
                         name=f"{self.name} {client_address[0]}:{client_address[1]}",
                         daemon=True).start()

    def shutdown_request(self, request) -> None:
        with self._lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def end_connections(self) -> None:
        with self._lock:
            open_now = list(self.connections)
        for sock in open_now:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class Listener:
    """A threading HTTP server on ``(host, port)`` (port 0: any free one) with ``handler``."""

    def __init__(self, name: str, host: str, port: int, handler: type):
        self.name = name
        self.server = _Server(name, (host, port), handler)
        self.server.listener = self  # type: ignore[attr-defined]  # the handlers' way back
        self.host, self.port = host, self.server.server_address[1]
        self.started = time.monotonic()
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self.server.serve_forever, name=name,
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    def patience(self, timeout: float, arrived: bool) -> float:
        """How long to wait for an arrival: ``timeout``, but for the first one only what is
        left of the first ``timeout`` seconds of listening (a target that has not come by
        then is not waited for again, case after case)."""
        return timeout if arrived else max(0.0, self.started + timeout - time.monotonic())

    def notify(self, change: Callable[[], None]) -> None:
        with self._cond:
            change()
            self._cond.notify_all()

    def wait_until(self, ready: Callable[[], object], timeout: float) -> object:
        """``ready()``'s value once it is truthy; None after ``timeout`` seconds."""
        with self._cond:
            return self._cond.wait_for(ready, timeout)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.server.end_connections()
        self._thread.join(2)


class PostReceiver(Listener):
    """``posts``: every request that arrived, in order."""

    def __init__(self, host: str, port: int):
        self.posts: list[Post] = []
        super().__init__(f"conform-post {host}:{port}", host, port, _PostHandler)

    @property
    def url(self) -> str:
        return f"http://{_shown(self.host)}:{self.port}/"


class ReverseListener(Listener):
    """``connections``: every reverse WebSocket the target opened, in order."""

    def __init__(self, host: str, port: int):
        self.connections: list[Frames] = []
        self.refused: list[str] = []  # handshakes that were not valid upgrades, and why
        super().__init__(f"conform-reverse {host}:{port}", host, port, _ReverseHandler)

    @property
    def url(self) -> str:
        return f"ws://{_shown(self.host)}:{self.port}/"


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as HTTP POST clients use it

    def log_message(self, format, *args) -> None:  # noqa: A002  # the report has it all
        pass


class _PostHandler(_Quiet):
    def do_POST(self) -> None:  # noqa: N802  # http.server's naming
        body = self._body()
        if body is None:
            return
        receiver: PostReceiver = self.server.listener  # type: ignore[attr-defined]
        post = Post(time.monotonic(), self.command, self.path, dict(self.headers.items()), body)
        receiver.notify(lambda: receiver.posts.append(post))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_POST  # recorded alike; the cases judge

    def _body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, size = [], 0
            while True:
                line = self.rfile.readline(1024)
                length = int(line.split(b";")[0].strip() or b"0", 16)
                if length == 0:
                    while self.rfile.readline(1024).strip():  # trailers
                        pass
                    return b"".join(chunks)
                size += length
                if size > MAX_BODY:
                    return self._refuse(413)
                chunks.append(self.rfile.read(length))
                self.rfile.readline(1024)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return self._refuse(400)
        if length > MAX_BODY:
            return self._refuse(413)
        return self.rfile.read(length) if length > 0 else b""

    def _refuse(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        return None


class _ReverseHandler(_Quiet):
    rbufsize = 0  # unbuffered: nothing past the handshake's head is read into a buffer

    def do_GET(self) -> None:  # noqa: N802
        listener: ReverseListener = self.server.listener  # type: ignore[attr-defined]
        headers = dict(self.headers.items())
        self.close_connection = True
        try:
            ws = ws_transport.accept(self.connection, self.command, self.path,
                                     self.headers.items())
        except HandshakeError as err:
            why = f"{self.path}: {err}"
            listener.notify(lambda: listener.refused.append(why))
            self.send_error(err.status_code or 400, str(err))
            return
        role = next((v for k, v in headers.items() if k.lower() == "x-client-role"), "?")
        conn = Frames(ws, f"reverse {role}", self.path, headers)
        listener.notify(lambda: listener.connections.append(conn))
        conn.run()  # this request's thread reads the connection until it ends
        listener.notify(lambda: None)  # wake those waiting on a connection's end


def _shown(host: str) -> str:
    return "127.0.0.1" if host in ("", "0.0.0.0") else host
