"""The ``reverse-ws`` demo: onebot_ref dials the demo bot (communication/ws-reverse.md): the
API and Event clients and their X-Client-Role, reconnecting after a drop or a refused
handshake, and the code-1000 rule (WSR-12)."""

from __future__ import annotations

from .player import Demo, Expect, Step

INTERVAL_MS = 400  # ws_reverse_reconnect_interval: short, so the reconnect shows at once


def _connecting(role: str) -> Expect:
    return Expect(f"ws_reverse out: connect as {role}", "ws_reverse", "out",
                  {"event": "connect", "role": role})


def _opened(role: str) -> Expect:
    return Expect(f"ws_reverse in: {role} connection opened", "ws_reverse", "in",
                  {"event": "open", "role": role.lower()})


CONNECT = Expect("ws_reverse out: lifecycle connect on the Event connection", "ws_reverse",
                 "out", {"meta_event_type": "lifecycle", "sub_type": "connect"})


def _connected(ctx) -> None:
    ctx.start()
    for role in ("api", "event"):
        socket = ctx.kept[role] = ctx.listener.socket(role)
        ctx.out(f"      the demo bot accepted ws/{role}: X-Client-Role "
                f"{socket.headers.get('X-Client-Role')}, X-Self-ID "
                f"{socket.headers.get('X-Self-ID')}")


def _drop_event(ctx) -> None:
    ctx.kept["event"].close(1001, "the demo bot restarts")
    ctx.kept["event"] = ctx.listener.socket("event")


def _refuse_then_accept(ctx) -> None:
    with ctx.listener._lock:
        ctx.listener.refusals["event"] = [403]
    ctx.kept["event"].close(4000, "the demo bot goes away")
    ctx.kept["event"] = ctx.listener.socket("event")


def _alice_writes(ctx) -> None:
    ctx.console("/sim/private_message", {"user_id": 10001, "message": "hello 你好"})
    event = ctx.kept["event"].next_event(lambda e: e["post_type"] == "message")
    ctx.kept["api"].call("send_msg", {"message_type": "private", "user_id": event["user_id"],
                                      "message": "echo: " + event["raw_message"]})


REVERSE_WS = Demo(
    "reverse-ws", "the reverse WebSocket: roles, reconnecting, the code-1000 rule",
    "反向 WebSocket：客户端角色、断线重连、关闭码 1000 的规则",
    lambda listener: {"use_http": False, "use_ws_reverse": True,
                      "ws_reverse_api_url": listener.url("/ws/api", "ws"),
                      "ws_reverse_event_url": listener.url("/ws/event", "ws"),
                      "ws_reverse_reconnect_interval": INTERVAL_MS,
                      "ws_reverse_reconnect_on_code_1000": False},
    (
        Step("onebot_ref starts and dials the bot: an API client and an Event client, "
             "X-Client-Role says which",
             "onebot_ref 启动后主动连接机器人：一个 API 客户端和一个 Event 客户端，"
             "X-Client-Role 表明身份",
             "communication/ws-reverse.md", ("WSR-2", "WSR-4", "WSR-7", "WSR-9"), _connected,
             (_connecting("API"), _connecting("Event"), _opened("API"), _opened("Event"),
              CONNECT),
             "`X-Client-Role` 表示当前正在建立连接的客户端类型"),
        Step("Alice writes: the event comes on the Event connection, the bot's send_msg goes "
             "on the API connection",
             "Alice 发消息：事件从 Event 连接推送，机器人的 send_msg 走 API 连接",
             "communication/ws-reverse.md", ("WSR-8",), _alice_writes,
             (Expect("ws_reverse out: message.private.friend", "ws_reverse", "out",
                     {"post_type": "message"}),
              Expect("ws_reverse in: send_msg", "ws_reverse", "in", {"action": "send_msg"}),
              Expect("ws_reverse out: ok", "ws_reverse", "out", {"retcode": 0})),
             "连接建立后，使用方式同 正向 WebSocket。"),
        Step(f"The bot drops the Event connection (1001): onebot_ref reconnects "
             f"{INTERVAL_MS} ms later",
             f"机器人断开 Event 连接（1001）：onebot_ref 在 {INTERVAL_MS} 毫秒后重连",
             "communication/ws-reverse.md", ("WSR-11", "WSR-13"), _drop_event,
             (Expect("ws_reverse in: close 1001, reconnecting", "ws_reverse", "in",
                     {"event": "close", "code": 1001}, verdict="reconnecting in"),
              _connecting("Event"), _opened("Event"), CONNECT),
             "当由于各种意外情况，连接断开时，OneBot 将以配置中指定的时间间隔不断尝试重连，"
             "直到再次连接成功。"),
        Step("The bot refuses a handshake (403): onebot_ref tries again after the interval",
             "机器人拒绝握手（403）：onebot_ref 间隔之后再试", "communication/ws-reverse.md",
             ("WSR-12",), _refuse_then_accept,
             (Expect("ws_reverse in: handshake refused: HTTP 403", "ws_reverse", "in",
                     {"event": "connect failed"}, verdict="HTTP 403"),
              _opened("Event")),
             "将以配置中指定的时间间隔不断尝试重连，直到再次连接成功"),
        Step("The bot closes the API connection with 1000: with "
             "ws_reverse_reconnect_on_code_1000 false, onebot_ref does not reconnect",
             "机器人以 1000 关闭 API 连接：ws_reverse_reconnect_on_code_1000 为 false 时，"
             "onebot_ref 不再重连",
             "communication/ws-reverse.md", ("WSR-12", "A-33"),
             lambda ctx: ctx.kept["api"].close(1000, "done for today"),
             (Expect("ws_reverse in: close 1000, not reconnecting", "ws_reverse", "in",
                     {"event": "close", "code": 1000}, verdict="not reconnecting"),)),
    ), starts_in_step=True)
