"""One run against one target: what the runner was told (:class:`Target`, :class:`Options`),
what it learned first (the bot's account, the target's version), and what it keeps watching
the whole run (the forward ``/event`` and ``/api`` observers, the listeners, every connection
and answer) for the cases that judge the run as a whole.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from .ctx import Ctx
from .http_client import HttpAnswer, strict_json
from .listeners import PostReceiver, ReverseListener
from .model import Fail, Skip, TimedOut, Unsupported
from .wirelog import Mask, WireLog
from .ws_client import Frames, HandshakeError


@dataclass(frozen=True)
class Target:
    """Where the implementation under test is, and what it was configured with."""

    http: str | None = None                      # http://host:5700
    ws: str | None = None                        # ws://host:6700 (forward)
    token: str = ""                              # its access_token
    secret: str = ""                             # its HTTP POST secret
    listen_post: tuple[str, int] | None = None   # where it posts events to
    listen_reverse: tuple[str, int] | None = None  # where its reverse clients dial
    user_id: int | None = None                   # a test friend: writes go only there
    group_id: int | None = None                  # a test group: writes go only there


@dataclass(frozen=True)
class Options:
    cases: tuple[str, ...] = ("*",)   # globs of case ids to run
    exclude: tuple[str, ...] = ()     # globs of case ids not to run
    profile: str = "spec"
    strict: bool = False              # NON-STRICT (and failed SHOULD cases) count as FAIL
    timeout: float = 5.0              # seconds per request, frame or connection awaited
    destructive: bool = False         # run the cases that change state (needs the ids)
    seed: int | None = None           # the texts the runner sends (None: a random seed)


@dataclass
class Listeners:
    """The listening ends; open them before the target starts to see its lifecycle ``enable``."""

    post: PostReceiver | None = None
    reverse: ReverseListener | None = None

    @classmethod
    def open(cls, post: tuple[str, int] | None = None,
             reverse: tuple[str, int] | None = None) -> "Listeners":
        receiver = PostReceiver(*post) if post else None
        try:
            return cls(receiver, ReverseListener(*reverse) if reverse else None)
        except BaseException:
            if receiver:
                receiver.stop()
            raise

    def stop(self) -> None:
        for listener in (self.post, self.reverse):
            if listener:
                listener.stop()


@dataclass
class Session:
    target: Target
    options: Options
    listeners: Listeners = field(default_factory=Listeners)
    seed: int = 0
    started: float = field(default_factory=time.monotonic)
    self_id: int | None = None      # get_login_info's user_id
    login_problem: str = ""         # why it is unknown
    version: dict = field(default_factory=dict)  # get_version_info's data, or {"error": ...}
    preflight: WireLog | None = None
    sockets: list[Frames] = field(default_factory=list)  # every forward WS opened
    answers: list[tuple[str, Any]] = field(default_factory=list)  # every HTTP envelope seen
    observers: dict[str, Frames | str] = field(default_factory=dict)  # path -> conn or problem
    http_bodies: int = 0                             # HTTP answers with a body, and
    not_utf8: list[str] = field(default_factory=list)  # those that were not UTF-8

    def __post_init__(self) -> None:
        self.mask = Mask(self.target.token, self.target.secret)
        self.rand = random.Random(self.seed)

    def start(self) -> None:
        """Learn the bot's account and version, open the observers."""
        self.preflight = WireLog(self.mask)
        ctx = Ctx(self, None, self.preflight)
        try:
            login = ctx.data("get_login_info")
            self.self_id = login["user_id"] if isinstance(login, dict) and isinstance(
                login.get("user_id"), int) else None
            if self.self_id is None:
                self.login_problem = f"get_login_info gave no integer user_id: {login!r}"
        except (Fail, Skip, TimedOut, Unsupported) as err:
            self.login_problem = f"get_login_info: {err}"
        try:
            version = ctx.data("get_version_info")
            self.version = version if isinstance(version, dict) else {"data": version}
        except (Fail, Skip, TimedOut, Unsupported) as err:
            self.version = {"error": str(err)}
        if self.target.ws:
            for path in ("/event", "/api"):
                try:
                    self.observers[path] = ctx.ws(path, keep=True)
                except (Fail, TimedOut, HandshakeError) as err:
                    self.observers[path] = f"could not connect: {err}"

    def saw(self, answer: HttpAnswer) -> None:
        """Every HTTP answer of the run passes here (GEN-2 is judged on all of them)."""
        if answer.body:
            self.http_bodies += 1
            try:
                answer.body.decode("utf-8")
            except UnicodeDecodeError as err:
                self.not_utf8.append(f"{answer.method} {answer.path}: {err}")

    def stop(self) -> None:
        for conn in self.sockets:
            if conn.closed is None:
                conn.close()

    # --- what was seen on every channel ----------------------------------------------------
    def event_streams(self) -> dict[str, list[tuple[float, Any]]]:
        """(arrival time, event) per stream: each forward and reverse WebSocket connection
        (``"ws /event #2"``, ``"reverse Universal #1"``) and ``"post"``, every POST."""
        streams: dict[str, list[tuple[float, Any]]] = {}
        conns = list(self.sockets) + (self.listeners.reverse.connections
                                      if self.listeners.reverse else [])
        for n, conn in enumerate(conns, 1):
            streams[f"{conn.channel} #{n}"] = [(f.time, f.value) for f in conn.received()
                                               if f.is_event]
        if self.listeners.post:
            streams["post"] = [(p.time, _json_or_none(p.body)) for p in self.listeners.post.posts]
        return streams


def _json_or_none(body: bytes) -> Any:
    try:
        return strict_json(body)
    except ValueError:
        return None
