"""Supervised threads: every long-lived thread of onebot_ref is a :class:`Worker` of the runner's
one :class:`Workers` registry (SUP-1..4).

A worker is a named thread that loops over jobs: ``take()`` blocks until the next job and
returns it (:data:`STOP` ends the loop), ``run(job)`` does it. An exception in one job is a bug
of that job, not the end of the thread: it is logged with its traceback, journalled on the
traffic journal's ``server`` channel with a verdict naming the thread, the job and the
exception, and the worker goes on with the next job (SUP-1). An exception from ``take()`` is
reported the same way and the worker tries again after :data:`TAKE_RETRY` seconds, so a failure
that repeats does not spin.

No ``Exception`` ends a worker. What is left (``SystemExit``, a bug of the loop itself) is
reported as the worker having *stopped*; its loop starts again in the same thread after
:attr:`Workers.revive_after` seconds, or at once when its owner calls :meth:`Worker.start`.
Until then, and for a worker that should run but never started, :meth:`Workers.problems` names
it and ``get_status`` answers ``good: false`` (SUP-2). A worker its owner stopped is withdrawn.

A thread that is not a loop over jobs uses the same report: :meth:`Workers.guard` runs one job
(a connection's sender, an API request on a pool thread, a bus sink), :meth:`Workers.failed`
reports what a thread caught itself (a connection of the HTTP server). Shutdown: every owner
stops its own workers, in the order it needs; then :meth:`Workers.stop` stops and joins, within
a bound, whatever still runs and logs what would not end (SUP-3). modes/http_server.py shows a
loop that was not written for it adopting it::

    self._worker = workers.worker(name, self._next_client, self._admit)   # take, run
    self._worker.withdraw()   # begin_stop: the loop is about to end on purpose
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .traffic import Traffic

log = logging.getLogger(__name__)

#: The traffic-journal channel of onebot_ref's reports about itself.
CHANNEL = "server"
#: What ``take()`` returns to end the loop (the owner's ``stop()`` makes it return it).
STOP: Any = None
#: Seconds before ``take()`` is tried again after it raised.
TAKE_RETRY = 0.5
#: Characters of a traceback kept in a journal frame (the log has all of it).
TRACEBACK_CHARS = 4000


def clean_text(value: str, limit: int = 500) -> str:
    """``value`` as text the journal can always encode: a lone surrogate (an exception's
    message may carry one from bad input) becomes its escape; cut at ``limit`` characters."""
    text = value.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[:limit] + "..."


def describe(job: Any) -> str:
    """How the journal names a job: a text as it is; a function (or a ``(function, ...)``
    tuple) by its name; an object by its own ``repr`` if its class has one, else its type."""
    if isinstance(job, str):
        return job
    fn = job[0] if isinstance(job, tuple) and job and callable(job[0]) else job
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if callable(fn) and isinstance(name, str):
        return name
    if type(job).__repr__ is object.__repr__:
        return type(job).__name__
    try:
        return clean_text(repr(job), 120)
    except Exception:  # a repr that fails must not hide the failure being reported
        return type(job).__name__


def _error(err: BaseException) -> str:
    return clean_text(f"{type(err).__name__}: {err}" if str(err) else type(err).__name__)


class Workers:
    """The registry: every worker, whether each runs, and the journal failures go to.

    ``traffic``: the journal (None: failures are only logged). Until :meth:`open` nothing is
    expected to run (an ``Actions`` or a ``Bus`` used alone, in a test); the runner opens it once
    every part has started.
    """

    def __init__(self, traffic: Traffic | None = None, revive_after: float = 1.0):
        self.traffic = traffic
        self.revive_after = revive_after
        self._workers: list[Worker] = []
        self._lock = threading.Lock()
        self._opened = False

    # --- building ---------------------------------------------------------------------------
    def worker(self, name: str, take: Callable[[], Any], run: Callable[[Any], Any], *,
               stopping: threading.Event | None = None) -> Worker:
        """A new worker (not started): ``run(take())`` until ``take()`` returns :data:`STOP`.
        ``stopping``: an event of the owner's to use as the worker's (its jobs may wait on it)."""
        worker = Worker(self, name, take, run, stopping)
        with self._lock:
            self._workers.append(worker)
        return worker

    # --- guarding one job -------------------------------------------------------------------
    def guard(self, job: Any, fn: Callable[..., Any], *args: Any) -> bool:
        """``fn(*args)`` as one job of the current thread: False when it raised (reported,
        see :meth:`failed`). ``job`` names it (see :func:`describe`; computed only then)."""
        try:
            fn(*args)
            return True
        except Exception as err:
            self.failed(threading.current_thread().name, job, err)
            return False

    def failed(self, thread: str, job: Any, err: BaseException, stopped: bool = False) -> None:
        """Report a failure: the log (with the traceback) and a ``server`` journal frame. Never
        raises: a report that failed would end the thread it is meant to keep alive."""
        what, error = describe(job), _error(err)
        if stopped:
            verdict = (f"{thread} stopped: {error} (in {what}); get_status answers good: false "
                       "until it runs again")
        else:
            verdict = f"{thread}: {what} failed: {error}; the thread goes on with the next job"
        log.error("%s", verdict, exc_info=err)
        trace = clean_text("".join(traceback.format_exception(err)), limit=10**9)
        if len(trace) > TRACEBACK_CHARS:  # the end of it names the exception and where
            trace = "..." + trace[-TRACEBACK_CHARS:]
        self.note(thread, verdict, {"thread": thread, "job": what, "error": error,
                                    "traceback": trace})

    def note(self, thread: str, verdict: str, data: dict | None = None) -> None:
        """A ``server`` journal frame about ``thread`` (its peer is the thread's name)."""
        if self.traffic is None:
            return
        try:
            self.traffic.record(CHANNEL, "out", thread, data or {"thread": thread},
                                verdict=verdict)
        except Exception:  # the journal itself failing: the log line above is what remains
            log.exception("could not journal a report about %s", thread)

    # --- what runs --------------------------------------------------------------------------
    def open(self) -> None:
        """From now on every worker that was not stopped should run (the runner, after start)."""
        self._opened = True

    def __iter__(self):
        with self._lock:
            return iter(list(self._workers))

    def get(self, name: str) -> Worker | None:
        return next((w for w in self if w.name == name), None)

    def problems(self) -> list[str]:
        """One line per worker that should run and does not: what ``get_status`` reports."""
        if not self._opened:
            return []
        return [f"{w.name} is not running: {w.why}" for w in self
                if not w.withdrawn and not w.running]

    def stop(self, timeout: float = 2.0) -> list[str]:
        """Shutdown's last step, after every owner stopped its own: stop what still runs, join
        each within what is left of ``timeout``; the names of those that did not end (logged)."""
        self._opened = False
        workers = list(self)
        for worker in workers:
            worker.withdraw()
        deadline = time.monotonic() + timeout
        for worker in workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        stuck = [w.name for w in workers if w.alive]
        if stuck:
            log.warning("threads still running after shutdown: %s", ", ".join(stuck))
        return stuck


class Worker:
    """One supervised, named thread (see the module docstring): ``start()``, ``stop()``."""

    def __init__(self, registry: Workers, name: str, take: Callable[[], Any],
                 run: Callable[[Any], Any], stopping: threading.Event | None):
        self.registry, self.name, self._take, self._run = registry, name, take, run
        #: set when the worker is to end; its owner's jobs may wait on it
        self.stopping = stopping if stopping is not None else threading.Event()
        self.withdrawn = False  # stopped by its owner: it no longer should run
        self.running = False  # inside its loop
        #: why it is not running (see :meth:`Workers.problems`)
        self.why = "never started"
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()  # ends a revive pause: start() or stop()
        self._job: Any = None  # the job being run, to name it if the loop dies in it
        self._lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Worker:
        """Start the thread; revive a worker that stopped unexpectedly at once. Idempotent."""
        with self._lock:
            if self.stopping.is_set():
                return self
            if self.alive:
                self._wake.set()  # in a revive pause: end it now
                return self
            self.withdrawn = False
            self._thread = threading.Thread(target=self._main, name=self.name, daemon=True)
            self.running = True  # from now on: the thread is there to run the loop
            self._thread.start()
        return self

    def stop(self, wake: Callable[[], Any] | None = None, timeout: float = 2.0,
             drain: bool = False) -> bool:
        """Withdraw the worker and end it: after its current job, or with ``drain`` after the
        jobs already queued. ``wake()`` is the owner's way out of ``take()`` (a :data:`STOP` in
        its queue, behind the others when draining). Joined within ``timeout``; True when the
        thread has ended."""
        self.withdrawn = True
        if not drain:
            self.stopping.set()
        self._wake.set()
        if wake is not None:
            wake()
        self.join(timeout)
        self.stopping.set()
        return not self.alive

    def withdraw(self) -> None:
        self.withdrawn = True
        self.stopping.set()
        self._wake.set()

    def join(self, timeout: float) -> None:
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    # --- the thread -------------------------------------------------------------------------
    def _main(self) -> None:
        while True:
            self._wake.clear()  # a start() from now on ends the revive pause below at once
            try:
                self._loop()
                cause: BaseException | None = None
            except BaseException as err:  # not an Exception (SystemExit), or a bug of _loop
                cause = err
            if self.stopping.is_set() or self.withdrawn:
                break
            self.running, self.why = False, (
                f"stopped: {_error(cause)}" if cause is not None else "its loop ended")
            if cause is not None:
                self.registry.failed(self.name, self._job or "its loop", cause, stopped=True)
            else:
                self.registry.note(self.name, f"{self.name} stopped: its loop ended")
            self._wake.wait(self.registry.revive_after)
            if self.stopping.is_set() or self.withdrawn:
                break
            self.running, self.why = True, ""
            self.registry.note(self.name, f"{self.name} runs again")
        self.running, self.why = False, "stopped"

    def _loop(self) -> None:
        take, run, stopping, registry = self._take, self._run, self.stopping, self.registry
        while not stopping.is_set():
            try:
                job = take()
            except Exception as err:
                registry.failed(self.name, "waiting for the next job", err)
                stopping.wait(TAKE_RETRY)
                continue
            if job is STOP:
                return
            self._job = job
            try:
                run(job)
            except Exception as err:
                registry.failed(self.name, job, err)
            self._job = None
