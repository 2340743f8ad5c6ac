"""communication/ws-reverse.md, by listening: the handshake headers, the three roles, and the
reconnection after a drop (WSR-*). The target must be configured to dial the runner's
``--listen-reverse`` address (any path)."""

from __future__ import annotations

import time

from ..ctx import Ctx
from ..model import Fail, Level, Skip, TimedOut, case
from ..ws_client import Frames
from .ws import failed_14xx, login_call

P = "communication/ws-reverse.md"
MUST = Level.MUST
ROLES = ("API", "Event", "Universal")


def connections(ctx: Ctx) -> list[Frames]:
    """Every reverse connection so far, waiting for the first one."""
    listener = ctx.session.listeners.reverse
    if listener is None:
        raise Skip("needs --listen-reverse")
    if not listener.wait_until(lambda: listener.connections,
                               listener.patience(ctx.timeout, False)):
        raise TimedOut(f"no reverse WebSocket connected to {listener.url}",
                       time.monotonic() - listener.started, unanswered=False)
    return list(listener.connections)


@case("communication/ws-reverse/1", P, MUST, "WSR-4",
      "X-Self-ID names the bot, on every reverse connection",
      quote="请求头中的 `X-Self-ID` 表示当前正在建立连接的机器人 QQ 号", needs="reverse",
      expected="each handshake: X-Self-ID is the decimal of get_login_info's user_id")
def self_id(ctx: Ctx) -> str:
    conns = connections(ctx)
    me = str(ctx.login_id())
    for conn in conns:
        ctx.expect(conn.header("X-Self-ID") == me, f"{conn.channel} ({conn.url}): X-Self-ID "
                                                   f"{conn.header('X-Self-ID')!r}, not {me}")
    return f"{len(conns)} connection(s)"


@case("communication/ws-reverse/2", P, MUST, ("WSR-2", "WSR-4"),
      "X-Client-Role is exactly API, Event or Universal",
      quote="`X-Client-Role` 表示当前正在建立连接的客户端类型，对于 Event 客户端和 Universal 客户端，"
            "这里分别是 `Event` 和 `Universal`", needs="reverse",
      expected="each handshake: X-Client-Role is API, Event or Universal (that spelling)")
def client_role(ctx: Ctx) -> str:
    conns = connections(ctx)
    for conn in conns:
        role = conn.header("X-Client-Role")
        ctx.expect(role in ROLES, f"{conn.url}: X-Client-Role {role!r}")
    return "roles: " + ", ".join(sorted({c.header("X-Client-Role") or "?" for c in conns}))


@case("communication/ws-reverse/3", P, MUST, ("WSR-2", "WSR-8"),
      "the API client answers API requests", quote="API 客户端提供 API 调用服务",
      needs="reverse", expected="on the API connection: get_login_info answered ok, the echo")
def api_client(ctx: Ctx) -> None:
    login_call(ctx, ctx.reverse(("API",)), "conform-rapi")


@case("communication/ws-reverse/4", P, MUST, ("WSR-2", "WSR-8"),
      "the Event client pushes events", quote="Event 客户端提供事件推送服务", needs="reverse",
      expected="on the Event connection: an event arrives")
def event_client(ctx: Ctx) -> None:
    ctx.reverse(("Event",)).wait(lambda f: f.is_event, ctx.timeout, "an event")


@case("communication/ws-reverse/5", P, MUST, ("WSR-2", "WSR-8"),
      "the Universal client answers requests and pushes events on one connection",
      quote="Universal 客户端**在一条连接上**同时提供两种服务", needs="reverse",
      expected="on the Universal connection: get_login_info answered ok, and an event arrives")
def universal_client(ctx: Ctx) -> None:
    conn = ctx.reverse(("Universal",))
    login_call(ctx, conn, "conform-runi")
    conn.wait(lambda f: f.is_event, ctx.timeout, "an event")


@case("communication/ws-reverse/6", P, MUST, ("WSR-8", "WSF-7"),
      "an unknown action on a reverse connection is retcode 1404",
      quote="连接建立后，使用方式同 [正向 WebSocket](ws.md)。", needs="reverse",
      expected="on the API or Universal connection: conform_no_such_action answers 1404")
def reverse_1404(ctx: Ctx) -> None:
    conn = ctx.reverse(("API", "Universal"))
    failed_14xx(ctx, conn.call("conform_no_such_action", {}, "r404", ctx.timeout), 1404, "r404")


@case("communication/ws-reverse/7", P, MUST, "WSR-2",
      "an API connection never receives an event (all run long)",
      quote="API 客户端提供 API 调用服务", needs="reverse", late=True,
      expected="every connection with X-Client-Role API: no frame with post_type")
def api_no_events(ctx: Ctx) -> str:
    conns = [c for c in connections(ctx) if c.header("X-Client-Role") == "API"]
    if not conns:
        raise Skip("the target opened no API connection")
    events = [(c, f) for c in conns for f in c.received() if f.is_event]
    ctx.expect(not events, f"an API connection received {len(events)} event(s): "
                           f"{events[0][1].text[:200] if events else ''}")
    return f"{len(conns)} API connection(s)"


@case("communication/ws-reverse/8", P, MUST, ("WSR-1", "WSR-11"),
      "after an unexpected disconnect the client connects again",
      quote="当由于各种意外情况，连接断开时，OneBot 将以配置中指定的时间间隔不断尝试重连，"
            "直到再次连接成功。", needs="reverse", late=True,
      expected="the runner drops every reverse connection (no close frame): each role "
               "connects again within the timeout")
def reconnects(ctx: Ctx) -> str:
    listener = ctx.session.listeners.reverse
    open_now = [c for c in connections(ctx) if c.closed is None]
    if not open_now:
        raise Fail("no reverse connection is open to drop")
    roles = {c.header("X-Client-Role") for c in open_now}
    dropped = time.monotonic()
    for conn in open_now:
        ctx.log.note(f"dropping {conn.channel} (TCP shutdown, no close frame)")
        conn.ws.drop()

    def back() -> bool:
        again = {c.header("X-Client-Role") for c in listener.connections  # type: ignore
                 if c.opened > dropped and c.closed is None}
        return roles <= again

    if not listener.wait_until(back, ctx.timeout):  # type: ignore[union-attr]
        raise Fail(f"not all of {sorted(roles)} reconnected within {ctx.timeout} s")
    first = min(c.opened for c in listener.connections if c.opened > dropped)  # type: ignore
    return f"{', '.join(sorted(roles))} back after {first - dropped:.2f} s"
