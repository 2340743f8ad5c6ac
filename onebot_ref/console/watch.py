"""Waiting for what the bot does: the engine of ``POST /sim/expect`` (and so of
``onebot_ref.testing``'s ``expect_*``, which posts there).

The console tells the :class:`Watch` of every injection (``begin()`` before the world changes,
``injected()`` once it did); an expectation then looks at what the bot did since the last one:

- ``message``: the first of the bot's messages since then that meets it and that no earlier
  expectation matched (each message and call is matched once; order among them is free);
- ``call``: the same over the bot's calls (the call log, calls.py);
- ``no_message``: none of the bot's messages not matched yet meets it, for ``seconds``;
- ``bot``: a bot has connected since the server started.

Every wait is bounded by its ``seconds`` and woken by the world (a message stored), the call
log (a call made) or the traffic journal (a frame); nothing polls on a timer. Not met in time,
it raises :class:`Unmet` carrying the failure text of report.py.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import report
from .matching import Expectation, call_misses, message_misses

if TYPE_CHECKING:
    from ..calls import CallLog
    from ..modes import Parts

#: the OneBot modes, as a hint names them: (config test, name)
_MODES = ((lambda c: c.use_http, "HTTP API"), (lambda c: c.use_ws, "forward WebSocket"),
          (lambda c: c.use_ws_reverse, "reverse WebSocket"),
          (lambda c: bool(c.post_url), "HTTP POST"), (lambda c: c.use_milky, "Milky"))
_PAGE = 5000
_BEYOND = 2**63 - 1


class Unmet(Exception):
    """An expectation not met in time; ``str()`` is the whole failure text."""


@dataclass(frozen=True)
class Mark:
    """Where "since the last injection" starts: the call log's and the message store's cursors
    before the world changed, and the injection's entry (None: since the server started)."""

    calls_at: int = 0
    messages_at: int = 0
    injection: dict | None = None


