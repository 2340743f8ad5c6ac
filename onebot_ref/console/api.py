"""The console's JSON API: ``/sim/*`` (docs/console-api.md, exactly).

Everything a person (or a test) does as "the other QQ users" goes through the same world and
bus as the bot's own actions: an injected message gets a real ``message_id``, is stored (so
``get_msg`` and replies find it) and reaches every connected bot in every mode.

    GET  /sim/world                      the world: self, friends, groups with members
    POST /sim/private_message            {"user_id", "message", "group_id"?}
    POST /sim/group_message              {"group_id", "user_id", "message", "anonymous"?}
    POST /sim/event                      a partial notice / request / message event
    GET  /sim/messages?after=SEQ         the stored messages of both sides, paged by seq
    GET  /sim/traffic?after=SEQ          the traffic journal, paged by seq

Both pages also take ``limit`` and ``wait`` (seconds, at most :data:`MAX_WAIT`): with ``wait``
the request is held until something newer than ``after`` exists (long polling; the web page and
``tail`` use it). ``/sim/traffic`` also takes ``channel`` (repeatable) to filter.

Bad input is ``400 {"error": "..."}`` naming the field; the world checks before it changes
anything, so a rejected request leaves no trace but its journal line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from ..bus import as_format
from ..protocol.coerce import parse_int
from ..protocol.message import normalize
from ..protocol.response import ActionError
from ..traffic import CHANNELS

if TYPE_CHECKING:
    from ..modes import Parts

#: The longest a long-poll request is held (seconds).
MAX_WAIT = 60.0
#: The largest page of messages or frames.
MAX_LIMIT = 5000

sim = Blueprint("sim", __name__, url_prefix="/sim")


class BadInput(Exception):
    """A 400: the message names the field and what was expected."""


def _parts() -> Parts:
    """What the console was built from (its config, world and traffic journal)."""
    return current_app.config["PARTS"]


def _error(status: int, message: str) -> Response:
    response = jsonify(error=message)
    response.status_code = status
    return response


@sim.errorhandler(BadInput)
def _bad_input(err: BadInput) -> Response:
    return _error(400, str(err))


# --- reading the request ---------------------------------------------------------------------

def _body(allowed: tuple[str, ...]) -> dict:
    """The JSON object body; an unknown key is refused (a typo must not be silently ignored)."""
    data = request.get_json(silent=True, force=True)
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
        raise BadInput(f"{name}: expected an integer, got {value!r}")
    return number


def _message_field(data: dict) -> str | list:
    """A message as the contract allows it: a CQ string or a segment array (MSG-*)."""
    if "message" not in data:
        raise BadInput("message: missing")
    message = data["message"]
    if not isinstance(message, (str, list)):
        raise BadInput(f"message: expected a CQ string or a segment array, got "
                       f"{type(message).__name__}")
    try:
        segments = normalize(message)
    except ActionError as err:
        raise BadInput(f"message: {err.message}") from None
    if not segments:
        raise BadInput("message: empty (a QQ message has at least one segment)")
    return message


def _query_number(name: str, default: float, low: float, high: float, kind=int) -> Any:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise BadInput(f"{name}: expected {'an integer' if kind is int else 'a number'}, "
                       f"got {raw!r}") from None
    if not low <= value <= high:
        raise BadInput(f"{name}: expected {low:g} to {high:g}, got {raw}")
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
        raise BadInput(err.message) from None


def _as_pushed(event: dict) -> dict:
    """The event as the bots received it: ``message`` in ``post_message_format`` (EVT-5)."""
    return as_format(event, _parts().config.post_message_format)


def _verdict(text: str) -> None:
    g.verdict = text


@sim.after_request
def _journal(response: Response) -> Response:
    """Every change asked of the console (POST) is journalled with its verdict, so the journal
    tells the whole story; the reading endpoints (polled all the time) are not."""
    if request.method == "POST":
        data = request.get_json(silent=True, force=True)
        if data is None:
            data = request.get_data(as_text=True)
        verdict = getattr(g, "verdict", None)
        if response.status_code != 200:
            error = (response.get_json(silent=True) or {}).get("error", "")
            verdict = f"{response.status_code}: {error}"
        _parts().traffic.record("console", "in", request.remote_addr or "", data,
                                verdict=verdict, path=request.path)
    return response


# --- the endpoints ---------------------------------------------------------------------------

@sim.get("/world")
def world() -> Response:
    return jsonify(_parts().world.snapshot())


@sim.post("/private_message")
def private_message() -> Response:
    data = _body(("user_id", "message", "group_id"))
    user_id = _int_field(data, "user_id")
    group_id = _int_field(data, "group_id", required=False)
    event = _world_call(_parts().world.receive_private_message, user_id,
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
    event = _world_call(_parts().world.receive_group_message, group_id, user_id, message,
                        **kwargs)
    _verdict(f"injected group message {event['message_id']} "
             f"from {user_id} in {group_id}")
    return jsonify(message_id=event["message_id"], event=_as_pushed(event))


@sim.post("/event")
def event() -> Response:
    data = request.get_json(silent=True, force=True)
    if not isinstance(data, dict):
        raise BadInput('body: expected a JSON object with post_type, e.g. {"post_type": '
                       '"request", "request_type": "friend", "user_id": 10002, "comment": "hi"}')
    if "post_type" not in data:
        raise BadInput("post_type: missing (expected message, notice, request or meta_event)")
    injected = _world_call(_parts().world.inject_event, data)
    kind = injected.get(f"{injected['post_type']}_type", "")
    _verdict(f"injected {injected['post_type']} {kind}".rstrip())
    return jsonify(event=_as_pushed(injected))


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
            raise BadInput(f"channel: expected one of {', '.join(CHANNELS)}, got {channel!r}")
    journal = _parts().traffic
    if wait:
        journal.wait(after, wait)
    frames, cursor = journal.since(after, limit)
    if channels:  # the cursor still moves past the frames filtered out
        frames = [f for f in frames if f["channel"] in channels]
    return jsonify(frames=frames, cursor=cursor)
