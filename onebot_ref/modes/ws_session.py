"""One connected WebSocket, forward or reverse, in role api | event | universal.

Spec: communication/ws.md (the `/api`, `/event` and `/` interfaces), communication/ws-reverse.md
("连接建立后，使用方式同正向 WebSocket"), event/meta.md#生命周期 (WSF-*, WSR-8..10,
META-4, A-12, A-13, A-24, A-46).

Receiving: :meth:`Session.run` reads frames in the caller's thread (the HTTP server's connection
thread for a forward connection, the client's thread for a reverse one) and answers each request
there; when the client has already sent more frames (it pipelines), the request goes to a
shared thread pool instead, so requests on one connection then run concurrently (WSF-11).
Each request is one supervised job (:meth:`~..workers.Workers.guard`): one that raises is
reported and the connection goes on with the next (SUP-4).

Sending never blocks the caller (the event bus, an API worker): every frame is written under
the connection's lock with a non-blocking send (:func:`.ws_socket.sender`, plain or TLS). What
the socket cannot take at once goes to the session's backlog, drained by the session's own
sender thread (``ws-send ...``, started the first time a backlog appears, so an idle connection
costs no thread of its own). When the backlog reaches ``ws_send_queue_size`` frames the client
cannot keep up: it is disconnected with a log line and the others go on (WSF-21); a sender
that fails for any other reason is reported and drops its own connection only (SUP-4). A server
frame without extensions is framed once per event and the same bytes go to every client. The
frames the protocol itself owes the peer (a pong, the answer to a close) take the same lock and
queue behind the backlog, so a control frame never lands inside a data frame whose tail is
still waiting. The WebSocket itself (the handshake, parsing, framing) is :mod:`.ws_transport`.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import threading
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, Callable

from ..faults.answers import ws_request
from . import ws_socket
from .ws_frames import answer, encode, verdict
from .ws_transport import ConnectionClosed, WebSocket

if TYPE_CHECKING:
    from ..actions import Actions
    from ..faults import Faults
    from ..traffic import Traffic
    from ..workers import Workers

log = logging.getLogger(__name__)

API, EVENT, UNIVERSAL = "api", "event", "universal"
#: communication/ws.md: "`/` 接口 ... 在一条连接上同时提供 `/api` 和 `/event` 的服务"
TAKES_REQUESTS = {API: True, EVENT: False, UNIVERSAL: True}
GETS_EVENTS = {API: False, EVENT: True, UNIVERSAL: True}


class Session:
    """One WebSocket connection: ``start(first_frame)``, then ``run()`` until it closes.

    ``ws`` is an open :class:`~.ws_transport.WebSocket` (accepted or dialled); ``role`` is
    api, event or universal; ``peer`` names the other end in logs and the traffic journal.
    """

    def __init__(self, ws: WebSocket, role: str, peer: str, *, channel: str, actions: Actions,
                 traffic: Traffic | None, faults: Faults, workers: Workers, pool: Executor,
                 queue_size: int, path: str = ""):
        self.ws, self.role, self.peer, self.path = ws, role, peer, path
        self.channel, self.actions, self.traffic, self.pool = channel, actions, traffic, pool
        #: conn: its record in faults.connections (made by Fanout.serve); silenced: blackhole()
        self.faults, self.conn, self.silenced, self.workers = faults, None, 0, workers
        self.queue_size = queue_size
        self.closed_by: str | None = None  # "peer" | "server" | why we dropped it
        self.close_code: int | None = None
        self._lock = ws.lock  # every write on the socket, and the backlog
        self._sock = ws.sock  # written only under the lock; read only by ws.receive()
        self._send_now = ws_socket.sender(ws.sock)  # the non-blocking write
        ws.write = self._write_control  # pongs and close answers go behind the backlog too
        self._frame = ws.frame  # bound once: offer() runs for every event and client
        self._backlog: collections.deque = collections.deque()  # bytes not yet written
        self._wake = threading.Event()  # the backlog has something for the sender thread
        self._sender: threading.Thread | None = None
        self._open = True
        self._done = threading.Event()

    # --- lifecycle --------------------------------------------------------------------------
    def start(self, first_frame: dict | None = None, headers: dict | None = None,
              join: Callable[["Session"], None] | None = None) -> None:
        """Send ``first_frame`` (the lifecycle ``connect`` event) before anything else, and
        ``join`` the event fan-out.

        META-4 [REC]: the connect event goes to the new connection only, as its first frame.
        The session joins under its lock, just before the connect is written: an event pushed
        meanwhile waits for the lock and goes out after it, and a client that has read
        ``connect`` is sure to get every later event.
        """
        self.record("in", {"event": "open", "role": self.role, "path": self.path,
                           "connection": self.conn and self.conn.id}, "connection opened",
                    headers=headers)
        if first_frame is not None:
            self.record("out", first_frame, "lifecycle connect (first frame)")
        with self._lock:
            if join is not None:
                join(self)
            if first_frame is not None and self._open:  # the first write: no backlog yet
                with contextlib.suppress(OSError, ConnectionClosed):  # run() sees the end
                    self._write(self.ws.frame(encode(first_frame)))

    def run(self) -> int | None:
        """Read frames in this thread until the connection ends; returns the close code the
        peer sent (1005: a close frame without one; 1006: none). The owner journals the close
        (it knows what happens next)."""
        try:
            while True:
                data = self.ws.receive()
                if data is None:
                    continue
                if not TAKES_REQUESTS[self.role]:
                    # WSF-15 / WSR-10 / A-24: an event connection ignores what it is sent.
                    self.record("in", data, "ignored: an Event connection takes no API "
                                            "requests (use /api or /)")
                elif self.ws.pending:  # the client pipelines: answer concurrently
                    self.pool.submit(self.workers.guard, self, self._serve_request, data)
                else:
                    self.workers.guard(self, self._serve_request, data)
        except ConnectionClosed:
            pass
        finally:
            self._finish()
        return self.close_code

    def _finish(self) -> None:
        if self._open:
            self._open, self.closed_by = False, "peer"
            if self.ws.sent_close is not None:  # the transport closed it: 1009, 1002, 1007
                code, reason = self.ws.sent_close
                self.closed_by = "server"
                self.record("out", {"event": "close", "code": code, "reason": reason},
                            f"closed by server: {code} {reason}".rstrip())
        self.close_code = self.ws.close_code
        self._done.set()
        self._wake.set()  # the sender thread, if any, ends
        sender = self._sender
        if sender is not None and sender is not threading.current_thread():
            sender.join(1.0)

    def close(self, code: int = 1000, reason: str = "", wait: float = 0.5) -> None:
        """Close from our side: a close frame, then the socket if the peer is silent."""
        self.send_close(code, reason)
        if not self._done.wait(wait):
            self.shutdown_socket()

    def send_close(self, code: int, reason: str, lock_wait: float = 0.2) -> None:
        """Send a close frame, without blocking. A client with a backlog (or whose socket is
        busy for ``lock_wait`` seconds) gets no close frame: its socket is shut down later."""
        if not self._open:
            return
        self._open, self.closed_by = False, "server"
        self.record("out", {"event": "close", "code": code, "reason": reason},
                    f"closed by server: {code} {reason}".rstrip())
        if self._lock.acquire(timeout=lock_wait):
            try:
                if not self._backlog and self.ws.open:
                    self._write(self.ws.frame_close(code, reason))
            except (OSError, ConnectionClosed):  # the peer closed first
                pass
            finally:
                self._lock.release()
        self._wake.set()

    def wait_closed(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def abort(self, why: str) -> None:
        """Drop the connection at once, without waiting for anything (a client that cannot
        keep up has a full socket buffer: a close frame would not get through)."""
        if not self._open:
            return
        self._open, self.closed_by = False, why
        log.warning("%s %s (%s): disconnecting: %s", self.channel, self.peer, self.role, why)
        self.record("out", {"event": "close", "reason": why}, f"disconnected: {why}")
        self.shutdown_socket()
        self._wake.set()

    def shutdown_socket(self) -> None:
        self.ws.drop()

    @property
    def is_open(self) -> bool:
        return self._open

    def describe_close(self) -> str:
        """"closed by peer: 1000", "closed by server", or why we dropped the client."""
        if self.closed_by == "peer":
            return f"closed by peer: {self.close_code}"
        if self.closed_by == "server":
            return "closed by server"
        return f"disconnected: {self.closed_by}"

    # --- sending ----------------------------------------------------------------------------
    def offer(self, text: str, frame: bytes | None = None) -> None:
        """Send one text frame without blocking (``frame``: the same text already framed by
        :func:`text_frame`). What the socket cannot take now waits in the backlog."""
        if not self._open:
            return
        with self._lock:
            try:
                if self._backlog:  # keep the order: behind what already waits
                    if len(self._backlog) >= self.queue_size:
                        self.abort(f"{self.queue_size} frames waiting to be sent "
                                   "(ws_send_queue_size): the client cannot keep up")
                    else:
                        self._backlog.append(self._frame(text, frame))
                    return
                self._write(self._frame(text, frame))
            except (OSError, ConnectionClosed) as err:
                # When the peer has closed, the receive loop reports it with its close code;
                # only a failure on a connection that is still up is ours to report.
                if self.ws.open and isinstance(err, OSError):
                    self.abort(f"send failed: {err!r}")

    def _write(self, data: bytes) -> None:
        """Write what the socket takes now; queue the rest for the sender thread. Under the
        lock, with the backlog empty."""
        sent = self._send_now(data)
        if sent < len(data):
            self._backlog.append(memoryview(data)[sent:])
            if self._sender is None:
                self._sender = threading.Thread(
                    target=self._sender_main, daemon=True,
                    name=f"ws-send {self.channel} {self.role} {self.peer}")
                self._sender.start()
            self._wake.set()

    def _write_control(self, data: bytes) -> None:
        """A frame the protocol owes the peer (pong, close answer), from ``ws.receive()``
        with the lock held: behind the backlog, if there is one."""
        if self._backlog:
            self._backlog.append(data)
            self._wake.set()
        else:
            self._write(data)

    def _sender_main(self) -> None:
        if not self.workers.guard("sending the backlog", self._send_backlog):
            self.abort("internal error while sending (see the server log)")

    def _send_backlog(self) -> None:
        """The sender thread: write the backlog as the socket takes it, until the end."""
        try:
            while self._open:
                if not self._backlog:
                    self._wake.wait()
                    self._wake.clear()
                    continue
                ws_socket.drain(self._sock, self._send_now, self._backlog, self._lock,
                                lambda: self._open)
        except (OSError, ValueError) as err:  # ValueError: a closed socket
            if self._open and self.ws.open:
                self.abort(f"send failed: {err!r}")

    def blackhole(self, on: bool) -> int:
        """FAULT-7, half-open: while on, nothing flows either way (``offer`` and ``ws.write``
        shadowed on the instance: the hot path keeps no check; requests are dropped unread in
        faults/answers.py). How many frames were lost."""
        lost, self.silenced = max(0, self.silenced - 1), 1 if on else 0
        if on:
            self.offer = self.ws.write = self._lose  # type: ignore[method-assign]
        elif "offer" in self.__dict__:
            del self.offer
            self.ws.write = self._write_control
        return lost

    def _lose(self, *_frame: Any) -> None:
        self.silenced += 1

    # --- API requests -----------------------------------------------------------------------
    def _serve_request(self, data: str | bytes) -> None:
        if self.faults.active:  # one read while no fault is on (FAULT-4): faults/answers.py
            return ws_request(self, data)
        return self.answer_request(data)

    def answer_request(self, data: str | bytes) -> None:
        request, envelope, notes = answer(self.actions, data, self.channel)
        if self.traffic is not None:
            self.record("in", request, None)
            self.record("out", envelope, verdict(envelope, notes))
        self.offer(encode(envelope))

    def __repr__(self) -> str:  # how a failed request is named in the journal
        return f"an API request of {self.channel} {self.peer} ({self.role})"

    def record(self, direction: str, data: Any, verdict: str | None,
               headers: dict | None = None) -> None:
        """One traffic-journal frame of this connection (handshake headers are masked there)."""
        if self.traffic is not None:
            self.traffic.record(self.channel, direction, self.peer, data, verdict=verdict,
                                path=self.path or None, headers=headers)
