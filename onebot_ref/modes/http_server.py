"""The HTTP/1.1 server under every onebot_ref port: any WSGI app, persistent connections, one
named thread per connection (RFC 9112; the message syntax is :mod:`..protocol.http1`).

    server = HttpServer("http-api", "127.0.0.1", 0, app, limits).start()   # server.port
    server.stop()                                 # within 2 s, whatever the clients do

What it does with a connection: reads a request head, calls the app, writes the answer, and
goes on with the next request on the same connection (requests a client pipelines are read one
after another from the same buffer, so they are answered in order). Each request's body is
read to its end before the next head, by the app or here (up to ``DRAIN_BYTES``); a body that
is larger, or that a client was told to wait for (``Expect: 100-continue``), ends the connection
instead, so no body byte is ever read as the next request. Limits: ``idle_timeout`` s of
silence end a connection (the accept thread watches); past ``max_connections`` a new client
gets 503; after ``max_requests`` requests a connection closes. Nothing is registered globally.
An app takes the connection over (a WebSocket upgrade, :func:`.ws_transport.accept`) with
``environ["onebot_ref.take_socket"]()``: the socket and the bytes read past the head are its own
until it returns; the server then writes nothing and closes the socket. The accept thread is a
supervised worker (a client is one job, SUP-1); a connection's failure ends it only (SUP-4)."""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import sys
import threading
import time
from dataclasses import dataclass

from ..protocol import http1
from ..workers import STOP, Workers
from .http_exchange import CONTINUE, RECV_BYTES, BodyReader, Response, make_environ, refusal

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 65536  # request line and header fields together (larger: 431)
LINGER = 1.0  # seconds to wait for the client's end after our last response (RFC 9112 9.6)
CUT_GRACE = 0.5  # seconds of stop()'s time kept for cutting what has not finished
ANSWER_GRACE = 1.0  # seconds an expired connection keeps to send its 408 before it is cut


@dataclass(frozen=True)
class Limits:
    """The connection limits of one server (config keys ``http_*``, see config.py)."""

    idle_timeout: float = 60.0
    max_connections: int = 2000
    max_requests: int = 1000  # per connection
    max_body_bytes: int = 1048576  # of a chunked body, which is read here before the app


