"""event/meta.md: lifecycle ``connect`` on new WebSocket connections, which lifecycle events go
where, and the heartbeat: its fields and its cadence against its own ``interval`` on every
event channel (META-*). Heartbeats are off by default ("heartbeat.enable | false"): with none on
any channel the heartbeat cases are SKIPPED, saying so.

Cadence: on one connection (or the HTTP POST stream) the mean gap between heartbeats must be
within a quarter of ``interval`` (+100 ms), and no gap over twice it (+500 ms): a missed beat.
A channel with fewer than two heartbeats is waited on for up to 1.5 intervals more.
"""

from __future__ import annotations

import time
from typing import Any

from .. import shapes
from ..ctx import Ctx
from ..model import Fail, Level, Skip, case
from .ws_late import observer

P = "event/meta.md"
MUST, IMPL = Level.MUST, Level.IMPL
CONNECT = "分别表示 OneBot 启用、停用、WebSocket 连接成功"
WHERE = ("注意，目前生命周期元事件中，只有 HTTP POST 的情况下可以收到 `enable` 和 `disable`，只有正向 "
         "WebSocket 和反向 WebSocket 可以收到 `connect`。")
INTERVAL = "到下次心跳的间隔，单位毫秒"


def lifecycle(event: Any, sub_type: str | None = None) -> bool:
    return isinstance(event, dict) and event.get("meta_event_type") == "lifecycle" and (
        sub_type is None or event.get("sub_type") == sub_type)


def heartbeat(event: Any) -> bool:
    return isinstance(event, dict) and event.get("meta_event_type") == "heartbeat"


def new_connect(ctx: Ctx, path: str) -> str:
    conn = ctx.ws(path)
    frame = conn.wait(lambda f: lifecycle(f.value, "connect"), ctx.timeout,
                      f"a lifecycle connect on the new {path} connection")
    first = conn.received()[0]
    return "the first frame" if first is frame else f"after {conn.received().index(frame)} " \
                                                     f"other frame(s)"


@case("event/meta/1", P, MUST, ("META-4", "WSF-18", "COMPAT-1"),
      "a new /event connection receives lifecycle connect", quote=CONNECT, needs="ws",
      expected="a fresh /event connection: an event with meta_event_type lifecycle, sub_type "
               "connect")
def connect_on_event(ctx: Ctx) -> str:
    return new_connect(ctx, "/event")


@case("event/meta/2", P, MUST, ("META-4", "WSF-18", "COMPAT-1"),
      "a new / connection receives lifecycle connect", quote=CONNECT, needs="ws",
      expected="a fresh / connection: a lifecycle connect event")
def connect_on_universal(ctx: Ctx) -> str:
    return new_connect(ctx, "/")


@case("event/meta/3", P, IMPL, ("META-4", "A-14"), "whether connect is the first frame",
      quote=CONNECT, needs="ws", expected="reported: where connect comes on a fresh /event")
def connect_first(ctx: Ctx) -> str:
    return new_connect(ctx, "/event")


@case("event/meta/4", P, MUST, ("META-4", "WSR-9"),
      "every reverse Event or Universal connection receives lifecycle connect",
      quote=CONNECT, needs="reverse",
      expected="each reverse Event/Universal connection: a lifecycle connect event")
def connect_on_reverse(ctx: Ctx) -> str:
    newest = ctx.reverse(("Event", "Universal"))
    newest.wait(lambda f: lifecycle(f.value, "connect"), ctx.timeout, "a lifecycle connect")
    conns = [c for c in ctx.session.listeners.reverse.connections  # type: ignore[union-attr]
             if c.header("X-Client-Role") in ("Event", "Universal")]
    missing = [c.channel for c in conns if not any(lifecycle(f.value, "connect")
                                                   for f in c.received())]
    ctx.expect(not missing, f"no connect on {len(missing)} of {len(conns)} connections")
    return f"{len(conns)} connection(s)"


def seen(ctx: Ctx, match) -> list[tuple[str, float, Any]]:
    return [(channel, t, event) for channel, stream in ctx.session.event_streams().items()
            for t, event in stream if match(event)]


