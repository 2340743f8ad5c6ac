"""Playing a demo: a scenario's steps, one after the other, against a running server.

Each step is announced before it acts: printed (what it shows, the spec page, the rule ids of
docs/rules.md, the spec's sentence) and journalled as a frame on channel ``demo`` (the page
draws it as a note across the sequence view). Then the step acts (the demo bot calls, connects,
answers; a console user writes), and the player waits for every frame the step announced
(:class:`Expect`) to appear in the traffic journal after the step's own frame, and prints the
step's frames. A frame that does not come within :data:`EXPECT_SECONDS` is reported and the
demo goes on; :attr:`Result.ok` says whether every announced frame came.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..console.tail import format_frame
from .listener import Listener
from .wire import USER_AGENT, Http, Socket

if TYPE_CHECKING:
    from ..runner import Runner

EXPECT_SECONDS = 5.0
PEER = "demo bot"  # the peer of the demo's own frames


@dataclass(frozen=True)
class Expect:
    """A frame a step announces: on ``channel`` going ``direction``, whose data has the items
    of ``data``, whose verdict contains ``verdict``, and that passes ``test``."""

    what: str
    channel: str
    direction: str
    data: dict = field(default_factory=dict)
    verdict: str = ""
    test: Callable[[dict], bool] | None = None

    def matches(self, frame: dict) -> bool:
        data = frame.get("data")
        return (frame["channel"] == self.channel and frame["direction"] == self.direction
                and all(isinstance(data, dict) and data.get(k) == v for k, v in self.data.items())
                and self.verdict in (frame.get("verdict") or "")
                and (self.test is None or self.test(frame)))


@dataclass(frozen=True)
class Step:
    title: str
    title_zh: str
    page: str  # the spec page it demonstrates (docs/rules.md's page table)
    rules: tuple[str, ...]  # rule ids of docs/rules.md
    act: Callable[["Ctx"], None] | None
    expect: tuple[Expect, ...]
    quote: str = ""  # the spec's sentence, verbatim


@dataclass(frozen=True)
class Demo:
    name: str
    title: str
    title_zh: str
    config: Callable[[Listener], dict]  # the server's config keys (the listener's URLs known)
    steps: tuple[Step, ...]
    starts_in_step: bool = False  # the first step starts the server (to show what it sends)
    secret: str = ""  # the HTTP POST signature key the demo bot checks


class Ctx:
    """What a step's ``act`` works with: the server, the demo bot's clients and listener, the
    console (as a person uses it), and ``kept``: what one step leaves to the next."""

    def __init__(self, runner: Runner, listener: Listener, out: Callable[[str], None]):
        self.runner, self.listener, self.out = runner, listener, out
        self.kept: dict[str, Any] = {}
        self._http: Http | None = None
        self._sockets: list[Socket] = []
        self.started = False

    def start(self) -> None:
        if not self.started:
            self.runner.start()
            self.started = True

    @property
    def http(self) -> Http:
        if self._http is None:
            self._http = Http(self.runner.url("http"))
        return self._http

    def dial(self, path: str, headers: dict[str, str] | None = None) -> Socket:
        """A forward WebSocket of the demo bot (``/``, ``/api``, ``/event``)."""
        socket = Socket.dial(self.runner.url("ws") + path, headers)
        self._sockets.append(socket)
        return socket

    def console(self, path: str, body: dict) -> dict:
        """A console user's POST (``/sim/private_message``, ``/sim/event``, ...)."""
        import requests

        answer = requests.post(self.runner.url("console") + path, json=body, timeout=10)
        return answer.json()

    def close(self) -> None:
        for socket in self._sockets:
            if socket.open:
                socket.close(1001, "demo over")
        if self._http is not None:
            self._http.close()


@dataclass
class Result:
    demo: str
    missing: list[str] = field(default_factory=list)
    seen: list[list[dict]] = field(default_factory=list)  # per step: the frames it announced

    @property
    def ok(self) -> bool:
        return not self.missing