class HttpServer:
    """One listening socket; ``start()`` runs its accept thread, ``stop()`` ends everything."""

    def __init__(self, name: str, host: str, port: int, app, limits: Limits = Limits(),
                 workers: Workers | None = None, watch=None):
        self.name, self.app, self.limits = name, app, limits
        self.workers = workers if workers is not None else Workers()  # else: one of its own
        self.watch = watch  # watch(conn) -> done: told of each connection, by done() of its end
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._listener.bind((host, port))
            self._listener.listen(128)
        except OSError:
            self._listener.close()
            raise
        self.host, self.port = host, self._listener.getsockname()[1]
        self._connections: set[_Connection] = set()
        self._refusing = 0  # connections being answered 503 (bounded too)
        self._lock, self._closing = threading.Lock(), False
        # The accept thread also ends idle connections (their sockets stay blocking: a socket
        # timeout would cost a poll() and a GIL hand-off on every read and write).
        self._tick = max(0.01, min(1.0, limits.idle_timeout / 4))
        self._listener.settimeout(self._tick)
        self._next_check = time.monotonic() + self._tick
        self._worker = self.workers.worker(name, self._next_client, self._admit)

    @property
    def connections(self) -> int:
        """Connections being served (not those being answered 503)."""
        return len(self._connections) - self._refusing

    def start(self) -> HttpServer:
        self._worker.start()
        return self

    def begin_stop(self) -> None:
        """Stop accepting and close the idle connections, without waiting (a runner with
        several servers starts all of them stopping at once)."""
        self._worker.withdraw()  # its loop ends on purpose: not a worker that stopped
        with self._lock:
            self._closing = True
        with contextlib.suppress(OSError):  # wakes the accept thread's accept() (Linux)
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for conn in self._snapshot():
            if not conn.busy:
                conn.cut()

    def stop(self, timeout: float = 2.0) -> None:
        """:meth:`begin_stop`, let requests being answered finish for up to
        ``timeout - CUT_GRACE`` seconds, then cut the rest (taken-over sockets too)."""
        deadline = time.monotonic() + timeout
        self.begin_stop()
        self._worker.join(max(0.0, deadline - CUT_GRACE - time.monotonic()))
        for conn in self._snapshot():  # accepted meanwhile, or idle since begin_stop
            if not conn.busy:
                conn.cut()
        for conn in self._snapshot():  # a busy one closes after its response
            conn.thread.join(max(0.0, deadline - CUT_GRACE - time.monotonic()))
        for conn in self._snapshot():
            conn.cut()
        for conn in self._snapshot():
            conn.thread.join(max(0.0, deadline - time.monotonic()))

    def _snapshot(self) -> list[_Connection]:
        with self._lock:
            return list(self._connections)

    def _next_client(self) -> tuple[socket.socket, tuple] | None:
        """The accept thread's next job, a client (STOP once closing); ends expired ones."""
        while True:
            try:
                sock, addr = self._listener.accept()
            except TimeoutError:
                sock = None
            except OSError as err:
                if self._closing:
                    return STOP
                log.warning("%s: accept failed: %s", self.name, err)  # e.g. out of descriptors
                time.sleep(0.1)
                continue
            now = time.monotonic()
            if now >= self._next_check:
                self._next_check = now + self._tick
                for conn in self._snapshot():
                    if conn.deadline is not None and now > conn.deadline:
                        conn.expire()
            if sock is not None:
                return sock, addr

    def _admit(self, client: tuple[socket.socket, tuple]) -> None:
        """One job of the accept thread: the new client's connection and its thread."""
        sock, addr = client
        with self._lock:
            refuse = len(self._connections) - self._refusing >= self.limits.max_connections
            if self._closing or (refuse and self._refusing >= 8):
                sock.close()  # no thread for it: the limits hold even under a flood
                return
            conn = _Connection(self, sock, addr, refuse)
            self._refusing += refuse
            self._connections.add(conn)
        conn.thread.start()

    def _forget(self, conn: _Connection) -> None:
        with self._lock:
            self._refusing -= conn.refuse
            self._connections.discard(conn)


