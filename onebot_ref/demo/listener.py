"""The demo bot's listening side, for the modes where onebot_ref is the client: an HTTP POST
receiver (communication/http-post.md) and reverse WebSocket endpoints
(communication/ws-reverse.md), on one port of 127.0.0.1, served by the standard library's
``http.server`` (a thread per connection). Its paths start with ``/onebot_ref-demo-bot/``, so
every URL onebot_ref dials names the demo bot in the journal and the page.

    POST /onebot_ref-demo-bot/post           an event; answered by ``listener.answer(event)``
    GET  /onebot_ref-demo-bot/ws/<name>      a reverse WebSocket; ``listener.socket(name)``
"""

from __future__ import annotations

import hmac
import json
import queue
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from ..modes.ws_transport import HandshakeError, accept
from .wire import TIMEOUT, Socket

PREFIX = "/onebot_ref-demo-bot"


@dataclass
class Post:
    """One HTTP POST onebot_ref made: the event, its headers, and the signature's check."""

    event: Any
    headers: dict[str, str]
    signed: bool | None  # None: no X-Signature header


#: What the receiver answers an event with: (status, JSON body or None for an empty one).
Answer = Callable[[Any], "tuple[int, dict | None]"]


class Listener:
    def __init__(self, secret: str = ""):
        self.secret = secret
        self.answer: Answer = lambda event: (204, None)  # no quick operation (POST-8)
        self.posts: queue.Queue[Post] = queue.Queue()
        self.refusals: dict[str, list[int]] = {}  # name -> statuses of the next handshakes
        self._sockets: dict[str, queue.Queue[Socket]] = {}
        self._open: list[Socket] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.listener = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self.server.serve_forever, name="demo-bot-listener",
                                        daemon=True)

    def start(self) -> "Listener":
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            sockets = list(self._open)
        for socket in sockets:
            if socket.open:
                socket.close(1001, "demo over")
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str, scheme: str = "http") -> str:
        host, port = self.server.server_address[:2]
        return f"{scheme}://{host}:{port}{PREFIX}{path}"

    def _queue(self, name: str) -> queue.Queue[Socket]:
        with self._lock:
            return self._sockets.setdefault(name, queue.Queue())

    def socket(self, name: str, timeout: float = TIMEOUT) -> Socket:
        """The next reverse WebSocket onebot_ref opened on ``ws/<name>``."""
        try:
            return self._queue(name).get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"onebot_ref did not connect to ws/{name} within "
                               f"{timeout} s") from None

    def next_post(self, test: Callable[[Any], bool] = lambda e: True,
                  timeout: float = TIMEOUT) -> Post:
        while True:
            try:
                post = self.posts.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(f"no HTTP POST within {timeout} s") from None
            if test(post.event):
                return post

    def signed(self, body: bytes, header: str | None) -> bool | None:
        """communication/http-post.md: "签名以 `secret` 作为密钥，HTTP 正文作为消息，进行
        HMAC SHA1 哈希" — what the bot checks (POST-5)."""
        if header is None:
            return None
        expected = "sha1=" + hmac.new(self.secret.encode(), body, "sha1").hexdigest()
        return hmac.compare_digest(expected, header)


class _Handler(BaseHTTPRequestHandler):
    rbufsize = 0  # unbuffered: nothing past the upgrade's head is read before accept()
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # the journal shows it all
        pass

    @property
    def listener(self) -> Listener:
        return self.server.listener  # type: ignore[attr-defined]

    def _reply(self, status: int, body: dict | None = None) -> None:
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != PREFIX + "/post":
            return self._reply(404)
        try:
            event = json.loads(body)
        except ValueError:
            event = body.decode("utf-8", "replace")
        post = Post(event, dict(self.headers.items()),
                    self.listener.signed(body, self.headers.get("X-Signature")))
        self.listener.posts.put(post)
        self._reply(*self.listener.answer(event))

    def do_GET(self) -> None:
        name = self.path.removeprefix(PREFIX + "/ws/")
        if not self.path.startswith(PREFIX + "/ws/") or \
                self.headers.get("Upgrade", "").lower() != "websocket":
            return self._reply(404)
        with self.listener._lock:
            refusals = self.listener.refusals.get(name) or []
            status = refusals.pop(0) if refusals else None
        if status is not None:
            self.close_connection = True
            return self._reply(status)
        try:
            ws = accept(self.connection, "GET", self.path, self.headers.items())
        except HandshakeError as err:
            self.close_connection = True
            return self._reply(err.status_code or 400)
        socket = Socket(ws, f"ws/{name}")
        socket.headers = dict(self.headers.items())
        with self.listener._lock:
            self.listener._open.append(socket)
        self.listener._queue(name).put(socket)
        self.close_connection = True
        socket.run()  # this connection's thread reads it until it closes
