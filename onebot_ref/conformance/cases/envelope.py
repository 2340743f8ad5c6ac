"""The response envelope (communication/http.md#响应, RESP-*) and the ``_async`` and
``_rate_limited`` suffixes (api/README.md, ACT-*), on HTTP and on the forward WebSocket."""

from __future__ import annotations

from ..ctx import Ctx
from ..model import Fail, Level, NonStrict, case
from .http import NO_SUCH_MESSAGE, UNKNOWN, ok

H, A = "communication/http.md#响应", "api/README.md"
MUST, SHOULD, IMPL = Level.MUST, Level.SHOULD, Level.IMPL
BASIC = {"status", "retcode", "data"}


def failed(ctx: Ctx) -> dict:
    env = ctx.envelope(ctx.call("get_msg", {"message_id": NO_SUCH_MESSAGE}))
    if env.get("status") == "ok":
        raise Fail(f"get_msg of the made-up message {NO_SUCH_MESSAGE} succeeded: {ctx.actual}")
    return env


def extras(env: dict, allowed: set[str]) -> None:
    more = sorted(set(env) - allowed)
    if more:
        raise NonStrict(f"keys beyond the basic structure: {', '.join(more)}")


@case("communication/http/40", H, MUST, ("RESP-1", "RESP-2"),
      "a success is status ok with retcode 0 and a data key",
      quote="`ok` 表示操作成功，同时 `retcode` （返回码）会等于 0",
      expected='get_login_info: {"status": "ok", "retcode": 0, "data": {...}}')
def ok_envelope(ctx: Ctx) -> None:
    env = ok(ctx, ctx.call("get_login_info"))
    ctx.expect("data" in env, f"no data key: {env}")


@case("communication/http/41", H, MUST, ("RESP-4", "RESP-8"),
      "a failure is status failed with a retcode that is neither 0 nor 1",
      quote="`failed` 表示操作失败，此时 `retcode` 既不是 0 也不是 1",
      expected=f"get_msg {NO_SUCH_MESSAGE}: status failed, retcode not 0 or 1")
def failed_envelope(ctx: Ctx) -> str:
    env = failed(ctx)
    ctx.expect(env.get("status") == "failed", f"status is {env.get('status')!r}")
    ctx.expect(isinstance(env.get("retcode"), int) and not isinstance(env["retcode"], bool)
               and env["retcode"] not in (0, 1), f"retcode is {env.get('retcode')!r}")
    return f"retcode {env['retcode']}"


@case("communication/http/42", H, SHOULD, ("RESP-10", "A-43"),
      "a success has just the basic structure (extra keys: NON-STRICT)", quote="基本结构如下",
      expected="get_login_info: keys status, retcode, data and nothing else")
def ok_keys(ctx: Ctx) -> None:
    extras(ok(ctx, ctx.call("get_login_info")), BASIC)


@case("communication/http/43", H, SHOULD, ("RESP-10", "A-43"),
      "a failure has just the basic structure (extra keys: NON-STRICT)", quote="基本结构如下",
      expected=f"get_msg {NO_SUCH_MESSAGE}: keys status, retcode, data and nothing else")
def failed_keys(ctx: Ctx) -> None:
    extras(failed(ctx), BASIC)


@case("communication/http/44", H, SHOULD, "RESP-7", "a failure's data is null",
      quote="`data` 字段为 API 返回数据的内容",
      expected=f"get_msg {NO_SUCH_MESSAGE}: data null")
def failed_data(ctx: Ctx) -> None:
    env = failed(ctx)
    ctx.expect("data" in env and env["data"] is None, f"data is {env.get('data', 'missing')!r}")


def is_async(ctx: Ctx, env: dict, echo: object = None) -> None:
    ctx.expect(env.get("status") == "async" and env.get("retcode") == 1,
               f"expected status async, retcode 1: {env}")
    ctx.expect("data" in env and env["data"] is None,
               f"an asynchronous call's data is {env.get('data', 'missing')!r}, not null")
    if echo is not None:
        ctx.expect(env.get("echo") == echo, f"echo {env.get('echo', 'missing')!r}, sent {echo!r}")


@case("communication/http/45", H, MUST, ("RESP-3", "RESP-6"),
      "an asynchronous call's data is null, even for an action with data",
      quote="注意，异步版本的 API，`data` 永远是 null，即使其相应的同步接口本身是有数据。",
      expected='get_login_info_async: {"status": "async", "retcode": 1, "data": null}',
      action="get_login_info_async")
def async_data(ctx: Ctx) -> None:
    is_async(ctx, ctx.envelope(ctx.call("get_login_info_async")))


