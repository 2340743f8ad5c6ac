"""The Python face of the faults: a method per fault type, each returning an :class:`Applied`
fault (a context manager that removes it on exit), and ``expect_reconnect``.

    with runner.faults.no_answer(action="get_msg", times=1):    # in-process, on a Runner
        ...
    with ob.faults.drop(channel="ws") as fault:                  # the library (over the console)
        delay = ob.expect_reconnect(after=fault, within=10)

:class:`FaultMethods` is written once against three primitives, ``add(body) -> dict``,
``remove(id) -> dict | None`` and ``since(after, wait=...)`` (the connections): the registry
(``runner.faults``) implements them in-process, the testing library over the console's
``/sim/faults`` and ``/sim/connections``. Keyword arguments besides a type's own attributes:
``channel``, ``role``, ``connection``, ``action`` (the target), ``times``, ``probability``,
``seed``.
"""

from __future__ import annotations

from typing import Any, Callable

from .connections import reconnect_delay
from .table import body_of


class Applied(dict):
    """A fault as stored (``id``, ``type``, ``target``, its attributes, ``fired``, ...; close and
    drop: ``connections``, the ones they hit). ``with`` removes it when the block ends."""

    def __init__(self, stored: dict, remove: Callable[[str], dict | None]):
        super().__init__(stored)
        self._remove = remove

    @property
    def id(self) -> str:
        return self["id"]

    def remove(self) -> dict | None:
        """Remove it now (a held answer is let go); its last stored form, or None when it was
        already gone (used up, ended, or acting once)."""
        return self._remove(self["id"])

    def __enter__(self) -> Applied:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


class FaultMethods:
    """One method per fault type (docs: the README's fault table)."""

    def add(self, body: dict) -> dict:
        raise NotImplementedError

    def remove(self, fid: str) -> dict | None:
        raise NotImplementedError

    def since(self, after: int = 0, **query: Any) -> tuple[list[dict], int]:
        raise NotImplementedError

    def fault(self, type: str, /, **kwargs: Any) -> Applied:
        """Any fault by its type's name: ``fault("no_answer", action="get_msg", times=1)``."""
        __tracebackhide__ = True
        return Applied(self.add(body_of(type, **kwargs)), self.remove)

    def expect_reconnect(self, after: dict, within: float = 10.0) -> float:
        """Seconds from the fault ``after`` (close, drop, restart, ...) to the first new
        connection on the channels it hit; AssertionError when none comes ``within`` s."""
        __tracebackhide__ = True
        return reconnect_delay(self.since, after, within)

    # --- answers ----------------------------------------------------------------------------
    def delay_answer(self, ms: int, **where: Any) -> Applied:
        """The action runs; its answer comes ``ms`` milliseconds late."""
        return self.fault("delay_answer", ms=ms, **where)

    def no_answer(self, **where: Any) -> Applied:
        """The request is never answered (HTTP: held until the client gives up or the fault
        is removed); the action does not run."""
        return self.fault("no_answer", **where)

    def retcode(self, retcode: int = 100, status: str | None = None, message: str | None = None,
                **where: Any) -> Applied:
        """The action does not run; the answer carries ``retcode`` (and ``status``,
        ``message``)."""
        return self.fault("retcode", retcode=retcode, status=status, message=message, **where)

    def http_status(self, status: int = 500, **where: Any) -> Applied:
        """The HTTP API answers ``status`` (400-599) without running the action."""
        return self.fault("http_status", status=status, **where)

    def bad_answer(self, kind: str, **where: Any) -> Applied:
        """``kind``: not_json, wrong_echo, no_echo or twice (HTTP: not_json only)."""
        return self.fault("bad_answer", kind=kind, **where)

    # --- link -------------------------------------------------------------------------------
    def close(self, code: int = 1000, reason: str = "", **where: Any) -> Applied:
        """A close frame with ``code`` to the matching WebSocket connections open now."""
        return self.fault("close", code=code, reason=reason, **where)

    def drop(self, **where: Any) -> Applied:
        """The matching connections open now end with no close frame (the bot sees 1006)."""
        return self.fault("drop", **where)

    def blackhole(self, ms: int = 0, **where: Any) -> Applied:
        """The matching WebSocket connections open now go silent both ways (half-open), for
        ``ms`` (0: until removed)."""
        return self.fault("blackhole", ms=ms, **where)

    def refuse(self, ms: int = 0, status: int = 503, **where: Any) -> Applied:
        """Forward handshakes refused with ``status``, reverse clients not dialling, for ``ms``
        (0: until removed)."""
        return self.fault("refuse", ms=ms, status=status, **where)

    # --- protocol ---------------------------------------------------------------------------
    def heartbeat(self, *, skip: int | None = None, stop: bool | None = None,
                  interval_field: Any = None, **where: Any) -> Applied:
        """Skip ``skip`` beats, ``stop`` them until removed, or send a wrong
        ``interval_field``."""
        return self.fault("heartbeat", skip=skip, stop=stop, interval_field=interval_field,
                          **where)

    def lifecycle(self, *, skip_connect: bool | None = None, twice: bool | None = None,
                  **where: Any) -> Applied:
        """A new WebSocket connection gets no lifecycle connect, or two."""
        return self.fault("lifecycle", skip_connect=skip_connect, twice=twice, **where)

    def duplicate_event(self, copies: int = 2, **where: Any) -> Applied:
        """Each message, notice or request event delivered ``copies`` times."""
        return self.fault("duplicate_event", copies=copies, **where)

    def restart(self, downtime_ms: int = 2000, how: str = "close", **where: Any) -> Applied:
        """Every connection closed with 1001 (``how="drop"``: dropped), HTTP POST disable,
        ``downtime_ms`` of nothing, then enable and the reverse clients dial again."""
        return self.fault("restart", downtime_ms=downtime_ms, how=how, **where)

    def bad_signature(self, **where: Any) -> Applied:
        """HTTP POST events carry a wrong X-Signature."""
        return self.fault("bad_signature", **where)
