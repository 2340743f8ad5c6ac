"""The bot's WebSocket end, for tests: :func:`connect` opens a forward WebSocket to the server
under test and returns a :class:`BotSocket` (JSON frames: ``send``, ``receive``, ``call``,
``next_event``); :class:`fakebot.FakeBot` hands the reverse WebSockets the server opens to it as
the same class. Every wait has a timeout and raises ``TimeoutError`` naming what it waited for.

The socket is onebot_ref's own transport (``onebot_ref.modes.ws_transport``), read by one thread
(:class:`Reader`) as a bot's event loop would: pings and closes are answered at once.
Import these from ``fakebot``, which re-exports every name here.
"""

from __future__ import annotations

import collections
import itertools
import json as _json
import queue
import threading
import time
from typing import Any, Callable

from onebot_ref.modes import ws_transport
from onebot_ref.modes.ws_transport import ConnectionClosed, WebSocket

__all__ = ["DEFAULT_TIMEOUT", "BotSocket", "Reader", "connect"]

DEFAULT_TIMEOUT = 5.0


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
