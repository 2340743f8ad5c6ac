"""The bot side of OneBot 11, for tests: an HTTP POST receiver and a reverse-WebSocket server on
127.0.0.1, port 0, recording everything it sees (h11's ConnectionPair idea, over real sockets).

    with FakeBot() as bot:                        # or the ``fakebot`` fixture of conftest.py
        cfg = {"post_url": bot.post_url, "use_ws_reverse": True, "ws_reverse_url": bot.ws_url}
        bot.respond(json={"reply": "hi"})         # how to answer the next POSTs (default 204)
        post = bot.wait_post(lambda p: p.json.get("post_type") == "message")
        post.headers["X-Self-ID"], post.body, post.json, post.signature_ok("secret")
        conn = bot.wait_connection(role="Universal")      # a reverse WS the server opened
        conn.headers["X-Client-Role"], conn.call("get_login_info")["data"], conn.next_event()
        bot.refuse(403)                           # refuse the following WS handshakes
        bot.restart()                             # stop and listen again on the same port

:func:`connect` opens a forward WebSocket to the server under test and returns the same
:class:`BotSocket` (JSON frames: ``send``, ``receive``, ``call``, ``next_event``); both live in
``fakebot_ws.py`` and are importable from here, as is every name this module ever exported.
Every wait has a timeout and raises ``TimeoutError`` naming what it waited for.
Both WebSocket ends are onebot_ref's own transport (``onebot_ref.modes.ws_transport``), read by
one thread each as a bot's event loop would: pings and closes are answered at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json as _json
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Flask, Response, request
from werkzeug.serving import WSGIRequestHandler, make_server

from fakebot_ws import DEFAULT_TIMEOUT, BotSocket, Reader, connect
from onebot_ref.modes import ws_transport
from onebot_ref.modes.ws_transport import ConnectionClosed, HandshakeError, WebSocket

# the names tests import from here; DEFAULT_TIMEOUT, BotSocket, Reader and connect are
# fakebot_ws.py's, WebSocket and the errors ws_transport's, re-exported so imports never change
__all__ = ["DEFAULT_TIMEOUT", "Answer", "BotSocket", "ConnectionClosed", "FakeBot",
           "HandshakeError", "Reader", "ReceivedPost", "WebSocket", "connect"]


class _Quiet(WSGIRequestHandler):
    def log_request(self, code="-", size="-") -> None:
        pass


class _Upgraded(Response):
    """No HTTP response after a WebSocket: werkzeug takes ConnectionError as a dropped client."""

    def __call__(self, environ, start_response):
        raise ConnectionError("websocket")


@dataclass
class ReceivedPost:
    """One HTTP request the receiver got: the raw body bytes and, if it parses, the JSON."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    time: float

    @property
    def json(self) -> Any:
        try:
            return _json.loads(self.body)
        except ValueError:
            return None

    def signature_ok(self, secret: str) -> bool:
        """communication/http-post.md: X-Signature is "sha1=" + HMAC-SHA1(secret, body)."""
        expected = "sha1=" + hmac.new(secret.encode(), self.body, hashlib.sha1).hexdigest()
        return self.headers.get("X-Signature") == expected


