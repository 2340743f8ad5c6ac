"""One connected WebSocket, forward or reverse, in role api | event | universal.

Spec: communication/ws.md (the `/api`, `/event` and `/` interfaces), communication/ws-reverse.md
("连接建立后，使用方式同正向 WebSocket"), event/meta.md#生命周期 (spec-rules WSF-*, WSR-8..10,
META-4, A-12, A-13, A-24, A-46).

A session owns three threads' worth of work on one socket:

- the *receive loop* (:meth:`Session.run`, in the caller's thread: werkzeug's request thread for
  a forward connection, the reverse client's thread for a reverse one) reads frames and hands
  API requests to a shared thread pool, so requests on one connection run concurrently (WSF-11);
- simple-websocket's own reader thread;
- a named *sender* thread draining the session's bounded outbox. Everything sent on the socket
  (the lifecycle ``connect`` frame, events, API responses) goes through the outbox and is sent
  under the session's lock, so a slow client only ever fills its own outbox: when it holds
  ``ws_send_queue_size`` frames the client is disconnected (WSF-21) and the others go on.

:class:`Fanout` is the set of event-receiving sessions of one mode and the bus "push" sink
that feeds them: each event is decoded to text once and the same string is queued for everyone.
"""

from __future__ import annotations

import json
import logging
import queue
import socket
import threading
import time
from typing import Any

from simple_websocket import ConnectionClosed

from ..protocol.coerce import Params
from ..protocol.response import Retcode, failed

log = logging.getLogger(__name__)

API, EVENT, UNIVERSAL = "api", "event", "universal"
#: communication/ws.md: "`/` 接口 ... 在一条连接上同时提供 `/api` 和 `/event` 的服务"
TAKES_REQUESTS = {API: True, EVENT: False, UNIVERSAL: True}
GETS_EVENTS = {API: False, EVENT: True, UNIVERSAL: True}

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_STOP = object()  # the outbox sentinel: the sender thread ends


def encode(value: Any) -> str:
    """Compact JSON text, not ASCII-escaped: the form of every frame we send (GEN-3)."""
    return _encode(value)


def _frame_error(message: str, request: Any) -> dict:
    """A 1400 answer (WSF-6): communication/ws.md "1400 | 400". ``echo`` is kept when the frame
    was an object that had it (A-12)."""
    envelope = failed(Retcode.BAD_REQUEST, message)
    if isinstance(request, dict) and "echo" in request:
        envelope["echo"] = request["echo"]
    return envelope


def answer(actions, data: str | bytes) -> tuple[Any, dict, list[str]]:
    """The response to one API frame: ``(request as decoded, envelope, coercion notes)``."""
    if isinstance(data, bytes):
        try:  # a binary frame is read as UTF-8 JSON text
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            return data, _frame_error("frame is not UTF-8 text", None), []
    try:
        request = json.loads(data)
    except (ValueError, RecursionError):
        return data, _frame_error("frame is not valid JSON", None), []
    if not isinstance(request, dict):
        return request, _frame_error("frame is not a JSON object {action, params, echo}",
                                     request), []
    action = request.get("action")
    if not isinstance(action, str) or not action:
        return request, _frame_error("frame has no 'action' string", request), []
    # communication/ws.md: "params 用于传入参数，如果要调用的 API 不需要参数，则可以不加";
    # WSF-8 / A-13: a params that is not an object counts as {}.
    values = request.get("params")
    params = Params(values if isinstance(values, dict) else {})
    envelope = actions.call(action, params)  # unknown action → 1404 (WSF-7)
    # communication/ws.md: echo "可以是任何类型的数据，OneBot 将会在调用结果中原样返回";
    # present iff the request had the key (null included).
    if "echo" in request:
        envelope = dict(envelope, echo=request["echo"])
    return request, envelope, params.notes


def _verdict(envelope: dict, notes: list[str]) -> str | None:
    parts = list(notes)
    if envelope.get("status") == "failed":
        parts.insert(0, f"failed {envelope.get('retcode')}: {envelope.get('message', '')}")
    return "; ".join(parts) or None


