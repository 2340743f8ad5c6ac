"""The Milky face's ``GET /event``: a WebSocket or a Server-Sent Events stream of every event
(guide/communication.md, 事件推送; MLK-11..15, MLK-55).

:class:`EventStreams` holds the receivers of one face in one :class:`~.ws_fanout.Fanout`: its
WebSocket sessions (:class:`~.ws_session.Session`, role event: inbound frames are ignored,
MLK-15) and its SSE streams (:class:`SseStream`), each event rendered and encoded once for all
of them (``milky.text``). The token is checked before anything is answered (MLK-12): a refused
client gets HTTP 401 and never a socket or a stream.

An SSE stream is a :class:`.milky_sse.SseStream` (how it writes, its bounded queue, its
keep-alives: that module's docstring).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import parse_qs

from ..faults import Faults
from ..protocol.milky import sse, transport
from . import Parts, peer
from .http_exchange import stream_head
from .milky_sse import CHANNEL, CLOSE_WAIT, SseStream
from .ws_fanout import Fanout, close_all
from .ws_session import EVENT, Session
from .ws_transport import HandshakeError, WebSocket, accept

if TYPE_CHECKING:
    from ..bus import Published

log = logging.getLogger(__name__)


def query_token(environ: dict) -> str | None:
    """The percent-decoded ``access_token`` of the query (its first value), or None."""
    values = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).get(
        "access_token")
    return values[0] if values else None


def headers_of(environ: dict) -> dict[str, str]:
    """The request's header fields as received (the journal masks the credentials)."""
    return dict(environ.get("onebot_ref.headers") or ())


