"""The forward WebSocket server: `/api`, `/event` and `/` (communication/ws.md, WSF-*).

A plain Flask app served by the runner's :class:`~.http_server.HttpServer`. Each route checks
the access token **before** the upgrade (A-8: a refused client gets HTTP 401/403 and never a
socket, so no action can run for it), then takes the connection's socket over from the server
(``environ["onebot_ref.take_socket"]``), :func:`.ws_transport.accept` answers the upgrade on
it and a :class:`~.ws_session.Session` serves it in the connection's thread until it closes
(that thread also reads the connection: one thread per idle connection).

onebot_ref choices where the spec is silent (for the README):

- Only the five spec paths are WebSocket endpoints (A-25); any other path is HTTP 404, and a
  plain HTTP request to one of the five is HTTP 400 (it must be a WebSocket upgrade).
- permessage-deflate is negotiated only when ``ws_compression`` is true: it costs ~210 KB per
  connection.
- A frame larger than ``max_body_bytes`` closes the connection with 1009 (message too big).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, Response, request

from ..faults.link import refusal as fault_refusal
from ..protocol.auth import authorize, profile_note
from ..protocol.response import NO_ECHO, Retcode, failed, shaped
from . import Parts
from . import peer as _peer
from .ws_fanout import Fanout, close_all
from .ws_frames import encode
from .ws_session import API, EVENT, UNIVERSAL, Session
from .ws_transport import ConnectionClosed, HandshakeError, WebSocket, accept

log = logging.getLogger(__name__)

#: communication/ws.md: "接受路径为 /api（或 /api/）、/event（或 /event/）、/ 的连接请求" (WSF-1)
ROLES = {"/api": API, "/api/": API, "/event": EVENT, "/event/": EVENT, "/": UNIVERSAL}

#: Threads running API requests of all forward connections (WSF-11: concurrently).
API_WORKERS = 4


class _Upgraded(Response):
    """The route's return value once the socket was a WebSocket: there is no HTTP response to
    write (start_response is not called), and the server closes the socket when it gets this:
    RFC 6455 7.1.1, once the closing handshake is done "The server MUST close the underlying
    TCP connection immediately"."""

    def __call__(self, environ, start_response):
        return []


