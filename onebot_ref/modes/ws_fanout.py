"""The event side of a WebSocket mode: :class:`Fanout` is the set of event-receiving sessions
of one mode and the bus "push" sink that feeds them: each event is serialised and framed once
and offered to everyone (communication/ws.md, WSF-13, WSR-14, A-47).
:func:`close_all` closes a mode's sessions on stop.

The Milky face's ``/event`` uses it too, with its own rendering (``text_of``: the Milky wire
text of a bus item or None, ``shown_of``: what the journal shows) and, beside its WebSocket
sessions, its SSE streams: anything with ``peer`` and ``offer(text, frame)`` is a receiver.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ..faults.connections import ws_outcome
from ..faults.protocol import lifecycle as lifecycle_fault
from ..faults.protocol import push_copies
from ..faults.table import ROLES
from ..protocol import events
from .ws_frames import encode, text_frame
from .ws_session import GETS_EVENTS, Session

if TYPE_CHECKING:
    from ..bus import Published
    from ..faults import Faults
    from ..traffic import Traffic
    from ..workers import Workers


class Fanout:
    """The sessions that receive events, and :meth:`push`, the bus "push" sink feeding them."""

    def __init__(self, channel: str, traffic: Traffic | None, message_format: str,
                 workers: Workers, text_of: Callable[[Published], str | None] | None = None,
                 shown_of: Callable[[Published], Any] | None = None, *, faults: Faults):
        self.channel, self.traffic, self.message_format = channel, traffic, message_format
        self.faults, self.workers = faults, workers
        #: another face's rendering (None: OneBot 11's, the event as POSTed)
        self.text_of, self.shown_of = text_of, shown_of
        self._sessions: tuple[Session, ...] = ()  # copy-on-write: push reads without locking
        self._lock = threading.Lock()

    def add(self, session: Session) -> None:
        with self._lock:
            self._sessions = self._sessions + (session,)

    def remove(self, session: Session) -> None:
        with self._lock:
            self._sessions = tuple(s for s in self._sessions if s is not session)

    @property
    def sessions(self) -> tuple[Session, ...]:
        return self._sessions

    def serve(self, session: Session, self_id: int, headers: dict | None = None,
              now: int | None = None, lifecycle: bool = True) -> None:
        """Run ``session`` until it closes. A role that gets events is sent the lifecycle
        ``connect`` first (event/meta.md: "WebSocket 连接成功"; META-4, WSR-9: on this
        connection only, first; WSF-18: an API connection gets none) and joins the fan-out as
        it is written (see :meth:`Session.start`), so a client that has read ``connect`` is sure
        to get every later event. ``lifecycle`` False: no connect (another face's). The
        connection is in ``faults.connections`` meanwhile."""
        faults = self.faults
        session.conn = faults.connections.opened(self.channel, ROLES[session.role],
                                                 session.peer, session.path or None, session)
        try:
            gets_events = GETS_EVENTS[session.role]
            when = int(time.time()) if now is None else now  # now: the world's clock
            connect = (events.lifecycle(self_id, when, "connect")
                       if gets_events and lifecycle else None)
            again = None
            if connect is not None and faults.active:  # a lifecycle fault: none, or twice
                connect, again = lifecycle_fault(faults, session, connect)
            session.start(connect, headers=headers, join=self.add if gets_events else None)
            if again is not None:
                session.offer(encode(again))
            session.run()
        finally:
            self.remove(session)
            faults.connections.closed(session.conn, *ws_outcome(session))

    def push(self, published: Published) -> None:
        """communication/ws.md: "推送的格式和 HTTP POST 的上报完全一致" (WSF-13): the same
        serialisation, decoded and framed once, offered to every event connection."""
        sessions = self._sessions
        if not sessions:
            return  # A-47 / WSR-14: no connection, the event is not kept for later
        if self.text_of is None:
            text = published.text(self.message_format)
        else:
            text = self.text_of(published)
            if text is None:  # no form in this face
                return
        frame = text_frame(text)  # used by the server connections without extensions
        if self.traffic is not None:
            peer = sessions[0].peer if len(sessions) == 1 else f"{len(sessions)} connections"
            shown = (published.as_dict(self.message_format) if self.shown_of is None
                     else self.shown_of(published))
            self.traffic.record(self.channel, "out", peer, shown,
                                verdict=f"event pushed to {len(sessions)} connection(s)")
        for session in sessions:
            try:
                session.offer(text, frame)
            except Exception as err:  # SUP-4: a bug drops that connection, not the others' event
                self.workers.failed(threading.current_thread().name,
                                    f"sending an event to {session.peer}", err)
                session.abort("internal error while sending (see the server log)")
        if self.faults.active:  # duplicate_event: the same frame again (faults/protocol.py)
            push_copies(self.faults, self.channel, sessions, published.event, text, frame)


def close_all(sessions: Iterable[Session], code: int = 1001, reason: str = "server stopping",
              wait: float = 0.5) -> None:
    """Close many sessions: every close frame first, then one shared wait for the peers'
    answers, then the sockets of the silent ones (a stop takes ``wait``, not N times it)."""
    sessions = list(sessions)
    deadline = time.monotonic() + wait
    for session in sessions:
        session.send_close(code, reason, max(0.0, deadline - time.monotonic()))
    deadline = time.monotonic() + wait
    for session in sessions:
        if not session.wait_closed(max(0.0, deadline - time.monotonic())):
            session.shutdown_socket()
