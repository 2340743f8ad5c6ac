"""What a compat profile changes of an HTTP API answer: the envelope (an unknown action's
retcode, its keys), the order of the checks (Settings.token_after_body) and what ``/`` is
(Settings.root_path).

The spec has no ``/`` (communication/http.md: "接受路径为 /:action 的 API 请求"; HTTP-3: any
other path is 404), which is what the ``spec`` profile answers. Real implementations do
something there: go-cqhttp runs the action its ``action`` parameter names, Lagrange.OneBot
dispatches the action "" (unknown), NapCat and LLOneBot answer a fixed hello. These functions
turn the profile's setting into the request or the body :class:`~.http_api.HttpApi` answers.
"""

from __future__ import annotations

import json

from ..profiles.settings import Settings
from ..protocol import wire
from ..protocol.auth import authorize
from ..protocol.coerce import Params
from ..protocol.response import NO_ECHO, Retcode, shaped
from .http_params import Reject, request_params

_JSON_TYPE = "application/json; charset=UTF-8"
_TEXT_TYPE = "text/plain; charset=utf-8"


def root_request(settings: Settings, params: Params) -> tuple[str, Params]:
    """The action ``/`` runs and its parameters ("action" and "unknown_action")."""
    if settings.root_path == "unknown_action":
        action, inner = "", params
    else:  # "action": the action and its parameters are parameters of the request
        name, inner_values = params.values.get("action"), params.values.get("params")
        if isinstance(inner_values, str):  # from a query or form: JSON text, or nothing
            try:
                inner_values = json.loads(inner_values)
            except ValueError:
                inner_values = None
        action = name if isinstance(name, str) else ""
        inner = Params(inner_values if isinstance(inner_values, dict) else {})
        inner.notes.extend(params.notes)
    inner.notes.append(settings.mark("root_path", f"/ runs the action {action!r}"))
    return action, inner


def root_body(settings: Settings) -> tuple[bytes, str, str]:
    """The fixed answer of ``/`` ("text" and "json"): body, Content-Type, journal verdict."""
    if settings.root_path == "text":
        body, content_type = str(settings.root_body).encode("utf-8"), _TEXT_TYPE
    else:
        body, content_type = wire.body(settings.root_body), _JSON_TYPE
    return body, content_type, settings.mark("root_path", "/ answers 200")


def answered(settings: Settings, envelope: dict, notes: list[str]) -> dict:
    """The envelope as the profile answers it on HTTP: an unknown action as HTTP 200 with the
    profile's retcode (Settings.unknown_action_http), the profile's keys (no ``echo`` was
    sent); each change's journal mark added to ``notes``."""
    if envelope.get("retcode") == Retcode.NOT_FOUND:
        retcode = envelope["retcode"] = settings.unknown_action_http
        notes.append(settings.mark("unknown_action_http", f"HTTP 200 with retcode {retcode}"))
    envelope, note = shaped(envelope, settings, NO_ECHO)
    if note is not None:
        notes.append(note)
    return envelope


def body_first(environ: dict, query: dict[str, str], limit: int, settings: Settings,
               token: str, headers: dict[str, str]) -> Params:
    """The parameters read before the token is checked, as go-cqhttp, NapCat and LLOneBot do
    (Settings.token_after_body; HTTP-13 / AUTH-8: the token first): a bad body is refused
    (400, 406, 413) even without a token, marked when the token would have been refused."""
    try:
        return request_params(environ, query, limit, settings)
    except Reject as bad:
        refusal = authorize(token, headers, query, settings=settings)
        if refusal is not None:
            bad.reason += "; " + settings.mark("token_after_body", f"{bad.status} before the "
                                                                   f"token's {refusal[0]}")
        raise
