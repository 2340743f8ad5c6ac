"""The notice and request events a person can inject, by the short names the CLI and the page use.

Derived from :data:`onebot_ref.protocol.events.SHAPES` (one row per event table of
event/notice.md and event/request.md), so the form on the web page, ``python -m onebot_ref event
KIND`` and the world's checks all read the same table. The server fills ``time``, ``self_id`` and
a request's ``flag``; everything else comes from the person.

    partial_event("friend_request", {"user_id": 10002, "comment": "hi"})
    -> {"post_type": "request", "request_type": "friend", "user_id": 10002, "comment": "hi"}

The Milky-only kinds (:data:`MILKY_KINDS`): what the other users do that OneBot 11 has no event
for, which only a Milky client hears (MLK-46). ``POST /sim/event`` takes them as
``{"kind": NAME, field: value, ...}`` and calls the world's ``inject_*`` method for it
(world/injected_more.py: it checks everything, then changes).

    partial_event("reaction", {"group_id": 20001, "user_id": 10001, "message_seq": 3,
                               "face_id": "76"})
    -> {"kind": "reaction", "group_id": 20001, ...}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

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


@dataclass(frozen=True)
class MilkyKind:
    """One Milky-only kind: the world's method, its fields (name, int | str | bool, required),
    and the Milky event(s) it becomes (ir.json event_type)."""

    name: str
    method: str
    fields: tuple[tuple[str, str, bool], ...]
    spec: str


MILKY_KINDS: dict[str, MilkyKind] = {kind.name: kind for kind in (
    MilkyKind("group_name_change", "inject_group_name_change", (
        ("group_id", "int", True), ("operator_id", "int", True), ("group_name", "str", True)),
        "Milky group_name_change"),
    MilkyKind("reaction", "inject_reaction", (
        ("group_id", "int", True), ("user_id", "int", True), ("message_seq", "int", True),
        ("face_id", "str", True), ("reaction_type", "str", False), ("is_add", "bool", False)),
        "Milky group_message_reaction"),
    MilkyKind("friend_nudge", "inject_friend_nudge", (
        ("user_id", "int", True), ("to_self", "bool", False)), "Milky friend_nudge"),
    MilkyKind("essence", "inject_essence", (
        ("group_id", "int", True), ("operator_id", "int", True), ("message_seq", "int", True),
        ("is_set", "bool", False)), "Milky group_essence_message_change"),
    MilkyKind("file_upload", "inject_file_upload", (
        ("user_id", "int", True), ("file_name", "str", True), ("file_uri", "str", True),
        ("group_id", "int", False), ("parent_folder_id", "str", False)),
        "Milky friend_file_upload / group_file_upload (a group's: OneBot 11 group_upload too)"),
    MilkyKind("invited_join_request", "inject_invited_join_request", (
        ("group_id", "int", True), ("initiator_id", "int", True),
        ("target_user_id", "int", True)), "Milky group_invited_join_request"),
)}


def milky_injection(world: Any, data: dict) -> tuple[str, Callable[[], dict]]:
    """The kind a ``{"kind": NAME, ...}`` body names and the call that injects it, returning
    what the world took: the body, and the file_id or the request it made. ValueError names
    an unknown kind or field, or a missing one; the world checks the values."""
    name = data.get("kind")
    kind = MILKY_KINDS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ValueError(f"kind: expected one of {', '.join(MILKY_KINDS)}, got {name!r:.60}")
    names = [field for field, _, _ in kind.fields]
    for key in data:
        if key != "kind" and key not in names:
            raise ValueError(f"{key}: unknown field of {kind.name} (expected "
                             f"{', '.join(names)})")
    for field, _, required in kind.fields:
        if required and data.get(field) is None:
            raise ValueError(f"{field}: missing")
    args = {field: data[field] for field in names if data.get(field) is not None}
    method = getattr(world, kind.method)

    def inject() -> dict:
        made = method(**args)
        taken = {"kind": kind.name, **args}
        if isinstance(made, str):
            taken["file_id"] = made
        elif isinstance(made, dict):
            taken["request"] = made
        return taken
    return kind.name, inject


def describe() -> list[dict]:
    """The table as JSON for the page's form: name, the discriminators, sub_types, fields; the
    Milky-only kinds with ``"face": "milky"``."""
    out = []
    for name, shape in KINDS.items():
        fields = [{"name": f, "kind": k, **({"choices": list(HONOR_TYPES)}
                                             if f == "honor_type" else {})}
                  for f, k in shape.fields if f not in SERVER_FILLED]
        out.append({"name": name, "post_type": shape.post_type, "kind_key": shape.kind_key,
                    "kind": shape.kind, "sub_types": list(shape.sub_types),
                    "fields": fields, "spec": shape.spec})
    for kind in MILKY_KINDS.values():
        out.append({"name": kind.name, "face": "milky", "post_type": None, "kind_key": None,
                    "kind": kind.name, "sub_types": [], "spec": kind.spec, "fields": [
                        {"name": f, "kind": k, "required": required}
                        for f, k, required in kind.fields]})
    return out


def partial_event(name: str, values: dict[str, Any]) -> dict:
    """The partial event for kind ``name`` with ``values`` (field -> value; ``sub_type`` too).

    ``notify`` kinds carry their fixed sub_type (poke, lucky_king, honor). Values are passed as
    given: the world checks them and names a missing or mistyped field.
    """
    if name in MILKY_KINDS:
        return {"kind": name, **{k: v for k, v in values.items() if v is not None}}
    shape = KINDS.get(name)
    if shape is None:
        raise ValueError(f"unknown event kind {name!r}; expected one of "
                         f"{', '.join([*KINDS, *MILKY_KINDS])}")
    event: dict[str, Any] = {"post_type": shape.post_type, shape.kind_key: shape.kind}
    if shape.kind == "notify":
        event["sub_type"] = shape.sub_types[0]
    event.update({k: v for k, v in values.items() if v is not None})
    return event
