"""The console's JSON API: ``/sim/*`` (docs/console-api.md, exactly).

Everything a person (or a test) does as "the other QQ users" goes through the same world and
bus as the bot's own actions: an injected message gets a real ``message_id``, is stored (so
``get_msg`` and replies find it) and reaches every connected bot in every mode.

    GET  /sim/world                      the world: self, friends, groups with members, profile
    POST /sim/private_message            {"user_id", "message", "group_id"?}
    POST /sim/group_message              {"group_id", "user_id", "message", "anonymous"?}
    POST /sim/event                      a partial notice / request / message event, or a
                                         Milky-only kind {"kind": ...} (event_api.py)
    GET  /sim/messages?after=SEQ         the stored messages of both sides, paged by seq
    GET  /sim/traffic?after=SEQ          the traffic journal, paged by seq

and, for a bot's test suite (expect_api.py): ``POST /sim/expect``, ``GET /sim/calls``,
``GET /sim/session``, ``GET|POST /sim/clock``.

Both pages also take ``limit`` and ``wait`` (seconds, at most :data:`MAX_WAIT`): with ``wait``
the request is held until something newer than ``after`` exists (long polling; the web page and
``tail`` use it). ``/sim/traffic`` also takes ``channel`` (repeatable) to filter.

Bad input is ``400 {"error": "..."}`` naming the field; the world checks before it changes
anything, so a rejected request leaves no trace but its journal line. BAD-1/2: a body is read
as strict JSON (protocol/wire.py), the query as strict UTF-8, before any endpoint sees them;
ids are positive int64 numbers (BAD-3), as the bot's actions take them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, g, jsonify, request

from ..bus import as_format
from ..profiles import view as profile_view
from ..protocol import wire
from ..protocol.coerce import Id, parse_decimal, parse_int
from ..protocol.message import normalize
from ..protocol.ranges import out_of_range
from ..protocol.response import ActionError
from ..traffic import CHANNELS
from .errors import BadInput, cite

if TYPE_CHECKING:
    from ..modes import Parts

#: The longest a long-poll request is held (seconds).
MAX_WAIT = 60.0
#: The largest page of messages or frames.
MAX_LIMIT = 5000

sim = Blueprint("sim", __name__, url_prefix="/sim")


def _parts() -> Parts:
    """What the console was built from (its config, world and traffic journal)."""
    return current_app.config["PARTS"]


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


@sim.errorhandler(BadInput)
def _bad_input(err: BadInput) -> Response:
    return _error(400, cite(str(err), err.rule))


# --- reading the request ---------------------------------------------------------------------

@sim.before_request
def _strict_query() -> None:
    """BAD-1: the query is strict UTF-8, raw and %-decoded (werkzeug's request.args would read
    it leniently); after the access token (the app checks it first, AUTH-8)."""
    raw = request.query_string
    try:
        parse_qsl(wire.text(raw, "query string"), keep_blank_values=True, errors="strict")
    except wire.WireError as err:
        raise BadInput(str(err)) from None
    except UnicodeDecodeError:
        raise BadInput("query string: not valid UTF-8 (after %-decoding) (BAD-1)") from None


def _json_body() -> Any:
    """The body as strict JSON (BAD-2: RFC 8259, protocol/wire.py), read once per request."""
    if "body" not in g:
        try:
            g.body = wire.loads(request.get_data(cache=True), "body")
        except wire.WireError as err:
            g.body_error = f"body: expected a JSON object: {err.problem} ({err.rule})"
            g.body = None
    if g.get("body_error"):
        raise BadInput(g.body_error)
    return g.body


def _body(allowed: tuple[str, ...]) -> dict:
    """The JSON object body; an unknown key is refused (a typo must not be silently ignored)."""
    data = _json_body()
    if not isinstance(data, dict):
        raise BadInput("body: expected a JSON object, e.g. "
                       '{"user_id": 10001, "message": "hello"}')
    unknown = [k for k in data if k not in allowed]
    if unknown:
        raise BadInput(f"{unknown[0]}: unknown field (expected {', '.join(allowed)})")
    return data


def _int_field(data: dict, name: str, required: bool = True) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise BadInput(f"{name}: missing")
        return None
    # GEN-6: ids are JSON numbers; a decimal string is accepted as a convenience for curl users
    # (read as an action parameter is: PARAM-3).
    number = parse_int(value) if isinstance(value, str) else value
    if not isinstance(number, int) or isinstance(number, bool):
        raise BadInput(f"{name}: expected an integer, got {_short(value)} (BAD-3)")
    problem = out_of_range(Id, number)  # BAD-3: a QQ or group number is a positive int64
    if problem is not None:
        raise BadInput(f"{name}: expected {problem} (BAD-3)")
    return number


def _short(value: Any) -> str:
    """A value for an error message: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message_field(data: dict) -> str | list:
    """A message as the contract allows it: a CQ string or a segment array (MSG-*, SIM-6)."""
    problem = _message_problem(data)
    if problem is not None:
        raise BadInput(f"message: {problem}", "SIM-6")
    return data["message"]


def _message_problem(data: dict) -> str | None:
    if "message" not in data:
        return "missing"
    message = data["message"]
    if not isinstance(message, (str, list)):
        return f"expected a CQ string or a segment array, got {type(message).__name__}"
    try:
        segments = normalize(message)
    except ActionError as err:
        return err.message
    return None if segments else "empty (a QQ message has at least one segment)"


