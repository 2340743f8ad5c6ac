"""The notice and request events a person can inject, by the short names the CLI and the page use.

Derived from :data:`onebot_ref.protocol.events.SHAPES` (one row per event table of
event/notice.md and event/request.md), so the form on the web page, ``python -m onebot_ref event
KIND`` and the world's checks all read the same table. The server fills ``time``, ``self_id`` and
a request's ``flag``; everything else comes from the person.

    partial_event("friend_request", {"user_id": 10002, "comment": "hi"})
    -> {"post_type": "request", "request_type": "friend", "user_id": 10002, "comment": "hi"}
"""

from __future__ import annotations

from typing import Any

from ..protocol.events import HONOR_TYPES, SHAPES, Shape

#: Fields the server fills (event/README.md: every event has time and self_id;
#: event/request.md: "flag ... 请求 flag，在调用处理请求的 API 时需要传入").
SERVER_FILLED = ("time", "self_id", "flag")


def _name(shape: Shape) -> str:
    # Requests are named "friend_request" / "group_request": "friend" and "group" alone would
    # read as the message types.
    return f"{shape.kind}_request" if shape.post_type == "request" else shape.name


def _kinds() -> dict[str, Shape]:
    shapes = [s for s in SHAPES.values() if s.post_type in ("notice", "request")]
    return {_name(s): s for s in shapes}


#: name -> Shape, in the spec's order (notices, then requests).
KINDS: dict[str, Shape] = _kinds()


def describe() -> list[dict]:
    """The table as JSON for the page's form: name, the discriminators, sub_types, fields."""
    out = []
    for name, shape in KINDS.items():
        fields = [{"name": f, "kind": k, **({"choices": list(HONOR_TYPES)}
                                             if f == "honor_type" else {})}
                  for f, k in shape.fields if f not in SERVER_FILLED]
        out.append({"name": name, "post_type": shape.post_type, "kind_key": shape.kind_key,
                    "kind": shape.kind, "sub_types": list(shape.sub_types),
                    "fields": fields, "spec": shape.spec})
    return out


def partial_event(name: str, values: dict[str, Any]) -> dict:
    """The partial event for kind ``name`` with ``values`` (field -> value; ``sub_type`` too).

    ``notify`` kinds carry their fixed sub_type (poke, lucky_king, honor). Values are passed as
    given: the world checks them and names a missing or mistyped field.
    """
    shape = KINDS.get(name)
    if shape is None:
        raise ValueError(f"unknown event kind {name!r}; expected one of {', '.join(KINDS)}")
    event: dict[str, Any] = {"post_type": shape.post_type, shape.kind_key: shape.kind}
    if shape.kind == "notify":
        event["sub_type"] = shape.sub_types[0]
    event.update({k: v for k, v in values.items() if v is not None})
    return event
