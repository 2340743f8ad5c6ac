"""The traffic journal: every frame that crosses the wire, with the server's verdict.

Every mode calls :meth:`Traffic.record`; the console reads it (``GET /sim/traffic?after=SEQ``,
the web page, ``python -m onebot_ref tail``). It is httpbin's "what did we see of the request",
kept over time. Bounded in memory (the oldest frames are dropped first). Secrets are masked in
every frame it gives out, so the journal can be shown to anyone who can see the console.

Recording is on the path of every request and WebSocket frame, reading happens when someone
looks: :meth:`~Traffic.record` only appends the frame's pieces as given (a tuple, under a plain
lock), and :meth:`~Traffic.since` builds the frames and masks them. ``headers`` may be given as
a function that returns them, called only when the frame is read.

BAD-5: the journal never holds a value it cannot serialise. What the transports record was
decoded strictly (protocol/wire.py) or built by onebot_ref; what did not decode is recorded
as it arrived, and :func:`safe` makes that a description: bytes become their length and
``repr`` (when recorded: a big binary frame is not kept whole), a text's lone surrogates become
``\\udXXX`` escapes (when read).
"""

from __future__ import annotations

import collections
import itertools
import re
import threading
import time
from typing import Any, Callable, Mapping

#: Headers whose values are credentials: kept as scheme + first 2 characters.
_SECRET_HEADERS = {"authorization", "x-signature"}
_TOKEN_IN_QUERY = re.compile(r"(access_token=)([^&\s]*)")
#: the channels: OneBot 11's four modes, the Milky face's API (``milky``), its event streams
#: (``milky_event``: WebSocket and SSE) and WebHooks (``milky_webhook``), the console,
#: ``demo``: the steps of a guided demo (``python -m onebot_ref demo``, onebot_ref/demo/),
#: ``fault``: what an injected fault did (onebot_ref/faults/), and ``server``: onebot_ref's
#: reports about itself (a thread's job that failed, a worker that stopped and runs again:
#: see workers.py)
CHANNELS = ("http", "http_post", "ws", "ws_reverse", "milky", "milky_event", "milky_webhook",
            "console", "demo", "fault", "server")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: How much of an undecodable frame the journal shows.
SHOWN_BYTES = 200


def safe(data: Any) -> Any:
    """``data`` as the journal keeps it: JSON values as they are; bytes (a binary frame, a body
    that is not UTF-8) as a description; a text holding lone surrogates with them escaped."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        more = "..." if len(raw) > SHOWN_BYTES else ""
        return f"<{len(raw)} bytes: {raw[:SHOWN_BYTES]!r}{more}>"
    if isinstance(data, str) and not data.isascii() and _SURROGATE.search(data):
        return data.encode("utf-8", "backslashreplace").decode("utf-8")
    return data


def mask_secret(value: str) -> str:
    """'Bearer s3cret' -> 'Bearer s3****'; 'sha1=ab12..' -> 'sha1=ab****'."""
    for sep in (" ", "="):
        if sep in value:
            head, _, secret = value.partition(sep)
            return f"{head}{sep}{secret[:2]}****"
    return f"{value[:2]}****"


def mask_headers(headers: Mapping[str, str] | None) -> dict[str, str] | None:
    if headers is None:
        return None
    return {k: (mask_secret(v) if k.lower() in _SECRET_HEADERS else v)
            for k, v in headers.items()}


def mask_url(url: str) -> str:
    if "access_token=" not in url:  # the common case: no regex on the hot path
        return url
    return _TOKEN_IN_QUERY.sub(lambda m: m.group(1) + (m.group(2)[:2] + "****"
                                                       if m.group(2) else ""), url)


def _frame(pieces: tuple) -> dict:
    """A recorded frame as the console shows it, secrets masked (docs/console-api.md)."""
    seq, when, channel, direction, peer, data, verdict, headers, path = pieces
    frame = {"seq": seq, "time": when, "channel": channel, "direction": direction,
             "peer": peer, "data": data if isinstance(data, (dict, list)) else safe(data)}
    if path is not None:
        frame["path"] = mask_url(path)
    if headers is not None:
        frame["headers"] = mask_headers(headers() if callable(headers) else headers)
    if verdict:
        frame["verdict"] = verdict
    return frame


class Traffic:
    """A bounded, sequence-numbered journal of frames."""

    def __init__(self, limit: int = 5000):
        #: (seq, time, channel, direction, peer, data, verdict, headers, path): as recorded
        self._frames: collections.deque[tuple] = collections.deque(maxlen=limit)
        self._seq = 0
        # Recording is on every request's path: a plain lock orders seq and append; the
        # condition is touched only when someone waits (the console's long polls).
        self._lock = threading.Lock()
        self._cond = threading.Condition(threading.Lock())
        self._waiters = 0

    def record(self, channel: str, direction: str, peer: str, data: Any, *,
               verdict: str | None = None,
               headers: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
               path: str | None = None) -> int:
        """Append one frame; returns its seq. ``data`` is the JSON value (or text) carried,
        kept as it is (the caller does not change it afterwards)."""
        if isinstance(data, (bytes, bytearray, memoryview)):
            data = safe(data)  # described now: at most SHOWN_BYTES of it are kept
        with self._lock:
            self._seq = seq = self._seq + 1
            self._frames.append((seq, time.time(), channel, direction, peer, data, verdict,
                                 headers, path))
        if self._waiters:  # read after seq moved: a waiter either sees it or is notified
            with self._cond:
                self._cond.notify_all()
        return seq

    @property
    def cursor(self) -> int:
        return self._seq

    def since(self, after: int = 0, limit: int = 500) -> tuple[list[dict], int]:
        """Frames with seq > after (at most ``limit``), and the cursor to pass next time."""
        with self._lock:
            frames = self._frames
            # seqs are consecutive: the first wanted frame's place is known without a scan
            start = max(0, after - frames[0][0] + 1) if frames else 0
            raw = list(itertools.islice(frames, start, start + max(0, limit)))
            cursor = raw[-1][0] if raw else max(after, 0)
            if not raw and after > self._seq:  # a cursor from before a restart
                cursor = self._seq
        return [_frame(pieces) for pieces in raw], cursor

    def wait(self, after: int, timeout: float) -> bool:
        """Block until a frame with seq > after exists, or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._waiters += 1
            try:
                while self._seq <= after:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._cond.wait(left):
                        return self._seq > after
                return True
            finally:
                self._waiters -= 1

    def find(self, predicate, timeout: float = 5.0, after: int = 0) -> dict | None:
        """The first frame after ``after`` satisfying ``predicate``, waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            frames, cursor = self.since(after, limit=10**9)
            for frame in frames:
                if predicate(frame):
                    return frame
            after = cursor
            left = deadline - time.monotonic()
            if left <= 0 or not self.wait(after, left):
                return None
