"""communication/http.md: paths, methods, the three parameter encodings, the string coercion
and the status codes (HTTP-*, PARAM-*). The order of the status checks and the token's statuses
are in :mod:`.http_order`, the envelope in :mod:`.envelope`."""

from __future__ import annotations

from ..ctx import Ctx
from ..model import Fail, Level, case

P = "communication/http.md"
MUST, SHOULD, IMPL = Level.MUST, Level.SHOULD, Level.IMPL
#: An id no implementation has: get_msg of it fails, whatever the target (RESP-4).
NO_SUCH_MESSAGE = 2147480001
UNKNOWN = "conform_no_such_action"


def ok(ctx: Ctx, answer) -> dict:
    """An HTTP 200 envelope whose status is ok."""
    env = ctx.envelope(answer)
    ctx.expect(env.get("status") == "ok" and env.get("retcode") == 0,
               f"expected status ok, retcode 0: {ctx.actual}")
    return env


def status(ctx: Ctx, answer, want: int) -> None:
    ctx.expect(answer.status == want, f"expected HTTP {want}, got {answer.summary()}")


def stranger(ctx: Ctx, params: dict, how: str) -> None:
    """get_stranger_info read ``user_id`` from where it was sent, coerced to the number."""
    data = ok(ctx, ctx.call("get_stranger_info", params, how))["data"]
    want = int(str(params["user_id"]).strip())
    ctx.expect(isinstance(data, dict) and data.get("user_id") == want,
               f"asked for user {want} ({how}), data.user_id is "
               f"{data.get('user_id') if isinstance(data, dict) else data!r}")


@case("communication/http/1", P, MUST, "HTTP-4", "GET /:action answers 200 with the envelope",
      quote="请求可以使用 GET 或 POST 方法",
      expected="GET /get_login_info: HTTP 200, status ok")
def get_method(ctx: Ctx) -> None:
    ok(ctx, ctx.call("get_login_info", how="query"))


@case("communication/http/2", P, MUST, ("HTTP-4", "HTTP-5"),
      "POST /:action with a JSON body answers 200", quote="请求可以使用 GET 或 POST 方法",
      expected="POST /get_login_info with {}: HTTP 200, status ok")
def post_method(ctx: Ctx) -> None:
    ok(ctx, ctx.call("get_login_info", {}, "json"))


@case("communication/http/3", P, MUST, ("HTTP-5", "PARAM-1"),
      "a parameter in the query string is read (and coerced to a number)",
      quote="可以通过 query 参数（`?arg1=111&arg2=222`）",
      expected="GET /get_stranger_info?user_id=N: data.user_id == N",
      action="get_stranger_info")
def query_param(ctx: Ctx) -> None:
    stranger(ctx, {"user_id": ctx.user()}, "query")


@case("communication/http/4", P, MUST, ("HTTP-5", "HTTP-7", "PARAM-1"),
      "a parameter in an urlencoded form body is read",
      quote="urlencoded 表单（`arg1=111&arg2=222`）",
      expected="POST form user_id=N: data.user_id == N", action="get_stranger_info")
def form_param(ctx: Ctx) -> None:
    stranger(ctx, {"user_id": ctx.user()}, "form")


@case("communication/http/5", P, MUST, ("HTTP-5", "HTTP-7"),
      "a parameter in a JSON body is read",
      quote='或 JSON（`{"arg1": "111", "arg2": "222"}`）传递参数',
      expected='POST {"user_id": N}: data.user_id == N', action="get_stranger_info")
def json_param(ctx: Ctx) -> None:
    stranger(ctx, {"user_id": ctx.user()}, "json")


@case("communication/http/6", P, MUST, "HTTP-2", "/:action/ with a trailing slash is served",
      quote="接受路径为 `/:action` 的 API 请求（或 `/:action/`）",
      expected="GET /get_login_info/: HTTP 200, status ok")
def trailing_slash(ctx: Ctx) -> None:
    ok(ctx, ctx.http.request("GET", "/get_login_info/", auth="header"))


COERCE = "或在 JSON 中使用字符串作为参数值时，OneBot 实现需要从字符串解析出对应类型的数据"


@case("communication/http/7", P, MUST, "PARAM-1", "a number given as a JSON string is parsed",
      quote=COERCE, expected='{"user_id": "N"}: data.user_id == N (a number)',
      action="get_stranger_info")
def json_number_string(ctx: Ctx) -> None:
    stranger(ctx, {"user_id": str(ctx.user())}, "json")


def boolean(ctx: Ctx, value: str, how: str) -> None:
    ok(ctx, ctx.call("get_stranger_info", {"user_id": ctx.user(), "no_cache": value}, how))


