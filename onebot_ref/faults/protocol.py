"""The protocol faults: heartbeat, lifecycle, duplicate_event, bad_signature, and what a
restart's downtime does to HTTP POST (FAULT-15..18). Each function is what one transport calls
at its point after reading ``faults.active``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable

from ..protocol.auth import signature
from .registry import role_of

if TYPE_CHECKING:
    from .registry import Faults

#: the events a duplicate_event fault copies: what a retried webhook delivers again; never the
#: meta events (heartbeats, lifecycle), whose copies would only be noise
DUPLICATED = ("message", "notice", "request")


def heartbeat(faults: Faults, event: dict) -> dict | None:
    """The heartbeat the bus publishes (event/meta.md#心跳), or None when it is skipped."""
    fault = faults.fire(("heartbeat",), "ws")  # one beat for every channel at once
    if fault is None:
        return event
    if fault.attrs["interval_field"] is not None:
        wrong = fault.attrs["interval_field"]
        faults.journal(fault, f"heartbeat sent with interval {wrong!r} instead of "
                              f"{event.get('interval')}")
        return dict(event, interval=wrong)
    if fault.attrs["stop"]:
        faults.journal(fault, "heartbeat not sent (stopped until the fault is removed)")
        return None
    skip = fault.attrs["skip"]
    faults.journal(fault, f"heartbeat not sent (skipped {fault.fired} of {skip})")
    if fault.fired >= skip:
        faults.remove(fault.id, "done")
    return None


def lifecycle(faults: Faults, session: Any, connect: dict) -> tuple[dict | None, dict | None]:
    """(the first frame, a second one) of a new event connection (event/meta.md#生命周期)."""
    fault = faults.fire(("lifecycle",), session.channel, role_of(session))
    if fault is None:
        return connect, None
    where = f"{session.channel} connection {session.conn.id}"
    if fault.attrs["skip_connect"]:
        faults.journal(fault, f"no lifecycle connect for {where}", session.peer, session.conn.id)
        return None, None
    faults.journal(fault, f"lifecycle connect sent twice to {where}", session.peer,
                   session.conn.id)
    return connect, dict(connect)


def push_copies(faults: Faults, channel: str, sessions: Iterable[Any], event: dict | None,
                text: str, frame: bytes) -> None:
    """duplicate_event over WebSocket: the frames pushed again, to each matching session."""
    if event is None or event.get("post_type") not in DUPLICATED:
        return
    for session in sessions:
        fault = faults.fire(("duplicate_event",), channel, role_of(session), session.conn.id)
        if fault is not None:
            copies = fault.attrs["copies"]
            for _ in range(copies - 1):
                session.offer(text, frame)
            faults.journal(fault, f"pushed {_named(event)} {copies} times to {channel} "
                                  f"connection {session.conn.id}", session.peer,
                           session.conn.id)


def posting(faults: Faults, poster: Any) -> Callable[[Any], None]:
    """HTTP POST's bus sink (modes/http_post.py ``post_event``) as the faults change it: an
    event posted :func:`post_copies` times; and, at a restart, lifecycle disable as it goes
    down (waited for, as at a stop) and enable once it is up (FAULT-9, META-2/3)."""
    post_event = poster.post_event
    faults.on_restart(lambda up: poster.lifecycle("enable" if up else "disable", not up))

    def sink(published: Any) -> None:
        if not faults.active:  # the one read while no fault is on (FAULT-4)
            return post_event(published)
        for _ in range(post_copies(faults, published.event, poster.url)):
            post_event(published)
        return None
    return sink


def post_copies(faults: Faults, event: dict, url: str) -> int:
    """How many times HTTP POST posts ``event``: 0 while a restart is down, ``copies`` under a
    duplicate_event fault, else 1."""
    if faults.down is not None:
        faults.journal(faults.down, f"not posted while restarting: {_named(event)}", url)
        return 0
    if event.get("post_type") not in DUPLICATED:
        return 1
    fault = faults.fire(("duplicate_event",), "http_post")
    if fault is None:
        return 1
    faults.journal(fault, f"posting {_named(event)} {fault.attrs['copies']} times", url)
    return fault.attrs["copies"]


def wrong_signature(faults: Faults, headers: dict[str, str], body: bytes, secret: str,
                    url: str) -> None:
    """bad_signature: an X-Signature that is not the HMAC of the body (http-post.md, POST-5):
    the HMAC of other bytes, with the right secret when there is one."""
    fault = faults.fire(("bad_signature",), "http_post")
    if fault is not None:
        headers["X-Signature"] = signature(body + b" ", secret or "not-the-secret")
        faults.journal(fault, "HTTP POST with a wrong X-Signature", url)


def _named(event: dict) -> str:
    kind = event.get("post_type", "event")
    if "message_id" in event:
        return f"{kind} event (message_id {event['message_id']})"
    return f"{kind} event {event.get(f'{kind}_type', '')}".rstrip()
