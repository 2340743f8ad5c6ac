"""The transport rules of ``docs/content/guide/communication.md`` that are pure functions.

The Milky HTTP server (``POST /api/:api``, ``GET /event``) and the WebHook sink call these with
the request's header values and query and act on the answer; the status codes themselves are
envelope.HTTP_STATUS. The order of the /api checks is MLK-39. :data:`REVISIONS` is the table of
what the seed's draft transport (``milky_revision: seed``) answers differently.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

# "协议端需要在请求头中检查 `Authorization` 字段，格式为 `Bearer {access_token}`" (MLK-10):
# the scheme compared case-insensitively, as HTTP auth schemes are.
_BEARER = re.compile(r"bearer[ \t]+(\S.*)", re.IGNORECASE | re.DOTALL)


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value; None when the header is
    absent, of another scheme or empty (all of which are "未提供")."""
    if authorization is None:
        return None
    match = _BEARER.fullmatch(authorization.strip())
    return match.group(1) if match else None


def event_token(authorization: str | None, query_token: str | None) -> str | None:
    """The token of a ``GET /event`` request (MLK-12): "在不支持提供自定义 Header 的环境中，应用端
    还可以通过在 query 中携带 `access_token` 参数来提供"; the header wins when both are given.
    ``query_token`` is the percent-decoded ``access_token`` query value."""
    token = bearer(authorization)
    return token if token is not None else (query_token or None)


def refused(expected: str, given: str | None) -> bool:
    """Whether a request is refused with HTTP 401 (MLK-4): "鉴权凭据未提供或不匹配". Nothing is
    checked without a configured token; compared in constant time."""
    if not expected:
        return False
    if given is None:
        return True
    return not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def wants_websocket(upgrade: str | None) -> bool:
    """``GET /event``: WebSocket or SSE (MLK-11). "应当优先检查应用端请求中的 `Upgrade` 头，如果存在
    且值为 `websocket`，则视为 WebSocket 连接请求，否则视为 SSE 连接请求" -- the value compared
    case-insensitively (RFC 6455 tokens are), any other value (``none``) meaning SSE."""
    if upgrade is None:
        return False
    return any(token.strip().lower() == "websocket" for token in upgrade.split(","))


def is_json(content_type: str | None) -> bool:
    """Whether an ``/api`` request's Content-Type is supported (MLK-5): ``application/json``,
    parameters (``; charset=utf-8``) allowed, case-insensitive; missing or other: HTTP 415."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def webhook_headers(token: str) -> dict[str, str]:
    """The headers of a WebHook POST (MLK-16): JSON, and "`Authorization` 字段，格式为
    `Bearer {access_token}`" when a token is set (1.1.0)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


@dataclass(frozen=True)
class Revision:
    """What a transport revision answers where the two differ (``milky_revision``, MLK-36/54):
    the API path, and the HTTP status of each refusal; ``bad_params`` None: HTTP 200 with the
    -400 envelope."""

    name: str
    api_path: re.Pattern
    missing_token: int
    wrong_token: int
    bad_content_type: int
    bad_params: int | None


REVISIONS = {
    # guide/communication.md (1.2): "接受路径为 `/api/:api` 的 API 请求"; "`401`：鉴权凭据未提供或
    # 不匹配。" "`415`：POST 请求的 Content-Type 不支持。" "剩下的所有情况 ... 状态码**都是 `200`**"
    "1.2": Revision("1.2", re.compile(r"/api/([^/]*)"), 401, 401, 415, None),
    # the seed (the May 2025 draft, MLK-54): "接受路径为 `/:api` 的 API 请求"; "`401`：鉴权凭据未提供。
    # `403`：鉴权凭据不匹配。`406`：POST 请求的 Content-Type 不支持。`400`：参数格式不正确。"
    "seed": Revision("seed", re.compile(r"/([^/]*)"), 401, 403, 406, 400),
}


def token_status(revision: Revision, expected: str, given: str | None) -> int | None:
    """The refusal status of a request carrying ``given`` (None: no token), or None when it
    passes: :func:`refused`, then the revision's status for a missing or a wrong token."""
    if not refused(expected, given):
        return None
    return revision.missing_token if given is None else revision.wrong_token