def _query_number(name: str, default: float, low: float, high: float, kind=int) -> Any:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    # The one reading of a number as text (PARAM-3): not int()'s "1_000", nor float()'s "nan".
    value = parse_int(raw) if kind is int else parse_decimal(raw)
    if value is None:
        raise BadInput(f"{name}: expected {'an integer' if kind is int else 'a number'}, "
                       f"got {_short(raw)}", "SIM-4")
    if not low <= value <= high:
        bounds = f"{low:g} to {high:g}" if kind is float else f"{low} to {high}"
        raise BadInput(f"{name}: expected {bounds}, got {raw.strip()[:40]}", "SIM-4")  # safe
    return value


def _page_args() -> tuple[int, int, float]:
    return (_query_number("after", 0, 0, 2**63 - 1),
            _query_number("limit", 500, 1, MAX_LIMIT),
            _query_number("wait", 0.0, 0.0, MAX_WAIT, float))


def _world_call(fn, *args, **kwargs) -> dict:
    """Call the world. Its one error type, ActionError (unknown user, not a member, bad field),
    becomes a 400 carrying the world's message; the retcode is the bot's vocabulary, not the
    console's."""
    try:
        return fn(*args, **kwargs)
    except ActionError as err:
        raise BadInput(err.message, "SIM-10") from None


def _inject(endpoint: str, body: dict, fn, *args, **kwargs) -> dict:
    """An injection through the world (:func:`_world_call`), told to the console's watch
    (watch.py), which logs it and starts its expectations from it."""
    watch = current_app.config["WATCH"]
    before = watch.begin()
    event = _world_call(fn, *args, **kwargs)
    watch.injected(before, endpoint, body, _as_pushed(event))
    return event


def _as_pushed(event: dict) -> dict:
    """The event as the bots received it: ``message`` in ``post_message_format`` (EVT-5)."""
    return as_format(event, _parts().config.post_message_format)


def _verdict(text: str) -> None:
    g.verdict = text


@sim.after_request
def _journal(response: Response) -> Response:
    """Every change asked of the console (POST, DELETE) is journalled with its verdict, so the
    journal tells the whole story; the reading endpoints (polled all the time) are not."""
    if request.method in ("POST", "DELETE"):
        # What was read (BAD-5: the journal holds only what it can serialise): the JSON, or the
        # text, or the bytes (traffic.safe describes them) of a body that is neither.
        data = g.get("body") if "body" in g and not g.get("body_error") else None
        if data is None:
            raw = request.get_data(cache=True)
            try:
                data = wire.text(raw)
            except wire.WireError:
                data = raw
        verdict = getattr(g, "verdict", None)
        if response.status_code not in (200, 201):
            error = (response.get_json(silent=True) or {}).get("error", "")
            verdict = f"{response.status_code}: {error.partition(chr(10))[0]}"  # a 408's headline
        _parts().traffic.record("console", "in", request.remote_addr or "", data,
                                verdict=verdict, path=request.path)
    return response


# --- the endpoints ---------------------------------------------------------------------------

@sim.get("/world")
def world() -> Response:
    # and the compat profile the bots are answered with (onebot_ref/profiles/)
    return jsonify(dict(_parts().world.snapshot(), profile=profile_view(_parts().config)))


@sim.post("/private_message")
def private_message() -> Response:
    data = _body(("user_id", "message", "group_id"))
    user_id = _int_field(data, "user_id")
    group_id = _int_field(data, "group_id", required=False)
    event = _inject("private_message", data, _parts().world.receive_private_message, user_id,
                    _message_field(data), group_id=group_id)
    _verdict(f"injected private message {event['message_id']} "
             f"from {user_id}")
    return jsonify(message_id=event["message_id"], event=_as_pushed(event))


@sim.post("/group_message")
def group_message() -> Response:
    data = _body(("group_id", "user_id", "message", "anonymous"))
    group_id, user_id = _int_field(data, "group_id"), _int_field(data, "user_id")
    message = _message_field(data)
    # anonymous (an extension of the contract): true or {"name": ...}; the world checks it.
    anonymous = data.get("anonymous")
    kwargs = {"anonymous": anonymous} if anonymous is not None else {}
    event = _inject("group_message", data, _parts().world.receive_group_message, group_id,
                    user_id, message, **kwargs)
    _verdict(f"injected group message {event['message_id']} "
             f"from {user_id} in {group_id}")
    return jsonify(message_id=event["message_id"], event=_as_pushed(event))


@sim.get("/messages")
def messages() -> Response:
    after, limit, wait = _page_args()
    world = _parts().world
    if wait:
        world.wait_message(after, wait)  # long polling: until a message newer than `after`
    items, cursor = world.messages_since(after, limit)
    return jsonify(messages=items, cursor=cursor)


@sim.get("/traffic")
def traffic() -> Response:
    after, limit, wait = _page_args()
    channels = request.args.getlist("channel")
    for channel in channels:
        if channel not in CHANNELS:
            raise BadInput(f"channel: expected one of {', '.join(CHANNELS)}, got {channel!r}",
                           "SIM-5")
    journal = _parts().traffic
    if wait:
        journal.wait(after, wait)
    frames, cursor = journal.since(after, limit)
    if channels:  # the cursor still moves past the frames filtered out
        frames = [f for f in frames if f["channel"] in channels]
    return jsonify(frames=frames, cursor=cursor)