@case("event/meta/5", P, MUST, "META-1", "lifecycle events have the table's fields",
      quote="| `sub_type` | string | `enable`、`disable`、`connect` |", needs=(), late=True,
      expected="each lifecycle event seen: time, self_id (int64), post_type meta_event, "
               "meta_event_type lifecycle, sub_type enable/disable/connect")
def lifecycle_fields(ctx: Ctx) -> str:
    events = seen(ctx, lifecycle)
    if not events:
        raise Skip("no lifecycle event was seen")
    wrong = [f"{channel}: {p}" for channel, _, e in events for p in shapes.problems(
        e, shapes.LIFECYCLE, "event")]
    ctx.expect(not wrong, "; ".join(wrong[:5]))
    return f"{len(events)} lifecycle events"


@case("event/meta/6", P, MUST, "META-2", "HTTP POST never receives lifecycle connect",
      quote=WHERE, needs="post", late=True,
      expected="no lifecycle connect among the POSTs of the whole run")
def no_connect_posted(ctx: Ctx) -> str:
    posts = ctx.posts()  # at least one, or TIMEOUT: an empty stream proves nothing
    posted = [e for _, e in ctx.session.event_streams()["post"] if lifecycle(e, "connect")]
    ctx.expect(not posted, f"{len(posted)} lifecycle connect POSTed")
    return f"{len(posts)} POSTs, no connect"


@case("event/meta/7", P, MUST, "META-2",
      "WebSocket connections never receive lifecycle enable or disable", quote=WHERE,
      needs=(), late=True, expected="no lifecycle enable/disable on any WebSocket of the run")
def no_enable_on_ws(ctx: Ctx) -> str:
    if not any(stream for name, stream in ctx.session.event_streams().items()
               if name != "post"):
        raise Skip("no event was received on any WebSocket")
    wrong = [f"{c}: {e.get('sub_type')}" for c, _, e in seen(ctx, lifecycle)
             if c != "post" and e.get("sub_type") in ("enable", "disable")]
    ctx.expect(not wrong, "; ".join(wrong[:5]))
    return "none"


@case("event/meta/8", P, IMPL, ("META-3", "A-17"), "whether lifecycle enable was POSTed",
      quote=WHERE, needs="post", late=True,
      expected="reported: an enable POST (seen only if the runner listened before the target "
               "started)")
def enable_posted(ctx: Ctx) -> str:
    posted = [e for _, e in ctx.session.event_streams().get("post", []) if lifecycle(e, "enable")]
    return f"{len(posted)} lifecycle enable POSTed"


def heartbeats(ctx: Ctx) -> list[tuple[str, float, dict]]:
    """Every heartbeat so far; with none anywhere, wait up to the timeout once, then Skip."""
    found = seen(ctx, heartbeat)
    if not found and not getattr(ctx.session, "heartbeat_waited", False):
        ctx.session.heartbeat_waited = True  # type: ignore[attr-defined]
        deadline = time.monotonic() + ctx.timeout
        while not found and time.monotonic() < deadline:
            time.sleep(0.05)
            found = seen(ctx, heartbeat)
    if not found:
        raise Skip("no heartbeat on any channel: heartbeats are off (heartbeat.enable defaults "
                   "to false)")
    return found  # type: ignore[return-value]


@case("event/meta/9", P, MUST, ("META-6", "META-8"), "heartbeats have the table's fields",
      quote="| `interval` | number (int64) | - | 到下次心跳的间隔，单位毫秒 |", needs=(), late=True,
      expected="each heartbeat seen: time, self_id, post_type meta_event, meta_event_type "
               "heartbeat, status (object), interval (a positive integer)")
def heartbeat_fields(ctx: Ctx) -> str:
    found = heartbeats(ctx)
    wrong = [f"{c}: {p}" for c, _, e in found for p in shapes.problems(e, shapes.HEARTBEAT,
                                                                       "heartbeat")]
    wrong += [f"{c}: interval {e['interval']}" for c, _, e in found
              if isinstance(e.get("interval"), int) and e["interval"] <= 0]
    ctx.expect(not wrong, "; ".join(wrong[:5]))
    return f"{len(found)} heartbeats"


