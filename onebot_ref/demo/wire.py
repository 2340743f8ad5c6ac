"""The demo bot's side of the wire: what any bot uses, and nothing of onebot_ref's server. An
HTTP client (requests) and a WebSocket (:func:`onebot_ref.modes.ws_transport.connect` to dial,
the same module's ``accept`` for the reverse WebSocket the listener takes, :mod:`.listener`),
each frame read by one thread into a queue. Every request and handshake carries the
``User-Agent`` :data:`USER_AGENT`, which is how the journal and the page tell the demo bot from
a real one.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
from typing import Any, Callable

from .. import __version__
from ..modes.ws_transport import ConnectionClosed, WebSocket, connect

#: "onebot_ref-demo-bot" is the sequence view's mark of the demo bot (static/sequence.json)
USER_AGENT = f"onebot_ref-demo-bot/{__version__}"
TIMEOUT = 5.0  # seconds for any answer of our own server on 127.0.0.1


class Http:
    """The HTTP API as the demo bot calls it: one keep-alive session, the bot's User-Agent."""

    def __init__(self, base: str):
        import requests  # late: `demo --list` needs no HTTP client

        self.base = base
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def request(self, method: str, path: str, **kwargs):
        return self.session.request(method, self.base + path, timeout=TIMEOUT, **kwargs)

    def close(self) -> None:
        self.session.close()


class Socket:
    """One WebSocket, dialled or accepted: JSON out, frames in (read by :meth:`run` in a thread
    of its own or, for an accepted one, the listener's); events kept apart from answers."""

    _closed = object()
    _echoes = itertools.count(1)

    def __init__(self, ws: WebSocket, name: str):
        self.ws, self.name = ws, name
        self._inbox: queue.Queue = queue.Queue()
        self._done = threading.Event()
        self.events: list[dict] = []  # events read while waiting for an answer
        self.headers: dict[str, str] = {}  # an accepted socket's handshake headers

    @classmethod
    def dial(cls, url: str, headers: dict[str, str] | None = None) -> "Socket":
        ws = connect(url, {"User-Agent": USER_AGENT, **(headers or {})}, timeout=TIMEOUT)
        socket = cls(ws, url)
        threading.Thread(target=socket.run, name=f"demo-bot-ws {url}", daemon=True).start()
        return socket

    def run(self) -> None:
        try:
            while True:
                data = self.ws.receive()
                if data is not None:
                    self._inbox.put(data)
        except ConnectionClosed:
            pass
        finally:
            self._inbox.put(self._closed)
            self._done.set()

    def send(self, value: Any) -> None:
        """A JSON value, or a str sent as it is (a frame that is not JSON)."""
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        with self.ws.lock:
            self.ws.write(self.ws.frame(text))

    def receive(self, timeout: float = TIMEOUT) -> Any:
        """The next frame, decoded; TimeoutError, or ConnectionClosed once it is over."""
        try:
            data = self._inbox.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"{self.name}: no frame within {timeout} s") from None
        if data is self._closed:
            self._inbox.put(data)
            raise ConnectionClosed(self.ws.close_code, self.ws.close_reason)
        return json.loads(data)

    def call(self, action: str, params: dict | None = None, echo: Any = None) -> dict:
        """Send ``{action, params, echo}``; the answer with that echo (events on the way are
        kept in :attr:`events`)."""
        echo = f"demo-{next(self._echoes)}" if echo is None else echo
        self.send({"action": action, "params": params or {}, "echo": echo})
        while True:
            frame = self.receive()
            if isinstance(frame, dict) and "post_type" in frame:
                self.events.append(frame)
            elif isinstance(frame, dict) and frame.get("echo") == echo:
                return frame

    def next_event(self, test: Callable[[dict], bool] = lambda e: True,
                   timeout: float = TIMEOUT) -> dict:
        for index, event in enumerate(self.events):
            if test(event):
                return self.events.pop(index)
        while True:
            frame = self.receive(timeout)
            if isinstance(frame, dict) and "post_type" in frame and test(frame):
                return frame

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Send a close frame and wait for the other side's answer."""
        try:
            with self.ws.lock:
                self.ws.write(self.ws.frame_close(code, reason))
        except (ConnectionClosed, OSError):
            pass
        self._done.wait(TIMEOUT)

    @property
    def open(self) -> bool:
        return not self._done.is_set()
