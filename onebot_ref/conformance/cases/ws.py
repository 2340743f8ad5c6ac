"""communication/ws.md: the forward WebSocket's three paths, API frames and their answers, the
14xx retcodes, authentication at the handshake (WSF-*, AUTH-9, A-8). ``echo`` is in
:mod:`.ws_echo`; what the observers saw all run long in :mod:`.ws_late`."""

from __future__ import annotations

from ..ctx import Ctx
from ..model import Fail, Level, NonStrict, TimedOut, case
from ..ws_client import Frames, HandshakeError
from .http import UNKNOWN

P = "communication/ws.md"
MUST, SHOULD, IMPL = Level.MUST, Level.SHOULD, Level.IMPL
SERVES = "接受路径为 `/api`（或 `/api/`）、`/event`（或 `/event/`）、`/` 的连接请求"


def ok_answer(ctx: Ctx, frame, echo: object = None, action: str | None = None) -> dict:
    env = ctx.envelope(frame, action)
    ctx.expect(env.get("status") == "ok" and env.get("retcode") == 0, f"not ok: {frame.text}")
    if echo is not None:
        ctx.expect(env.get("echo") == echo, f"echo {env.get('echo', 'missing')!r}, sent {echo!r}")
    return env


def login_call(ctx: Ctx, conn: Frames, echo: object = "conform-1") -> dict:
    return ok_answer(ctx, conn.call("get_login_info", {}, echo, ctx.timeout), echo)


def failed_14xx(ctx: Ctx, frame, retcode: int, echo: object = None) -> None:
    env = ctx.envelope(frame)
    ctx.expect(env.get("status") == "failed" and env.get("retcode") == retcode,
               f"expected status failed, retcode {retcode}: {frame.text[:300]}")
    ctx.expect("data" in env and env["data"] is None, f"data is {env.get('data', 'missing')!r}")
    if echo is not None:
        ctx.expect(env.get("echo") == echo, f"echo {env.get('echo', 'missing')!r}, sent {echo!r}")


@case("communication/ws/1", P, MUST, ("WSF-1", "WSF-4"), "/api answers an API request frame",
      quote=SERVES, needs="ws",
      expected='/api: {"action": "get_login_info", "params": {}, "echo": ...}: ok, the echo')
def api_path(ctx: Ctx) -> None:
    login_call(ctx, ctx.ws("/api"))


@case("communication/ws/2", P, MUST, "WSF-1", "/api/ with a trailing slash is served too",
      quote=SERVES, needs="ws", expected="/api/: get_login_info answered ok")
def api_slash(ctx: Ctx) -> None:
    login_call(ctx, ctx.ws("/api/"))


@case("communication/ws/3", P, MUST, ("WSF-1", "WSF-13"), "/event and /event/ push events",
      quote=SERVES, needs="ws",
      expected="/event and /event/: the handshake succeeds and an event arrives")
def event_paths(ctx: Ctx) -> None:
    for path in ("/event", "/event/"):
        ctx.ws(path).wait(lambda f: f.is_event, ctx.timeout, f"an event on {path}")


@case("communication/ws/4", P, MUST, "WSF-16", "/ answers API requests and pushes events",
      quote="在一条连接上同时提供 `/api` 和 `/event` 的服务", needs="ws",
      expected="/: get_login_info answered ok, and an event arrives")
def universal_path(ctx: Ctx) -> None:
    conn = ctx.ws("/")
    login_call(ctx, conn)
    conn.wait(lambda f: f.is_event, ctx.timeout, "an event on /")


@case("communication/ws/5", P, MUST, "WSF-4", "params may be left out of a request frame",
      quote="如果要调用的 API 不需要参数，则可以不加", needs="ws",
      expected='/api: {"action": "get_login_info", "echo": ...}: ok')
def no_params(ctx: Ctx) -> None:
    frame = ctx.ws("/api").call("get_login_info", None, "conform-np", ctx.timeout)
    ok_answer(ctx, frame, "conform-np")


@case("communication/ws/6", P, MUST, ("WSF-7", "RESP-11"),
      "an unknown action is retcode 1404, data null, with the echo",
      quote="HTTP 返回 404 的情况，对应到 WebSocket 的回复，是", needs="ws",
      expected=f'{UNKNOWN}: {{"status": "failed", "retcode": 1404, "data": null, '
               f'"echo": "123"}}')
