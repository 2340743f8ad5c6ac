"""The parameters of one HTTP API request: query string, form or JSON body, merged
(communication/http.md; HTTP-6, HTTP-8..10, HTTP-16, HTTP-17, A-5, A-6, A-42).

:func:`query_params` and :func:`request_params` read them from the WSGI environ;
:func:`request_params` raises :class:`Reject` with the status (406, 413, 400) and the one-line
reason that :mod:`.http_api` answers with. Every byte is read strictly (BAD-1/2): UTF-8, and
JSON as RFC 8259 defines it, by :mod:`onebot_ref.protocol.wire`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from ..profiles.settings import SPEC, Settings
from ..protocol import wire
from ..protocol.coerce import Params

# communication/http.md: "当使用 urlencoded 表单或 JSON 传递参数时，请求头中的 Content-Type 必须对应的为
# application/x-www-form-urlencoded 或 application/json"
FORM, JSON = "application/x-www-form-urlencoded", "application/json"

_JSON_NAMES = {list: "an array", str: "a string", int: "a number", float: "a number",
               bool: "a boolean", type(None): "null"}


class Reject(Exception):
    """A short text answer instead of the envelope: the HTTP status, the one-line reason (body
    and journal verdict) and any extra headers. Every non-200 is one, and the CORS pre-flight."""

    def __init__(self, status: int, reason: str, headers: tuple = ()):
        super().__init__(reason)
        self.status, self.reason, self.headers = status, reason, headers


def parse_urlencoded(text: str, errors: str = "strict") -> dict[str, str]:
    """HTTP-17: pairs split on ``&``, the name before the first ``=``, a pair
    without ``=`` has the value ``""``, an empty name is skipped; the first of a repeated name
    wins (A-42). HTTP-6: ``%XX`` and ``+`` are decoded."""
    values: dict[str, str] = {}
    for name, value in parse_qsl(text, keep_blank_values=True, errors=errors):
        if name and name not in values:
            values[name] = value
    return values


def query_params(environ: dict) -> tuple[dict[str, str], str | None]:
    """The query string's parameters, and the reason it is refused (None when it is fine).

    BAD-1: the query is strict UTF-8, raw bytes and ``%XX`` escapes alike (``%ED%A0%80``, a
    surrogate written as UTF-8, is none); a query that is not is a 400 with that reason. It is
    then also read leniently (U+FFFD for what is not UTF-8), for the access token only: the
    token is checked before anything else about the request (AUTH-8)."""
    query = environ.get("QUERY_STRING", "")
    if not query:
        return {}, None
    try:
        # PEP 3333: the WSGI string holds the raw bytes as latin-1.
        text = query if query.isascii() else wire.text(query.encode("latin-1"), "query string")
        return parse_urlencoded(text), None
    except wire.WireError as err:
        problem = str(err)
    except UnicodeDecodeError:
        problem = "query string: not valid UTF-8 (after %-decoding) (BAD-1)"
    lenient = query.encode("latin-1").decode("utf-8", "replace")
    return parse_urlencoded(lenient, errors="replace"), problem


def _read_body(environ: dict, limit: int) -> bytes:
    """The POST body, never more than ``limit`` bytes in memory (413 beyond)."""
    if environ.get("wsgi.input_terminated"):
        # the rare case: werkzeug is not imported for the others
        from werkzeug.exceptions import ClientDisconnected
        from werkzeug.wsgi import LimitedStream

        # The server ends the stream (a chunked body; ours has read and checked it already,
        # werkzeug's dechunks it as it is read): no length is known, so werkzeug's
        # LimitedStream reads at most limit + 1 bytes; one more is over the limit.
        try:
            body = LimitedStream(environ["wsgi.input"], limit + 1, is_max=True).read()
        except (OSError, ClientDisconnected):  # werkzeug: "Invalid chunk header", or EOF
            raise Reject(400, "chunked body is malformed or cut short (RFC 9112 §7.1) (BAD-6)"
                         ) from None
        if len(body) > limit:
            raise Reject(413, f"body is over the limit of {limit} bytes (max_body_bytes) (BAD-8)")
        return body
    length = environ.get("CONTENT_LENGTH")
    if not length:
        return b""  # neither a length nor chunked: no body
    # werkzeug would read a non-number as 0: say what is wrong instead. RFC 9110 §8.6:
    # Content-Length = 1*DIGIT, ASCII digits only ("²".isdigit() is true, int("²") fails).
    if not (length.isascii() and length.isdigit()):
        raise Reject(400, f"Content-Length {length!r} is not a number (BAD-6)")
    if len(length) > 18 or int(length) > limit:  # 19 digits exceed any limit (int() of 5000
        # digits raises). Decided on the header alone, before reading anything.
        raise Reject(413, f"body of {length} bytes is over the limit of {limit} (max_body_bytes) "
                          "(BAD-8)")
    # Read straight from the server's stream: werkzeug's get_input_stream(environ).read()
    # gives the same bytes but costs about 4 µs more per request (a third of this layer).
    body = environ["wsgi.input"].read(int(length))
    if len(body) < int(length):
        raise Reject(400, "body is shorter than its Content-Length (BAD-6)")
    return body


def _parse_json_body(body: bytes) -> dict:
    # HTTP-10 / A-6: empty, unparsable or non-object JSON → 400; BAD-2: strict JSON only.
    if not body.strip():
        raise Reject(400, "empty JSON body: send a JSON object such as {} (HTTP-10)")
    try:
        value = wire.loads(body, "JSON body")
    except wire.WireError as err:
        raise Reject(400, str(err)) from None
    if not isinstance(value, dict):
        raise Reject(400, f"JSON body must be an object, got {_JSON_NAMES[type(value)]} "
                          "(HTTP-10)")
    return value


def _parse_form_body(body: bytes) -> dict[str, str]:
    # BAD-1: the form is strict UTF-8, before and after %-decoding.
    try:
        return parse_urlencoded(wire.text(body, "form body"))
    except wire.WireError as err:
        raise Reject(400, str(err)) from None
    except UnicodeDecodeError:
        raise Reject(400, "form body: not valid UTF-8 (after %-decoding) (BAD-1)") from None


def request_params(environ: dict, query: dict[str, str], limit: int,
                   settings: Settings = SPEC) -> Params:
    """The merged parameters (HTTP-16: query > form > JSON body); query/form keys are text.
    ``settings``: what the profile does with a POST of no or another Content-Type."""
    # HTTP-9: only a POST has a body; a GET body is ignored.
    if environ["REQUEST_METHOD"] != "POST":
        return Params(query, query.keys())
    content_type = environ.get("CONTENT_TYPE", "")
    # the media type compared case-insensitively, parameters ignored.
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type not in (FORM, JSON):
        return _other_type(environ, query, limit, media_type if content_type else None,
                           settings)
    body = _read_body(environ, limit)
    # communication/http.md: "如果 POST 请求的正文格式不正确，状态码为 400"
    if media_type == JSON:
        return _as_json(_parse_json_body(body), query)
    values = _parse_form_body(body)
    values.update(query)
    return Params(values, values.keys())


def _as_json(values: dict, query: dict[str, str]) -> Params:
    values.update(query)
    return Params(values, query.keys())


def _other_type(environ: dict, query: dict[str, str], limit: int, media_type: str | None,
                settings: Settings) -> Params:
    """A POST without Content-Type (``media_type`` None; HTTP-8: the query only) or of another
    one (communication/http.md: "如果 POST 请求的 Content-Type 不支持，状态码为 406"), or what the
    profile does instead: 406, the query only, or the body read as JSON."""
    field = "missing_content_type" if media_type is None else "unsupported_content_type"
    handling, changed = getattr(settings, field), settings.changes(field)
    shown = "no Content-Type" if media_type is None else f"Content-Type {media_type}"
    if handling == "406":
        reason = f"unsupported {shown}: send {JSON} or {FORM} (HTTP-8)"
        raise Reject(406, f"{reason}; {settings.mark(field, '406')}" if changed else reason)
    if handling == "query":
        params = Params(query, query.keys())
    else:  # "json"; an empty body is {} (NapCat and LLOneBot parse "" as {})
        body = _read_body(environ, limit)
        params = _as_json(_parse_json_body(body) if body.strip() else {}, query)
    if changed:
        did = "the body ignored" if handling == "query" else "the body read as JSON"
        params.notes.append(settings.mark(field, f"{shown}: {did}"))
    return params
