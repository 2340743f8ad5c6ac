"""The link faults and the restart: what they do to connections (FAULT-6..9).

- ``close`` / ``drop`` act once, on the matching connections open at that moment: a close frame
  with the code asked (:meth:`Session.send_close`), or the TCP connection ended with no close
  frame (:meth:`Session.abort`: the bot reports 1006, the code RFC 6455 7.4.1 forbids sending);
  an HTTP keep-alive connection is cut.
- ``blackhole`` silences the matching connections open when it is added (``Session.blackhole``):
  they stay open and nothing flows either way until it ends.
- ``refuse`` refuses forward handshakes (:func:`refusal`) and holds the reverse clients'
  dialling (:func:`hold_dial`) while it lasts; so does a restart's downtime.
- ``restart``: HTTP POST's lifecycle disable, every connection closed (1001) or dropped, the
  downtime, then enable (:func:`up`); the reverse clients dial again and every new connection
  gets its lifecycle connect the usual way.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .table import ROLES, WS

if TYPE_CHECKING:
    from .connections import Connection
    from .registry import Fault, Faults

#: the close code of a restart: RFC 6455 7.4.1 "1001 indicates that an endpoint is "going
#: away", such as a server going down"
GOING_AWAY = 1001


def _hit(fault: Fault, conn: Connection) -> None:
    fault.hit.append({"id": conn.id, "channel": conn.channel, "role": conn.role,
                      "peer": conn.peer})


def _end(faults: Faults, fault: Fault, conn: Connection, how: str, code: int = 0,
         reason: str = "") -> None:
    """Close (how "close") or drop one connection, journalled."""
    _hit(fault, conn)
    what = f"{conn.channel} connection {conn.id}"
    if conn.channel not in WS:  # an HTTP keep-alive connection
        conn.handle.cut()
        faults.journal(fault, f"cut {what}", conn.peer, conn.id)
    elif how == "close":
        conn.handle.send_close(code, reason)
        faults.journal(fault, f"closed {what} with {code} {reason}".rstrip(), conn.peer,
                       conn.id)
    else:
        conn.handle.abort(f"dropped by fault {fault.id} (no close frame)")
        faults.journal(fault, f"dropped {what} without close frame", conn.peer, conn.id)


def act_once(faults: Faults, fault: Fault) -> None:
    """close / drop: every matching connection open now (FAULT-6)."""
    how = fault.type
    conns = faults.connections.open_matching(fault.spec.type.channels, fault.target)
    for conn in conns:
        _end(faults, fault, conn, how, fault.attrs.get("code", 0), fault.attrs.get("reason", ""))
    if not conns:
        faults.journal(fault, f"{how}: no matching connection open")


def blackhole(faults: Faults, fault: Fault) -> None:
    """FAULT-7: the matching WebSocket connections open now go silent both ways."""
    conns = faults.connections.open_matching(WS, fault.target)
    for conn in conns:
        _hit(fault, conn)
        conn.handle.blackhole(True)
        fault.fired += 1
        lasting = f"for {fault.attrs['ms']} ms" if fault.attrs["ms"] else "until removed"
        faults.journal(fault, f"blackholed {conn.channel} connection {conn.id} {lasting}: "
                              "nothing flows either way", conn.peer, conn.id)
    if not conns:
        faults.journal(fault, "blackhole: no matching connection open")


def end_blackhole(faults: Faults, fault: Fault) -> None:
    for hit in fault.hit:
        conn = faults.connections.open_matching(WS, {"connection": hit["id"]})
        if conn:
            dropped = conn[0].handle.blackhole(False)
            faults.journal(fault, f"{hit['channel']} connection {hit['id']} flows again "
                                  f"({dropped} frame(s) lost meanwhile)", hit["peer"], hit["id"])


def refusal(faults: Faults, role: str, path: str) -> tuple[int, str] | None:
    """A forward WebSocket handshake (``role``: api, event or universal) refused by a restart's
    downtime or a ``refuse`` fault: (HTTP status, reason), or None (FAULT-8)."""
    down = faults.down
    if down is not None:
        faults.journal(down, f"refused a forward WebSocket handshake on {path}: restarting")
        return 503, f"restarting (fault {down.id}) (FAULT-9)"
    fault = faults.fire(("refuse",), "ws", ROLES[role])
    if fault is None:
        return None
    status = fault.attrs["status"]
    faults.journal(fault, f"refused a forward WebSocket handshake on {path} with {status}")
    return status, f"refused by fault {fault.id} (FAULT-8)"


def hold_dial(faults: Faults, role: str, stopping: Any) -> None:
    """A reverse client (``role``: api, event or universal) about to dial waits while a restart
    is down or a ``refuse`` fault names it (FAULT-8); ``stopping``: the client's stop event,
    which ends the wait too."""
    role = ROLES[role]
    while not stopping.is_set():
        fault = faults.down or faults.fire(("refuse",), "ws_reverse", role)
        if fault is None:
            return
        left = f" for {(fault.until - time.time()) * 1000:.0f} ms" if fault.until else ""
        faults.journal(fault, f"reverse WebSocket {role} client: not dialling{left}")
        while not (fault.ended.is_set() or stopping.is_set()):
            stopping.wait(0.05)  # two events to wait for: poll (a hold is rare and short)


def restart(faults: Faults, fault: Fault) -> None:
    """FAULT-9: go down: HTTP POST disable, then every connection closed or dropped."""
    faults.down = fault
    faults.restarted(False)
    how = fault.attrs["how"]
    for conn in faults.connections.open_matching(("http", *WS), {}):
        _end(faults, fault, conn, how, GOING_AWAY, "restarting")
    fault.fired = 1
    faults.journal(fault, f"restart: {len(fault.hit)} connection(s) "
                          f"{'closed with 1001' if how == 'close' else 'dropped'}, down for "
                          f"{fault.attrs['downtime_ms']} ms")


def up(faults: Faults, fault: Fault) -> None:
    """The downtime is over: HTTP POST enable; connections are accepted and dialled again."""
    if faults.down is fault:
        faults.down = None
        if not faults.stopping:  # the runner's own stop posts disable, not enable
            faults.restarted(True)
            faults.journal(fault, "restart: up again, accepting and dialling")
