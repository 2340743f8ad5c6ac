"""What every answer and event of the run had in common, judged at the end: UTF-8 everywhere
(communication/README.md, GEN-2) and the fields every event has (event/README.md, EVT-1/4)."""

from __future__ import annotations

from .. import shapes
from ..ctx import Ctx
from ..model import Level, Skip, case
from .http import status
from .ws_late import all_connections

MUST, SHOULD = Level.MUST, Level.SHOULD
UTF8 = "所有通信方式传输的数据都使用 UTF-8 编码。"


@case("communication/README/1", "communication/README.md", MUST, "GEN-2",
      "everything the target sent was UTF-8", quote=UTF8, needs=(), late=True,
      expected="every HTTP answer body, WebSocket frame and POST body of the run decodes "
               "as UTF-8")
def all_utf8(ctx: Ctx) -> str:
    session, wrong = ctx.session, list(ctx.session.not_utf8)
    frames = [(c.channel, f) for c in all_connections(ctx) for f in c.received()]
    wrong += [f"{channel}: a binary frame" for channel, f in frames
              if f.binary and f.text.endswith("(not UTF-8)")]
    posts = session.listeners.post.posts if session.listeners.post else []
    for post in posts:
        try:
            post.body.decode("utf-8")
        except UnicodeDecodeError as err:
            wrong.append(f"a POST body: {err}")
    total = session.http_bodies + len(frames) + len(posts)
    if not total:
        raise Skip("nothing was received during the run")
    ctx.expect(not wrong, "; ".join(wrong[:5]))
    return (f"{session.http_bodies} HTTP bodies, {len(frames)} frames, {len(posts)} POST "
            f"bodies")


@case("communication/README/2", "communication/README.md", SHOULD, ("GEN-2", "HTTP-10"),
      "a JSON body that is not UTF-8 is refused with 400", quote=UTF8,
      expected='POST /get_login_info with the bytes {"x": "\\xff"}: HTTP 400')
def not_utf8_body(ctx: Ctx) -> None:
    status(ctx, ctx.http.request("POST", "/get_login_info", body=b'{"x": "\xff"}',
                                 auth="header", headers={"Content-Type": "application/json"}),
           400)


def events(ctx: Ctx) -> list[tuple[str, dict]]:
    found = [(channel, event) for channel, stream in ctx.session.event_streams().items()
             for _, event in stream]
    if not found:
        raise Skip("no event was seen on any channel during the run")
    return found


@case("event/README/1", "event/README.md#内容字段", MUST, "EVT-1",
      "every event has time, self_id and post_type",
      quote="每个事件都有 `time`、`self_id` 和 `post_type` 字段", needs=(), late=True,
      expected="each event of the run, on every channel: time and self_id integers, "
               "post_type message, notice, request or meta_event")
def event_fields(ctx: Ctx) -> str:
    found = events(ctx)
    wrong = [f"{channel}: {p}" for channel, event in found
             for p in shapes.problems(event, shapes.EVENT, "event")]
    ctx.expect(not wrong, "; ".join(wrong[:5]))
    return f"{len(found)} events"


@case("event/README/2", "event/README.md#内容字段", MUST, ("EVT-1", "EVT-4"),
      "every event's self_id is the bot's account", quote="收到事件的机器人 QQ 号", needs=(),
      late=True, expected="each event of the run: self_id == get_login_info's user_id")
def event_self_id(ctx: Ctx) -> str:
    me = ctx.login_id()
    found = events(ctx)
    wrong = [f"{channel}: self_id {event.get('self_id')!r}" for channel, event in found
             if isinstance(event, dict) and event.get("self_id") != me]
    ctx.expect(not wrong, f"the bot is {me}; " + "; ".join(wrong[:5]))
    return f"{len(found)} events"
