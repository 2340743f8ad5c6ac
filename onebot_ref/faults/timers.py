"""The one thread of the faults (``faults``): what a fault does later (a held WebSocket answer
sent, a blackhole or a refusal ended, a restart's downtime over).

A supervised worker of the runner's registry (workers.py, SUP-1..3): each due job is one job of
the worker, so a job that raises is reported on the ``server`` channel and the thread goes on
with the next. It is created and started the first time something is scheduled (a runner that
never injects a fault has no such thread); :meth:`Timers.stop` ends it and drops what was still
due.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from typing import Any, Callable

from ..workers import STOP, Worker, Workers


class Timers:
    """``after(seconds, job)``, ``cancel(number)``; ``stop()``. ``workers``: the registry its
    thread is one of."""

    def __init__(self, workers: Workers | None = None) -> None:
        self.workers = workers if workers is not None else Workers()  # else: one of its own
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()  # ties keep their order; jobs are never compared
        self._cond = threading.Condition()
        self._worker: Worker | None = None
        self._stopped = False

    def after(self, seconds: float, job: Callable[[], None]) -> int:
        """Run ``job`` in ``seconds``; the number :meth:`cancel` takes."""
        with self._cond:
            number = next(self._order)
            if self._stopped:
                return number
            heapq.heappush(self._due, (time.monotonic() + seconds, number, job))
            if self._worker is None:
                self._worker = self.workers.worker("faults", self._next_due, _run).start()
            self._cond.notify()
        return number

    def cancel(self, number: int) -> None:
        """Forget a job not yet run (a fault removed before its ``ms`` ran out: nothing of it
        stays behind until then)."""
        with self._cond:
            kept = [entry for entry in self._due if entry[1] != number]
            if len(kept) != len(self._due):
                heapq.heapify(kept)
                self._due = kept

    @property
    def pending(self) -> int:
        return len(self._due)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._due.clear()
            self._cond.notify()
        if self._worker is not None:
            self._worker.stop(wake=self._wake, timeout=1.0)

    def _wake(self) -> None:
        with self._cond:
            self._cond.notify()

    def _next_due(self) -> Any:
        """The worker's wait: the next job once it is due, :data:`STOP` once stopped."""
        with self._cond:
            while not self._stopped and (
                    not self._due or self._due[0][0] > time.monotonic()):
                self._cond.wait(self._due[0][0] - time.monotonic() if self._due else None)
            if self._stopped:
                return STOP
            return heapq.heappop(self._due)[2]


def _run(job: Callable[[], None]) -> None:
    job()
