"""Faults from a bot's test: the part of :class:`~onebot_ref.testing.OneBotServer` that makes
the server misbehave (README "Faults"; docs/console-api.md "Faults").

    with ob.fault("no_answer", action="get_msg", times=1):     # removed when the block ends
        ...                                                    # the bot's get_msg times out
    fault = ob.faults.drop(channel="ws")                       # a method per type
    delay = ob.expect_reconnect(after=fault, within=10)        # seconds the bot took
    ob.connections()                                           # GET /sim/connections

Every call is one request to the console, as ``python -m onebot_ref fault ...`` makes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..faults.methods import Applied, FaultMethods

if TYPE_CHECKING:
    from .client import ConsoleClient


class ConsoleFaults(FaultMethods):
    """:class:`~onebot_ref.faults.methods.FaultMethods` over a console: ``ob.faults``."""

    def __init__(self, console: ConsoleClient):
        self.console = console

    def add(self, body: dict) -> dict:
        __tracebackhide__ = True
        return self.console.post("/sim/faults", body)

    def remove(self, fid: str) -> dict | None:
        __tracebackhide__ = True
        answer = self.console.delete(f"/sim/faults/{fid}")
        return None if answer is None else answer["removed"]

    def since(self, after: int = 0, *, wait: float = 0.0, channel: str | None = None,
              open_only: bool = False) -> tuple[list[dict], int]:
        __tracebackhide__ = True
        query: dict[str, Any] = {"after": after, "wait": f"{wait:.3f}"}
        if channel is not None:
            query["channel"] = channel
        if open_only:
            query["open"] = "true"
        page = self.console.get("/sim/connections", timeout=wait + 10, **query)
        return page["connections"], page["cursor"]

    def list(self) -> list[dict]:
        """The active faults, each with ``fired``."""
        return self.console.get("/sim/faults")["faults"]

    def clear(self) -> int:
        """Remove every fault; how many there were."""
        return self.console.delete("/sim/faults")["removed"]


class FaultsMixin:
    """fault, faults, connections, expect_reconnect."""

    console: ConsoleClient

    @property
    def faults(self) -> ConsoleFaults:
        """A method per fault type (``ob.faults.drop(channel="ws")``), ``list()``,
        ``clear()``."""
        return ConsoleFaults(self.console)

    def fault(self, type: str, /, **kwargs: Any) -> Applied:
        """Apply a fault by its type's name; ``kwargs``: its attributes (``ms=...``), its
        target (``channel``, ``role``, ``connection``, ``action``), ``times``, ``probability``,
        ``seed``. A bad one raises ValueError naming the field. ``with`` removes it on exit."""
        __tracebackhide__ = True
        return self.faults.fault(type, **kwargs)

    def connections(self, *, open_only: bool = False, channel: str | None = None) -> list[dict]:
        """Every connection (``id``, ``channel``, ``role``, ``peer``, ``opened``, ``closed``,
        ``close_code``, ``closed_by``: server | client | network, ``clean``), oldest first."""
        return self.faults.since(0, channel=channel, open_only=open_only)[0]

    def expect_reconnect(self, after: dict, within: float = 10.0) -> float:
        """Seconds from the fault ``after`` to the bot's (or our reverse client's) first new
        connection on the channels it hit; AssertionError when none comes ``within`` s."""
        __tracebackhide__ = True
        return self.faults.expect_reconnect(after, within)