class EventStreams:
    """The ``/event`` receivers of one Milky face, and the bus sink feeding them."""

    def __init__(self, parts: Parts, token: str, text_of: Callable[[Published], str | None],
                 shown_of: Callable[[Published], Any]):
        cfg = self.cfg = parts.config
        self.world, self.traffic, self.token = parts.world, parts.traffic, token
        self.workers = parts.workers
        # faults act on OneBot 11's channels: this face has its own registry, never active, so
        # OneBot 11's connection ids are the same with the face on or off (MLK-46)
        self.faults = Faults(None)
        self.fanout = Fanout(CHANNEL, self.traffic, parts.bus.message_format, self.workers,
                             text_of=text_of, shown_of=shown_of, faults=self.faults)
        self.keepalive = cfg.milky_sse_keepalive_interval / 1000
        self._streams: set[SseStream] = set()
        self._sessions: set[Session] = set()
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def receivers(self) -> tuple[Any, ...]:
        return self.fanout.sessions

    # --- GET /event ----------------------------------------------------------------------
    def handle(self, environ: dict, start_response) -> list[bytes]:
        """MLK-12: the token from the Bearer header or the query, checked first; MLK-11: the
        Upgrade header decides between WebSocket and SSE."""
        given = transport.event_token(environ.get("HTTP_AUTHORIZATION"), query_token(environ))
        if transport.refused(self.token, given):
            why = "no access token" if given is None else "wrong access token"
            return self.refuse(environ, start_response, 401, f"{why} (Authorization: Bearer "
                                                             "<token> or ?access_token=) (MLK-12)")
        if self._stopped:
            return self.refuse(environ, start_response, 503, "server stopping (MLK-58)")
        if transport.wants_websocket(environ.get("HTTP_UPGRADE")):
            return self.websocket(environ, start_response)
        return self.server_sent_events(environ, start_response)

    def refuse(self, environ: dict, start_response, status: int, reason: str,
               headers=()) -> list[bytes]:
        if self.traffic is not None:
            self.traffic.record(CHANNEL, "in", peer(environ), {"event": "handshake"},
                                path=environ.get("RAW_URI") or "/event",
                                headers=headers_of(environ), verdict=f"{status}: {reason}")
        body = (reason + "\n").encode("utf-8")
        start_response(f"{status} {_PHRASES.get(status, 'Error')}", [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))), *headers])
        return [body]

    def session(self, ws: WebSocket, who: str, path: str) -> Session:
        """An event-only session (MLK-15: what the client sends is ignored)."""
        return Session(ws, EVENT, who, channel=CHANNEL, actions=None, traffic=self.traffic,
                       faults=self.faults, workers=self.workers, pool=None,
                       queue_size=self.cfg.ws_send_queue_size, path=path)

    def websocket(self, environ: dict, start_response,
                  make_session: Callable[[WebSocket, str, str], Session] | None = None
                  ) -> list[bytes]:
        """Answer the upgrade on the connection's socket and serve the session until it
        closes (``make_session``: the seed revision's, which also takes API frames)."""
        sock, leftover = environ["onebot_ref.take_socket"]()
        target = environ.get("RAW_URI") or environ["PATH_INFO"]
        try:
            ws = accept(sock, environ["REQUEST_METHOD"], target,
                        environ.get("onebot_ref.headers") or (), leftover,
                        compression=self.cfg.ws_compression,
                        max_message_size=self.cfg.max_body_bytes)
        except HandshakeError as err:
            return self.refuse(environ, start_response, err.status_code or 400,
                               f"not a valid WebSocket upgrade: {err.reason} (MLK-11)", err.headers)
        who = peer(environ)
        session = (make_session or self.session)(ws, who, environ["PATH_INFO"])
        with self._lock:
            self._sessions.add(session)
            if self._stopped:  # stop() ran during the handshake
                session.send_close(1001, "server stopping")
        try:
            # Milky has no connect event; a failure that escapes the session is reported and
            # drops this connection only (SUP-4)
            if not self.workers.guard(f"the connection of {who} on {target}", self.fanout.serve,
                                      session, self.world.self_id, headers_of(environ), None,
                                      False):
                session.abort("internal error (see the server log)")
        finally:
            with self._lock:
                self._sessions.discard(session)
            if session.closed_by == "peer":
                session.record("in", {"event": "close", "code": session.close_code},
                               session.describe_close())
            log.info("Milky WebSocket %s: %s", who, session.describe_close())
        return []  # start_response never called: the server writes nothing more

    def server_sent_events(self, environ: dict, start_response) -> list[bytes]:
        """MLK-13: ``text/event-stream``, kept open, one ``milky_event`` message per event."""
        sock, _ = environ["onebot_ref.take_socket"]()
        minor = 0 if environ.get("SERVER_PROTOCOL") == "HTTP/1.0" else 1
        head, chunked = stream_head("200 OK", [("Content-Type", sse.CONTENT_TYPE),
                                               ("Cache-Control", "no-cache")], minor)
        stream = SseStream(sock, peer(environ), chunked=chunked,
                           queue_size=self.cfg.ws_send_queue_size, keepalive=self.keepalive,
                           traffic=self.traffic)
        stream.record("in", {"event": "open", "transport": "sse"}, "SSE stream opened",
                      headers=headers_of(environ))
        if not stream.open(head):
            return []
        with self._lock:
            if self._stopped:
                stream.close()
            self._streams.add(stream)
            self.fanout.add(stream)  # the head is out: an event from now on is the client's
        try:  # a failure is reported and drops this stream only (SUP-4)
            if not self.workers.guard(f"the SSE stream of {stream.peer}", stream.run):
                stream.abort("internal error (see the server log)")
        finally:
            self.fanout.remove(stream)
            with self._lock:
                self._streams.discard(stream)
            if stream.closed_by == "peer":
                stream.record("in", {"event": "close"}, "closed by peer")
            log.info("Milky SSE %s: %s", stream.peer, stream.describe_close())
        return []

    # --- the end ---------------------------------------------------------------------------
    def offer_all(self, text: str, shown: Any, verdict: str) -> None:
        """Send one text to every receiver now (the bot_offline of a stopping server)."""
        receivers = self.fanout.sessions
        if receivers and self.traffic is not None:
            self.traffic.record(CHANNEL, "out", f"{len(receivers)} connection(s)", shown,
                                verdict=verdict)
        for receiver in receivers:
            receiver.offer(text)

    def stop(self) -> None:
        """Close every WebSocket (1001) and stream; within CLOSE_WAIT each, then cut."""
        with self._lock:
            self._stopped = True
            streams, sessions = list(self._streams), list(self._sessions)
        for stream in streams:
            stream.close()
        close_all(sessions, wait=CLOSE_WAIT)
        deadline = time.monotonic() + CLOSE_WAIT
        for stream in streams:
            if not stream.wait_closed(max(0.0, deadline - time.monotonic())):
                stream.cut()


_PHRASES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 426: "Upgrade Required", 503: "Service Unavailable"}
