"""What the other users do, what the world is, what the bot called, and the manual clock:
the part of :class:`~onebot_ref.testing.OneBotServer` that does not wait.

Every method is one request to the console (docs/console-api.md), so a test does exactly what
a person at the web page or a shell script with ``python -m onebot_ref say`` can do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import ConsoleClient

_BEYOND = 2**63 - 1


class UsersMixin:
    """say, event, world, calls, advance."""

    console: ConsoleClient

    def say(self, user_id: int, message: str | list | dict, group_id: int | None = None,
            *, temp: bool = False) -> dict:
        """``user_id`` writes ``message`` (a CQ string, a segment array or one segment) to the
        bot privately, or in group ``group_id``; with ``temp=True`` and a group, privately as a
        member of that group (sub_type ``group``). Returns the event as the bots received it;
        the next ``expect_*`` looks at what the bot does after it."""
        __tracebackhide__ = True
        if isinstance(message, dict):
            message = [message]
        if group_id is not None and not temp:
            body = {"group_id": group_id, "user_id": user_id, "message": message}
            return self.console.post("/sim/group_message", body)["event"]
        body = {"user_id": user_id, "message": message}
        if group_id is not None:
            body["group_id"] = group_id
        return self.console.post("/sim/private_message", body)["event"]

    def event(self, kind: str | dict, **fields: Any) -> dict:
        """A notice or request, by the short name the CLI uses (``friend_request``,
        ``group_increase``, ``group_ban``, ``poke``, ... see ``GET /kinds.json``) and its fields,
        or a whole partial event as a dict (``POST /sim/event``). The server fills ``time``,
        ``self_id`` and a request's ``flag`` and changes the world. Returns the pushed event."""
        __tracebackhide__ = True
        if isinstance(kind, dict):
            partial = dict(kind, **fields)
        else:
            from ..console.kinds import partial_event  # the CLI's table of kinds

            partial = partial_event(kind, fields)
        return self.console.post("/sim/event", partial)["event"]

    @property
    def world(self) -> dict:
        """The world now, as ``GET /sim/world``: self, friends, groups with members,
        strangers, pending requests."""
        return self.console.get("/sim/world")

    def calls(self, action: str | None = None) -> list[dict]:
        """Every call the bot made since the server started (of ``action`` only, when given),
        oldest first: ``{"seq", "time", "action", "params", "response", "channel"}`` with the
        params as the action read them."""
        out, cursor = [], 0
        while True:
            page = self.console.get("/sim/calls", after=cursor, limit=5000,
                                    **({"action": action} if action else {}))
            out += page["calls"]
            if page["cursor"] == cursor:
                return out
            cursor = page["cursor"]

    def messages(self) -> list[dict]:
        """Every stored message of both sides since the server started (``GET
        /sim/messages``), oldest first."""
        out, cursor = [], 0
        while True:
            page = self.console.get("/sim/messages", after=cursor, limit=5000)
            out += page["messages"]
            if page["cursor"] == cursor:
                return out
            cursor = page["cursor"]

    def advance(self, seconds: float) -> int:
        """Move a manual clock (``clock="manual"``) ``seconds`` forward: event times move, due
        heartbeats are pushed (before this returns) and bans expire. Returns the world's time
        (Unix seconds). ValueError on the real clock."""
        __tracebackhide__ = True
        return self.console.post("/sim/clock", {"advance": seconds})["time"]

    @property
    def now(self) -> int:
        """The world's time (Unix seconds), from its clock."""
        return self.console.get("/sim/clock")["time"]
