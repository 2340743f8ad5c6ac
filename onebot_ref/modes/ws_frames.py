"""What a WebSocket session writes and answers: the JSON text of every frame (GEN-3), a server
text frame's bytes, and the envelope answering one API request frame (communication/ws.md,
WSF-6..8, A-12, A-13, A-46).

Pure functions, shared by :class:`~.ws_session.Session` and :class:`~.ws_fanout.Fanout`.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any

from ..profiles.settings import Settings
from ..protocol import wire
from ..protocol.coerce import Params
from ..protocol.response import NO_ECHO, Retcode, failed, shaped
from ..protocol.wire import dumps as _encode

if TYPE_CHECKING:
    from ..actions import Actions


def encode(value: Any) -> str:
    """Compact JSON text, not ASCII-escaped: the form of every frame we send (GEN-3)."""
    return _encode(value)


def text_frame(text: str) -> bytes:
    """One unmasked, unfragmented text frame, as a server sends it (RFC 6455 §5.2: FIN +
    opcode 1, then the payload length in 7, 7+16 or 7+64 bits)."""
    payload = text.encode("utf-8")
    size = len(payload)
    if size < 126:
        return bytes((0x81, size)) + payload
    if size < 65536:
        return struct.pack("!BBH", 0x81, 126, size) + payload
    return struct.pack("!BBQ", 0x81, 127, size) + payload


def _frame_error(message: str, request: Any, settings: Settings) -> tuple[dict, list[str]]:
    """A 1400 answer (WSF-6): communication/ws.md "1400 | 400". ``echo`` is kept when the frame
    was an object that had it (A-12)."""
    envelope = failed(Retcode.BAD_REQUEST, message)
    has_echo = isinstance(request, dict) and "echo" in request
    if not settings.is_spec:
        return _shaped(envelope, settings, request["echo"] if has_echo else NO_ECHO, [])
    if has_echo:
        envelope["echo"] = request["echo"]
    return envelope, []


def _shaped(envelope: dict, settings: Settings, echo: Any, notes: list[str]
            ) -> tuple[dict, list[str]]:
    """The envelope as the profile answers it, its journal mark added to ``notes``."""
    envelope, note = shaped(envelope, settings, echo)
    return envelope, notes if note is None else [*notes, note]


def answer(actions: Actions, data: str | bytes,
           channel: str | None = None) -> tuple[Any, dict, list[str]]:
    """The response to one API frame: ``(request as decoded, envelope, coercion notes)``;
    ``channel``: the session's ("ws", "ws_reverse"), for the actions' observers."""
    settings = actions.settings  # the compat profile's
    try:
        # BAD-2: strict JSON (RFC 8259), one reading for every transport; A-46: a binary frame
        # is read as UTF-8 JSON text.
        request = wire.loads(data, "frame")
    except wire.WireError as err:  # the echo kept when it can be read (and sent)
        echo = err.field("echo")
        return data, *_frame_error(str(err), None if echo is wire.UNREAD else {"echo": echo},
                                   settings)
    if not isinstance(request, dict):
        return request, *_frame_error("frame is not a JSON object {action, params, echo} (WSF-6)",
                                      request, settings)
    action = request.get("action")
    if not isinstance(action, str) or not action:
        return request, *_frame_error("frame has no 'action' string (WSF-6)", request, settings)
    # communication/ws.md: "params 用于传入参数，如果要调用的 API 不需要参数，则可以不加";
    # WSF-8 / A-13: a params that is not an object counts as {}.
    values = request.get("params")
    params = Params(values if isinstance(values, dict) else {})
    envelope = actions.call(action, params, channel)  # unknown action → 1404 (WSF-7)
    if not settings.is_spec:
        if envelope["retcode"] == Retcode.NOT_FOUND and settings.changes("unknown_action_ws"):
            envelope["retcode"] = settings.unknown_action_ws
            params.notes.append(settings.mark("unknown_action_ws",
                                              f"retcode {settings.unknown_action_ws}"))
        return (request, *_shaped(envelope, settings, request.get("echo", NO_ECHO),
                                  params.notes))
    # communication/ws.md: echo "可以是任何类型的数据，OneBot 将会在调用结果中原样返回";
    # present iff the request had the key (null included).
    if "echo" in request:
        envelope = dict(envelope, echo=request["echo"])
    return request, envelope, params.notes


def verdict(envelope: dict, notes: list[str]) -> str | None:
    """The journal verdict of an answer: the failure, then the coercion notes (or None)."""
    parts = list(notes)
    if envelope.get("status") == "failed":
        parts.insert(0, f"failed {envelope.get('retcode')}: {envelope.get('message', '')}")
    return "; ".join(parts) or None
