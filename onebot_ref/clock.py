"""The clock: where every time onebot_ref reports comes from (config key ``clock``).

event/README.md: time "事件发生的时间戳" (EVT-1). The world's ``now()`` (every event's and
stored message's ``time``, ban expiry, get_status uptime) and the heartbeat read one clock:

- :class:`RealClock` (``clock: real``, the default): the system's time. ``time()`` is
  ``time.time`` itself, so the default costs nothing.
- :class:`ManualClock` (``clock: manual``): time starts at ``start_time`` and moves only when a
  test calls :meth:`ManualClock.advance` (``ob.advance(seconds)``, ``POST /sim/clock``);
  heartbeats fire during ``advance`` only, in the caller's thread, one per interval passed. Two
  runs of the same test then produce byte-identical events.

Only reported time is the clock's: timeouts, reconnect intervals and the traffic journal's
``time`` stay on the real clock (a manual clock must not stop the server from working).
"""

from __future__ import annotations

import threading
import time
from typing import Callable

#: ``clock: manual`` without ``start_time``: 2025-01-01 00:00:00 UTC
DEFAULT_START_TIME = 1735689600


class RealClock:
    """The system clock."""

    manual = False
    #: float Unix seconds: ``time.time`` itself (no wrapper on the hot path)
    time = staticmethod(time.time)

    def describe(self) -> dict:
        return {"clock": "real", "time": int(self.time())}


class ManualClock:
    """Time that moves only when told: ``advance(seconds)``, which also fires what is due."""

    manual = True

    def __init__(self, start_time: int = DEFAULT_START_TIME):
        self.start_time = start_time
        self._now = float(start_time)
        self._timers: list[_Timer] = []
        self._lock = threading.Lock()  # the timers and the time
        self._advancing = threading.Lock()  # one advance at a time: beats stay in order

    def time(self) -> float:
        return self._now

    def describe(self) -> dict:
        return {"clock": "manual", "time": int(self._now), "start_time": self.start_time}

    def every(self, seconds: float, fn: Callable[[], None]) -> "_Timer":
        """Call ``fn`` each time ``seconds`` pass, the first ``seconds`` from now (A-16)."""
        if seconds <= 0:
            raise ValueError(f"interval must be positive, got {seconds}")
        with self._lock:
            timer = _Timer(self._now + seconds, seconds, fn)
            self._timers.append(timer)
        return timer

    def advance(self, seconds: float) -> int:
        """Move time forward by ``seconds``, firing every timer due on the way in time order
        (the clock reads each timer's due time while it fires); returns how many fired."""
        if not seconds >= 0:  # also refuses NaN
            raise ValueError(f"seconds must be 0 or more, got {seconds}")
        fired = 0
        with self._advancing:
            target = self._now + seconds
            while True:
                with self._lock:
                    live = [t for t in self._timers if not t.cancelled]
                    self._timers = live
                    due = min(live, key=lambda t: t.due, default=None)
                    if due is None or due.due > target:
                        self._now = target
                        return fired
                    self._now = due.due
                    due.due += due.interval
                due.fn()
                fired += 1


class _Timer:
    __slots__ = ("due", "interval", "fn", "cancelled")

    def __init__(self, due: float, interval: float, fn: Callable[[], None]):
        self.due, self.interval, self.fn, self.cancelled = due, interval, fn, False

    def cancel(self) -> None:
        self.cancelled = True


def from_config(clock: str, start_time: int) -> RealClock | ManualClock:
    """The clock of the config keys ``clock`` and ``start_time``."""
    return ManualClock(start_time) if clock == "manual" else RealClock()