def announce(step: Step, index: int, demo: Demo) -> dict:
    return {"demo": demo.name, "step": index, "of": len(demo.steps), "title": step.title,
            "title_zh": step.title_zh, "page": step.page, "rules": list(step.rules),
            "quote": step.quote, "expect": [e.what for e in step.expect]}


def play(demo: Demo, runner: Runner, listener: Listener, *, step_delay: float = 0.0,
         out: Callable[[str], None] = print, stop: threading.Event | None = None,
         on_listen: Callable[[], None] | None = None) -> Result:
    """Play every step of ``demo``. The runner's ports are opened first (then ``on_listen``
    is called: the console can be opened), its modes started before the first step or by
    it (``Demo.starts_in_step``)."""
    stop = stop or threading.Event()
    traffic, result = runner.traffic, Result(demo.name)
    ctx = Ctx(runner, listener, out)
    traffic.record("demo", "in", PEER, {"demo": demo.name, "title": demo.title,
                                        "title_zh": demo.title_zh, "steps": len(demo.steps),
                                        "bot": USER_AGENT},
                   verdict=f"demo {demo.name}: {len(demo.steps)} steps")
    runner.listen()  # the console is up before the first step (a person opens it)
    if on_listen is not None:
        on_listen()
    if not demo.starts_in_step:
        ctx.start()
    try:
        for index, step in enumerate(demo.steps, 1):
            if stop.wait(step_delay):
                break
            out(f"\n[{index}/{len(demo.steps)}] {step.title}")
            out(f"      {step.page} · {' '.join(step.rules)}" +
                (f" · 「{step.quote}」" if step.quote else ""))
            cursor = traffic.record("demo", "in", PEER, announce(step, index, demo),
                                    verdict=f"step {index}/{len(demo.steps)}: {step.title} "
                                            f"({step.page}; {', '.join(step.rules)})")
            try:
                if step.act is not None:
                    step.act(ctx)
                ctx.start()
            except Exception as err:  # the demo goes on: a step that cannot act is reported
                result.missing.append(f"{step.title}: the step failed: {err}")
                out(f"      ✗ the step failed: {err!r}")
            result.seen.append(_wait_for(step, traffic, cursor, result, out))
        traffic.record("demo", "in", PEER, {"demo": demo.name, "event": "done",
                                            "summary": _summary(demo, result)},
                       verdict=f"demo {demo.name} done: {_summary(demo, result)}")
        out(f"\ndemo {demo.name}: {_summary(demo, result)}")
    finally:
        ctx.close()
    return result


def _wait_for(step: Step, traffic, cursor: int, result: Result, out) -> list[dict]:
    """The frames ``step`` announced, each the first after ``cursor`` that matches it (a frame
    meets one expectation); prints the step's frames, the announced ones marked."""
    seen: list[dict] = []
    for expect in step.expect:
        taken = {frame["seq"] for frame in seen}
        frame = traffic.find(lambda f, e=expect, t=taken: e.matches(f) and f["seq"] not in t,
                             timeout=EXPECT_SECONDS, after=cursor)
        if frame is None:
            result.missing.append(f"{step.title}: {expect.what}")
            out(f"      ✗ not seen within {EXPECT_SECONDS:g} s: {expect.what}")
        else:
            seen.append(frame)
    marked = {frame["seq"] for frame in seen}
    frames, _ = traffic.since(cursor, limit=10**6)
    last = max(marked, default=cursor)
    for frame in frames:
        if frame["seq"] <= last and frame["channel"] != "demo":
            out(f"    {'✓' if frame['seq'] in marked else ' '} {format_frame(frame)}")
    return seen


def _summary(demo: Demo, result: Result) -> str:
    announced = sum(len(step.expect) for step in demo.steps)
    if result.ok:
        return f"{len(demo.steps)} steps, all {announced} announced frames seen"
    return f"{len(demo.steps)} steps, {len(result.missing)} of {announced} announced frames " \
           f"missing"