class _Connection:
    """One client connection, served by its own thread until either side ends it."""

    def __init__(self, server: HttpServer, sock: socket.socket, addr, refuse: bool):
        self.server, self.sock, self.refuse = server, sock, refuse
        # busy: a request is being answered (stop() lets it finish); taken: the app has the socket;
        # ended: the client closed its side (no linger); expired: the accept thread ended it
        self.busy = self.taken = self.ended = self.expired = False
        self.deadline: float | None = None  # None: no deadline (while the app runs)
        self.buf = b""  # bytes read and not yet used: the next head(s), when a client pipelines
        self.thread = threading.Thread(target=self.serve, daemon=True,
                                       name=f"{server.name} {addr[0]}:{addr[1]}")
        self.base = {
            "SCRIPT_NAME": "", "SERVER_NAME": server.host, "SERVER_PORT": str(server.port),
            "REMOTE_ADDR": addr[0], "REMOTE_PORT": str(addr[1]), "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": True,
            "wsgi.multiprocess": False, "wsgi.run_once": False,
            "onebot_ref.take_socket": self._take}

    def serve(self) -> None:
        done = self.server.watch(self) if self.server.watch is not None else None
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            served = 0
            while self._one(served):
                served += 1
        except OSError:
            pass  # the client went away, or stop() cut the connection
        except Exception as err:  # a bug here ends this connection only; the server goes on
            self.server.workers.failed(self.thread.name, "the connection", err)
        finally:
            self.server._forget(self)
            if not (self.taken or self.ended):
                self._linger()
            self.sock.close()
            if done is not None:
                done()

    def cut(self) -> None:
        """End the connection now: the thread's blocked read returns and it exits."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

    def expire(self) -> None:
        """Past the deadline: stop reading (the woken reader, which looks at ``expired`` at once,
        may still send a 408); ANSWER_GRACE later (not the next tick: load slows it), cut."""
        first, self.expired = not self.expired, True
        self.deadline = time.monotonic() + ANSWER_GRACE if first else self.deadline
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RD if first else socket.SHUT_RDWR)

    def _take(self) -> tuple[socket.socket, bytes]:
        self.taken, self.deadline = True, None  # the taker decides how long a silence may last
        # Nagle back on: a WebSocket's bursts of small event frames go out coalesced (bench_ws:
        # with TCP_NODELAY, 500 events/s to 100 clients had a 5-10x longer p50 delivery)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
        leftover, self.buf = self.buf, b""
        return self.sock, leftover

    def _linger(self) -> None:
        # RFC 9112 9.6: the server "first closes the write side [...]. The server then continues
        # to read from the connection until it receives a corresponding close by the client"
        # (closing with unread bytes would reset the connection, losing the last response).
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.settimeout(LINGER)
            deadline = time.monotonic() + LINGER
            while self.sock.recv(RECV_BYTES) and time.monotonic() < deadline:
                pass

    # --- one request ----------------------------------------------------------------------
    def _read_head(self) -> bytes | None:
        """The next request head, or None when the client ends the connection first."""
        buf = self.buf
        while True:
            end = http1.head_end(buf)
            if end > MAX_HEAD_BYTES or (end < 0 and len(buf) > MAX_HEAD_BYTES):
                raise http1.BadRequest(431, f"request head over {MAX_HEAD_BYTES} bytes (BAD-8)")
            if end >= 0:
                self.buf = buf[end:]
                return buf[:end]
            data = self.sock.recv(RECV_BYTES)
            if not data:
                if self.expired and buf.strip():
                    # RFC 9110 15.5.9: 408 "the server did not receive a complete request
                    # message within the time that it was prepared to wait"
                    raise http1.BadRequest(408, "request head not complete in time (BAD-8)")
                self.ended = not self.expired  # else: idle_timeout ends a silent connection
                return None
            buf += data
            self.busy = True

    def _one(self, served: int) -> bool:
        """Answer one request; True when the connection goes on to the next."""
        self.busy = bool(self.buf)
        self.deadline = time.monotonic() + (1.0 if self.refuse else
                                            self.server.limits.idle_timeout)
        try:
            raw = self._read_head()
            if raw is None:
                return False
            self.busy = True
            head = http1.parse_head(raw)
            if self.refuse:
                raise http1.BadRequest(503, "too many connections (http_max_connections) (BAD-8)")
            body = self._body(head)
        except http1.BadRequest as err:
            self.sock.sendall(refusal(err.status, err.reason))
            return False
        environ = make_environ(self.base, head, body)
        keep = Response(self, head, body, head.keep_alive and served + 1 < self.server.limits
                        .max_requests).send(environ)
        self.busy = False
        return keep and not self.server._closing

    def _body(self, head: http1.Head):
        """The request's ``wsgi.input``: the body's bytes if they are here, else a reader."""
        if head.chunked:  # read (and checked) here: a broken body is a 400, never the app's 500
            if head.expect_continue:
                self.sock.sendall(CONTINUE)
            while True:
                parsed = http1.parse_chunked(self.buf, 0, self.server.limits.max_body_bytes)
                if parsed is not None:
                    body, end = parsed
                    self.buf = self.buf[end:]
                    return io.BytesIO(body)
                data = self.sock.recv(RECV_BYTES)
                if not data:
                    raise (http1.BadRequest(408, "chunked body not complete in time (BAD-8)")
                           if self.expired else http1.chunk_error("the connection ended"))
                self.buf += data
        length = head.content_length or 0
        if len(self.buf) >= length:
            body, self.buf = self.buf[:length], self.buf[length:]
            return io.BytesIO(body)
        return BodyReader(self, length, head.expect_continue and not self.buf)
