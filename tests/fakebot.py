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
:class:`BotSocket` (JSON frames: ``send``, ``receive``, ``call``, ``next_event``).
Every wait has a timeout and raises ``TimeoutError`` naming what it waited for.
Both WebSocket ends are onebot_ref's own transport (``onebot_ref.modes.ws_transport``), read by
one thread each as a bot's event loop would: pings and closes are answered at once.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import itertools
import json as _json
import queue
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Flask, Response, request
from werkzeug.serving import WSGIRequestHandler, make_server

from onebot_ref.modes import ws_transport
from onebot_ref.modes.ws_transport import ConnectionClosed, HandshakeError, WebSocket

__all__ = ["Answer", "BotSocket", "ConnectionClosed", "FakeBot", "HandshakeError",
           "ReceivedPost", "connect"]

DEFAULT_TIMEOUT = 5.0


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


class Reader:
    """A WebSocket and the one thread reading it (``run``: here, or in a thread of its own):
    raw messages wait in a queue for :meth:`receive`."""

    _closed = object()

    def __init__(self, ws: WebSocket):
        self.ws = ws
        self.thread: threading.Thread | None = None
        self._inbox: queue.Queue = queue.Queue()
        self._done = threading.Event()

    def start(self, name: str) -> "Reader":
        self.thread = threading.Thread(target=self.run, name=name, daemon=True)
        self.thread.start()
        return self

    def run(self) -> None:
        try:
            while True:
                self._inbox.put(self.ws.receive())
        except ConnectionClosed:
            pass
        finally:
            self._inbox.put(self._closed)
            self._done.set()

    @property
    def connected(self) -> bool:
        return self.ws.open

    @property
    def close_code(self) -> int | None:
        """The close code the other side sent (None while open; 1005: none; 1006: dropped)."""
        return None if self.ws.open else (self.ws.close_code or 1005)

    def send(self, data: str | bytes) -> None:
        with self.ws.lock:
            self.ws.write(self.ws.frame(data))

    def receive(self, timeout: float | None = None) -> str | bytes | None:
        """The next message; None after ``timeout``; ConnectionClosed once it is over."""
        try:
            data = self._inbox.get(timeout=timeout)
        except queue.Empty:
            return None
        if data is self._closed:
            self._inbox.put(data)
            raise ConnectionClosed(self.ws.close_code, self.ws.close_reason)
        return data

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Send a close frame; the reading thread ends when the other side answers."""
        with self.ws.lock:
            self.ws.write(self.ws.frame_close(code, reason))

    def wait_closed(self, timeout: float) -> bool:
        return self._done.wait(timeout)


class BotSocket:
    """One WebSocket as a bot sees it: JSON frames out and in, every received frame kept.
    ``ws`` is its :class:`Reader` (raw messages)."""

    _echoes = itertools.count(1)

    def __init__(self, ws: Reader, path: str = "", headers: dict[str, str] | None = None):
        self.ws = ws
        self.path = path
        self.headers = headers or {}
        self.received: list[Any] = []  # every frame, decoded, in arrival order
        self._unread: collections.deque = collections.deque()  # skipped by call()

    @property
    def role(self) -> str | None:
        return self.headers.get("X-Client-Role")

    @property
    def connected(self) -> bool:
        return self.ws.connected

    @property
    def close_code(self) -> int | None:
        """The close code the server sent (None while open; 1005: none sent)."""
        return self.ws.close_code

    def send(self, value: Any) -> None:
        self.ws.send(_json.dumps(value, ensure_ascii=False))

    def send_raw(self, data: str | bytes) -> None:
        self.ws.send(data)

    def _read(self, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no frame within {timeout} s on {self.path or 'socket'}")
            data = self.ws.receive(timeout=left)  # raises ConnectionClosed once closed
            if data is not None:
                value = _json.loads(data)
                self.received.append(value)
                return value

    def receive(self, timeout: float = DEFAULT_TIMEOUT) -> Any:
        """The next frame (decoded JSON), including those skipped by :meth:`call`."""
        if self._unread:
            return self._unread.popleft()
        return self._read(timeout)

    def receive_nothing(self, within: float = 0.3) -> None:
        """Assert that no frame arrives within ``within`` seconds."""
        try:
            frame = self.receive(within)
        except TimeoutError:
            return
        raise AssertionError(f"expected no frame, got {frame!r}")

    def next_event(self, predicate: Callable[[dict], bool] | None = None,
                   timeout: float = DEFAULT_TIMEOUT) -> dict:
        """The next event (a frame with ``post_type``) matching ``predicate``; others skipped."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self.receive(max(0.0, deadline - time.monotonic()))
            if isinstance(frame, dict) and "post_type" in frame and (
                    predicate is None or predicate(frame)):
                return frame

    def call(self, action: str, params: dict | None = None, echo: Any = None,
             timeout: float = DEFAULT_TIMEOUT) -> dict:
        """Send ``{action, params, echo}`` and return the response with that echo; frames
        received meanwhile stay readable by :meth:`receive` / :meth:`next_event`."""
        echo = f"fakebot-{next(self._echoes)}" if echo is None else echo
        frame = {"action": action, "echo": echo}
        if params is not None:
            frame["params"] = params
        self.send(frame)
        deadline = time.monotonic() + timeout
        skipped = []
        try:
            while True:
                value = self._read(max(0.0, deadline - time.monotonic()))
                if isinstance(value, dict) and "post_type" not in value and value.get(
                        "echo", object()) == echo:
                    return value
                skipped.append(value)
        finally:
            self._unread.extend(skipped)

    def close(self, code: int = 1000, reason: str = "") -> None:
        try:
            self.ws.close(code, reason)
        except (ConnectionClosed, OSError):
            pass

    def wait_closed(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """Wait until the other side closes; returns the close code it sent."""
        if not self.ws.wait_closed(timeout):
            raise TimeoutError(f"connection {self.path} still open after {timeout} s")
        return self.ws.close_code


def connect(url: str, headers: dict[str, str] | None = None) -> BotSocket:
    """Open a forward WebSocket (e.g. ``runner.url("ws") + "/event"``), read by its own thread.

    Raises :class:`HandshakeError` (``.status_code``) when the handshake is refused."""
    ws = ws_transport.connect(url, headers, timeout=DEFAULT_TIMEOUT)
    return BotSocket(Reader(ws).start(f"fakebot-ws {url}"), path=url)


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
