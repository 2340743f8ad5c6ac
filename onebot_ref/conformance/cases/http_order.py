"""communication/http.md#响应: the token's two statuses (AUTH-4/7) and the order in which the
statuses are decided (HTTP-13: token, Content-Type, body, action). The spec lists the statuses
in that order without saying it is the order of the checks, so the order cases are SHOULD."""

from __future__ import annotations

from ..ctx import Ctx
from ..model import Level, Skip, case
from .http import UNKNOWN, status

P = "communication/http.md#响应"
MUST, SHOULD, IMPL = Level.MUST, Level.SHOULD, Level.IMPL
MISSING = "如果 access token 未提供，状态码为 401"
WRONG = "如果 access token 不符合，状态码为 403"


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


@case("communication/http/27", P, MUST, "AUTH-4", "no token at all is 401", quote=MISSING,
      expected="GET /get_login_info without Authorization or access_token: HTTP 401",
      needs=("http", "token"))
def missing_token(ctx: Ctx) -> None:
    status(ctx, ctx.http.request("GET", "/get_login_info"), 401)


@case("communication/http/28", P, MUST, "AUTH-4", "a wrong token is 403", quote=WRONG,
      expected="Authorization: Bearer <token>x: HTTP 403", needs=("http", "token"))
def wrong_token(ctx: Ctx) -> None:
    status(ctx, ctx.http.request("GET", "/get_login_info", headers=bearer(
        ctx.token_or_skip() + "x")), 403)


@case("communication/http/29", P, MUST, ("AUTH-4", "AUTH-7"),
      "a prefix of the token is a wrong token (403)", quote=WRONG,
      expected="Authorization: Bearer <the token without its last character>: HTTP 403",
      needs=("http", "token"))
def token_prefix(ctx: Ctx) -> None:
    token = ctx.token_or_skip()
    if len(token) < 2:
        raise Skip("the token has one character: no shorter non-empty prefix")
    status(ctx, ctx.http.request("GET", "/get_login_info", headers=bearer(token[:-1])), 403)


@case("communication/http/30", P, MUST, ("AUTH-4", "AUTH-7"),
      "the token is compared case-sensitively (403)", quote=WRONG,
      expected="Authorization: Bearer <the token, case swapped>: HTTP 403",
      needs=("http", "token"))
def token_case(ctx: Ctx) -> None:
    token = ctx.token_or_skip()
    if token.swapcase() == token:
        raise Skip("the token has no letters to swap the case of")
    status(ctx, ctx.http.request("GET", "/get_login_info", headers=bearer(token.swapcase())),
           403)


@case("communication/http/31", P, MUST, ("AUTH-4", "AUTH-3"),
      "a wrong token in the query is 403", quote=WRONG,
      expected="GET /get_login_info?access_token=<token>x: HTTP 403", needs=("http", "token"))
def wrong_query_token(ctx: Ctx) -> None:
    from urllib.parse import quote

    status(ctx, ctx.http.request("GET", "/get_login_info", query="access_token=" + quote(
        ctx.token_or_skip() + "x")), 403)


@case("communication/http/32", P, IMPL, ("AUTH-6", "A-7"),
      "an Authorization header of another scheme", quote=MISSING,
      expected="reported: what Authorization: Basic <token> gets", needs=("http", "token"))
def other_scheme(ctx: Ctx) -> str:
    return ctx.http.request("GET", "/get_login_info", headers={
        "Authorization": f"Basic {ctx.token_or_skip()}"}).summary()


# --- the order (HTTP-13) -------------------------------------------------------------------
def ordered(ctx: Ctx, want: int, later: int, *, token: str | None,
            content_type: str = "application/json", body: bytes = b"{}",
            action: str = "get_login_info") -> str:
    """A request wrong in two ways gets the status of the check that comes first, ``want``,
    not ``later``'s. A token refusal with the other token status (403 for 401) still shows
    the token was checked first (which status is right is communication/http/27..31's
    question); any other answer says nothing about the order."""
    headers = {"Content-Type": content_type}
    if token is not None:
        headers.update(bearer(token))
    answer = ctx.http.request("POST", f"/{action}", body=body, headers=headers)
    first = {want, 401, 403} if want in (401, 403) else {want}
    if answer.status not in first | {later}:
        raise Skip(f"the order cannot be judged: {answer.summary()[:120]} is neither {want} "
                   f"nor {later}")
    status(ctx, answer, answer.status if answer.status in first else want)
    return "" if answer.status == want else f"HTTP {answer.status}: the token came first"


@case("communication/http/33", P, SHOULD, ("HTTP-13", "AUTH-8"),
      "the token is checked before the action: 401 for an unknown action without a token",
      quote=MISSING, expected=f"POST /{UNKNOWN} without a token: 401, not 404",
      needs=("http", "token"))
def token_before_action(ctx: Ctx) -> str:
    return ordered(ctx, 401, 404, token=None, action=UNKNOWN)


@case("communication/http/34", P, SHOULD, ("HTTP-13", "AUTH-8"),
      "a wrong token is 403 before the action is looked up", quote=WRONG,
      expected=f"POST /{UNKNOWN} with a wrong token: 403, not 404", needs=("http", "token"))
def wrong_token_before_action(ctx: Ctx) -> str:
    return ordered(ctx, 403, 404, token=ctx.token_or_skip() + "x", action=UNKNOWN)


@case("communication/http/35", P, SHOULD, ("HTTP-13", "AUTH-8"),
      "the token is checked before the Content-Type", quote=MISSING,
      expected="POST text/plain without a token: 401, not 406", needs=("http", "token"))
def token_before_type(ctx: Ctx) -> str:
    return ordered(ctx, 401, 406, token=None, content_type="text/plain")


@case("communication/http/36", P, SHOULD, ("HTTP-13", "AUTH-8"),
      "the token is checked before the body", quote=MISSING,
      expected="POST a malformed JSON body without a token: 401, not 400",
      needs=("http", "token"))
def token_before_body(ctx: Ctx) -> str:
    return ordered(ctx, 401, 400, token=None, body=b"{")


@case("communication/http/37", P, SHOULD, "HTTP-13",
      "the Content-Type is checked before the body",
      quote="如果 POST 请求的 Content-Type 不支持，状态码为 406",
      expected="POST text/plain with a malformed body: 406, not 400")
def type_before_body(ctx: Ctx) -> str:
    return ordered(ctx, 406, 400, token=ctx.target.token or None, content_type="text/plain", body=b"{")


@case("communication/http/38", P, SHOULD, "HTTP-13",
      "the Content-Type is checked before the action",
      quote="如果 POST 请求的 Content-Type 不支持，状态码为 406",
      expected=f"POST /{UNKNOWN} as text/plain: 406, not 404")
def type_before_action(ctx: Ctx) -> str:
    return ordered(ctx, 406, 404, token=ctx.target.token or None, content_type="text/plain",
            action=UNKNOWN)


@case("communication/http/39", P, SHOULD, ("HTTP-13", "HTTP-11"),
      "the body is checked before the action",
      quote="如果 POST 请求的正文格式不正确，状态码为 400",
      expected=f"POST /{UNKNOWN} with a malformed JSON body: 400, not 404")
def body_before_action(ctx: Ctx) -> str:
    return ordered(ctx, 400, 404, token=ctx.target.token or None, body=b"{", action=UNKNOWN)
