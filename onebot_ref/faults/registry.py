"""The active faults of one runner, the matching and the firing (FAULT-1..5).

:class:`Faults` stores what :func:`.table.parse` read, gives each fault an id (``f1``, ``f2``,
...), its own random stream (``probability`` with ``seed``: the same seed, the same firings)
and its count of firings, and removes it after ``times`` firings, when its ``ms`` run out, or
when asked. The transports ask :meth:`Faults.fire` at the points where faults act, and only
after reading :attr:`Faults.active`, a plain attribute that is False while no fault is stored:
that one read is all a fault costs the hot paths when none is on.
Every firing, and every fault's end, is a journal frame on channel ``fault``.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from typing import TYPE_CHECKING, Any, Callable

from . import link
from .connections import Connections
from .methods import FaultMethods
from .table import ROLES, parse
from .timers import Timers

if TYPE_CHECKING:
    from ..traffic import Traffic
    from ..workers import Workers
    from .table import Spec

#: the action-name suffixes of api/README.md (ACT-1, ACT-6): a fault on send_msg also holds
#: send_msg_async and send_msg_rate_limited
_SUFFIXES = ("_async", "_rate_limited")


class Fault:
    """One stored fault: what was asked, and what it has done."""

    def __init__(self, fid: str, spec: Spec, cursor: int):
        self.id, self.spec, self.type = fid, spec, spec.type.name
        self.target, self.attrs = spec.target, spec.attrs
        self.fired = 0
        self.seed = spec.seed if spec.seed is not None else random.randrange(2**63)
        self.rng = random.Random(self.seed)
        self.created, self.cursor = time.time(), cursor
        ms = spec.attrs[spec.type.lasts] if spec.type.lasts else 0
        self.until = self.created + ms / 1000 if ms else None  # None: until removed
        #: set when the fault ends, however (refusals end with it); ``released``: when it is
        #: removed by a request or the stop, not used up (held answers end with that)
        self.ended, self.released = threading.Event(), threading.Event()
        self.holding = 0  # HTTP requests a no_answer holds now
        self.hit: list[dict] = []  # the connections a link fault acted on
        self.timer: int | None = None  # its end's job in the timers (a fault with ms)

    def matches(self, channel: str, role: str | None, connection: int | None,
                action: str | None) -> bool:
        target = self.target
        if channel not in self.spec.type.channels or target.get("channel", channel) != channel:
            return False
        if "role" in target and target["role"] != role:
            return False
        if "connection" in target and target["connection"] != connection:
            return False
        if "action" in target:
            names = target["action"]
            if action not in names and (action is None or not any(
                    action.endswith(s) and action[:-len(s)] in names for s in _SUFFIXES)):
                return False
        return not (self.type == "bad_answer" and channel == "http"
                    and self.attrs["kind"] != "not_json")

    def as_dict(self) -> dict:
        out = {"id": self.id, "type": self.type, "target": self.target}
        out.update((k, v) for k, v in self.attrs.items() if v is not None)
        out.update(times=self.spec.times, probability=self.spec.probability, seed=self.seed,
                   fired=self.fired, created=self.created, until=self.until,
                   cursor=self.cursor)
        if self.spec.type.group == "link" or self.type == "restart":
            out["connections"] = self.hit
        if self.holding:
            out["holding"] = self.holding
        return out


class Faults(FaultMethods):
    """The faults of one runner; its :attr:`connections`; the ``faults`` thread's timers; a
    method per fault type (:class:`.methods.FaultMethods`: ``runner.faults.drop(...)``)."""

    def __init__(self, traffic: Traffic | None, workers: Workers | None = None):
        self.traffic = traffic
        #: False while no fault is stored: the transports' one check on their hot paths
        self.active = False
        self.connections = Connections()
        self.timers = Timers(workers)  # the ``faults`` thread: a supervised worker (SUP-1)
        #: the restart being waited out (None: up)
        self.down: Fault | None = None
        self._faults: tuple[Fault, ...] = ()  # copy-on-write: fire() reads without the lock
        #: used-up no_answer faults still holding HTTP requests (listed, removable, not fired)
        self._held: dict[str, Fault] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._restart_hooks: list[Callable[[bool], None]] = []
        #: set once the runner stops: held answers end without one
        self.stopping = False

    # --- the control plane ----------------------------------------------------------------
    def add(self, body: Any) -> dict:
        """Apply the fault ``body`` asks for (the ``POST /sim/faults`` body): stored and
        returned with its id, or, for close and drop, done at once and returned with the
        connections it hit. :class:`.table.FaultError` names what is wrong with it."""
        spec = parse(body)
        fault = Fault(f"f{next(self._ids)}", spec, self.connections.cursor)
        if spec.type.once:
            link.act_once(self, fault)
            fault.fired = len(fault.hit)
            return fault.as_dict()
        with self._lock:
            if self.stopping:
                raise RuntimeError("the runner is stopping: no fault can be added")
            self._faults += (fault,)
            self.active = True
        if fault.type == "blackhole":
            link.blackhole(self, fault)
        elif fault.type == "restart":
            link.restart(self, fault)
        if fault.until is not None:
            fault.timer = self.timers.after(fault.until - time.time(), lambda: self.remove(
                fault.id, f"ended after {spec.attrs[spec.type.lasts]} ms"))
        return fault.as_dict()

    def remove(self, fid: str, why: str | None = "removed") -> dict | None:
        """Remove a fault by id; its stored form, or None when there is no such fault (any
        more). A held answer is released, a blackhole ends, a restart comes back up."""
        with self._lock:
            fault = next((f for f in self._faults if f.id == fid), None)
            if fault is None:  # used up, and still holding requests: they are let go
                fault = self._held.pop(fid, None) if why is not None else None
                if fault is None:
                    return None
            self._faults = tuple(f for f in self._faults if f is not fault)
            self.active = bool(self._faults)
            if why is not None:
                fault.released.set()
        fault.ended.set()
        if fault.timer is not None:  # removed before its ms ran out (or by that very job)
            self.timers.cancel(fault.timer)
        if fault.type == "blackhole":
            link.end_blackhole(self, fault)
        elif fault.type == "restart":
            link.up(self, fault)
        if why is not None:  # None: its last firing's frame says it (see journal())
            self.journal(fault, f"{fault.id} {fault.type} {why} (fired {fault.fired} time(s))")
        return fault.as_dict()

    def clear(self) -> int:
        """Remove every fault; how many there were."""
        return sum(self.remove(f.id) is not None for f in [*self._faults, *self._held.values()])

    def list(self) -> list[dict]:
        return [f.as_dict() for f in [*self._faults, *self._held.values()]]

    def hold(self, fault: Fault, holding: bool) -> None:
        """A no_answer fault starts (True) or ends (False) holding one HTTP request."""
        with self._lock:
            fault.holding += 1 if holding else -1
            if holding and fault.ended.is_set() and not fault.released.is_set():
                self._held[fault.id] = fault  # used up by this very request
            elif not fault.holding:
                self._held.pop(fault.id, None)

    def since(self, after: int = 0, **query: Any) -> tuple[list[dict], int]:
        """The connections newer than ``after`` (:meth:`.connections.Connections.since`)."""
        return self.connections.since(after, **query)

    def stop(self) -> None:
        """The runner stops: every fault ends (held answers let go), the timers stop."""
        with self._lock:
            self.stopping = True
        self.clear()
        self.timers.stop()

    # --- at the points where faults act ---------------------------------------------------
    def fire(self, types: tuple[str, ...], channel: str, role: str | None = None,
             connection: int | None = None, action: str | None = None) -> Fault | None:
        """The oldest fault of ``types`` matching this point that fires now (its probability
        drawn from its own stream), counted, and removed when it has fired ``times`` times."""
        for fault in self._faults:
            if fault.type in types and fault.matches(channel, role, connection, action):
                with self._lock:
                    if fault not in self._faults:
                        continue  # removed meanwhile
                    if fault.spec.probability < 1 and \
                            fault.rng.random() >= fault.spec.probability:
                        continue
                    fault.fired += 1
                    done = fault.spec.times is not None and fault.fired >= fault.spec.times
                if done:
                    self.remove(fault.id, None)
                return fault
        return None

    def on_restart(self, hook: Callable[[bool], None]) -> None:
        """``hook(False)`` when a restart goes down, ``hook(True)`` when it is up again (HTTP
        POST's lifecycle disable and enable)."""
        self._restart_hooks.append(hook)

    def restarted(self, up: bool) -> None:
        for hook in self._restart_hooks:
            hook(up)

    def journal(self, fault: Fault, did: str, peer: str = "",
                connection: int | None = None) -> None:
        """The journal frame of a firing: ``did`` says what the fault did."""
        times = fault.spec.times
        if times is not None and fault.fired >= times:
            did += f" ({fault.id} used up: fired {fault.fired} of {times})"
        if self.traffic is not None:
            data = {"fault": fault.id, "type": fault.type, "did": did}
            if connection is not None:
                data["connection"] = connection
            self.traffic.record("fault", "out", peer, data, verdict=did)


def role_of(session: Any) -> str:
    """A WebSocket session's role as targets name it (API, Event, Universal)."""
    return ROLES[session.role]