@case("communication/http/8", P, MUST, ("PARAM-1", "PARAM-5"),
      'a boolean given as the JSON string "true" is parsed', quote=COERCE,
      expected='{"user_id": N, "no_cache": "true"}: status ok', action="get_stranger_info")
def json_bool_string(ctx: Ctx) -> None:
    boolean(ctx, "true", "json")


@case("communication/http/9", P, MUST, ("PARAM-1", "PARAM-5"),
      "a boolean in the query string is parsed",
      quote="当用户通过 query 参数或 urlencoded 表单传参",
      expected="GET ?user_id=N&no_cache=false: status ok", action="get_stranger_info")
def query_bool(ctx: Ctx) -> None:
    boolean(ctx, "false", "query")


@case("communication/http/10", P, MUST, ("PARAM-1", "PARAM-5"),
      "a boolean in a form body is parsed", quote="当用户通过 query 参数或 urlencoded 表单传参",
      expected="form user_id=N&no_cache=true: status ok", action="get_stranger_info")
def form_bool(ctx: Ctx) -> None:
    boolean(ctx, "true", "form")


@case("communication/http/11", P, IMPL, ("PARAM-5", "A-3"),
      "which other boolean spellings are read (1/0, yes/no)", quote=COERCE,
      expected="reported: the spellings answered ok", action="get_stranger_info")
def bool_spellings(ctx: Ctx) -> str:
    taken = []
    for spelling in ("1", "0", "yes", "no", "TRUE"):
        env = ctx.envelope(ctx.call("get_stranger_info", {"user_id": ctx.user(),
                                                          "no_cache": spelling}, "query"))
        taken.append(f"{spelling}: {env.get('status')}")
    return "; ".join(taken)


@case("communication/http/12", P, IMPL, ("PARAM-3", "A-4"),
      "number strings with a sign or spaces", quote=COERCE,
      expected='reported: how "+N" and " N " are read', action="get_stranger_info")
def number_spellings(ctx: Ctx) -> str:
    seen = []
    for spelling in (f"+{ctx.user()}", f" {ctx.user()} "):
        env = ctx.envelope(ctx.call("get_stranger_info", {"user_id": spelling}, "json"))
        data = env.get("data") if isinstance(env.get("data"), dict) else {}
        seen.append(f"{spelling!r}: {env.get('status')} user_id={data.get('user_id')}")
    return "; ".join(seen)


@case("communication/http/13", P, MUST, "HTTP-6", "percent-encoded query values are decoded",
      quote="当使用 query 参数或 urlencoded 表单传递参数时，参数值必须进行 urlencode。",
      expected="GET ?user_id=%3N%3N...: data.user_id == N", action="get_stranger_info")
def percent_decoding(ctx: Ctx) -> None:
    user = ctx.user()
    encoded = "".join(f"%{ord(c):02X}" for c in str(user))
    data = ok(ctx, ctx.http.request("GET", "/get_stranger_info", query=f"user_id={encoded}",
                                    auth="header"))["data"]
    ctx.expect(isinstance(data, dict) and data.get("user_id") == user,
               f"user_id={encoded} read as {data!r}")


CONTENT_TYPE = ("请求头中的 `Content-Type` 必须对应的为 `application/x-www-form-urlencoded` 或 "
                "`application/json`")


@case("communication/http/14", P, SHOULD, "HTTP-7",
      "application/json with a charset parameter is JSON", quote=CONTENT_TYPE,
      expected="Content-Type: application/json; charset=utf-8: HTTP 200, status ok")
def json_charset(ctx: Ctx) -> None:
    ok(ctx, ctx.http.request("POST", "/get_login_info", body=b"{}", auth="header", headers={
        "Content-Type": "application/json; charset=utf-8"}))


@case("communication/http/15", P, SHOULD, "HTTP-7",
      "an urlencoded form with a charset parameter is a form", quote=CONTENT_TYPE,
      expected="Content-Type: application/x-www-form-urlencoded; charset=utf-8: status ok",
      action="get_stranger_info")
def form_charset(ctx: Ctx) -> None:
    user = ctx.user()
    data = ok(ctx, ctx.http.request("POST", "/get_stranger_info", body=f"user_id={user}".encode(),
                                    auth="header", headers={"Content-Type":
                                    "application/x-www-form-urlencoded; charset=utf-8"}))["data"]
    ctx.expect(isinstance(data, dict) and data.get("user_id") == user, f"data is {data!r}")


@case("communication/http/16", P, MUST, "HTTP-8", "a POST with an unsupported Content-Type is 406",
      quote="如果 POST 请求的 Content-Type 不支持，状态码为 406",
      expected="POST /get_login_info, Content-Type: text/plain: HTTP 406")
