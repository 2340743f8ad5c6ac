"""Record a conversation once, replay it in CI forever: the part of
:class:`~onebot_ref.testing.OneBotServer` that writes and plays session files
(onebot_ref/console/session.py has the format; ``python -m onebot_ref record`` writes the same
files from a running server).

Replaying plays each step's injection again, in order, waits for as many calls as were
recorded (then ``settle`` seconds for more), and compares the calls, action and params, with
the keys of :data:`~onebot_ref.console.session.DEFAULT_IGNORE` left out. Every step is played
even after a difference, so one failure shows all of them as unified diffs.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from ..console import session

if TYPE_CHECKING:
    from .client import ConsoleClient

_BEYOND = 2**63 - 1


class SessionMixin:
    """record, save, replay."""

    console: ConsoleClient
    _recording_from = 0

    def record(self) -> None:
        """Start a recording here: save() writes what happens from now on (without record(),
        from the server's start)."""
        self._recording_from = self.console.get("/sim/session", after=_BEYOND,
                                                limit=1)["cursor"]

    def recorded(self) -> list[dict]:
        """The steps recorded so far (see save)."""
        entries, cursor = [], self._recording_from
        while True:
            page = self.console.get("/sim/session", after=cursor, limit=5000)
            entries += page["entries"]
            if page["cursor"] == cursor:
                return session.steps_of(entries)
            cursor = page["cursor"]

    def save(self, path: str | os.PathLike) -> list[dict]:
        """Write the recording to ``path`` (YAML): every say() / event() since record() with
        the bot's calls after it. Returns the steps written."""
        steps = self.recorded()
        session.dump(steps, os.fspath(path))
        return steps

    def replay(self, path: str | os.PathLike, *, ignore: tuple[str, ...] | None = None,
               timeout: float = 5.0, settle: float = 0.3) -> list[dict]:
        """Play the session file at ``path`` against the bot; AssertionError with a diff of
        every step whose calls differ. ``ignore``: the params left out of the comparison
        (default: message_id, time, echo, flag, seq); ``timeout``: how long a step waits for
        its calls; ``settle``: how long it then waits for more. Returns this run's steps."""
        __tracebackhide__ = True
        ignore = session.DEFAULT_IGNORE if ignore is None else tuple(ignore)
        steps = session.load(os.fspath(path))
        played, differences = [], []
        for index, step in enumerate(steps):
            try:
                calls = self._play(step, timeout, settle)
            except ValueError as err:  # the world is not the one recorded in
                raise ValueError(f"replay of {os.fspath(path)}: step {index + 1} "
                                 f"({session.describe(step)}): the console refused it: {err} "
                                 "(replay against the world it was recorded in)") from None
            played.append({**dict([session.injection(step)]), "calls": calls})
            lines = session.diff(step["calls"], calls, ignore)
            if lines:
                differences.append((index, step, lines))
        if differences:
            raise AssertionError(session.report(os.fspath(path), differences, len(steps),
                                                ignore))
        return played

    async def replay_async(self, path: str | os.PathLike, **kwargs) -> list[dict]:
        __tracebackhide__ = True
        from .expect import in_thread

        return await in_thread(self.replay, path, **kwargs)

    def _play(self, step: dict, timeout: float, settle: float) -> list[dict]:
        """Inject the step; the bot's calls after it: as many as recorded, then quiet."""
        __tracebackhide__ = True
        cursor = self.console.get("/sim/calls", after=_BEYOND, limit=1)["cursor"]
        endpoint, body = session.injection(step)
        self.console.post(f"/sim/{endpoint}", body)
        calls: list[dict] = []
        deadline = time.monotonic() + timeout
        quiet_until = None
        while True:
            now = time.monotonic()
            if len(calls) >= len(step["calls"]) and quiet_until is None:
                quiet_until = now + settle
            end = quiet_until if quiet_until is not None else deadline
            if now >= end:
                return calls
            wait = min(end - now, 60.0)  # the console holds a poll 60 s at most
            page = self.console.get("/sim/calls", timeout=wait + 10, after=cursor,
                                    wait=f"{wait:.3f}")
            calls += page["calls"]
            cursor = page["cursor"]
            if page["calls"] and quiet_until is not None:  # still talking: wait for quiet
                quiet_until = time.monotonic() + settle
