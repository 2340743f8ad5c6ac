"""The console endpoints for a bot's test suite (docs/console-api.md, "Testing a bot"):

    POST /sim/expect                     wait for a message, a call, silence or a bot
    GET  /sim/calls?after=SEQ            the bot's calls, paged, long-polled
    GET  /sim/session?after=SEQ          the calls and the injections that prompted them
    GET  /sim/clock                      the clock (real or manual) and the world's time
    POST /sim/clock                      {"advance": seconds}: move a manual clock

They sit on the ``sim`` blueprint of api.py and answer bad input through its one error path
(``BadInput`` → 400 naming the field). An expectation not met is 408 carrying the failure text
of report.py; a met one is 200 ``{"matched": ...}``.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from flask import Response, current_app, jsonify, request

from .api import BadInput, _body, _int_field, _page_args, _verdict, sim
from .matching import KINDS, Expectation, check_message_param
from .watch import Unmet

if TYPE_CHECKING:
    from ..calls import CallLog
    from .watch import Watch

#: the longest an expectation may wait (seconds): longer than MAX_WAIT, since a slow bot's
#: start-up in CI is what wait_for_bot waits for
MAX_EXPECT = 300.0
#: the fields of each kind (besides ``kind``)
_FIELDS = {
    "message": ("text", "regex", "to_user", "to_group", "timeout"),
    "no_message": ("text", "regex", "to_user", "to_group", "within"),
    "call": ("action", "params", "timeout"),
    "bot": ("timeout",),
}
_ALL_FIELDS = ("kind",) + tuple(dict.fromkeys(f for fields in _FIELDS.values() for f in fields))


def _watch() -> Watch:
    return current_app.config["WATCH"]


def _calls() -> CallLog:
    return current_app.config["CALLS"]


@sim.post("/expect")
def expect() -> Response:
    # api.py's one reading of a body (strict JSON, unknown keys refused), then per kind
    exp = read_expectation(_body(_ALL_FIELDS))
    try:
        matched = _watch().expect(exp)
    except Unmet as unmet:
        _verdict(f"not met: {exp.describe()}")
        response = jsonify(error=str(unmet))
        response.status_code = 408
        return response
    _verdict(f"met: {exp.describe()}")
    return jsonify(matched=matched)


@sim.get("/calls")
def calls() -> Response:
    after, limit, wait = _page_args()
    action = request.args.get("action") or None
    log = _calls()
    if wait:
        log.wait(after, wait)
    entries, cursor = log.since(after, limit, action=action)
    return jsonify(calls=entries, cursor=cursor)


@sim.get("/session")
def session() -> Response:
    after, limit, wait = _page_args()
    log = _calls()
    if wait:
        log.wait(after, wait)
    entries, cursor = log.since(after, limit, calls_only=False)
    return jsonify(entries=entries, cursor=cursor)


@sim.route("/clock", methods=["GET", "POST"])
def clock() -> Response:
    world_clock = current_app.config["PARTS"].world.clock
    if request.method == "POST":
        data = _body(("advance",))
        seconds = _number(data, "advance", 0, 10**9, rule="SIM-8")
        if not world_clock.manual:
            raise BadInput("advance: the server runs on the real clock; start it with "
                           "clock: manual to move time", "SIM-8")
        fired = world_clock.advance(seconds)
        _verdict(f"advanced the clock {seconds:g} s ({fired} timer(s) fired)")
    return jsonify(world_clock.describe())


# --- reading an expectation -------------------------------------------------------------------

def read_expectation(data: Any) -> Expectation:
    """A ``POST /sim/expect`` body as an :class:`Expectation`; BadInput naming the field and
    ending with SIM-7 (or the BAD-3 of an id)."""
    try:
        return _expectation(data)
    except BadInput as err:
        raise BadInput(str(err), "SIM-7") from None


def _expectation(data: Any) -> Expectation:
    if not isinstance(data, dict):
        raise BadInput('body: expected a JSON object, e.g. {"kind": "message", "text": "hi", '
                       '"timeout": 5}')
    kind = data.get("kind")
    if kind not in KINDS:
        raise BadInput(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    allowed = ("kind",) + _FIELDS[kind]
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise BadInput(f"{unknown[0]}: not a field of a {kind} expectation (expected "
                       f"{', '.join(allowed)})")
    seconds_field = "within" if kind == "no_message" else "timeout"
    seconds = _number(data, seconds_field, 0, MAX_EXPECT,
                      default=1.0 if kind == "no_message" else 5.0)
    if kind == "call":
        action = data.get("action")
        if not isinstance(action, str) or not action:
            raise BadInput("action: expected the action's name, e.g. \"send_msg\"")
        params = data.get("params", {})
        if not isinstance(params, dict):
            raise BadInput(f"params: expected a JSON object, got {type(params).__name__}")
        if "message" in params and (problem := check_message_param(params["message"])):
            raise BadInput(f"params.message: {problem}")
        return Expectation(kind, action=action, params=params, seconds=seconds)
    if kind == "bot":
        return Expectation(kind, seconds=seconds)
    text, regex = data.get("text"), data.get("regex")
    if text is not None and not isinstance(text, str):
        raise BadInput(f"text: expected a string, got {type(text).__name__}")
    if text is not None and regex is not None:
        raise BadInput("regex: give text or regex, not both")
    pattern = None
    if regex is not None:
        if not isinstance(regex, str):
            raise BadInput(f"regex: expected a string, got {type(regex).__name__}")
        try:
            pattern = re.compile(regex)
        except re.error as err:
            raise BadInput(f"regex: not a regular expression: {err}") from None
    return Expectation(kind, text=text, regex=pattern,
                       to_user=_int_field(data, "to_user", required=False),
                       to_group=_int_field(data, "to_group", required=False), seconds=seconds)


def _number(data: dict, name: str, low: float, high: float, default: float | None = None,
            rule: str = "SIM-7") -> float:
    value = data.get(name)
    if value is None:
        if default is None:
            raise BadInput(f"{name}: missing", rule)
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadInput(f"{name}: expected a number of seconds, got {value!r}", rule)
    if not low <= value <= high:
        raise BadInput(f"{name}: expected {low:g} to {high:g} seconds, got {value:g}", rule)
    return float(value)
