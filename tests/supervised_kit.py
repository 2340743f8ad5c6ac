"""What the supervised-thread tests share (SUP-1, SUP-4): the living threads' names, a bounded
poll, the failure report a poisoned job leaves in the journal, and a value no wait can take."""

from __future__ import annotations

import threading
import time

from helpers import http_data

GROUP, MEMBER, ALICE = 20001, 10001, 10001
WAIT = 5.0
HUGE = 10**30  # ms: beyond what threading can wait


def thread_names() -> set[str]:
    return {t.name for t in threading.enumerate()}


def eventually(check, what: str, timeout: float = WAIT):
    """Poll ``check()`` until it is truthy (bounded): for state with no event to await."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


def failure(runner, thread: str, words: str = "failed") -> dict:
    """The journal's ``server`` frame reporting ``thread``'s failed job (SUP-1)."""
    frame = runner.traffic.find(lambda f: f["channel"] == "server" and f["peer"] == thread
                                and words in f.get("verdict", ""), timeout=WAIT)
    assert frame is not None, f"no server frame: {thread} ... {words}"
    return frame


def card(runner) -> str:
    return http_data(runner, "get_group_member_info", group_id=GROUP, user_id=MEMBER)["card"]
