"""Access tokens (communication/authorization.md) and the HTTP POST signature (http-post.md).

Pure functions: the transports pass in the request's headers and query and act on the answer.
:func:`authorize` is the one check every server runs (the HTTP API, its data files, the
forward WebSocket handshake, the console), so a refusal reads the same everywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Protocol

from ..profiles.settings import SPEC, Settings

# AUTH-6: the legacy full-match regex `(?:[Tt]oken|Bearer)\s+(.*)`, with the scheme
# case-insensitive (REC: auth schemes are case-insensitive in HTTP). Koishi sends `Token <t>`.
_AUTHORIZATION = re.compile(r"(?:token|bearer)\s+(.*)", re.IGNORECASE | re.DOTALL)


class Lookup(Protocol):
    """What is read of a request's headers and query: ``get(name)`` (a dict, werkzeug's
    ``Headers`` and ``EnvironHeaders`` and Flask's ``request.args`` all have it)."""

    def get(self, key: str, /) -> str | None: ...


def _header(headers: Lookup, name: str) -> str | None:
    value = headers.get(name)
    if value is None and isinstance(headers, dict):
        # A plain dict is case-sensitive; HTTP header names are not.
        lowered = name.lower()
        for key, item in headers.items():
            if key.lower() == lowered:
                return item
    return value


def _scheme(header: str) -> str | None:
    """AUTH-6: ``Bearer|Token <t>``; another scheme or an empty token counts as missing."""
    # authorization.md: "需要在请求头中加入 Authorization 头，如 Authorization: Bearer kSLuTF2GC2Q4q4ugm3"
    match = _AUTHORIZATION.fullmatch(header)
    return (match.group(1) or None) if match else None


def _after_space(header: str) -> str | None:
    _, space, after = header.partition(" ")
    return (after if space else header) or None


def _after_bearer(header: str) -> str | None:
    return header.split("Bearer ")[-1] or None


def _bearer_exact(header: str) -> str | None:
    # Present but not "Bearer <t>": a wrong token (""), never a missing one.
    return header[7:] if header.startswith("Bearer ") else ""


#: Settings.token_header -> (the token in an Authorization value, an empty header counting as
#: none so that the query is read). "scheme" is the spec's; the others are profiles' rows.
HEADER_FORMS = {"scheme": (_scheme, False), "after_space": (_after_space, True),
                "after_bearer": (_after_bearer, True), "bearer_exact": (_bearer_exact, False)}


def token_from_request(headers: Lookup, query: Lookup, *, header_only: bool = False,
                       settings: Settings = SPEC) -> tuple[str | None, str]:
    """The access token a client sent, and how: ``(token, "header" | "query" | "none")``.

    ``None`` means missing (→ 401). ``header_only`` is for data files (AUTH-12). ``settings``:
    how the profile reads the header (``token_header``) and which comes first.
    """
    if settings.token_query_first and not header_only:
        token = query.get("access_token")
        if token:
            return token, "query"
    header = _header(headers, "Authorization")
    read, empty_is_none = HEADER_FORMS[settings.token_header]
    # AUTH-5: a present Authorization header wins, even when malformed; the query is then
    # not consulted.
    if header is not None and not (empty_is_none and not header):
        return read(header), "header"
    if header_only:
        return None, "none"
    # authorization.md: "在某些特殊情况下，可能无法修改请求头，则可以通过 query 参数传入 access token"
    token = query.get("access_token")
    if token:
        return token, "query"
    return None, "none"


def check_token(expected: str, given: str | None) -> int | None:
    """``None`` when the request may pass, else the HTTP status: 401 missing, 403 wrong (AUTH-4)."""
    # AUTH-1: with an empty access_token nothing is checked.
    if not expected:
        return None
    # communication/http.md: "如果 access token 未提供，状态码为 401"
    if given is None:
        return 401
    # communication/http.md: "如果 access token 不符合，状态码为 403". AUTH-7: exact equality;
    # compared in constant time so response timing does not reveal the token.
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        return 403
    return None


#: The one wording of each refusal, by status and by what was sent: the 4xx body and the
#: journal's verdict on every server. Each ends with the rule it applies, ``(AUTH-N)``, so that
#: an English refusal can be looked up in docs/rules.md.
REASONS = {
    (401, "none"): 'no token: access token missing, send "Authorization: Bearer <token>" or '
                   '"?access_token=<token>" (AUTH-2, AUTH-3)',
    # AUTH-6: a header of another scheme, or without a token, counts as missing.
    (401, "header"): "no token: the Authorization header must be 'Bearer <token>' (AUTH-6)",
    (403, "header"): "wrong token (from the header) (AUTH-4, AUTH-7)",
    (403, "query"): "wrong token (from the query) (AUTH-4, AUTH-7)",
}
#: Data files read the header only (AUTH-12), so their "nothing sent" names the header alone.
MISSING_HEADER_ONLY = ('no token: access token missing, send "Authorization: Bearer <token>" '
                       "(data files do not read ?access_token=) (AUTH-12)")


def authorize(expected: str, headers: Lookup, query: Lookup, *, header_only: bool = False,
              settings: Settings = SPEC, ws: bool = False) -> tuple[int, str] | None:
    """``None`` when the request may pass, else ``(status, reason)``: 401 when the token is
    missing, 403 when it is wrong (AUTH-4), and the one-line reason of :data:`REASONS`.
    ``header_only``: the query is not consulted (data files, AUTH-12). ``settings``: the
    profile's token forms and the status of a missing token (``ws``: on the forward WebSocket
    handshake)."""
    # AUTH-1: with an empty access_token nothing is checked (and nothing need be read).
    if not expected:
        return None
    given, how = token_from_request(headers, query, header_only=header_only, settings=settings)
    status = check_token(expected, given)
    if status is None:
        return None
    if header_only and how == "none":
        return status, MISSING_HEADER_ONLY
    reason = REASONS[status, how]
    if status == 401:  # the profile's status for a missing token; the reason stays "no token"
        status = settings.ws_auth_missing_status if ws else settings.auth_missing_status
    return status, reason


def profile_note(expected: str, headers: Lookup, query: Lookup, settings: Settings, *,
                 ws: bool = False) -> str | None:
    """The journal's mark when the profile decided otherwise than the spec would have:
    ``profile napcat: 403 where the spec says 401 (communication/http.md)``; None when both
    agree (and always with the spec's settings)."""
    if settings.is_spec or not expected:
        return None
    ours = authorize(expected, headers, query, settings=settings, ws=ws)
    spec = authorize(expected, headers, query, ws=ws)
    if (ours and ours[0]) == (spec and spec[0]):
        return None
    # both refused, with other statuses: the status table; else one took a token the other
    # did not: how a token is sent
    page = "communication/http.md" if ours and spec else "communication/authorization.md"
    return settings.note(str(ours[0]) if ours else "accepted",
                         str(spec[0]) if spec else "accepted", page)


def signature(body: bytes, secret: str) -> str:
    """The ``X-Signature`` header value for an HTTP POST body (POST-5).

    Signed over the exact bytes sent, so serialise once and sign those bytes.
    """
    # communication/http-post.md: "签名以 secret 作为密钥，HTTP 正文作为消息，进行 HMAC SHA1 哈希",
    # sent as "X-Signature: sha1=f9ddd4863ace61e64f462d41ca311e3d2c1176e2"
    return "sha1=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha1).hexdigest()