def unknown_1404(ctx: Ctx) -> None:
    failed_14xx(ctx, ctx.ws("/api").call(UNKNOWN, {}, "123", ctx.timeout), 1404, "123")


MOVED = "通过 HTTP 调用 API 时，HTTP 状态码反应的错误情况被移动到响应 JSON 的 `retcode` 字段"


def bad_frame(ctx: Ctx, raw: str, want_echo: object = None) -> str:
    """A malformed request is answered 1400 and the connection keeps serving."""
    conn = ctx.ws("/api")
    try:
        frame = conn.call("", raw=raw, timeout=ctx.timeout)
    except TimedOut as err:
        raise Fail(f"no answer to a malformed frame ({err}); HTTP's 400 is retcode 1400 "
                   f"here") from None
    failed_14xx(ctx, frame, 1400)
    login_call(ctx, conn, "conform-after")
    return "echo " + ("kept" if frame.value.get("echo") == want_echo else "not returned") \
        if want_echo is not None else ""


@case("communication/ws/7", P, MUST, ("WSF-6", "RESP-11"),
      "a frame that is not JSON is retcode 1400, and the connection goes on", quote=MOVED,
      needs="ws", expected="/api: the text {not json: status failed, retcode 1400; then "
                           "get_login_info still answered")
def not_json(ctx: Ctx) -> None:
    bad_frame(ctx, "{not json")


@case("communication/ws/8", P, SHOULD, "WSF-6", "a JSON frame that is not an object is 1400",
      quote=MOVED, needs="ws", expected="/api: the frame [1, 2]: retcode 1400")
def not_object(ctx: Ctx) -> None:
    bad_frame(ctx, "[1, 2]")


@case("communication/ws/9", P, SHOULD, ("WSF-6", "A-12"),
      "a request frame without an action is 1400", quote=MOVED, needs="ws",
      expected='/api: {"params": {}, "echo": "x"}: retcode 1400 (the echo: reported)')
def no_action(ctx: Ctx) -> str:
    return bad_frame(ctx, '{"params": {}, "echo": "conform-noaction"}', "conform-noaction")


@case("communication/ws/10", P, MUST, ("WSF-11", "WSF-9"),
      "requests sent together are each answered, told apart by echo",
      quote="用于唯一标识一次请求", needs="ws",
      expected="/api: three requests at once (echo a, b, c): three answers, one per echo")
def concurrent(ctx: Ctx) -> None:
    conn = ctx.ws("/api")
    echoes = ["conform-a", "conform-b", "conform-c"]
    since = conn.opened
    for echo in echoes:
        conn.send({"action": "get_login_info", "echo": echo})
    for echo in echoes:
        frame = conn.wait(lambda f, e=echo: f.is_answer and f.value.get("echo") == e,
                          ctx.timeout, f"the answer with echo {echo!r}", since)
        ok_answer(ctx, frame, echo)


@case("communication/ws/11", P, MUST, "WSF-12",
      "a number given as a string in a frame's params is parsed",
      quote="结构和 [HTTP 的响应](http.md#响应) 相似", needs="ws", action="get_stranger_info",
      expected='/api: get_stranger_info {"user_id": "N"}: data.user_id == N')
def coercion(ctx: Ctx) -> None:
    user = ctx.user()
    env = ok_answer(ctx, ctx.ws("/api").call("get_stranger_info", {"user_id": str(user)},
                                             "conform-c", ctx.timeout),
                    action="get_stranger_info")
    data = env.get("data")
    ctx.expect(isinstance(data, dict) and data.get("user_id") == user, f"data is {data!r}")


DROPPED = "因为如果建立连接时鉴权失败，连接会直接断开，根本不可能进行到后面的 API 调用阶段"