class Watch:
    """The expectations of one console (see the module docstring)."""

    def __init__(self, parts: Parts, calls: CallLog):
        self.world, self.traffic, self.config, self.calls = (parts.world, parts.traffic,
                                                             parts.config, calls)
        self._lock = threading.Lock()
        self._mark = Mark()
        self._matched_messages: set[int] = set()
        self._matched_calls: set[int] = set()
        self._bot_seen: str | None = None
        self._scanned = 0  # the traffic journal's cursor the bot was looked for up to

    # --- injections --------------------------------------------------------------------------
    def begin(self) -> Mark:
        """The cursors before an injection changes the world."""
        return Mark(self.calls.cursor, self._last_message_seq())

    def injected(self, before: Mark, endpoint: str, body: dict, event: dict) -> None:
        """The world took the injection: log it; expectations start from it."""
        seq = self.calls.injected(before.calls_at, endpoint, body, event)
        entry = {"seq": seq, "endpoint": endpoint, "body": body, "event": event}
        with self._lock:
            self._mark = Mark(before.calls_at, before.messages_at, entry)
            self._matched_messages.clear()
            self._matched_calls.clear()

    # --- expectations ------------------------------------------------------------------------
    def expect(self, exp: Expectation) -> dict | None:
        """The entry that met ``exp`` (None for no_message), or :class:`Unmet`."""
        deadline = time.monotonic() + exp.seconds
        if exp.kind == "bot":
            return self._wait_bot(exp, deadline)
        mark = self._mark
        if exp.kind == "call":
            return self._wait_call(exp, mark, deadline)
        return self._wait_message(exp, mark, deadline)

    def _wait_message(self, exp: Expectation, mark: Mark, deadline: float) -> dict | None:
        cursor, came = mark.messages_at, []
        while True:
            new, cursor = self._bot_messages(cursor)
            with self._lock:
                fresh = [m for m in new if m["seq"] not in self._matched_messages
                         and not message_misses(exp, m)]
                if fresh and exp.kind == "message":
                    self._matched_messages.add(fresh[0]["seq"])
                    return fresh[0]
            came += fresh
            left = deadline - time.monotonic()
            if came or left <= 0:
                if exp.kind == "no_message" and not came:
                    return None
                raise Unmet(report.failure(exp, self._evidence(mark), came))
            self.world.wait_message(cursor, left)

    def _wait_call(self, exp: Expectation, mark: Mark, deadline: float) -> dict:
        cursor = mark.calls_at
        while True:
            new, cursor = self.calls.since(cursor, _PAGE)
            with self._lock:
                for entry in new:
                    if entry["seq"] not in self._matched_calls and not call_misses(exp, entry):
                        self._matched_calls.add(entry["seq"])
                        return entry
            left = deadline - time.monotonic()
            if left <= 0:
                raise Unmet(report.failure(exp, self._evidence(mark)))
            self.calls.wait(cursor, left)

    def _wait_bot(self, exp: Expectation, deadline: float) -> dict:
        while True:
            seen = self.bot_seen()
            if seen is not None:
                return {"bot": seen}
            left = deadline - time.monotonic()
            if left <= 0:
                raise Unmet(report.failure(exp, self._evidence(self._mark)))
            self.traffic.wait(self._scanned, left)

    # --- what happened -----------------------------------------------------------------------
    def bot_seen(self) -> str | None:
        """How a bot was first seen since the server started (None: never): a WebSocket or a
        Milky event stream opened, an HTTP API or Milky API request, or an HTTP POST or Milky
        WebHook answered 2xx. Read from the traffic journal."""
        with self._lock:
            if self._bot_seen is None:
                frames, self._scanned = self.traffic.since(self._scanned, 10**9)
                self._bot_seen = next((how for how in map(_bot_in, frames) if how), None)
            return self._bot_seen

    def _evidence(self, mark: Mark) -> report.Evidence:
        messages, _ = self._bot_messages(mark.messages_at)
        calls, _ = self.calls.since(mark.calls_at, _PAGE)
        cursor = self.traffic.cursor
        frames, _ = self.traffic.since(max(0, cursor - 4 * report.FRAMES), 4 * report.FRAMES)
        modes = [name for enabled, name in _MODES if enabled(self.config)]
        with self._lock:
            matched = set(self._matched_messages), set(self._matched_calls)
        return report.Evidence(mark.injection, messages, calls, *matched, frames,
                               self.bot_seen(), modes)

    def _bot_messages(self, after: int) -> tuple[list[dict], int]:
        """The bot's own messages (from_self) stored after ``after``, and the new cursor."""
        out = []
        while True:
            page, cursor = self.world.messages_since(after, _PAGE)
            out += [m for m in page if m["from_self"]]
            if len(page) < _PAGE:
                return out, cursor
            after = cursor

    def _last_message_seq(self) -> int:
        return self.world.messages_since(_BEYOND, 1)[1]


def _bot_in(frame: dict) -> str | None:
    """How ``frame`` shows a bot, or None."""
    channel, data, seq = frame["channel"], frame["data"], frame["seq"]
    if channel in ("ws", "ws_reverse") and isinstance(data, dict) and data.get("event") == "open":
        name = "forward WebSocket" if channel == "ws" else "reverse WebSocket"
        return f"{name} {frame['peer']} opened (#{seq})"
    if channel == "http" and frame["direction"] == "in":
        return f"HTTP API request from {frame['peer']} (#{seq})"
    if channel in ("http_post", "milky_webhook") and frame["direction"] == "in" \
            and isinstance(data, dict) and 200 <= (data.get("status") or 0) < 300:
        what = "HTTP POST" if channel == "http_post" else "Milky WebHook"
        return f"{what} receiver {frame['peer']} answered {data['status']} (#{seq})"
    if channel == "milky_event" and isinstance(data, dict) and data.get("event") == "open":
        return f"Milky event stream {frame['peer']} opened (#{seq})"
    if channel == "milky" and frame["direction"] == "in":
        return f"Milky API request from {frame['peer']} (#{seq})"
    return None