def not_acceptable(ctx: Ctx) -> None:
    status(ctx, ctx.http.request("POST", "/get_login_info", body=b"{}", auth="header",
                                 headers={"Content-Type": "text/plain"}), 406)


@case("communication/http/17", P, IMPL, "HTTP-8", "a POST with no Content-Type at all",
      quote="如果 POST 请求的 Content-Type 不支持，状态码为 406",
      expected="reported: the status of POST /get_login_info without Content-Type")
def no_content_type(ctx: Ctx) -> str:
    answer = ctx.http.request("POST", "/get_login_info", auth="header")
    return answer.summary()


@case("communication/http/18", P, MUST, "HTTP-10", "a JSON body that does not parse is 400",
      quote="如果 POST 请求的正文格式不正确，状态码为 400",
      expected='POST /get_login_info with {"user_id": : HTTP 400')
def malformed_json(ctx: Ctx) -> None:
    status(ctx, ctx.http.request("POST", "/get_login_info", body=b'{"user_id": ',
                                 auth="header", headers={"Content-Type": "application/json"}),
           400)


@case("communication/http/19", P, SHOULD, "HTTP-10", "a JSON body that is not an object is 400",
      quote="如果 POST 请求的正文格式不正确，状态码为 400",
      expected="POST /get_login_info with [1, 2]: HTTP 400")
def json_not_object(ctx: Ctx) -> None:
    status(ctx, ctx.http.request("POST", "/get_login_info", body=b"[1, 2]", auth="header",
                                 headers={"Content-Type": "application/json"}), 400)


@case("communication/http/20", P, SHOULD, ("HTTP-10", "A-6"), "an empty JSON body is 400",
      quote="如果 POST 请求的正文格式不正确，状态码为 400",
      expected="POST /get_login_info, Content-Type: application/json, no body: HTTP 400")
def empty_json(ctx: Ctx) -> None:
    status(ctx, ctx.http.request("POST", "/get_login_info", auth="header",
                                 headers={"Content-Type": "application/json"}), 400)


@case("communication/http/21", P, MUST, "HTTP-11", "an unknown action is 404, GET and POST",
      quote="如果 API 不存在，状态码为 404",
      expected=f"GET /{UNKNOWN} and POST /{UNKNOWN} {{}}: HTTP 404")
def unknown_action(ctx: Ctx) -> None:
    status(ctx, ctx.call(UNKNOWN, how="query"), 404)
    status(ctx, ctx.call(UNKNOWN, {}, "json"), 404)


@case("communication/http/22", P, MUST, ("HTTP-12", "API-38"),
      "a call that fails is still HTTP 200",
      quote="剩下的所有情况，无论操作实际成功与否，状态码都是 200",
      expected=f"get_msg of message {NO_SUCH_MESSAGE} (none has it): HTTP 200, an envelope")
def failure_is_200(ctx: Ctx) -> None:
    ctx.envelope(ctx.call("get_msg", {"message_id": NO_SUCH_MESSAGE}))


@case("communication/http/23", P, SHOULD, "HTTP-15",
      "a 200 answer says it is JSON (Content-Type application/json)",
      quote="状态码为 200 时，响应内容为 JSON 格式",
      expected="GET /get_login_info: Content-Type application/json")
def json_content_type(ctx: Ctx) -> None:
    answer = ctx.call("get_login_info", how="query")
    ok(ctx, answer)
    kind = answer.content_type.split(";")[0].strip().lower()
    if kind != "application/json":
        raise Fail(f"Content-Type is {answer.content_type or 'missing'!r}")


@case("communication/http/24", P, IMPL, "HTTP-2", "action names are case-sensitive",
      quote="接受路径为 `/:action` 的 API 请求",
      expected="reported: what GET /GET_LOGIN_INFO answers")
def case_sensitive(ctx: Ctx) -> str:
    return ctx.http.request("GET", "/GET_LOGIN_INFO", auth="header").summary()


@case("communication/http/25", P, IMPL, "HTTP-3", "what GET / answers",
      quote="接受路径为 `/:action` 的 API 请求", expected="reported: what GET / answers")
def root_path(ctx: Ctx) -> str:
    return ctx.http.request("GET", "/", auth="header").summary()


@case("communication/http/26", P, IMPL, ("HTTP-20", "A-41"), "a method other than GET and POST",
      quote="请求可以使用 GET 或 POST 方法",
      expected="reported: what PUT /get_login_info answers")
def other_method(ctx: Ctx) -> str:
    return ctx.http.request("PUT", "/get_login_info", body=b"{}", auth="header", headers={
        "Content-Type": "application/json"}).summary()
