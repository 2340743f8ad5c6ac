"""Heartbeat meta events (event/meta.md#心跳, META-6..10, A-16).

One supervised thread (``heartbeat``, a :class:`~..workers.Worker`: each beat is one job)
publishes a heartbeat every ``heartbeat_interval`` ms on the bus, so it reaches every event
channel: HTTP POST, forward ``/event`` and ``/``, reverse Event and Universal (META-7).

onebot_ref choices where the spec is silent (for the README): the first heartbeat comes one
interval after start (A-16, as go-cqhttp; legacy sent one at once), and beats follow a fixed
schedule (start + n × interval), so a slow beat does not shift the later ones; a beat that
could not happen in time is skipped rather than sent twice in a row.

Under ``clock: manual`` (onebot_ref/clock.py) there is no thread: the beats are timers of the
clock, fired by ``advance()`` in its caller's thread, one per interval of world time passed.
"""

from __future__ import annotations

import logging
import time

from ..faults.protocol import heartbeat as heartbeat_fault
from ..protocol import events
from ..protocol.coerce import Params
from ..workers import STOP
from . import Parts

log = logging.getLogger(__name__)


class Heartbeat:
    """``start()`` / ``stop()`` the ``heartbeat`` thread."""

    app = None  # it serves nothing

    def __init__(self, parts: Parts):
        self.bus, self.actions, self.world = parts.bus, parts.actions, parts.world
        self.faults = parts.faults
        self.interval_ms = parts.config.heartbeat_interval
        self.clock = parts.world.clock
        self._last = 0.0  # when the previous beat was due (time.monotonic()); start() sets it
        # a manual clock fires the beats itself (ManualClock.advance, in the caller's thread)
        self._worker = None if self.clock.manual else parts.workers.worker(
            "heartbeat", self._next_beat, self._beat)
        self._timer = None  # the manual clock's

    def start(self) -> None:
        if self._worker is None:
            self._timer = self.clock.every(self.interval_ms / 1000, self.beat)
            return
        self._last = time.monotonic()  # the first beat one interval after start
        self._worker.start()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._worker is not None:
            self._worker.stop(timeout=1.0)

    def _next_beat(self) -> str | None:
        """Wait until the next beat is due (STOP when stopping), on a fixed schedule: the
        interval is read each time, and a beat that failed does not shift the later ones."""
        interval = self.interval_ms / 1000
        due = self._last + interval
        if due < time.monotonic():  # we fell behind: skip, do not burst
            due = time.monotonic() + interval
        if self._worker.stopping.wait(max(0.0, due - time.monotonic())):
            return STOP
        self._last = due
        return "a heartbeat"  # the job, as a failure of it is reported

    def _beat(self, _job: str) -> None:
        self.beat()

    def event(self) -> dict:
        """The heartbeat event: event/meta.md "status ... 状态信息", "interval ... 到下次心跳的
        间隔，单位毫秒" (META-6); no sub_type (META-8)."""
        # event/meta.md: "其中 status 字段的内容和 get_status 接口的快速操作相同" (read: its
        # response data), so it comes from the action itself.
        envelope = self.actions.call("get_status", Params({}))
        status = envelope.get("data")
        if not isinstance(status, dict):
            log.warning("heartbeat: get_status failed (%s); sending a not-good status",
                        envelope.get("message"))
            status = {"online": True, "good": False}  # META-10: booleans for NoneBot
        return events.heartbeat(self.world.self_id, self.world.now(), status=status,
                                interval=self.interval_ms)

    def beat(self) -> None:
        event = self.event()
        if self.faults.active:  # a heartbeat fault: this beat skipped, or its interval wrong
            event = heartbeat_fault(self.faults, event)
        if event is not None:
            self.bus.publish(event)