class WsForward:
    """The forward WebSocket server's Flask ``app`` and its connections; ``stop()`` closes them."""

    def __init__(self, parts: Parts):
        self.cfg, self.bus = parts.config, parts.bus
        self.actions, self.traffic, self.world = parts.actions, parts.traffic, parts.world
        self.faults, self.workers = parts.faults, parts.workers
        self.fanout = Fanout("ws", self.traffic, self.bus.message_format, self.workers,
                             faults=self.faults)
        self.pool = ThreadPoolExecutor(API_WORKERS, thread_name_prefix="ws-forward-api")
        self._sessions: set[Session] = set()
        self._lock = threading.Lock()
        self._stopped = False
        self.bus.add_sink(self.fanout.push, stage="push")  # WSF-20: after the "post" stage
        self.app = self._create_app()

    @property
    def sessions(self) -> list[Session]:
        with self._lock:
            return list(self._sessions)

    def start(self) -> None:
        """Nothing to start: a connection lives in the server's request thread."""

    def stop(self) -> None:
        """Close every connection (1001 "going away") and stop the API workers."""
        with self._lock:  # a connection accepted from now on closes itself (see _connect)
            self._stopped = True
            sessions = list(self._sessions)
        self.bus.remove_sink(self.fanout.push)
        close_all(sessions)
        self.pool.shutdown(wait=False, cancel_futures=True)

    # --- the Flask app ----------------------------------------------------------------------
    def _create_app(self) -> Flask:
        app = Flask(__name__)
        app.url_map.merge_slashes = False
        for path in ROLES:
            app.add_url_rule(path, endpoint=path, view_func=self._connect, websocket=True)

        @app.errorhandler(404)
        def no_such_path(_error) -> Response:
            # WSF-2: refused, and journalled like every refused handshake (a bot dialling the
            # wrong path is the commonest mistake: the journal and the sequence view show it)
            raw_path = request.environ.get("RAW_URI", request.path).partition("?")[0]
            return self._refuse(request.environ, 404, f"no such path {raw_path}: the "
                                "WebSocket endpoints are /, /api and /event (WSF-2)")

        @app.errorhandler(400)
        def not_websocket(_error) -> Response:
            return Response("expected a WebSocket upgrade (Upgrade: websocket) (WSF-1)\n", 400,
                            mimetype="text/plain")

        return app

    def _refuse(self, environ: dict, status: int, reason: str, headers=()) -> Response:
        if self.traffic is not None:
            self.traffic.record("ws", "in", _peer(environ), {"event": "handshake"},
                                path=environ.get("RAW_URI") or environ.get("PATH_INFO"),
                                headers=dict(request.headers), verdict=f"{status}: {reason}")
        return Response(reason + "\n", status, headers=list(headers), mimetype="text/plain")

    def _refuse_upgraded(self, ws: WebSocket, environ: dict, peer: str, reason: str
                         ) -> Response:
        """A refused token after the upgrade (Settings.ws_auth_refusal "frame"): one failed
        answer with retcode 1403, a close without a code, and no action run for the socket."""
        settings = self.actions.settings
        envelope, _ = shaped(failed(Retcode.FORBIDDEN, reason), settings, NO_ECHO)
        verdict = settings.mark("ws_auth_refusal", "upgraded, answered retcode 1403, closed")
        if self.traffic is not None:
            self.traffic.record("ws", "in", peer, {"event": "handshake"},
                                path=environ.get("RAW_URI") or environ.get("PATH_INFO"),
                                headers=dict(request.headers), verdict=f"{reason}; {verdict}")
            self.traffic.record("ws", "out", peer, envelope, verdict=verdict)
        with contextlib.suppress(OSError, ConnectionClosed), ws.lock:
            ws.write(ws.frame(encode(envelope)) + ws.frame_close(1005))
        with contextlib.suppress(OSError, ConnectionClosed):
            while ws.receive(timeout=1.0) is not None:  # until the peer's close answer
                pass
        ws.drop()
        return _Upgraded()

    def _connect(self) -> Response:
        environ = request.environ
        path = environ["PATH_INFO"]
        # The raw request target, not the percent-decoded PATH_INFO: only the five spec paths
        # verbatim are endpoints, "/ap%69" is not "/api" (as on the HTTP API, HTTP-2).
        raw_path = environ.get("RAW_URI", path).partition("?")[0]
        if raw_path not in ROLES:
            return self._refuse(environ, 404, f"no such path {raw_path}: the WebSocket "
                                              "endpoints are /, /api and /event (WSF-2)")
        role = ROLES[path]
        if self._stopped:
            return self._refuse(environ, 503, "server stopping (SUP-3)")
        # communication/authorization.md: the token from the Authorization header or the
        # access_token query parameter; AUTH-9 / A-8: checked before the upgrade (or, as the
        # profile's Settings.ws_auth_refusal says, refused after it).
        token, settings = self.cfg.access_token, self.actions.settings
        refusal = authorize(token, request.headers, request.args, settings=settings, ws=True)
        note = None if settings.is_spec else profile_note(token, request.headers, request.args,
                                                          settings, ws=True)
        if refusal is not None and settings.ws_auth_refusal == "handshake":
            status, reason = refusal
            return self._refuse(environ, status, reason if note is None else f"{reason}; {note}")
        if self.faults.active and (down := fault_refusal(self.faults, role, path)) is not None:
            return self._refuse(environ, *down)  # a refuse fault, a restart's downtime
        # The server hands over the connection's socket, and the bytes it read past the head
        # (RFC 6455 4.1: the client "MUST wait for a response from the server before sending
        # any further data", but a frame may come right behind the handshake anyway). 4.2.1:
        # for a bad upgrade "the server MUST stop processing the client's handshake and return
        # an HTTP response with an appropriate error code": accept() writes nothing then, and
        # the server still sends the refusal below (and closes the connection after it).
        sock, leftover = environ["onebot_ref.take_socket"]()
        try:
            ws = accept(sock, request.method, environ.get("RAW_URI") or path,
                        request.headers.items(), leftover,
                        compression=self.cfg.ws_compression,
                        max_message_size=self.cfg.max_body_bytes)
        except HandshakeError as err:
            return self._refuse(environ, err.status_code or 400,
                                f"not a valid WebSocket upgrade: {err.reason} (WSF-1)", err.headers)
        peer = _peer(environ)
        if refusal is not None:
            return self._refuse_upgraded(ws, environ, peer, refusal[1])
        if note is not None and self.traffic is not None:
            self.traffic.record("ws", "in", peer, {"event": "handshake"}, verdict=note)
        session = Session(ws, role, peer, channel="ws", actions=self.actions,
                          traffic=self.traffic, faults=self.faults, workers=self.workers,
                          pool=self.pool, queue_size=self.cfg.ws_send_queue_size, path=path)
        log.info("forward WebSocket %s connected on %s", peer, path)
        with self._lock:
            self._sessions.add(session)
            if self._stopped:  # stop() ran during the handshake
                session.send_close(1001, "server stopping")
        try:
            # The lifecycle connect first, then the events (META-4, WSF-18). A failure that
            # escapes the session is reported and drops this connection only (SUP-4).
            if not self.workers.guard(f"the connection of {peer} on {path}", self.fanout.serve,
                                      session, self.world.self_id, dict(request.headers),
                                      self.world.now()):
                session.abort("internal error (see the server log)")
        finally:
            with self._lock:
                self._sessions.discard(session)
            how_closed = session.describe_close()
            if session.closed_by == "peer":  # our own closes are journalled as they happen
                session.record("in", {"event": "close", "code": session.close_code}, how_closed)
            log.info("forward WebSocket %s on %s: %s", peer, path, how_closed)
        return _Upgraded()
