"""The answer faults: what the HTTP API and a WebSocket session answer while one is on
(delay_answer, no_answer, retcode, http_status, bad_answer; FAULT-10..14).

The transports call :func:`http_answer` / :func:`ws_request` only after reading
``faults.active``; without a matching fault both go the normal way (the API's ``_reply`` of
``actions.call``, the session's ``answer_request``). A restart's downtime answers the HTTP API
503; a blackholed WebSocket drops the request unread.
"""

from __future__ import annotations

import select
import socket
import time
from typing import TYPE_CHECKING, Any

from ..modes import peer as peer_of
from ..modes.http_params import Reject
from ..modes.ws_frames import answer, encode
from ..protocol import wire
from ..protocol.response import status_of
from .registry import role_of

if TYPE_CHECKING:
    from ..modes.http_api import HttpApi
    from ..modes.ws_session import Session
    from ..protocol.coerce import Params
    from .registry import Fault

ANSWERS = ("delay_answer", "no_answer", "retcode", "http_status", "bad_answer")
#: how often a held HTTP request looks whether its client is still there (seconds)
POLL = 0.1
_NO_ECHO = object()  # a request frame without the key


def envelope_of(fault: Fault) -> dict:
    """The answer of a ``retcode`` fault (the action did not run): RESP-7's shape, with what
    the fault says (status and retcode may disagree: an implementation that misbehaves)."""
    retcode = fault.attrs["retcode"]
    return {"status": fault.attrs["status"] or status_of(retcode), "retcode": retcode,
            "data": None, "message": fault.attrs["message"] or f"injected by fault {fault.id}"}