@dataclass
class Answer:
    """How the receiver answers a POST: status, body, extra headers, after ``delay`` seconds."""

    status: int = 204
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakeBot:
    """An HTTP POST receiver and a reverse-WebSocket server in one werkzeug server."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 ssl_context: ssl.SSLContext | None = None):
        self.host, self.port = host, port
        self.ssl_context = ssl_context  # set: HTTPS and wss:// (a certificate the test made)
        self.posts: list[ReceivedPost] = []
        self.connections: list[BotSocket] = []
        self.handshakes: list[dict] = []  # every WS handshake: path, headers, status answered
        self._answer: Answer | Callable[[ReceivedPost], Answer] = Answer()
        self._refuse_status: int | None = None
        self._cond = threading.Condition()
        self._stopping = threading.Event()
        self._server = None
        self._thread: threading.Thread | None = None
        self.app = self._create_app()

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> "FakeBot":
        self._stopping.clear()
        self._server = make_server(self.host, self.port, self.app, threaded=True,
                                   request_handler=_Quiet, ssl_context=self.ssl_context)
        self._server.daemon_threads = True
        self.port = self._server.port  # port 0: keep the real one, so restart() reuses it
        self._thread = threading.Thread(target=self._server.serve_forever, name="fakebot",
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and drop every open WebSocket (as a crashed bot would)."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(2)
            self._server = None
        for conn in list(self.connections):
            if conn.connected:
                conn.close(1001, "fakebot stopping")

    def restart(self) -> None:
        self.stop()
        self.start()

    def __enter__(self) -> "FakeBot":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def post_url(self) -> str:
        return f"{'https' if self.ssl_context else 'http'}://{self.host}:{self.port}/"

    @property
    def ws_url(self) -> str:
        return f"{'wss' if self.ssl_context else 'ws'}://{self.host}:{self.port}/ws"

    # --- what to answer ---------------------------------------------------------------------
    def respond(self, status: int | None = None, *, json: Any = None, body: bytes | str = b"",
                delay: float = 0.0, headers: dict[str, str] | None = None) -> None:
        """Answer the following POSTs so: ``json`` (a quick operation) → 200 with it; else
        ``status`` (default 204) with ``body``; after ``delay`` seconds."""
        if json is not None:
            body = _json.dumps(json).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
            status = 200 if status is None else status
        self._answer = Answer(204 if status is None else status,
                              body.encode() if isinstance(body, str) else body,
                              headers or {}, delay)

    def respond_with(self, answer: Callable[[ReceivedPost], Answer]) -> None:
        """Decide per POST: ``answer(post) -> Answer``."""
        self._answer = answer

    def refuse(self, status: int | None) -> None:
        """Refuse the following WebSocket handshakes with this HTTP status (None: accept)."""
        self._refuse_status = status

    # --- waiting ----------------------------------------------------------------------------
    def _wait_for(self, what: str, find: Callable[[], Any], timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = find()
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"fakebot: no {what} within {timeout} s")
                self._cond.wait(left)

    def wait_post(self, predicate: Callable[[ReceivedPost], bool] | None = None,
                  timeout: float = DEFAULT_TIMEOUT, after: int = 0) -> ReceivedPost:
        """The first POST (from index ``after``) matching ``predicate``."""
        return self._wait_for("matching POST", lambda: next(
            (p for p in self.posts[after:] if predicate is None or predicate(p)), None), timeout)

    def wait_event_post(self, predicate: Callable[[dict], bool],
                        timeout: float = DEFAULT_TIMEOUT) -> ReceivedPost:
        """The first POST whose JSON body is an event matching ``predicate``."""
        return self.wait_post(lambda p: isinstance(p.json, dict) and predicate(p.json), timeout)

    def wait_connection(self, role: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                        after: int = 0) -> BotSocket:
        """The first reverse WebSocket (from index ``after``) with ``X-Client-Role: role``."""
        return self._wait_for(f"WebSocket connection (role {role})", lambda: next(
            (c for c in self.connections[after:] if role is None or c.role == role), None),
            timeout)

    def wait_handshakes(self, count: int, timeout: float = DEFAULT_TIMEOUT) -> list[dict]:
        return self._wait_for(f"{count} handshakes", lambda: (
            list(self.handshakes) if len(self.handshakes) >= count else None), timeout)

    # --- the app ----------------------------------------------------------------------------
    def _create_app(self) -> Flask:
        app = Flask("fakebot")
        app.url_map.merge_slashes = False
        app.add_url_rule("/", "any", self._route, methods=["GET", "POST"],
                         defaults={"path": ""})
        app.add_url_rule("/<path:path>", "any", self._route, methods=["GET", "POST"])
        app.add_url_rule("/", "ws", self._websocket, websocket=True, defaults={"path": ""})
        app.add_url_rule("/<path:path>", "ws", self._websocket, websocket=True)
        return app

    def _route(self, path: str) -> Response:
        post = ReceivedPost(request.method, "/" + path, dict(request.headers),
                            request.get_data(), time.time())
        with self._cond:
            self.posts.append(post)
            self._cond.notify_all()
        answer = self._answer(post) if callable(self._answer) else self._answer
        if answer.delay:
            self._stopping.wait(answer.delay)
        return Response(answer.body, answer.status, headers=answer.headers)

    def _websocket(self, path: str) -> Response:
        headers = dict(request.headers)
        status = self._refuse_status
        with self._cond:
            self.handshakes.append({"path": "/" + path, "headers": headers, "status": status,
                                    "time": time.time()})
            self._cond.notify_all()
        if status is not None:
            return Response("refused by fakebot\n", status)
        environ = request.environ
        try:
            ws = ws_transport.accept(environ["werkzeug.socket"], request.method,
                                     environ.get("RAW_URI") or request.path,
                                     request.headers.items())
        except HandshakeError as err:
            return Response(f"fakebot: {err}\n", err.status_code or 400)
        reader = Reader(ws)
        conn = BotSocket(reader, "/" + path, headers)
        with self._cond:
            self.connections.append(conn)
            self._cond.notify_all()
        reader.run()  # this request's thread reads the connection until it ends
        return _Upgraded()
