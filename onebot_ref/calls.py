"""The call log: every action the bot called, with the parameters as the action read them and
the answer, next to what the other users did that prompted it (the console's injections).

It is an observer of ``Actions`` (actions/__init__.py) that the console installs, and what
``GET /sim/calls``, ``GET /sim/session``, ``POST /sim/expect`` and ``onebot_ref.testing`` read
(docs/console-api.md). Like the traffic journal (traffic.py) it is bounded, sequence-numbered
and cheap to write: :meth:`CallLog.record` appends the call's pieces as given, and the
parameters are typed (``Actions.bound``) and masked only when someone reads them.

Calls and injections share one sequence, so "what the bot did after this message" is a range
of seqs. An injection is logged once the world accepted it, carrying ``at``: the log's cursor
just before the world changed, so that a call the bot made while the console was still
answering counts as after it.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import TYPE_CHECKING, Any, Callable

from .traffic import mask_secret

if TYPE_CHECKING:
    from .protocol.coerce import Params

#: the entries kept; the oldest are dropped first
LIMIT = 5000


class CallLog:
    """A bounded, sequence-numbered log of the bot's calls and the console's injections."""

    def __init__(self, bound: Callable[[str, Params], dict], limit: int = LIMIT):
        #: ``Actions.bound``: the parameters of a call as its action reads them
        self._bound = bound
        #: ("call", seq, time, action, params, envelope, channel) or
        #: ("inject", seq, time, at, endpoint, body, event): as recorded
        self._entries: collections.deque[tuple] = collections.deque(maxlen=limit)
        self._seq = 0
        self._lock = threading.Lock()
        self._changed = threading.Condition(threading.Lock())
        self._waiters = 0

    # --- writing ------------------------------------------------------------------------------
    def record(self, action: str, params: Params | dict, envelope: dict, channel: str) -> None:
        """The observer of ``Actions.call`` and ``MilkyActions.call``: one call the bot made
        over ``channel``; a Milky call's ``params`` are already bound (a dict: Milky has no
        coercion to apply, MLK-22)."""
        self._append(("call", 0, time.time(), action, params, envelope, channel))

    def injected(self, at: int, endpoint: str, body: dict, event: dict) -> int:
        """What the console injected (``endpoint``: private_message, group_message or event,
        ``body`` as posted, ``event`` as pushed); ``at``: :attr:`cursor` before the world
        changed. Returns its seq."""
        return self._append(("inject", 0, time.time(), at, endpoint, body, event))

    def _append(self, pieces: tuple) -> int:
        with self._lock:
            self._seq += 1
            seq = self._seq
            self._entries.append(pieces[:1] + (seq,) + pieces[2:])
        if self._waiters:  # read after seq moved: a waiter either sees it or is notified
            with self._changed:
                self._changed.notify_all()
        return seq

    # --- reading ------------------------------------------------------------------------------
    @property
    def cursor(self) -> int:
        return self._seq

    def since(self, after: int = 0, limit: int = 500, *, calls_only: bool = True,
              action: str | None = None) -> tuple[list[dict], int]:
        """Entries with seq > ``after`` (at most ``limit``; only calls unless ``calls_only`` is
        false; only calls of ``action`` when given), and the cursor to pass next time. The
        cursor moves past what was filtered out."""
        with self._lock:
            pieces = [p for p in self._entries if p[1] > after]
            last = self._seq
        out, cursor = [], max(after, 0) if after <= last else last
        for piece in pieces:
            if len(out) >= limit:
                break
            cursor = piece[1]
            if piece[0] == "call":
                if action is None or piece[3] == action:
                    out.append(self._call(piece, with_kind=not calls_only))
            elif not calls_only:
                out.append(_injection(piece))
        return out, cursor

    def wait(self, after: int, timeout: float) -> bool:
        """Block until an entry with seq > ``after`` exists, or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        with self._changed:
            self._waiters += 1
            try:
                while self._seq <= after:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._changed.wait(left):
                        return self._seq > after
                return True
            finally:
                self._waiters -= 1

    def _call(self, piece: tuple, with_kind: bool) -> dict:
        _, seq, when, action, params, envelope, channel = piece
        typed = dict(params) if isinstance(params, dict) else self._bound(action, params)
        if "access_token" in typed:  # AUTH-*: a token sent as a parameter is a credential
            typed["access_token"] = mask_secret(str(typed["access_token"]))
        entry: dict[str, Any] = {"kind": "call"} if with_kind else {}
        entry.update(seq=seq, time=when, action=action, params=typed, response=envelope,
                     channel=channel)
        return entry


def _injection(piece: tuple) -> dict:
    _, seq, when, at, endpoint, body, event = piece
    return {"kind": "inject", "seq": seq, "time": when, "at": at, "endpoint": endpoint,
            "body": body, "event": event}