def every_envelope(ctx: Ctx) -> list[tuple[str, dict]]:
    found = [(where, env) for where, env in ctx.session.answers if isinstance(env, dict)]
    for conn in ctx.session.sockets + (ctx.session.listeners.reverse.connections
                                       if ctx.session.listeners.reverse else []):
        found += [(conn.channel, f.value) for f in conn.received() if f.is_answer]
    return found


@case("communication/http/46", H, MUST, ("RESP-2", "RESP-3", "RESP-4"),
      "every answer of the run: ok exactly with retcode 0, async exactly with 1",
      quote="`async` 表示请求已提交异步处理，此时 `retcode` 为 1", late=True,
      needs=(), expected="each envelope seen on HTTP and WebSocket: ok <=> 0, async <=> 1, "
                         "failed otherwise")
def status_matches_retcode(ctx: Ctx) -> str:
    seen = every_envelope(ctx)
    wrong = []
    for where, env in seen:
        retcode, state = env.get("retcode"), env.get("status")
        want = {0: "ok", 1: "async"}.get(retcode, "failed") if isinstance(retcode, int) else None
        if state != want:
            wrong.append(f"{where}: status {state!r} with retcode {retcode!r}")
    ctx.expect(seen, "no envelope was seen during the run")
    ctx.expect(not wrong, "; ".join(wrong[:5]) + (f" (+{len(wrong) - 5})" if len(wrong) > 5
                                                  else ""))
    return f"{len(seen)} envelopes"


@case("api/README/1", A, MUST, ("ACT-1", "ACT-2", "ACT-5"),
      "_async over HTTP answers status async",
      quote="异步调用的响应中，`status` 字段为 `async`。",
      expected='get_login_info_async: {"status": "async", "retcode": 1, "data": null}',
      action="get_login_info_async")
def async_http(ctx: Ctx) -> None:
    is_async(ctx, ctx.envelope(ctx.call("get_login_info_async", {}, "json")))


@case("api/README/2", A, MUST, ("ACT-1", "ACT-2", "WSF-5"),
      "_async over the forward WebSocket answers status async, with the echo",
      quote="所有 API 都可以通过给 action 附加后缀 `_async` 来进行异步调用",
      expected='{"action": "get_login_info_async", "echo": "a"}: status async, echo "a"',
      needs="ws", action="get_login_info_async")
def async_ws(ctx: Ctx) -> None:
    frame = ctx.ws("/api").call("get_login_info_async", echo="conform-async",
                                timeout=ctx.timeout)
    is_async(ctx, ctx.envelope(frame, "get_login_info_async"), "conform-async")


@case("api/README/3", A, IMPL, ("ACT-4", "A-10"), "_async of an action that does not exist",
      quote="所有 API 都可以通过给 action 附加后缀 `_async` 来进行异步调用",
      expected=f"reported: what {UNKNOWN}_async answers")
def async_unknown(ctx: Ctx) -> str:
    return ctx.call(f"{UNKNOWN}_async").summary()


@case("api/README/4", A, MUST, ("ACT-6", "ACT-7", "A-11"),
      "_rate_limited over HTTP answers status async",
      quote="限速调用的响应中，`status` 字段为 `async`。",
      expected='get_login_info_rate_limited: {"status": "async", "retcode": 1, "data": null}',
      action="get_login_info_rate_limited")
def rate_limited_http(ctx: Ctx) -> None:
    is_async(ctx, ctx.envelope(ctx.call("get_login_info_rate_limited")))


@case("api/README/5", A, MUST, ("ACT-6", "ACT-7"),
      "_rate_limited over the forward WebSocket answers status async, with the echo",
      quote="所有 API 都可以通过给 action 附加后缀 `_rate_limited` 来进行限速调用",
      expected="get_login_info_rate_limited over /api: status async, the echo",
      needs="ws", action="get_login_info_rate_limited")
def rate_limited_ws(ctx: Ctx) -> None:
    frame = ctx.ws("/api").call("get_login_info_rate_limited", echo=7, timeout=ctx.timeout)
    is_async(ctx, ctx.envelope(frame, "get_login_info_rate_limited"), 7)


@case("api/README/6", A, MUST, "RESP-1", "every answer of the run has a data key",
      quote="响应中的 `data` 字段包含 API 调用返回的数据内容", late=True, needs=(),
      expected="each envelope seen on HTTP and WebSocket has the key data")
def data_key(ctx: Ctx) -> str:
    seen = every_envelope(ctx)
    ctx.expect(seen, "no envelope was seen during the run")
    wrong = [f"{where}: {str(env)[:120]}" for where, env in seen if "data" not in env]
    ctx.expect(not wrong, "no data key: " + "; ".join(wrong[:5]))
    return f"{len(seen)} envelopes"
