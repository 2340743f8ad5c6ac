"""The one thread of the faults (``faults``): what a fault does later (a held WebSocket answer
sent, a blackhole or a refusal ended, a restart's downtime over).

Started the first time something is scheduled (a runner that never injects a fault has no such
thread); a job that raises is logged and the thread goes on; :meth:`Timers.stop` ends it and
drops what was still due.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)


class Timers:
    """``after(seconds, job)``; ``stop()``."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()  # ties keep their order; jobs are never compared
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def after(self, seconds: float, job: Callable[[], None]) -> None:
        with self._cond:
            if self._stopped:
                return
            heapq.heappush(self._due, (time.monotonic() + seconds, next(self._order), job))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="faults", daemon=True)
                self._thread.start()
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._due.clear()
            self._cond.notify()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(1.0)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (
                        not self._due or self._due[0][0] > time.monotonic()):
                    self._cond.wait(self._due[0][0] - time.monotonic() if self._due else None)
                if self._stopped:
                    return
                _, _, job = heapq.heappop(self._due)
            try:
                job()
            except Exception:  # a job's bug must not end the others
                log.exception("faults: a scheduled job failed")
