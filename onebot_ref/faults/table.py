"""The fault table: one row per fault type (its attributes with their types and ranges, the
channels it acts on, the targets it takes), and :func:`parse`, the one reading of a fault
request (``POST /sim/faults``, the CLI, the library) against it (FAULT-1..3).

Pure data and checks; no sockets, threads or clock. A refusal is :class:`FaultError` naming
the field at fault, which the console answers as a 400.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: the channels a fault can act on (the traffic journal's names)
CHANNELS = ("http", "http_post", "ws", "ws_reverse")
WS = ("ws", "ws_reverse")
TARGET_KEYS = ("channel", "role", "connection", "action")
#: communication/ws-reverse.md X-Client-Role spellings, and the forward paths of ws.md (WSF-1)
ROLES = {"api": "API", "event": "Event", "universal": "Universal"}
FORWARD_PATHS = {"/": "Universal", "/api": "API", "/api/": "API", "/event": "Event",
                 "/event/": "Event"}
#: RFC 6455 7.4.1: 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close control
#: frame by an endpoint", 1004 is reserved; 1012 and 1013 are IANA-registered; 7.4.2: 3000-4999
#: are for libraries and applications. (1014 is registered too, but wsproto refuses it.)
SENDABLE_CLOSE_CODES = frozenset((1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012,
                                  1013, *range(3000, 5000)))
#: RFC 6455 5.5: a control frame's payload is at most 125 bytes, 2 of them the code
MAX_REASON_BYTES = 123
MAX_MS = 2**31 - 1  # BAD-3: a delay in milliseconds fits what threading can wait
REQUIRED = object()


class FaultError(ValueError):
    """A refused fault request: the field at fault first, the rule it breaks last (FAULT-1)."""
    rule = "FAULT-1"

    def __init__(self, message: str):
        super().__init__(f"{message} ({self.rule})")


#: FAULT-2: a target; FAULT-3: times, probability, seed; FAULT-6: a close; FAULT-14: bad_answer
_TargetError = type("_TargetError", (FaultError,), {"rule": "FAULT-2"})
_CountError = type("_CountError", (FaultError,), {"rule": "FAULT-3"})
_CloseError = type("_CloseError", (FaultError,), {"rule": "FAULT-6"})
_AnswerError = type("_AnswerError", (FaultError,), {"rule": "FAULT-14"})


@dataclass(frozen=True)
class Attr:
    """One attribute: ``kind`` int | str | bool | choice | json, its default (REQUIRED: none),
    an integer range, the choices, and what it means (for the CLI's help)."""

    kind: str
    default: Any = REQUIRED
    low: int | None = None
    high: int | None = None
    choices: tuple = ()
    doc: str = ""


@dataclass(frozen=True)
class FaultType:
    """One row. ``once``: acts on the connections open now and is not stored (close, drop);
    ``repeats``: takes ``times``; ``one_of``: exactly one of these attributes is given;
    ``lasts``: the attribute saying how many ms it lasts (0: until removed)."""

    name: str
    group: str  # answer | link | protocol
    channels: tuple[str, ...]
    doc: str
    attrs: dict[str, Attr] = field(default_factory=dict)
    targets: tuple[str, ...] = TARGET_KEYS
    once: bool = False
    repeats: bool = True
    one_of: tuple[str, ...] = ()
    lasts: str | None = None


_MS = Attr("int", REQUIRED, 0, MAX_MS, doc="milliseconds")
_UNTIL = Attr("int", 0, 0, MAX_MS, doc="milliseconds it lasts (0: until removed)")
_LINK = ("channel", "role", "connection")

TYPES: dict[str, FaultType] = {t.name: t for t in (
    FaultType("delay_answer", "answer", ("http", "ws", "ws_reverse"),
              "the action runs; its answer is held for ms", {"ms": _MS}),
    FaultType("no_answer", "answer", ("http", "ws", "ws_reverse"),
              "the request is journalled and never answered (the action does not run); an "
              "HTTP request is held until the client gives up or the fault is removed"),
    FaultType("retcode", "answer", ("http", "ws", "ws_reverse"),
              "the action does not run; the answer carries this retcode", {
                  "retcode": Attr("int", 100, -2**31, 2**31 - 1, doc="the retcode"),
                  "status": Attr("choice", None, choices=("ok", "async", "failed"),
                                 doc="the status (default: the retcode's, RESP-2..4)"),
                  "message": Attr("str", None, doc="the message (default: names the fault)")}),
    FaultType("http_status", "answer", ("http",),
              "the action does not run; the HTTP API answers this status",
              {"status": Attr("int", 500, 400, 599, doc="an HTTP status, 400-599")}),
    FaultType("bad_answer", "answer", ("http", "ws", "ws_reverse"),
              "the action runs; its answer is broken (over HTTP only not_json)", {
                  "kind": Attr("choice", choices=("not_json", "wrong_echo", "no_echo", "twice"),
                               doc="how the answer is broken")}),
    FaultType("close", "link", WS, "a close frame to the matching connections open now", {
        "code": Attr("int", 1000, 1000, 4999, doc="a code a close frame may carry"),
        "reason": Attr("str", "", doc=f"at most {MAX_REASON_BYTES} bytes of UTF-8")},
        targets=_LINK, once=True, repeats=False),
    FaultType("drop", "link", ("http", "ws", "ws_reverse"),
              "the matching connections open now end without a close frame (the bot sees "
              "1006); on http: the keep-alive connections are cut", targets=_LINK, once=True,
              repeats=False),
    FaultType("blackhole", "link", WS, "the matching connections open now stay open and "
              "nothing flows either way, pongs and heartbeats included (half-open)",
              {"ms": _UNTIL}, targets=_LINK, repeats=False, lasts="ms"),
    FaultType("refuse", "link", WS, "forward handshakes are refused with status; reverse "
              "clients do not dial", {
                  "ms": _UNTIL,
                  "status": Attr("int", 503, 400, 599, doc="the forward handshake's refusal")},
              targets=("channel", "role"), repeats=False, lasts="ms"),
    FaultType("heartbeat", "protocol", ("http_post", "ws", "ws_reverse"),
              "the heartbeat (every channel at once) skips beats, stops, or lies about its "
              "interval", {
                  "skip": Attr("int", None, 1, 10**6, doc="beats not sent, then it ends"),
                  "stop": Attr("bool", None, doc="no beats until removed"),
                  "interval_field": Attr("json", None, doc="the interval field's wrong value")},
              targets=(), repeats=False, one_of=("skip", "stop", "interval_field")),
    FaultType("lifecycle", "protocol", WS, "a new connection gets no lifecycle connect, or two",
              {"skip_connect": Attr("bool", None, doc="no connect event"),
               "twice": Attr("bool", None, doc="the connect event twice")},
              targets=("channel", "role"), one_of=("skip_connect", "twice")),
    FaultType("duplicate_event", "protocol", ("http_post", "ws", "ws_reverse"),
              "a message, notice or request event is delivered copies times (same message_id), "
              "as a retried webhook delivers it",
              {"copies": Attr("int", 2, 2, 100, doc="deliveries of each event")},
              targets=_LINK),
    FaultType("restart", "protocol", CHANNELS, "every connection closes (1001) or drops, HTTP "
              "POST gets disable, nothing is accepted or dialled for downtime_ms, then enable",
              {"downtime_ms": Attr("int", 2000, 0, MAX_MS, doc="milliseconds down"),
               "how": Attr("choice", "close", choices=("close", "drop"),
                           doc="close with 1001, or drop")},
              targets=(), repeats=False, lasts="downtime_ms"),
    FaultType("bad_signature", "protocol", ("http_post",),
              "HTTP POST events carry a wrong X-Signature", targets=()),
)}

#: what every request may carry besides the type's attributes
_COMMON = ("type", "target", "times", "probability", "seed")


@dataclass
class Spec:
    """A fault request as read: its row, target, attributes (defaults filled), times,
    probability and seed (None: drawn when stored)."""

    type: FaultType
    target: dict[str, Any]
    attrs: dict[str, Any]
    times: int | None = None
    probability: float = 1.0
    seed: int | None = None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _value(name: str, attr: Attr, value: Any) -> Any:
    """One attribute's value, checked (strict JSON types: no string coercion)."""
    if value is None:
        if attr.default is REQUIRED:
            raise FaultError(f"{name}: missing ({attr.doc})")
        return attr.default
    if attr.kind == "int":
        if not _is_int(value):
            raise FaultError(f"{name}: expected an integer, got {value!r}"[:120])
        if not attr.low <= value <= attr.high:
            raise FaultError(f"{name}: expected {attr.low} to {attr.high}, got {value}")
    elif attr.kind == "bool":
        if not isinstance(value, bool):
            raise FaultError(f"{name}: expected true or false, got {value!r}"[:120])
        return value or None  # false: as if not given
    elif attr.kind == "str":
        if not isinstance(value, str):
            raise FaultError(f"{name}: expected a string, got {value!r}"[:120])
    elif attr.kind == "choice" and value not in attr.choices:
        raise FaultError(f"{name}: expected one of {', '.join(attr.choices)}, got {value!r}")
    return value


def _target(row: FaultType, target: Any) -> dict[str, Any]:
    if target is None:
        return {}
    if not isinstance(target, dict):
        raise _TargetError(f"target: expected an object with {', '.join(TARGET_KEYS)}")
    out: dict[str, Any] = {}
    for key, value in target.items():
        if key not in TARGET_KEYS:
            raise _TargetError(f"target.{key}: unknown target (expected "
                             f"{', '.join(TARGET_KEYS)})")
        if key not in row.targets:
            takes = ", ".join(row.targets) or "no target"
            raise _TargetError(f"target.{key}: {row.name} does not take it (it takes {takes})")
        if value is None:
            continue
        if key == "channel":
            if value not in row.channels:
                raise _TargetError(f"target.channel: {row.name} acts on "
                                 f"{', '.join(row.channels)}, not {value!r}")
            out[key] = value
        elif key == "role":
            role = ROLES.get(value.lower()) if isinstance(value, str) else None
            if isinstance(value, str) and value in FORWARD_PATHS:  # the forward path: ws
                role = FORWARD_PATHS[value]
                if out.get("channel", target.get("channel", "ws")) != "ws":
                    raise _TargetError(f"target.role: {value!r} is a forward WebSocket path "
                                     "(channel ws)")
                out["channel"] = "ws"
            if role is None:
                raise _TargetError(f"target.role: expected API, Event, Universal or a forward "
                                 f"path (/, /api, /event), got {value!r}")
            out[key] = role
        elif key == "connection":
            if not _is_int(value) or value < 1:
                raise _TargetError(f"target.connection: expected a connection id (GET "
                                 f"/sim/connections), got {value!r}")
            out[key] = value
        else:
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not names or not all(
                    isinstance(n, str) and 0 < len(n) <= 100 for n in names):
                raise _TargetError("target.action: expected an action name or a list of them")
            out[key] = list(dict.fromkeys(names))
    if "role" in out and out.get("channel", "ws") not in WS:
        raise _TargetError(f"target.role: only WebSocket connections have roles, not "
                         f"{out['channel']}")
    return out


def parse(body: Any) -> Spec:
    """The fault a request body asks for (FAULT-1..3), or :class:`FaultError` naming the
    unknown type, attribute or target, or the bad value."""
    if not isinstance(body, dict):
        raise FaultError('body: expected a JSON object, e.g. {"type": "drop", "target": '
                         '{"channel": "ws"}}')
    name = body.get("type")
    if name not in TYPES:
        raise FaultError(f"type: expected one of {', '.join(TYPES)}, got {name!r}"
                         if name is not None else f"type: missing (one of {', '.join(TYPES)})")
    row = TYPES[name]
    for key in body:
        if key not in _COMMON and key not in row.attrs:
            known = ", ".join(list(row.attrs) + list(_COMMON[1:]))
            raise FaultError(f"{key}: unknown field for {name} (expected {known})")
    attrs = {key: _value(key, attr, body.get(key)) for key, attr in row.attrs.items()}
    if row.one_of:
        given = [key for key in row.one_of if attrs[key] is not None]
        if len(given) != 1:
            raise FaultError(f"{row.one_of[0]}: {name} takes exactly one of "
                             f"{', '.join(row.one_of)}, got {len(given)}")
    target = _target(row, body.get("target"))
    _check(row, attrs, target)
    times, probability, seed = body.get("times"), body.get("probability", 1.0), body.get("seed")
    if times is not None:
        if not row.repeats:
            raise _CountError(f"times: {name} does not take it (" + (
                "it acts once, on the connections open now)" if row.once else
                "it lasts until it ends or is removed)"))
        if not _is_int(times) or not 1 <= times <= 10**9:
            raise _CountError(f"times: expected an integer from 1 to 1000000000 or null, "
                             f"got {times!r}")
    if isinstance(probability, bool) or not isinstance(probability, (int, float)) or \
            not 0 <= probability <= 1:
        raise _CountError(f"probability: expected a number from 0 to 1, got {probability!r}")
    if seed is not None and (not _is_int(seed) or not -2**63 <= seed < 2**63):
        raise _CountError(f"seed: expected an integer (int64) or null, got {seed!r}")
    return Spec(row, target, attrs, times, float(probability), seed)


def _check(row: FaultType, attrs: dict[str, Any], target: dict[str, Any]) -> None:
    """The rules between a type's attributes (and its target)."""
    if row.name == "bad_answer" and attrs["kind"] != "not_json" and \
            target.get("channel") == "http":
        raise _AnswerError(f"kind: {attrs['kind']} needs an echo: it acts on ws and ws_reverse, "
                         "the HTTP API takes not_json only")
    if row.name == "close":
        if attrs["code"] not in SENDABLE_CLOSE_CODES:
            raise _CloseError(f"code: {attrs['code']} cannot be sent in a close frame (RFC 6455 "
                             "7.4: 1000-1003, 1007-1013 or 3000-4999; for 1006 use drop)")
        if len(attrs["reason"].encode("utf-8", "replace")) > MAX_REASON_BYTES:
            raise _CloseError(f"reason: at most {MAX_REASON_BYTES} bytes of UTF-8 (RFC 6455 5.5)")


def body_of(type_name: str, **kwargs: Any) -> dict:
    """A request body from keyword arguments, as the library and the CLI take them: the target
    keys (channel, role, connection, action) go into ``target``, None values are left out."""
    body: dict[str, Any] = {"type": type_name}
    target = {k: kwargs.pop(k) for k in TARGET_KEYS if kwargs.get(k) is not None}
    if target:
        body["target"] = target
    body.update({k: v for k, v in kwargs.items() if v is not None})
    return body