class Session:
    """One WebSocket connection: ``start(first_frame)``, then ``run()`` until it closes.

    ``ws`` is a connected ``simple_websocket`` Server or Client; ``role`` is api, event or
    universal; ``peer`` names the other end in logs and the traffic journal.
    """

    def __init__(self, ws, role: str, peer: str, *, channel: str, actions, traffic,
                 pool, queue_size: int, path: str = ""):
        self.ws, self.role, self.peer, self.path = ws, role, peer, path
        self.channel, self.actions, self.traffic, self.pool = channel, actions, traffic, pool
        self.queue_size = queue_size
        self.closed_by: str | None = None  # "peer" | "server" | why we dropped it
        self.close_code: int | None = None
        self._send_lock = threading.Lock()
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._open = True
        self._done = threading.Event()
        self._sender = threading.Thread(target=self._send_loop, daemon=True,
                                        name=f"ws-send {channel} {role} {peer}")

    # --- lifecycle --------------------------------------------------------------------------
    def start(self, first_frame: dict | None = None, headers: dict | None = None) -> None:
        """Queue ``first_frame`` (the lifecycle ``connect`` event); :meth:`run` sends it.

        META-4 [REC]: the connect event goes to the new connection only, as its first frame:
        the caller adds the session to its :class:`Fanout` after this and before :meth:`run`,
        so a client that has read ``connect`` is sure to get every later event.
        """
        self.record("in", {"event": "open", "role": self.role, "path": self.path},
                    "connection opened", headers=headers)
        if first_frame is not None:
            self._outbox.put(encode(first_frame))
            self.record("out", first_frame, "lifecycle connect (first frame)")

    def run(self) -> int | None:
        """Read frames until the connection ends; returns the close code the peer sent (1005
        when it sent none). The owner journals the close (it knows what happens next)."""
        self._sender.start()
        try:
            while True:
                data = self.ws.receive()
                if data is None:
                    continue
                if TAKES_REQUESTS[self.role]:
                    self.pool.submit(self._serve_request, data)
                else:
                    # WSF-15 / WSR-10 / A-24: an event connection ignores what it is sent.
                    self.record("in", data, "ignored: an Event connection takes no API "
                                            "requests (use /api or /)")
        except ConnectionClosed:
            pass
        finally:
            self._finish()
        return self.close_code

    def _finish(self) -> None:
        if self._open:
            self._open, self.closed_by = False, "peer"
        self.close_code = int(self.ws.close_reason) if self.ws.close_reason else None
        self._outbox.put(_STOP)
        self._done.set()
        if self._sender.ident is not None and self._sender is not threading.current_thread():
            self._sender.join(1.0)

    def close(self, code: int = 1000, reason: str = "", wait: float = 0.5) -> None:
        """Close from our side: a close frame, then the socket if the peer is silent."""
        self.send_close(code, reason)
        if not self._done.wait(wait):
            self.shutdown_socket()

    def send_close(self, code: int, reason: str, lock_wait: float = 0.2) -> None:
        """Send a close frame unless a send stays in progress for ``lock_wait`` seconds (a
        stuck client: its socket is shut down instead)."""
        if not self._open:
            return
        self._open, self.closed_by = False, "server"
        self.record("out", {"event": "close", "code": code, "reason": reason},
                    f"closed by server: {code} {reason}".rstrip())
        if self._send_lock.acquire(timeout=lock_wait):
            try:
                self.ws.close(code, reason)
            except (ConnectionClosed, OSError):
                pass
            finally:
                self._send_lock.release()
        self._outbox.put(_STOP)

    def wait_closed(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def abort(self, why: str) -> None:
        """Drop the connection at once, without waiting for anything (a client that cannot
        keep up has a full socket buffer: a close frame would block)."""
        if not self._open:
            return
        self._open, self.closed_by = False, why
        log.warning("%s %s (%s): disconnecting: %s", self.channel, self.peer, self.role, why)
        self.record("out", {"event": "close", "reason": why}, f"disconnected: {why}")
        self.shutdown_socket()
        self._outbox.put(_STOP)

    def shutdown_socket(self) -> None:
        try:
            self.ws.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    @property
    def is_open(self) -> bool:
        return self._open

    def describe_close(self) -> str:
        """"closed by peer: 1000", "closed by server: 1001", or why we dropped the client."""
        if self.closed_by == "peer":
            return f"closed by peer: {self.close_code}"
        if self.closed_by == "server":
            return "closed by server"
        return f"disconnected: {self.closed_by}"

    # --- sending ----------------------------------------------------------------------------
    def offer(self, text: str) -> None:
        """Queue one frame; never blocks. A full outbox means the client cannot keep up."""
        if not self._open:
            return
        if self._outbox.qsize() >= self.queue_size:
            self.abort(f"{self.queue_size} frames waiting to be sent (ws_send_queue_size): "
                       "the client cannot keep up")
            return
        self._outbox.put(text)

    def _send_loop(self) -> None:
        outbox, ws, lock = self._outbox, self.ws, self._send_lock
        try:
            while True:
                text = outbox.get()
                if text is _STOP:
                    return
                with lock:  # simple-websocket's send() takes no lock of its own
                    ws.send(text)
        except (ConnectionClosed, OSError) as err:
            # When the peer has closed, the receive loop reports it with its close code; only
            # a failure on a connection that is still up is ours to report.
            if self._open and self.ws.connected:
                self.abort(f"send failed: {err!r}")

    # --- API requests -----------------------------------------------------------------------
    def _serve_request(self, data: str | bytes) -> None:
        request, envelope, notes = answer(self.actions, data)
        if self.traffic is not None:
            self.record("in", request, None)
            self.record("out", envelope, _verdict(envelope, notes))
        self.offer(encode(envelope))

    def record(self, direction: str, data: Any, verdict: str | None,
               headers: dict | None = None) -> None:
        """One traffic-journal frame of this connection (handshake headers are masked there)."""
        if self.traffic is not None:
            self.traffic.record(self.channel, direction, self.peer, data, verdict=verdict,
                                path=self.path or None, headers=headers)


class Fanout:
    """The sessions that receive events, and :meth:`push`, the bus "push" sink feeding them."""

    def __init__(self, channel: str, traffic, message_format: str):
        self.channel, self.traffic, self.message_format = channel, traffic, message_format
        self._sessions: tuple[Session, ...] = ()  # copy-on-write: push reads without locking
        self._lock = threading.Lock()

    def add(self, session: Session) -> None:
        with self._lock:
            self._sessions = self._sessions + (session,)

    def remove(self, session: Session) -> None:
        with self._lock:
            self._sessions = tuple(s for s in self._sessions if s is not session)

    @property
    def sessions(self) -> tuple[Session, ...]:
        return self._sessions

    def push(self, published) -> None:
        """communication/ws.md: "推送的格式和 HTTP POST 的上报完全一致" (WSF-13): the same
        serialisation, decoded once and queued for every event connection."""
        sessions = self._sessions
        if not sessions:
            return  # A-47 / WSR-14: no connection, the event is not kept for later
        text = published.text(self.message_format)
        if self.traffic is not None:
            peer = sessions[0].peer if len(sessions) == 1 else f"{len(sessions)} connections"
            self.traffic.record(self.channel, "out", peer,
                                published.as_dict(self.message_format),
                                verdict=f"event pushed to {len(sessions)} connection(s)")
        for session in sessions:
            session.offer(text)


def close_all(sessions, code: int = 1001, reason: str = "server stopping",
              wait: float = 0.5) -> None:
    """Close many sessions: every close frame first, then one shared wait for the peers'
    answers, then the sockets of the silent ones (a stop takes ``wait``, not N times it)."""
    sessions = list(sessions)
    deadline = time.monotonic() + wait
    for session in sessions:
        session.send_close(code, reason, max(0.0, deadline - time.monotonic()))
    deadline = time.monotonic() + wait
    for session in sessions:
        if not session.wait_closed(max(0.0, deadline - time.monotonic())):
            session.shutdown_socket()