def _not_json(envelope: dict) -> str:
    """An answer cut in the middle: the start of the envelope's JSON text (not JSON)."""
    text = encode(envelope)
    return text[:max(1, len(text) // 2)]


# --- HTTP API ----------------------------------------------------------------------------------

def http_answer(api: HttpApi, environ: dict, start_response, action: str,
                params: Params) -> list[bytes]:
    faults = api.faults
    if faults.down is not None:
        faults.journal(faults.down, f"answered {action} 503: restarting")
        return api._refuse(environ, start_response, None,
                           Reject(503, f"restarting (fault {faults.down.id}) (FAULT-9)"))
    fault = faults.fire(ANSWERS, "http", None, environ.get("onebot_ref.connection"), action)
    if fault is None:
        return api._reply(environ, start_response, params,
                          api.actions.call(action, params, channel="http"))
    kind, peer = fault.type, peer_of(environ)
    if kind == "retcode":
        faults.journal(fault, f"answered {action} with retcode {fault.attrs['retcode']} "
                              "without running it", peer)
        return api._reply(environ, start_response, params, envelope_of(fault))
    if kind == "http_status":
        status = fault.attrs["status"]
        faults.journal(fault, f"answered {action} with HTTP {status} without running it", peer)
        return api._refuse(environ, start_response, None,
                           Reject(status, f"HTTP {status} from fault {fault.id} (FAULT-13)"))
    if kind == "no_answer":
        return _hold(api, environ, start_response, action, params, fault, peer)
    envelope = api.actions.call(action, params, channel="http")
    if kind == "delay_answer":
        ms = fault.attrs["ms"]
        faults.journal(fault, f"holding the answer to {action} for {ms} ms", peer)
        fault.released.wait(ms / 1000)  # ends early when the fault is removed (or at the stop)
        return api._reply(environ, start_response, params, envelope)
    faults.journal(fault, f"answered {action} with a body that is not JSON", peer)
    return api._reply(environ, start_response, params, envelope,
                      _not_json(envelope).encode("utf-8"))


def _gone(sock: socket.socket) -> bool:
    """The client has closed its end (or reset it); data still to read does not count."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    if not poller.poll(0):
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def _hold(api: HttpApi, environ: dict, start_response, action: str, params: Params,
          fault: Fault, peer: str) -> list[bytes]:
    """no_answer over HTTP: hold the request until the client gives up (its connection then
    closes with no answer) or the fault is removed (then it is answered the normal way).
    The socket is taken from the server to watch it; the connection closes after the answer."""
    faults = api.faults
    sock, _ = environ["onebot_ref.take_socket"]()
    faults.hold(fault, True)
    faults.journal(fault, f"holding {action} unanswered (the action does not run)", peer)
    began = time.monotonic()
    try:
        while not fault.released.wait(POLL):
            if _gone(sock):
                faults.journal(fault, f"the client gave up on {action} after "
                                      f"{time.monotonic() - began:.1f} s: no answer sent", peer)
                return []
    finally:
        faults.hold(fault, False)
    if faults.stopping:
        return []  # the runner stops: the connection closes unanswered
    faults.journal(fault, f"released {action} after {time.monotonic() - began:.1f} s (fault "
                          "removed): answered", peer)
    return api._reply(environ, start_response, params,
                      api.actions.call(action, params, channel="http"))


# --- WebSocket ---------------------------------------------------------------------------------

def ws_request(session: Session, data: str | bytes) -> None:
    faults = session.faults
    if session.silenced:
        session.silenced += 1  # counted as lost; nothing is read from a blackholed link
        return
    try:
        request = wire.loads(data, "frame")
    except wire.WireError:
        request = None
    action = request.get("action") if isinstance(request, dict) else None
    fault = faults.fire(ANSWERS, session.channel, role_of(session), session.conn.id,
                        action) if isinstance(action, str) else None
    if fault is None:
        return session.answer_request(data)
    kind, where = fault.type, f"{session.channel} connection {session.conn.id}"
    echo = request.get("echo", _NO_ECHO)
    named = f"echo {_cut(wire.dumps(echo))}" if echo is not _NO_ECHO else f"{action} (no echo)"
    if kind == "retcode":
        envelope = envelope_of(fault) | ({} if echo is _NO_ECHO else {"echo": echo})
        _journal(faults, fault, session, f"answered {named} with retcode "
                                         f"{fault.attrs['retcode']} without running it")
        session.record("in", request, None)
        session.record("out", envelope, f"injected by fault {fault.id}")
        return session.offer(encode(envelope))
    if kind == "no_answer":
        session.record("in", request, f"held by fault {fault.id}: never answered")
        return _journal(faults, fault, session, f"held {named} on {where}: never answered "
                                               "(the action did not run)")
    request, envelope, notes = answer(session.actions, data, session.channel)
    session.record("in", request, None)
    if kind == "delay_answer":
        ms = fault.attrs["ms"]
        _journal(faults, fault, session, f"held {named} for {ms} ms")
        faults.timers.after(ms / 1000, lambda: _send(session, envelope, f"late by {ms} ms "
                                                                         f"(fault {fault.id})"))
        return None
    how = fault.attrs["kind"]
    if how == "not_json":
        _journal(faults, fault, session, f"answered {named} with text that is not JSON")
        session.record("out", _not_json(envelope), f"not JSON (fault {fault.id})")
        return session.offer(_not_json(envelope))
    if how == "wrong_echo":
        wrong = "onebot_ref-wrong-echo" if echo != "onebot_ref-wrong-echo" else 0
        envelope = dict(envelope, echo=wrong)
        _journal(faults, fault, session, f"answered {named} with echo {wire.dumps(wrong)}")
    elif how == "no_echo":
        envelope = {k: v for k, v in envelope.items() if k != "echo"}
        _journal(faults, fault, session, f"answered {named} without echo")
    else:
        _journal(faults, fault, session, f"answered {named} twice")
        _send(session, envelope, f"first of two (fault {fault.id})")
    return _send(session, envelope, f"{how} (fault {fault.id})")


def _send(session: Session, envelope: dict, verdict: str) -> None:
    session.record("out", envelope, verdict)
    session.offer(encode(envelope))


def _cut(text: str, limit: int = 60) -> str:
    """An echo in a journal line: the client chose it, so it is cut short."""
    return text if len(text) <= limit else text[:limit] + "..."


def _journal(faults: Any, fault: Fault, session: Session, did: str) -> None:
    faults.journal(fault, did, session.peer, session.conn.id)
