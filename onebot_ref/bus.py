"""The event bus: the world publishes events here; transports register sinks.

The bus knows no transport (it imports none): HTTP POST registers itself as a ``"post"`` sink,
the WebSocket modes as ``"push"`` sinks. One supervised thread (``event-bus``, a
:class:`~.workers.Worker`) delivers events in publish order; a sink that raises is reported
(log and ``server`` journal frame) and the other sinks, and the next events, go on (SUP-1).

The ordering rule of OneBot 11 lives here:

    communication/ws.md#event-接口: "当 HTTP POST 和 WebSocket 都开启时，事件先通过 HTTP POST
    上报，处理完快速操作后，再推送给 WebSocket 客户端" (POST-14, WSF-20)

so for each event every "post" sink runs to completion (POST + quick operation) before any "push"
sink sees it. A "post" sink must bound its own time (``post_timeout``); push sinks must only
enqueue (a slow WebSocket client has its own queue and never stalls the bus).
"""

from __future__ import annotations

import queue
import threading
from typing import Callable

from .protocol import wire
from .protocol.message import to_format
from .workers import STOP, Workers

STAGES = ("post", "push")


def as_format(event: dict, fmt: str) -> dict:
    """The event with ``message`` in ``fmt`` ("string" | "array"), as bots receive it; spec
    event/README.md: "消息事件的 message 字段格式取决于 event.message_format 配置" (EVT-5)."""
    if isinstance(event.get("message"), list):
        return dict(event, message=to_format(event["message"], fmt))
    return event


#: The keys that say what an event is, most general first.
_KIND_KEYS = ("post_type", "message_type", "notice_type", "request_type", "meta_event_type",
              "sub_type")


def event_kind(event: object) -> str:
    """``message.private.friend``: what an event is, as logs and journal verdicts name it."""
    if not isinstance(event, dict):
        return f"({type(event).__name__})"
    return ".".join(str(event[key]) for key in _KIND_KEYS if key in event) or "(no post_type)"


class Published:
    """One published event, serialised at most once per message format (never once per client).

    ``event`` is the canonical dict: its ``message`` (if any) is a segment array.
    """

    __slots__ = ("event", "_dicts", "_bodies", "_lock")

    def __init__(self, event: dict):
        self.event = event
        self._dicts: dict[str, dict] = {}
        self._bodies: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def as_dict(self, fmt: str) -> dict:
        """:func:`as_format` of the event, made once per format."""
        with self._lock:
            d = self._dicts.get(fmt)
            if d is None:
                d = self._dicts[fmt] = as_format(self.event, fmt)
            return d

    def body(self, fmt: str) -> bytes:
        """Compact UTF-8 JSON, not ASCII-escaped (POST-7: the form Koishi re-creates
        when it checks the signature), encoded once per format."""
        body = self._bodies.get(fmt)
        if body is None:
            body = wire.body(self.as_dict(fmt))
            self._bodies[fmt] = body
        return body

    def text(self, fmt: str) -> str:
        return self.body(fmt).decode("utf-8")

    def __repr__(self) -> str:  # how a failed delivery is named in the journal
        return f"event {event_kind(self.event)}"


Sink = Callable[[Published], None]


class Bus:
    """publish(event) returns at once; the ``event-bus`` thread runs post sinks, then push sinks."""

    def __init__(self, message_format: str = "string", workers: Workers | None = None):
        self.message_format = message_format
        self._sinks: dict[str, list[Sink]] = {stage: [] for stage in STAGES}
        self._sinks_lock = threading.Lock()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self.workers = workers if workers is not None else Workers()
        self._worker = self.workers.worker("event-bus", self._queue.get, self._deliver)
        self._started = False
        self._idle = threading.Condition()
        self._pending = 0

    def add_sink(self, sink: Sink, stage: str = "push") -> None:
        if stage not in STAGES:
            raise ValueError(f"stage must be one of {STAGES}, got {stage!r}")
        with self._sinks_lock:
            # copy-on-write: the delivery thread iterates a snapshot without locking
            self._sinks = dict(self._sinks, **{stage: self._sinks[stage] + [sink]})

    def remove_sink(self, sink: Sink) -> None:
        with self._sinks_lock:
            self._sinks = {stage: [s for s in sinks if s is not sink]
                           for stage, sinks in self._sinks.items()}

    def publish(self, event: dict) -> Published:
        """Queue an event for delivery; never blocks on a receiver."""
        published = Published(event)
        with self._idle:
            self._pending += 1
        self._queue.put(published)
        if not self._started:  # not started (tests of the world alone): deliver inline
            self._deliver(self._queue.get())
        return published

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._worker.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Deliver what is queued (within ``timeout``), then stop the thread."""
        if self._started:  # the STOP goes behind what is queued: those are delivered first
            self._worker.stop(wake=lambda: self._queue.put(STOP), timeout=timeout, drain=True)
            self._started = False  # a late publish (a request finishing) is delivered inline

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until every published event has been through every sink (for tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _deliver(self, published: Published) -> None:
        try:
            sinks, guard = self._sinks, self.workers.guard
            for stage in STAGES:  # "post" first, then "push": POST-14
                for sink in sinks[stage]:
                    guard(sink, sink, published)  # a broken sink must not stop the others
        finally:
            with self._idle:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.notify_all()
