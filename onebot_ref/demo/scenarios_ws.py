"""The forward WebSocket demos: ``forward-ws`` (the three paths, echo, 1400/1404, the
lifecycle; communication/ws.md) and ``heartbeat`` (event/meta.md)."""

from __future__ import annotations

from ..modes.ws_transport import HandshakeError
from .player import Demo, Expect, Step

HELLO = "hello 你好"
ECHO = {"demo": [1, "二"], "why": "echo may be any JSON value"}


def _open(path: str, *, connect: bool) -> tuple[Expect, ...]:
    opened = Expect(f"ws in: {path} opened", "ws", "in", {"event": "open"},
                    test=lambda f: f.get("path") == path)
    if not connect:
        return (opened,)
    return (opened, Expect(f"ws out: lifecycle connect, the first frame on {path}", "ws", "out",
                           {"meta_event_type": "lifecycle", "sub_type": "connect"},
                           test=lambda f: f.get("path") == path))


def _dial(path: str, key: str):
    def act(ctx) -> None:
        ctx.kept[key] = ctx.dial(path)
    return act


def _answer(what: str, retcode: int, **data) -> Expect:
    return Expect(f"ws out: {what}", "ws", "out", {"retcode": retcode, **data})


def _reply_to_alice(ctx) -> None:
    """A console user writes; the demo bot reads the event on / and answers with send_msg."""
    ctx.console("/sim/private_message", {"user_id": 10001, "message": HELLO})
    event = ctx.kept["event"].next_event(lambda e: e["post_type"] == "message")
    ctx.kept["universal"].next_event(lambda e: e["post_type"] == "message")
    ctx.kept["universal"].call("send_msg", {"message_type": "private",
                                            "user_id": event["user_id"],
                                            "message": "echo: " + event["raw_message"]})


def _wrong_path(ctx) -> None:
    try:
        ctx.dial("/events")
    except HandshakeError as err:
        ctx.out(f"      the demo bot's handshake was refused: HTTP {err.status_code}")


FORWARD_WS = Demo(
    "forward-ws", "the forward WebSocket: /, /api, /event; echo; 1400 and 1404",
    "正向 WebSocket：/、/api、/event；echo；1400 与 1404",
    lambda listener: {"use_http": False, "use_ws": True},
    (
        Step("Open /event: the first frame is the lifecycle connect event",
             "连接 /event：第一帧是生命周期 connect 事件", "event/meta.md",
             ("WSF-18", "META-4"), _dial("/event", "event"), _open("/event", connect=True),
             "只有正向 WebSocket 和反向 WebSocket 可以收到 `connect`。"),
        Step("Open /api: calls only, no lifecycle event", "连接 /api：只能调用 API，没有生命周期事件",
             "communication/ws.md", ("WSF-1", "WSF-17"), _dial("/api", "api"),
             _open("/api", connect=False)),
        Step("A call with an echo: the answer carries it back unchanged, type and all",
             "带 echo 的调用：响应原样带回 echo，类型不变", "communication/ws.md",
             ("WSF-4", "WSF-9"),
             lambda ctx: ctx.kept["api"].call("get_login_info", echo=ECHO),
             (Expect("ws in: get_login_info with an object echo", "ws", "in",
                     {"action": "get_login_info", "echo": ECHO}),
              _answer("ok, the same echo", 0, echo=ECHO)),
             "`echo` 字段是可选的……可以是任何类型的数据，OneBot 将会在调用结果中原样返回。"),
        Step("An action that does not exist: retcode 1404 (HTTP's 404)",
             "不存在的 API：retcode 1404（对应 HTTP 的 404）", "communication/ws.md", ("WSF-7",),
             lambda ctx: ctx.kept["api"].call("send_privat_msg", {"user_id": 10001}),
             (_answer("failed, retcode 1404", 1404),),
             "HTTP 状态码反应的错误情况被移动到响应 JSON 的 `retcode` 字段"),
        Step("A frame that is not JSON: retcode 1400 (HTTP's 400)",
             "不是 JSON 的帧：retcode 1400（对应 HTTP 的 400）", "communication/ws.md", ("WSF-6",),
             lambda ctx: ctx.kept["api"].send("get_status, please"),
             (_answer("failed, retcode 1400", 1400),)),
        Step("Open / (both on one connection); Alice writes; the event goes to / and /event "
             "but not /api; the demo bot answers with send_msg on /",
             "连接 /（两种服务在同一条连接上）；Alice 发消息；事件推送给 / 和 /event，不推送给 /api；"
             "演示机器人在 / 上用 send_msg 回复",
             "communication/ws.md", ("WSF-13", "WSF-16", "WSF-17"),
             lambda ctx: (_dial("/", "universal")(ctx), _reply_to_alice(ctx)),
             _open("/", connect=True) + (
                 Expect("ws out: message.private.friend to 2 connections", "ws", "out",
                        {"post_type": "message"}, verdict="event pushed to 2 connection(s)"),
                 Expect("ws in: send_msg", "ws", "in", {"action": "send_msg"}),
                 _answer("ok", 0)),
             "在一条连接上同时提供 `/api` 和 `/event` 的服务"),
        Step("A request sent on /event is ignored", "在 /event 上发送的请求被忽略",
             "communication/ws.md", ("WSF-15",),
             lambda ctx: ctx.kept["event"].send({"action": "get_status", "echo": "ignored?"}),
             (Expect("ws in: ignored on /event", "ws", "in", verdict="ignored",
                     test=lambda f: f.get("path") == "/event"),)),
        Step("Another path is refused at the handshake: 404", "其他路径在握手时被拒绝：404",
             "communication/ws.md", ("WSF-2",), _wrong_path,
             (Expect("ws in: handshake on /events refused with 404", "ws", "in",
                     {"event": "handshake"}, verdict="404"),),
             "接受路径为 `/api`（或 `/api/`）、`/event`（或 `/event/`）、`/` 的连接请求"),
        Step("The demo bot closes /api with 1000; the connection ends there",
             "演示机器人以 1000 关闭 /api；连接到此结束", "communication/ws.md", ("WSF-3",),
             lambda ctx: ctx.kept["api"].close(1000, "bye"),
             (Expect("ws in: close 1000", "ws", "in", {"event": "close", "code": 1000},
                     test=lambda f: f.get("path") == "/api"),),
             "连接建立后，将一直保持连接（用户可主动断开连接）"),
    ))

