"""What the WebSocket connections showed over the whole run, judged after every other case
(WSF-3/13/17, GEN-3, EVT-2): the observers are the ``/event`` and ``/api`` connections the
runner opens first and keeps open to the end."""

from __future__ import annotations

from ..ctx import Ctx
from ..model import Fail, Level, Skip, case
from ..ws_client import Frames

P = "communication/ws.md"
MUST = Level.MUST


def observer(ctx: Ctx, path: str) -> Frames:
    conn = ctx.session.observers.get(path)
    if conn is None:
        raise Skip("needs --ws")
    if not isinstance(conn, Frames):
        raise Fail(f"the {path} observer: {conn}")
    return conn


def all_connections(ctx: Ctx) -> list[Frames]:
    reverse = ctx.session.listeners.reverse
    return list(ctx.session.sockets) + (list(reverse.connections) if reverse else [])


@case("communication/ws/40", P, MUST, ("WSF-17", "WSF-18"),
      "/api never receives an event (all run long)",
      quote="根据路径的不同，提供 API 调用或事件推送服务", needs="ws", late=True,
      expected="the /api connection opened first: no frame with post_type, ever")
def api_gets_no_events(ctx: Ctx) -> str:
    conn = observer(ctx, "/api")
    events = [f for f in conn.received() if f.is_event]
    ctx.expect(not events, f"/api received {len(events)} event(s), the first: "
                           f"{events[0].text[:200] if events else ''}")
    return f"{len(conn.received())} frames, none an event"


@case("communication/ws/41", P, MUST, "GEN-3",
      "every frame the target sent was text holding one JSON value",
      quote="通过 WebSocket 消息发送的数据全部使用 JSON 格式", needs=(), late=True,
      expected="each frame received on every forward and reverse connection: a text frame, "
               "strict JSON")
def frames_are_json(ctx: Ctx) -> str:
    frames = [(c.channel, f) for c in all_connections(ctx) for f in c.received()]
    if not frames:
        raise Skip("no WebSocket frame was received during the run")
    wrong = [f"{channel}: {'binary' if f.binary else 'not JSON'}: {f.text[:80]!r}"
             for channel, f in frames if f.binary or not f.is_json]
    ctx.expect(not wrong, "; ".join(wrong[:5]))
    return f"{len(frames)} frames"


@case("communication/ws/42", P, MUST, "WSF-3", "connections stay open until the client closes",
      quote="连接建立后，将一直保持连接（用户可主动断开连接）", needs="ws", late=True,
      expected="the /event and /api connections opened first are still open at the end")
def stays_open(ctx: Ctx) -> str:
    for path in ("/event", "/api"):
        conn = observer(ctx, path)
        ctx.expect(conn.closed is None, f"{path} was closed by the target (code "
                                        f"{conn.close_code}) during the run")
    return f"open for {ctx.started - observer(ctx, '/api').opened:.1f} s"


@case("communication/ws/43", P, MUST, ("WSF-13", "EVT-2"),
      "events on /event have the same fields as the same events over HTTP POST",
      quote="推送的格式和 [HTTP POST 的上报](http-post.md#上报) 完全一致",
      needs=("ws", "post"), late=True,
      expected="for each kind of event seen on both /event and HTTP POST: the same keys")
def same_as_post(ctx: Ctx) -> str:
    streams = ctx.session.event_streams()
    kinds = {}
    for _, event in streams.get("post", []):
        if isinstance(event, dict):
            kinds.setdefault(_kind(event), set(event))
    compared, wrong = 0, []
    for frame in observer(ctx, "/event").received():
        if not frame.is_event:
            continue
        event = frame.value
        keys = kinds.get(_kind(event))
        if keys is None:
            continue
        compared += 1
        if keys != set(event):
            wrong.append(f"{_kind(event)}: /event {sorted(set(event) ^ keys)} differ")
    if not compared:
        raise Skip("no kind of event was seen on both /event and HTTP POST")
    ctx.expect(not wrong, "; ".join(sorted(set(wrong))[:5]))
    return f"{compared} events compared"


def _kind(event: dict) -> str:
    return ".".join(str(event.get(k)) for k in ("post_type", "meta_event_type", "notice_type",
                                                 "message_type", "request_type", "sub_type")
                    if k in event)
