"""One Server-Sent Events stream of the Milky face's ``GET /event`` (guide/communication.md, SSE
连接; MLK-13/14, MLK-55).

onebot_ref choices (for the README): the stream takes the connection's socket over, as a
WebSocket does, so that it can be cut; its body is chunked (HTTP/1.1) and ends with the
connection. Like a WebSocket session (ws_session.py), a stream never blocks the bus and costs
no thread switch per event: the bus thread writes each event with a non-blocking send; what the
socket cannot take waits in a backlog that the connection's thread (asleep otherwise) writes
out when there is room, and a client that lets ``ws_send_queue_size`` events pile up is
disconnected. ``milky_sse_keepalive_interval`` ms without a write send a ``: keepalive``
comment (MLK-14), which is also how a client that has gone is noticed.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import select
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

from ..protocol.milky import sse
from . import ws_socket
from .http_exchange import chunk

if TYPE_CHECKING:
    from ..traffic import Traffic

log = logging.getLogger(__name__)

CHANNEL = "milky_event"
#: How long stop() lets streams and sessions end by themselves before cutting them (seconds).
CLOSE_WAIT = 0.5


class SseStream:
    """One SSE client. :meth:`offer` (the bus thread) writes an event at once with a
    non-blocking send, as a WebSocket session does (:func:`.ws_socket.sender`); what the socket
    cannot take waits in a bounded backlog that :meth:`run` (the connection's thread, otherwise
    asleep) writes out when it can, with the keep-alive comments of a silent stream."""

    def __init__(self, sock: socket.socket, peer_name: str, *, chunked: bool, queue_size: int,
                 keepalive: float, traffic: Traffic | None):
        self.sock, self.peer, self.queue_size = sock, peer_name, queue_size
        self.keepalive, self.traffic = keepalive, traffic
        self.closed_by: str | None = None  # "peer" | "server" | why we dropped it
        self._frame = chunk if chunked else bytes
        self._chunked = chunked
        self._send_now = ws_socket.sender(sock)
        self._backlog: collections.deque = collections.deque()  # bytes not yet written
        self._lock = threading.Lock()  # every write, and the backlog
        self._wake = threading.Event()  # something for run(): a backlog, or the end
        self._open = True
        self._done = threading.Event()
        self._last = time.monotonic()  # the last write: keep-alives count from it

    def offer(self, text: str, frame: bytes | None = None) -> None:
        """Send one event's text (``frame``: its WebSocket framing, not used here)."""
        with self._lock:
            if not self._open:
                return
            if len(self._backlog) >= self.queue_size:
                self._abort(f"{self.queue_size} events waiting to be sent "
                            "(ws_send_queue_size): the client cannot keep up")
                return
            self._write(self._frame(sse.frame(text)))

    def _write(self, data: bytes) -> None:
        """Under the lock: behind the backlog, or now as far as the socket takes it."""
        if not self._backlog:
            try:
                sent = self._send_now(data)
            except OSError:  # the client went away: run() finds out on its next write
                sent = 0
            self._last = time.monotonic()
            if sent == len(data):
                return
            data = memoryview(data)[sent:]
        self._backlog.append(data)
        self._wake.set()

    def open(self, head: bytes) -> bool:
        """Write the answer's head (before the stream joins the fan-out: no event may come
        first); False when the client has already gone."""
        try:
            self.sock.sendall(head)
            return True
        except OSError:
            self._open, self.closed_by = False, "peer"
            self._done.set()
            return False

    def run(self) -> None:
        """Write (woken by a backlog or the end, else every keep-alive period) what waits,
        until either side ends the stream."""
        try:
            while self._open:
                self._wake.wait(max(0.0, self._last + self.keepalive - time.monotonic()))
                self._wake.clear()
                if self._backlog:
                    self._drain()
                elif self._open and time.monotonic() >= self._last + self.keepalive:
                    with self._lock:  # a silence gets the comment (MLK-14)
                        self._write(self._frame(sse.KEEPALIVE))
            if self.closed_by == "server":  # what was queued before, then the last chunk
                self.sock.settimeout(CLOSE_WAIT)
                with self._lock:
                    for data in self._backlog:
                        self.sock.sendall(data)
                    self._backlog.clear()
                    if self._chunked:
                        self.sock.sendall(chunk(b""))
        except OSError:  # the client went away (or _abort / cut() shut the socket)
            with self._lock:
                if self._open:
                    self._open, self.closed_by = False, "peer"
        finally:
            self._done.set()

    def _drain(self) -> None:
        """Wait until the socket can take more (outside the lock), then write what waits; a
        client that has gone makes the send raise."""
        if not self._writable():
            self._wake.set()  # still full: try again
            return
        with self._lock:
            while self._backlog:
                data = self._backlog[0]
                sent = self._send_now(data)
                self._last = time.monotonic()
                if sent < len(data):
                    self._backlog[0] = memoryview(data)[sent:]
                    self._wake.set()  # more to write once there is room
                    return
                self._backlog.popleft()

    def _writable(self) -> bool:
        poller = select.poll()  # not select(): descriptors above 1023
        poller.register(self.sock, select.POLLOUT)
        return bool(poller.poll(1000))

    def close(self) -> None:
        """End the stream from our side (the server stops): :meth:`run` writes what waits and
        the last chunk."""
        with self._lock:
            if self._open:
                self._open, self.closed_by = False, "server"
                self.record("out", {"event": "close"}, "closed by server")
        self._wake.set()

    def wait_closed(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

    def abort(self, why: str) -> None:
        """Drop the client at once (a failure of ours while writing to it, SUP-4)."""
        with self._lock:
            if self._open:
                self._abort(why)

    def _abort(self, why: str) -> None:
        """Drop a client at once (under the lock): its socket is full, nothing more gets through."""
        self._open, self.closed_by = False, why
        log.warning("%s %s (sse): disconnecting: %s", CHANNEL, self.peer, why)
        self.record("out", {"event": "close", "reason": why}, f"disconnected: {why}")
        self.cut()
        self._wake.set()

    def describe_close(self) -> str:
        if self.closed_by in ("peer", "server"):
            return f"closed by {self.closed_by}"
        return f"disconnected: {self.closed_by}"

    def record(self, direction: str, data: Any, verdict: str | None,
               headers: dict | None = None) -> None:
        if self.traffic is not None:
            self.traffic.record(CHANNEL, direction, self.peer, data, verdict=verdict,
                                path="/event", headers=headers)