INTERVAL_MS = 1000


def _heartbeat(channel: str) -> Expect:
    return Expect(f"{channel} out: heartbeat, interval {INTERVAL_MS}, status, no sub_type",
                  channel, "out", {"meta_event_type": "heartbeat", "interval": INTERVAL_MS},
                  test=lambda f: "sub_type" not in f["data"] and isinstance(
                      f["data"].get("status"), dict))


HEARTBEAT = Demo(
    "heartbeat", "heartbeats: every heartbeat_interval ms, on every event channel",
    "心跳：每 heartbeat_interval 毫秒一次，发往所有事件通道",
    lambda listener: {"use_http": False, "use_ws": True, "enable_heartbeat": True,
                      "heartbeat_interval": INTERVAL_MS, "post_url": listener.url("/post")},
    (
        Step("Open /event (and, with post_url, onebot_ref POSTs events too)",
             "连接 /event（配置了 post_url，onebot_ref 也会 POST 事件）", "communication/ws.md",
             ("WSF-18", "META-3"), lambda ctx: (ctx.start(), _dial("/event", "event")(ctx)),
             _open("/event", connect=True) + (
                 Expect("http_post out: lifecycle enable", "http_post", "out",
                        {"sub_type": "enable"}),)),
        Step("One interval later: the first heartbeat, with status and interval",
             "一个间隔之后：第一个心跳，带 status 和 interval", "event/meta.md",
             ("META-6", "META-8", "META-9"), None, (_heartbeat("ws"),),
             "`interval` 到下次心跳的间隔，单位毫秒"),
        Step("Heartbeats go to every event channel, HTTP POST included",
             "心跳发往所有事件通道，包括 HTTP POST", "event/meta.md", ("META-7",), None,
             (_heartbeat("http_post"),),
             "元事件的上报方式和普通事件完全一样。"),
        Step("Its status is what get_status answers (online and good are booleans)",
             "其中 status 与 get_status 的响应相同（online 和 good 是布尔值）", "event/meta.md",
             ("META-6", "META-10"),
             lambda ctx: ctx.dial("/api").call("get_status"),
             (Expect("ws out: get_status ok, online and good booleans", "ws", "out",
                     {"retcode": 0}, test=lambda f: isinstance(
                         (f["data"].get("data") or {}).get("good"), bool)),),
             "其中 `status` 字段的内容和 `get_status` 接口的快速操作相同。"),
        Step("And the next one, an interval later", "下一个心跳，又一个间隔之后", "event/meta.md",
             ("META-7",), None, (_heartbeat("ws"),)),
    ), starts_in_step=True)
