"""The console's fault endpoints (docs/console-api.md, "Faults"; onebot_ref/faults/):

    POST   /sim/faults            {"type", "target"?, ...attributes, "times"?, "probability"?,
                                   "seed"?}  -> 201 the fault as stored (close, drop: as done)
    GET    /sim/faults            -> {"faults": [...]}   the active faults, with "fired"
    GET    /sim/faults/types      -> {"types": [...]}    the fault table
    DELETE /sim/faults/ID         -> {"removed": {...}}  (404: no such active fault)
    DELETE /sim/faults            -> {"removed": N}
    GET    /sim/connections       -> {"connections": [...], "cursor": ID}
                                     ?after=ID&wait=S&channel=C&open=true

They sit on the ``sim`` blueprint of api.py: the body is read by its one reader (strict JSON),
bad input is its ``BadInput`` (400 naming the field), and every change is journalled by it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response, current_app, jsonify, request

from ..faults.table import CHANNELS, REQUIRED, TYPES, FaultError, FaultType
from .api import MAX_WAIT, BadInput, _error, _json_body, _query_number, _verdict, cite, sim

if TYPE_CHECKING:
    from ..faults import Faults


def _faults() -> Faults:
    return current_app.config["PARTS"].faults


def _said(fault: dict) -> str:
    """A fault in a few words, for the journal's verdict."""
    target = ", ".join(f"{k} {','.join(v) if isinstance(v, list) else v}"
                       for k, v in fault["target"].items()) or "everywhere"
    if "connections" in fault and fault["type"] in ("close", "drop"):
        return f"{fault['type']} {fault['id']}: hit {len(fault['connections'])} connection(s)"
    return f"added {fault['id']}: {fault['type']} ({target})"


def describe(row: FaultType) -> dict:
    """A row of the fault table as ``GET /sim/faults/types`` shows it."""
    return {"type": row.name, "group": row.group, "channels": list(row.channels),
            "doc": row.doc, "targets": list(row.targets), "once": row.once,
            "times": row.repeats, "one_of": list(row.one_of),
            "attributes": {key: {"kind": a.kind, "default": None if a.default is REQUIRED
                                 else a.default, "required": a.default is REQUIRED,
                                 **({"min": a.low, "max": a.high} if a.low is not None else {}),
                                 **({"choices": list(a.choices)} if a.choices else {}),
                                 "doc": a.doc} for key, a in row.attrs.items()}}


@sim.post("/faults")
def add_fault() -> Response:
    try:
        fault = _faults().add(_json_body())
    except FaultError as err:
        raise BadInput(str(err)) from None
    _verdict(_said(fault))
    response = jsonify(fault)
    response.status_code = 201
    return response


@sim.get("/faults")
def list_faults() -> Response:
    return jsonify(faults=_faults().list())


@sim.get("/faults/types")
def fault_types() -> Response:
    return jsonify(types=[describe(row) for row in TYPES.values()])


@sim.delete("/faults/<fid>")
def remove_fault(fid: str) -> Response:
    removed = _faults().remove(fid)
    if removed is None:
        active = ", ".join(f["id"] for f in _faults().list()) or "none"
        return _error(404, cite(f"no active fault {fid} (active: {active})", "SIM-9"))
    _verdict(f"removed {fid}")
    return jsonify(removed=removed)


@sim.delete("/faults")
def clear_faults() -> Response:
    count = _faults().clear()
    _verdict(f"removed {count} fault(s)")
    return jsonify(removed=count)


@sim.get("/connections")
def connections() -> Response:
    after = _query_number("after", 0, 0, 2**63 - 1)
    wait = _query_number("wait", 0.0, 0.0, MAX_WAIT, float)
    channel = request.args.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        raise BadInput(f"channel: expected one of {', '.join(CHANNELS)}, got {channel!r}",
                       "SIM-5")
    open_only = request.args.get("open", "false")
    if open_only not in ("true", "false"):
        raise BadInput(f"open: expected true or false, got {open_only!r}", "SIM-4")
    conns, cursor = _faults().connections.since(after, channel=channel, wait=wait,
                                                open_only=open_only == "true")
    return jsonify(connections=conns, cursor=cursor)
