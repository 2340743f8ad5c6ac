"""Reverse WebSocket: onebot_ref dials the bot (communication/ws-reverse.md, WSR-*,
AUTH-10, A-32, A-33).

One supervised thread per client (``ws-reverse:universal``, or ``ws-reverse:api`` and
``ws-reverse:event``; a :class:`~..workers.Worker` whose job is one attempt) dials with
:func:`.ws_transport.connect`, serves the connection with a :class:`~.ws_session.Session` (the
same code as a forward connection; the client's thread reads it) and, when it ends, waits
``ws_reverse_reconnect_interval`` ms and dials again. An attempt that raises is reported and
the next one follows after the same interval (SUP-1). A ``refuse`` fault or a restart's
downtime holds the wait for the next attempt while it lasts (faults/link.py, FAULT-8).

onebot_ref choices where the spec is silent (for the README):

- ``Authorization: Bearer <token>`` as the spec says; ``ws_reverse_auth_scheme: Token`` sends the
  legacy CQHTTP / go-cqhttp ``Token <token>`` instead (A-32).
- After a close with code 1000 the client reconnects only when
  ``ws_reverse_reconnect_on_code_1000`` is true (the legacy default); any other close, a failed
  connection or a refused handshake always reconnects (WSR-11..13, A-33).
- Every attempt, refusal and close (with its code) is logged and journalled on the
  ``ws_reverse`` channel; repeated failures are logged once until a connection succeeds.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from ..config import Config
from ..faults.link import hold_dial
from ..profiles import settings_of
from ..protocol.wire import USER_AGENT  # WSR-6
from ..traffic import mask_url
from ..workers import STOP, Worker
from . import Parts
from .ws_fanout import Fanout, close_all
from .ws_session import API, EVENT, UNIVERSAL, Session
from .ws_transport import HandshakeError, WebSocket, connect

log = logging.getLogger(__name__)

#: communication/ws-reverse.md: X-Client-Role "对于 Event 客户端和 Universal 客户端，这里分别是
#: Event 和 Universal" (and API for the API client); exact spelling (WSR-4).
CLIENT_ROLE = {API: "API", EVENT: "Event", UNIVERSAL: "Universal"}
#: How long the bot may take to accept the TCP connection and answer the upgrade (seconds).
HANDSHAKE_TIMEOUT = 10.0
API_WORKERS = 4


def client_urls(cfg: Config) -> list[tuple[str, str]]:
    """(role, url) of the clients to run (WSR-7): one Universal client on ws_reverse_url, or
    an API and an Event client, each URL falling back to ws_reverse_url; an empty URL is not
    started. A profile may run the Universal client only (Settings.reverse_universal_only),
    on ws_reverse_url or else the API URL."""
    # communication/ws-reverse.md: api_url "如果为空，则使用 ws_reverse.url 指定的值"
    if cfg.ws_reverse_use_universal_client:
        pairs = [(UNIVERSAL, cfg.ws_reverse_url)]
    elif settings_of(cfg).reverse_universal_only:
        pairs = [(UNIVERSAL, cfg.ws_reverse_url or cfg.ws_reverse_api_url)]
    else:
        pairs = [(API, cfg.ws_reverse_api_url or cfg.ws_reverse_url),
                 (EVENT, cfg.ws_reverse_event_url or cfg.ws_reverse_url)]
    return [(role, url) for role, url in pairs if url]


class _Client:
    """One reverse client between its attempts (each attempt is one job of its worker)."""

    worker: Worker

    def __init__(self, role: str, url: str):
        self.role, self.url, self.peer = role, url, mask_url(url)
        self.attempt, self.quiet = 0, False  # quiet: the previous attempt failed too

    def __repr__(self) -> str:  # how a failed attempt is named in the journal
        return f"attempt {self.attempt} to connect to {self.peer}"


class ReverseClients:
    """The reverse WebSocket clients of one runner: ``start()``, ``stop()``."""

    app = None  # it serves nothing: it dials

    def __init__(self, parts: Parts):
        cfg = self.cfg = parts.config
        self.actions, self.bus, self.traffic, self.world = (parts.actions, parts.bus,
                                                            parts.traffic, parts.world)
        self.faults, self.workers = parts.faults, parts.workers
        self.fanout = Fanout("ws_reverse", self.traffic, self.bus.message_format, self.workers,
                             faults=self.faults)
        self.pool = ThreadPoolExecutor(API_WORKERS, thread_name_prefix="ws-reverse-api")
        self.interval_ms = cfg.ws_reverse_reconnect_interval
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._sessions: set[Session] = set()
        self._clients = [_Client(role, url) for role, url in client_urls(cfg)]
        for client in self._clients:
            client.worker = parts.workers.worker(
                f"ws-reverse:{client.role}", lambda client=client: self._next_attempt(client),
                self._attempt)
        self.bus.add_sink(self.fanout.push, stage="push")  # after HTTP POST (POST-14)

    def start(self) -> None:
        for client in self._clients:
            client.worker.start()

    def stop(self) -> None:
        self._stopping.set()
        self.bus.remove_sink(self.fanout.push)
        with self._lock:
            sessions = list(self._sessions)
        for client in self._clients:  # each ends after its current attempt
            client.worker.withdraw()
        close_all(sessions)
        for client in self._clients:
            client.worker.stop(timeout=1.0)
        self.pool.shutdown(wait=False, cancel_futures=True)

    def headers(self, role: str) -> dict[str, str]:
        """The handshake headers (WSR-4..6, AUTH-10)."""
        headers = {"X-Self-ID": str(self.world.self_id), "X-Client-Role": CLIENT_ROLE[role],
                   "User-Agent": USER_AGENT}
        settings = self.actions.settings  # a profile's scheme, and its header without a token
        if self.cfg.access_token or settings.reverse_auth_when_empty:
            # authorization.md: "会在请求头中加入 Authorization 头，如 Authorization: Bearer ..."
            scheme = settings.reverse_auth_scheme or self.cfg.ws_reverse_auth_scheme
            # without a token "Bearer ": sent as "Bearer" (RFC 9110 5.5: no trailing space)
            headers["Authorization"] = f"{scheme} {self.cfg.access_token}".rstrip()
        return headers

    def profile_notes(self) -> str | None:
        """The journal's mark of a connect the profile made otherwise than the spec."""
        settings, cfg = self.actions.settings, self.cfg
        fields = [name for name, applies in (
            ("reverse_auth_scheme", bool(cfg.access_token)),
            ("reverse_auth_when_empty", not cfg.access_token),
            ("reverse_universal_only", not cfg.ws_reverse_use_universal_client))
            if applies and settings.changes(name)]
        did = {"reverse_auth_scheme": f"Authorization: {settings.reverse_auth_scheme}",
               "reverse_auth_when_empty": "Authorization sent without a token",
               "reverse_universal_only": "one Universal client"}
        return "; ".join(settings.mark(name, did[name]) for name in fields) or None

    # --- one client's worker ----------------------------------------------------------------
    def _next_attempt(self, client: _Client) -> _Client | None:
        """The worker's wait for its next job: at once the first time, then one interval after
        any end (WSR-11, WSR-13: the first retry too waits a full interval)."""
        # communication/ws-reverse.md: "OneBot 将以配置中指定的时间间隔不断尝试重连"
        stopping = client.worker.stopping
        if client.attempt and stopping.wait(self.interval_ms / 1000):
            return STOP
        if self.faults.active:  # a refuse fault or a restart's downtime: not dialling now
            hold_dial(self.faults, client.role, stopping)
            if stopping.is_set():
                return STOP
        client.attempt += 1
        return client

    def _attempt(self, client: _Client) -> None:
        """One attempt: connect, serve until the connection ends, journal how it ended."""
        role, peer = client.role, client.peer
        retry = f"reconnecting in {self.interval_ms} ms"
        headers = self.headers(role)
        log.debug("reverse WebSocket %s: connecting to %s (attempt %d)", CLIENT_ROLE[role],
                  peer, client.attempt)
        notes = None if self.actions.settings.is_spec else self.profile_notes()
        self._record("out", peer, {"event": "connect", "role": CLIENT_ROLE[role],
                                   "attempt": client.attempt},
                     "connecting" if notes is None else f"connecting; {notes}", headers)
        try:
            ws = connect(client.url, headers, timeout=HANDSHAKE_TIMEOUT,
                         max_message_size=self.cfg.max_body_bytes)
        except HandshakeError as err:
            why = (f"handshake refused: HTTP {err.status_code}" if err.status_code
                   else f"handshake failed: {err.reason}")
            client.quiet = self._failed(role, peer, why, retry, client.quiet)
            return
        except OSError as err:
            client.quiet = self._failed(role, peer, f"connection failed: {err.strerror or err}",
                                        retry, client.quiet)
            return
        client.quiet = False
        log.info("reverse WebSocket %s connected to %s", CLIENT_ROLE[role], peer)
        session = self._serve(ws, role, peer)
        if self._stopping.is_set():
            return
        how = session.describe_close()
        # WSR-12 [LEGACY]: code 1000 reconnects only if ..._reconnect_on_code_1000.
        if session.close_code == 1000 and session.closed_by == "peer" and \
                not self.cfg.ws_reverse_reconnect_on_code_1000:
            self._record("in", peer, {"event": "close", "code": 1000}, f"{how}; not "
                         "reconnecting (ws_reverse_reconnect_on_code_1000 is false)")
            log.info("reverse WebSocket %s to %s: %s; not reconnecting", CLIENT_ROLE[role],
                     peer, how)
            client.worker.withdraw()  # done: it no longer should run
            return
        self._record("in", peer, {"event": "close", "code": session.close_code},
                     f"{how}; {retry}")
        log.warning("reverse WebSocket %s to %s: %s; %s", CLIENT_ROLE[role], peer, how, retry)

    def _serve(self, ws: WebSocket, role: str, peer: str) -> Session:
        session = Session(ws, role, peer, channel="ws_reverse", actions=self.actions,
                          traffic=self.traffic, faults=self.faults, workers=self.workers,
                          pool=self.pool,
                          queue_size=self.cfg.ws_send_queue_size)
        with self._lock:
            self._sessions.add(session)
            if self._stopping.is_set():
                session.send_close(1001, "server stopping")
        try:
            # WSR-9 [LEGACY]: Event and Universal clients send lifecycle connect on opening. A
            # failure that escapes the session is reported and ends this connection (SUP-4).
            if not self.workers.guard(f"the connection to {peer}", self.fanout.serve, session,
                                      self.world.self_id, None, self.world.now()):
                session.abort("internal error (see the server log)")
                with contextlib.suppress(OSError):
                    ws.sock.close()
        finally:
            with self._lock:
                self._sessions.discard(session)
        return session

    def _failed(self, role: str, peer: str, why: str, retry: str, quiet: bool) -> bool:
        """Journal a failed attempt; log it unless the previous attempt failed too."""
        self._record("in", peer, {"event": "connect failed", "reason": why}, f"{why}; {retry}")
        (log.debug if quiet else log.warning)("reverse WebSocket %s to %s: %s; %s",
                                              CLIENT_ROLE[role], peer, why, retry)
        return True

    def _record(self, direction: str, peer: str, data: dict, verdict: str,
                headers: dict | None = None) -> None:
        if self.traffic is not None:
            self.traffic.record("ws_reverse", direction, peer, data, verdict=verdict,
                                headers=headers)
