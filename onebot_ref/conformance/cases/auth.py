"""communication/authorization.md: the forms a token is accepted in, on HTTP and the forward
WebSocket, and the header the reverse clients send (AUTH-*). The statuses of a missing or wrong
token are communication/http.md's (:mod:`.http_order`), refusing a WebSocket :mod:`.ws`'s."""

from __future__ import annotations

from urllib.parse import quote

from ..ctx import Ctx
from ..model import Fail, Level, NonStrict, case
from .http import ok
from .reverse import connections
from .ws import login_call

P = "communication/authorization.md"
MUST, SHOULD, IMPL = Level.MUST, Level.SHOULD, Level.IMPL
HEADER = "`Bearer` 后面需给出和 OneBot 配置中相同的 access token。"
QUERY = "在某些特殊情况下，可能无法修改请求头，则可以通过 query 参数传入 access token"


@case("communication/authorization/1", P, MUST, "AUTH-2", "Authorization: Bearer <token> is accepted on HTTP",
      quote=HEADER, needs=("http", "token"),
      expected="GET /get_login_info with Authorization: Bearer <token>: HTTP 200, ok")
def http_bearer(ctx: Ctx) -> None:
    ok(ctx, ctx.http.request("GET", "/get_login_info", headers={
        "Authorization": f"Bearer {ctx.token_or_skip()}"}))


@case("communication/authorization/2", P, MUST, "AUTH-3", "?access_token=<token> is accepted on HTTP",
      quote=QUERY, needs=("http", "token"),
      expected="GET /get_login_info?access_token=<token>: HTTP 200, ok")
def http_query(ctx: Ctx) -> None:
    ok(ctx, ctx.http.request("GET", "/get_login_info",
                             query="access_token=" + quote(ctx.token_or_skip(), safe="")))


@case("communication/authorization/3", P, MUST, ("AUTH-3", "PARAM-11"),
      "the query token also works for a POST with a JSON body", quote=QUERY,
      needs=("http", "token"), action="get_stranger_info",
      expected="POST /get_stranger_info?access_token=<token> with {user_id}: ok")
def post_query(ctx: Ctx) -> None:
    env = ok(ctx, ctx.call("get_stranger_info", {"user_id": ctx.user()}, "json", auth="query"))
    ctx.expect(isinstance(env.get("data"), dict), f"data is {env.get('data')!r}")


@case("communication/authorization/4", P, SHOULD, ("AUTH-6", "A-7"),
      "the scheme is read case-insensitively: bearer <token> (refused: NON-STRICT)",
      quote=HEADER, needs=("http", "token"),
      expected="Authorization: bearer <token>: HTTP 200 (HTTP auth schemes are "
               "case-insensitive, RFC 7235)")
def lowercase_bearer(ctx: Ctx) -> None:
    answer = ctx.http.request("GET", "/get_login_info", headers={
        "Authorization": f"bearer {ctx.token_or_skip()}"})
    if answer.status in (401, 403):
        raise NonStrict(f"lowercase bearer refused: {answer.summary()}")
    ok(ctx, answer)


@case("communication/authorization/5", P, IMPL, ("AUTH-6", "COMPAT-4"), "the legacy scheme Token <token>",
      quote=HEADER, needs=("http", "token"),
      expected="reported: what Authorization: Token <token> gets")
def token_scheme(ctx: Ctx) -> str:
    return ctx.http.request("GET", "/get_login_info", headers={
        "Authorization": f"Token {ctx.token_or_skip()}"}).summary()


@case("communication/authorization/6", P, IMPL, ("AUTH-5", "A-7"), "a wrong header with a right query token",
      quote=QUERY, needs=("http", "token"),
      expected="reported: which of the two counts")
def header_and_query(ctx: Ctx) -> str:
    token = ctx.token_or_skip()
    answer = ctx.http.request("GET", "/get_login_info", query="access_token=" + quote(token),
                              headers={"Authorization": f"Bearer {token}x"})
    return ("the query token wins: " if answer.status == 200 else "the header wins: ") + \
        answer.summary()


def ws_accepts(ctx: Ctx, auth: str) -> None:
    login_call(ctx, ctx.ws("/api", auth=auth))


@case("communication/authorization/7", P, MUST, "AUTH-2",
      "Authorization: Bearer <token> opens the forward WebSocket",
      quote="如果配置文件中填写了 access token，则每次客户端向 OneBot 发送请求时需要在请求头中加入 "
            "`Authorization` 头", needs=("ws", "token"),
      expected="/api with Authorization: Bearer <token>: upgraded, get_login_info ok")
def ws_bearer(ctx: Ctx) -> None:
    ws_accepts(ctx, "header")


@case("communication/authorization/8", P, MUST, "AUTH-3", "?access_token=<token> opens the forward WebSocket",
      quote=QUERY, needs=("ws", "token"),
      expected="/api?access_token=<token>: upgraded, get_login_info ok")
def ws_query(ctx: Ctx) -> None:
    ws_accepts(ctx, "query")


@case("communication/authorization/9", f"{P}#反向-websocket", MUST, ("AUTH-10", "WSR-5", "A-32"),
      "reverse clients send Authorization: Bearer <token> (Token: NON-STRICT)",
      quote="每次 OneBot 的反向 WebSocket 客户端在向用户配置的 URL 建立连接的时候，会在请求头中加入 "
            "`Authorization` 头", needs=("reverse", "token"),
      expected="each reverse handshake: Authorization: Bearer <token>")
def reverse_header(ctx: Ctx) -> str:
    token, legacy = ctx.token_or_skip(), []
    for conn in connections(ctx):
        sent = conn.header("Authorization")
        if sent == f"Token {token}":
            legacy.append(conn.channel)
        elif sent != f"Bearer {token}":
            raise Fail(f"{conn.channel}: Authorization is "
                       f"{'missing' if sent is None else ctx.session.mask(repr(sent))}")
    if legacy:
        raise NonStrict(f"the legacy scheme Token on {', '.join(legacy)}")
    return "Bearer on every connection"


@case("communication/authorization/10", P, IMPL, "AUTH-11", "whether HTTP POST carries the token",
      quote="在 HTTP POST 通信方式中，OneBot 提供了 [签名](http-post.md#签名) 来保证安全性",
      needs="post", late=True, expected="reported: whether POSTs carry an Authorization header")
def post_authorization(ctx: Ctx) -> str:
    posts = ctx.posts()
    carried = [p for p in posts if p.header("Authorization")]
    return f"{len(carried)} of {len(posts)} POSTs carry Authorization"
