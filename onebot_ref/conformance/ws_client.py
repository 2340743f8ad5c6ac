"""WebSocket connections as the runner sees them: the forward ones it opens, the reverse ones
the target opens to its listener. Both are a :class:`Frames`: one thread reads (pings and closes
are answered by the transport as they come), every frame is kept with its arrival time, and a
case waits on the list with a timeout. The transport is onebot_ref's WebSocket seam
(``modes/ws_transport.py``), used only through ``connect``/``accept`` and a connection's
``receive``/``frame``/``write``, the way any client uses a WebSocket library.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from ..modes import ws_transport
from ..modes.ws_transport import ConnectionClosed, HandshakeError, WebSocket
from .http_client import strict_json
from .model import Fail, TimedOut, Unreachable
from .wirelog import as_text

_NOT_JSON = object()


@dataclass(frozen=True)
class Frame:
    time: float        # time.monotonic() when it arrived (or was sent)
    sent: bool         # True: the runner sent it
    text: str
    value: Any         # the parsed JSON, or _NOT_JSON
    binary: bool = False  # it came in a binary frame

    @property
    def is_json(self) -> bool:
        return self.value is not _NOT_JSON

    @property
    def is_event(self) -> bool:
        return isinstance(self.value, dict) and "post_type" in self.value

    @property
    def is_answer(self) -> bool:
        """An API answer: a JSON object that is not an event."""
        return isinstance(self.value, dict) and "post_type" not in self.value


def parse(text: str) -> Any:
    try:
        return strict_json(text)
    except ValueError:
        return _NOT_JSON


class Frames:
    """One WebSocket: ``frames`` (both directions, in order), ``closed`` once it is over."""

    def __init__(self, ws: WebSocket, channel: str, url: str = "",
                 headers: dict[str, str] | None = None):
        self.ws, self.channel, self.url = ws, channel, url
        self.headers = headers or {}  # the handshake's (a reverse connection's: the target's)
        self.frames: list[Frame] = []
        self.opened = time.monotonic()
        self.closed: float | None = None
        self._cond = threading.Condition()

    def header(self, name: str) -> str | None:
        """A handshake header, its name in any case."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def start(self) -> "Frames":
        threading.Thread(target=self.run, name=f"conform-ws {self.channel}", daemon=True).start()
        return self

    def run(self) -> None:
        """Read until the connection ends (in a thread of its own, or a listener's)."""
        try:
            while True:
                data = self.ws.receive()
                if data is not None:
                    text = as_text(data)
                    self._keep(Frame(time.monotonic(), False, text, parse(text),
                                     isinstance(data, (bytes, bytearray))))
        except (ConnectionClosed, OSError):
            pass
        finally:
            with self._cond:
                self.closed = time.monotonic()
                self._cond.notify_all()

    def _keep(self, frame: Frame) -> None:
        with self._cond:
            self.frames.append(frame)
            self._cond.notify_all()

    @property
    def close_code(self) -> int | None:
        return None if self.closed is None else (self.ws.close_code or 1005)

    def send(self, value: Any = None, *, raw: str | bytes | None = None) -> None:
        """Send ``value`` as JSON text, or ``raw`` as it is (bytes: a binary frame)."""
        data = raw if raw is not None else json.dumps(value, ensure_ascii=False)
        text = as_text(data)
        try:
            with self.ws.lock:
                self.ws.write(self.ws.frame(data))
        except (ConnectionClosed, OSError) as err:
            raise Fail(f"{self.channel}: cannot send, the connection is closed ({err})") from None
        self._keep(Frame(time.monotonic(), True, text, parse(text)))

    def received(self, since: float = 0.0) -> list[Frame]:
        with self._cond:
            return [f for f in self.frames if not f.sent and f.time >= since]

    def wait(self, match: Callable[[Frame], bool], timeout: float, what: str,
             since: float = 0.0) -> Frame:
        """The first received frame since ``since`` that ``match`` accepts; TimedOut after
        ``timeout``; Fail if the connection ends first."""
        started = time.monotonic()
        deadline = started + timeout
        with self._cond:
            while True:
                for frame in self.frames:
                    if not frame.sent and frame.time >= since and match(frame):
                        return frame
                if self.closed is not None:
                    raise Fail(f"{self.channel}: the target closed the connection (code "
                               f"{self.close_code}) before {what}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimedOut(f"{self.channel}: {what}", time.monotonic() - started)
                self._cond.wait(left)

    def wait_closed(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.closed is not None, timeout)

    def call(self, action: str, params: Any = None, echo: Any = None, timeout: float = 5.0, *,
             frame: dict | None = None, raw: str | bytes | None = None) -> Frame:
        """Send one API request frame (``frame`` or ``raw`` as given, else built from the
        arguments; ``params`` and ``echo`` left out when None) and wait for the next answer,
        an object that is not an event. A frame that is not JSON fails the call."""
        if frame is None and raw is None:
            frame = {"action": action}
            if params is not None:
                frame["params"] = params
            if echo is not None:
                frame["echo"] = echo
        since = time.monotonic()
        self.send(frame, raw=raw)
        answer = self.wait(lambda f: f.is_answer or not f.is_json, timeout,
                           f"an answer to {action or 'the frame'}", since)
        if not answer.is_json:
            raise Fail(f"{self.channel}: the answer is not JSON: {answer.text[:200]!r}")
        return answer

    def close(self, code: int = 1000) -> None:
        try:
            with self.ws.lock:
                self.ws.write(self.ws.frame_close(code))
        except (ConnectionClosed, OSError):
            pass
        if not self.wait_closed(1.0):
            self.ws.drop()


def connect(url: str, channel: str, headers: dict[str, str], timeout: float) -> Frames:
    """Open a forward WebSocket; HandshakeError (refused: ``status_code``), TimedOut or Fail."""
    started = time.monotonic()
    try:
        ws = ws_transport.connect(url, headers, timeout=timeout)
    except HandshakeError as err:
        if err.status_code is None:  # no HTTP answer at all, or not a WebSocket one
            raise Unreachable(f"{url}: not a WebSocket handshake answer ({err})") from None
        raise
    except TimeoutError:
        raise TimedOut(f"connecting to {url}", time.monotonic() - started) from None
    except OSError as err:
        why = "connection refused (is the target running?)" if isinstance(
            err, ConnectionRefusedError) else f"{type(err).__name__}: {err}"
        raise Unreachable(f"cannot connect to {url}: {why}") from None
    return Frames(ws, channel, url, headers).start()