def refused(ctx: Ctx, want: int, auth: str, headers: dict | None = None) -> str:
    """A connection with a bad token is refused at the handshake (A-8) or dropped before
    anything is served; 1401/1403 answers then a close are NON-STRICT (the spec says they are
    never sent), and so is a refusal with the other token status: the handshake is an HTTP
    request, so ``want`` (401 missing, 403 wrong) is communication/http.md's."""
    try:
        conn = ctx.ws("/api", auth=auth, headers=headers, refusable=True)
    except HandshakeError as err:
        if err.status_code not in (401, 403):
            raise Fail(f"the handshake got HTTP {err.status_code}: not a refusal for the "
                       f"token (401 or 403)") from None
        if err.status_code != want:
            raise NonStrict(f"refused before the upgrade with HTTP {err.status_code}; for "
                            f"this token HTTP answers {want}") from None
        return f"refused before the upgrade: HTTP {err.status_code}"
    try:
        conn.send({"action": "get_login_info", "echo": "conform-auth"})
        conn.wait(lambda f: f.is_answer, ctx.timeout, "an answer or the close")
    except Fail:
        pass  # closed, before or after sending: what did it say first?
    except TimedOut:
        raise Fail("upgraded and kept open without a valid token, nothing answered") from None
    answers = [f for f in conn.received() if f.is_answer]
    served = [f for f in answers if f.value.get("status") == "ok"]
    if served:
        raise Fail(f"served a request without a valid token: {served[0].text[:200]}")
    refusals = [f for f in answers if f.value.get("retcode") in (1401, 1403)]
    if refusals:
        retcode = refusals[0].value["retcode"]
        if conn.wait_closed(ctx.timeout):
            raise NonStrict(f"upgraded, answered retcode {retcode} and closed; the spec drops "
                            f"the connection instead")
        raise Fail(f"answered retcode {retcode} and kept the connection open")
    if conn.closed is None:
        raise Fail(f"upgraded and kept open, answering {answers[0].text[:200]}")
    return f"upgraded, then closed (code {conn.close_code}) before serving anything"


@case("communication/ws/12", P, MUST, ("AUTH-9", "WSF-19", "A-8"),
      "no token: the connection is refused or dropped before any call", quote=DROPPED,
      needs=("ws", "token"),
      expected="/api without a token: handshake refused with 401 (403: NON-STRICT), or closed "
               "before answering")
def ws_missing_token(ctx: Ctx) -> str:
    return refused(ctx, 401, "none")


@case("communication/ws/13", P, MUST, ("AUTH-9", "WSF-19", "A-8"),
      "a wrong token: the connection is refused or dropped before any call", quote=DROPPED,
      needs=("ws", "token"),
      expected="/api with a wrong token: handshake refused with 403 (401: NON-STRICT), or "
               "closed before answering")
def ws_wrong_token(ctx: Ctx) -> str:
    return refused(ctx, 403, "none", {"Authorization": f"Bearer {ctx.token_or_skip()}x"})


@case("communication/ws/14", P, IMPL, ("WSF-2", "A-25"), "a path other than the three",
      quote=SERVES, needs="ws", expected="reported: what /conform-nowhere does")
def other_path(ctx: Ctx) -> str:
    try:
        conn = ctx.ws("/conform-nowhere", refusable=True)
    except HandshakeError as err:
        return f"handshake refused: HTTP {err.status_code}"
    frame = conn.call("get_login_info", {}, "conform-p", ctx.timeout)
    return f"served: {frame.text[:120]}"


@case("communication/ws/15", P, IMPL, ("WSF-8", "A-13"), "params that are not an object",
      quote="`params` 用于传入参数", needs="ws",
      expected='reported: what {"action": "get_login_info", "params": []} gets')
def params_not_object(ctx: Ctx) -> str:
    return ctx.ws("/api").call("", raw='{"action": "get_login_info", "params": [], '
                                       '"echo": 1}', timeout=ctx.timeout).text[:200]


@case("communication/ws/16", P, IMPL, "A-46", "a request in a binary frame",
      quote="通过 WebSocket 消息发送的数据全部使用 JSON 格式", needs="ws",
      expected="reported: what a binary frame holding a request gets")
def binary_request(ctx: Ctx) -> str:
    try:
        return ctx.ws("/api").call("", raw=b'{"action": "get_login_info", "echo": 1}',
                                   timeout=ctx.timeout).text[:200]
    except TimedOut:
        return "no answer"


@case("communication/ws/17", P, IMPL, ("WSF-15", "A-24"), "an API request sent to /event",
      quote="连接此接口后，OneBot 会在收到事件后推送至客户端", needs="ws",
      expected="reported: whether /event answers a request frame")
def request_on_event(ctx: Ctx) -> str:
    conn = ctx.ws("/event")
    try:
        return "answered: " + conn.call("get_login_info", {}, "conform-ev",
                                        min(ctx.timeout, 0.5)).text[:200]
    except TimedOut:
        return "not answered (ignored)"
