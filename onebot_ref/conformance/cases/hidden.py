"""api/hidden.md: ``.handle_quick_operation``, called with a context that asks nothing of the
world (a friend_add notice has no quick operations) and an empty operation, so that nothing
happens whatever the target (HID-*). Without the action (404 / 1404): UNSUPPORTED."""

from __future__ import annotations

import time

from ..ctx import Ctx
from ..model import Level, case
from .envelope import is_async
from .http import ok

P = "api/hidden.md"
MUST, SHOULD = Level.MUST, Level.SHOULD
ACTION = ".handle_quick_operation"
DOT = "所有隐藏 API 都以点号（`.`）开头。"


def params(ctx: Ctx) -> dict:
    return {"context": {"time": int(time.time()), "self_id": ctx.login_id(),
                        "post_type": "notice", "notice_type": "friend_add",
                        "user_id": ctx.user()},
            "operation": {}}


@case("api/hidden/1", P, MUST, ("HID-1", "ACT-10"),
      ".handle_quick_operation with an empty operation answers ok, data null", quote=DOT,
      action=ACTION, expected=".handle_quick_operation {context: a friend_add notice, "
                              "operation: {}}: ok, data null")
def over_http(ctx: Ctx) -> None:
    env = ok(ctx, ctx.call(ACTION, params(ctx)))
    ctx.expect(env.get("data") is None, f"data is {env.get('data')!r}, not null")


@case("api/hidden/2", P, MUST, ("HID-2", "HID-6"),
      ".handle_quick_operation over the forward WebSocket",
      quote="它们只应该在 OneBot 实现内部或由 SDK 和框架使用",
      needs="ws", action=ACTION,
      expected="the same frame on /api: ok, data null, the echo")
def over_ws(ctx: Ctx) -> None:
    frame = ctx.ws("/api").call(ACTION, params(ctx), "conform-hqo", ctx.timeout)
    env = ctx.envelope(frame, ACTION)
    ctx.expect(env.get("status") == "ok" and env.get("data") is None, f"answer: {frame.text}")


@case("api/README/10", "api/README.md#异步调用", SHOULD, ("ACT-12", "HID-6"),
      ".handle_quick_operation_async answers async",
      quote="所有 API 都可以通过给 action 附加后缀 `_async` 来进行异步调用",
      action=f"{ACTION}_async",
      expected=".handle_quick_operation_async: status async, retcode 1, data null")
def as_async(ctx: Ctx) -> None:
    is_async(ctx, ctx.envelope(ctx.call(f"{ACTION}_async", params(ctx))))


@case("api/hidden/3", P, SHOULD, "HID-4", "a context that is not an object fails",
      quote="| `context` | object | - | 事件数据对象，可做精简，如去掉 `message` 等无用字段 |",
      action=ACTION, expected='.handle_quick_operation {context: "x", operation: {}}: status '
                              "failed")
def bad_context(ctx: Ctx) -> None:
    env = ctx.envelope(ctx.call(ACTION, {"context": "x", "operation": {}}))
    ctx.expect(env.get("status") == "failed", f"answered {ctx.actual}")
