"""Every connection a runner has had with a bot: WebSocket (forward and reverse), HTTP API
keep-alive connections and the HTTP POST receiver, with how each one ended
(``GET /sim/connections``, the targets of the link faults, ``expect_reconnect``).

A transport registers a connection when it opens (:meth:`Connections.opened`, with the live
object a link fault acts on) and reports its end (:meth:`Connections.closed`). Always on, not
only under a fault: one dict insertion and one removal per connection. The latest
:data:`KEEP_CLOSED` closed connections are kept.

``closed_by``: ``server`` (onebot_ref closed or dropped it), ``client`` (the bot sent a close
frame, or ended an HTTP connection), ``network`` (it ended with no close frame from either
side). ``clean``: the closing handshake went both ways (RFC 6455 7.1.4).
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Any, Callable

KEEP_CLOSED = 500


class Connection:
    """One connection's record; ``handle`` is the live object (None once closed)."""

    __slots__ = ("id", "channel", "role", "peer", "path", "opened", "closed", "close_code",
                 "closed_by", "clean", "handle")

    def __init__(self, id: int, channel: str, role: str | None, peer: str, path: str | None,
                 handle: Any):
        self.id, self.channel, self.role, self.peer, self.path = id, channel, role, peer, path
        self.opened, self.handle = time.time(), handle
        self.closed: float | None = None
        self.close_code: int | None = None
        self.closed_by: str | None = None
        self.clean: bool | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "channel": self.channel, "role": self.role, "peer": self.peer,
                "path": self.path, "opened": self.opened, "closed": self.closed,
                "close_code": self.close_code, "closed_by": self.closed_by, "clean": self.clean}


def ws_outcome(session: Any) -> tuple[int, str, bool]:
    """(close code, closed_by, clean) of an ended WebSocket session (modes/ws_session.py): the
    code of the close frame that ended it (ours when we closed first), 1006 without one."""
    ws = session.ws
    if session.closed_by == "server":
        return (ws.sent_close[0] if ws.sent_close else 1006), "server", bool(ws.clean)
    if session.closed_by == "peer":
        if ws.closed_by == "peer":
            return ws.close_code or 1005, "client", bool(ws.clean)
        return 1006, "network", False
    return 1006, "server", False  # dropped by us: a fault, a client that could not keep up


class Connections:
    """The registry; safe from any thread."""

    def __init__(self) -> None:
        self._open: dict[int, Connection] = {}
        self._closed: collections.deque[Connection] = collections.deque(maxlen=KEEP_CLOSED)
        self._last = 0
        self._cond = threading.Condition()

    @property
    def cursor(self) -> int:
        """The id of the newest connection (0: none yet)."""
        return self._last

    def opened(self, channel: str, role: str | None, peer: str, path: str | None = None,
               handle: Any = None) -> Connection:
        with self._cond:
            self._last += 1
            conn = self._open[self._last] = Connection(self._last, channel, role, peer, path,
                                                       handle)
            self._cond.notify_all()
        return conn

    def closed(self, conn: Connection, close_code: int | None, closed_by: str,
               clean: bool | None) -> None:
        with self._cond:
            if self._open.pop(conn.id, None) is None:
                return  # reported already
            conn.closed, conn.handle = time.time(), None
            conn.close_code, conn.closed_by, conn.clean = close_code, closed_by, clean
            self._closed.append(conn)
            self._cond.notify_all()

    def open_matching(self, channels: tuple[str, ...], target: dict) -> list[Connection]:
        """The open connections of ``channels`` that ``target`` (channel, role, connection)
        names."""
        with self._cond:
            conns = list(self._open.values())
        return [c for c in conns if c.channel in channels and c.handle is not None
                and target.get("channel", c.channel) == c.channel
                and target.get("role", c.role) == c.role
                and target.get("connection", c.id) == c.id]

    def since(self, after: int = 0, *, channel: str | None = None, open_only: bool = False,
              wait: float = 0.0) -> tuple[list[dict], int]:
        """The connections with an id above ``after`` (oldest first), waiting up to ``wait``
        seconds for one when there is none yet; and the cursor to pass next time."""
        deadline = time.monotonic() + wait
        with self._cond:
            while self._last <= after and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
            conns = sorted([*self._closed, *self._open.values()], key=lambda c: c.id)
            cursor = self._last  # also for a cursor from before a restart (after > last)
        return [c.as_dict() for c in conns if c.id > after
                and (channel is None or c.channel == channel)
                and (not open_only or c.closed is None)], cursor


class _HttpHandle:
    """What a link fault acts on for an HTTP keep-alive connection (modes/http_server.py)."""

    __slots__ = ("conn", "cut_here")

    def __init__(self, conn: Any):
        self.conn, self.cut_here = conn, False

    def cut(self) -> None:
        self.cut_here = True
        self.conn.cut()


def http_watch(connections: Connections) -> Callable[[Any], Callable[[], None]]:
    """The ``watch`` of the HTTP API's server: each keep-alive connection in the list while it
    lasts (its id in ``environ["onebot_ref.connection"]``, for a fault's target)."""
    def watch(conn: Any) -> Callable[[], None]:
        handle, base = _HttpHandle(conn), conn.base
        record = connections.opened("http", None, f"{base['REMOTE_ADDR']}:{base['REMOTE_PORT']}",
                                    None, handle)
        base["onebot_ref.connection"] = record.id

        def done() -> None:
            # conn.ended: the client closed its end first; else the server ended it (idle
            # timeout, max requests, a stop, a fault's cut)
            by = "client" if conn.ended and not handle.cut_here else "server"
            connections.closed(record, None, by, not handle.cut_here)
        return done
    return watch


Since = Callable[..., tuple[list[dict], int]]


def reconnect_delay(since: Since, fault: dict, within: float) -> float:
    """Seconds from ``fault`` (as ``POST /sim/faults`` answered it) to the first connection
    opened after it on the channels it hit (else the WebSocket channels, or its target's),
    waiting up to ``within`` seconds (AssertionError when none comes). ``since``:
    :meth:`Connections.since`, or the console's ``GET /sim/connections``."""
    hit = [c["channel"] for c in fault.get("connections", ())]
    channel = fault.get("target", {}).get("channel")
    channels = set(hit or ([channel] if channel else ["ws", "ws_reverse"]))
    after, deadline = fault["cursor"], time.monotonic() + within
    while True:
        left = deadline - time.monotonic()
        conns, after = since(after, wait=max(0.0, min(left, 30.0)))
        for conn in conns:
            if conn["channel"] in channels:
                return max(0.0, conn["opened"] - fault["created"])
        if left <= 0:
            raise AssertionError(
                f"no new {' or '.join(sorted(channels))} connection within {within:g} s of "
                f"fault {fault['id']} ({fault['type']}): the bot did not reconnect")
