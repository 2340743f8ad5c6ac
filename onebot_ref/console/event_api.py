"""``POST /sim/event``: a partial OneBot 11 event (notice, request, message), or one of the
Milky-only kinds (docs/console-api.md; console/kinds.py). Its route joins the ``sim`` blueprint
of api.py, whose readers, journal and injection rule (check, then change) it uses.

    {"post_type": "request", "request_type": "friend", "user_id": 10002, "comment": "hi"}
        -> world.inject_event(partial): every bot of both faces gets it
    {"kind": "reaction", "group_id": 20001, "user_id": 10001, "message_seq": 3, "face_id": "76"}
        -> world.inject_reaction(...): OneBot 11 has no such event; Milky bots get it (MLK-46)

The answer is ``{"event": ...}``: the OneBot 11 event as the bots received it, or, for a
Milky-only kind, the injection as the world took it (its kind and fields, and the ``file_id``
or the ``request`` it made).
"""

from __future__ import annotations

from flask import Response, jsonify

from . import kinds
from .api import BadInput, _as_pushed, _inject, _json_body, _parts, _verdict, sim


@sim.post("/event")
def event() -> Response:
    data = _json_body()
    if not isinstance(data, dict):
        raise BadInput('body: expected a JSON object with post_type, e.g. {"post_type": '
                       '"request", "request_type": "friend", "user_id": 10002, "comment": "hi"}')
    if "kind" in data and "post_type" not in data:  # a Milky-only kind
        try:
            name, inject = kinds.milky_injection(_parts().world, data)
        except ValueError as err:
            raise BadInput(str(err)) from None
        taken = _inject("event", data, inject)
        _verdict(f"injected {name} (Milky only)")
        return jsonify(event=taken)
    if "post_type" not in data:
        raise BadInput("post_type: missing (expected message, notice, request or meta_event; "
                       f"or kind, one of the Milky-only kinds: {', '.join(kinds.MILKY_KINDS)})")
    injected = _inject("event", data, _parts().world.inject_event, data)
    kind = injected.get(f"{injected['post_type']}_type", "")
    _verdict(f"injected {injected['post_type']} {kind}".rstrip())
    return jsonify(event=_as_pushed(injected))