@case("event/meta/10", P, MUST, ("META-6", "META-10"),
      "a heartbeat's status has get_status's online and good",
      quote="其中 `status` 字段的内容和 `get_status` 接口的快速操作相同", needs=(), late=True,
      expected="each heartbeat: status.online boolean or null, status.good boolean")
def heartbeat_status(ctx: Ctx) -> None:
    wrong = [f"{c}: {p}" for c, _, e in heartbeats(ctx)
             for p in shapes.problems(e.get("status"), shapes.STATUS, "status")]
    ctx.expect(not wrong, "; ".join(wrong[:5]))


def cadence(ctx: Ctx, streams, name: str) -> str:
    """The longest-lived stream ``streams()`` gives ((name, [(time, event)])...), judged
    against its heartbeats' ``interval``."""
    found = heartbeats(ctx)
    longest = max([e["interval"] for _, _, e in found if isinstance(e.get("interval"), int)]
                  or [1000]) / 1000
    deadline = time.monotonic() + 1.5 * longest + 0.5
    while True:
        best = max(([(channel, [(t, e) for t, e in events if heartbeat(e)])
                     for channel, events in streams()]), key=lambda s: len(s[1]),
                   default=None)
        if best is not None and len(best[1]) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if best is None or not best[1]:
        raise Fail(f"heartbeats arrive elsewhere, but none on {name} within "
                   f"{1.5 * longest + 0.5:.1f} s")
    channel, beats = best
    if len(beats) < 2:
        raise Fail(f"{channel}: one heartbeat, then none within 1.5 intervals")
    gaps = [b[0] - a[0] for a, b in zip(beats, beats[1:])]
    interval = beats[0][1].get("interval", 0) / 1000
    mean = sum(gaps) / len(gaps)
    if abs(mean - interval) > interval / 4 + 0.1:
        raise Fail(f"{channel}: heartbeats every {mean * 1000:.0f} ms on average, interval "
                   f"says {interval * 1000:.0f} ms")
    if max(gaps) > 2 * interval + 0.5:
        raise Fail(f"{channel}: a gap of {max(gaps) * 1000:.0f} ms (interval "
                   f"{interval * 1000:.0f} ms): a heartbeat went missing")
    return (f"{channel}: {len(beats)} beats, mean gap {mean * 1000:.0f} ms, interval "
            f"{interval * 1000:.0f} ms")


def _frames(conns) -> list[tuple[str, list]]:
    return [(c.channel, [(f.time, f.value) for f in c.received() if f.is_event])
            for c in conns]


CHANNELS = "元事件的上报方式和普通事件完全一样"


@case("event/meta/11", P, MUST, ("META-7", "A-16"),
      "heartbeats on the forward WebSocket keep to their interval", quote=INTERVAL,
      needs="ws", late=True, expected="the /event connection opened first: mean gap within "
                                      "interval/4")
def cadence_ws(ctx: Ctx) -> str:
    conn = observer(ctx, "/event")
    return cadence(ctx, lambda: _frames([conn]), "the forward WebSocket")


@case("event/meta/12", P, MUST, ("META-7", "A-16"),
      "heartbeats are POSTed too, keeping to their interval", quote=CHANNELS, needs="post",
      late=True, expected="HTTP POST: heartbeats, mean gap within interval/4")
def cadence_post(ctx: Ctx) -> str:
    if ctx.session.listeners.post is None:
        raise Skip("needs --listen-post")
    return cadence(ctx, lambda: [("post", ctx.session.event_streams()["post"])], "HTTP POST")


@case("event/meta/13", P, MUST, ("META-7", "A-16"),
      "heartbeats on the reverse WebSocket keep to their interval", quote=CHANNELS,
      needs="reverse", late=True,
      expected="reverse Event/Universal connections: mean gap within interval/4")
def cadence_reverse(ctx: Ctx) -> str:
    listener = ctx.session.listeners.reverse
    if listener is None:
        raise Skip("needs --listen-reverse")
    return cadence(ctx, lambda: _frames([c for c in listener.connections if c.header(
        "X-Client-Role") in ("Event", "Universal")]), "the reverse WebSocket")
