"""What a case's check gets: :class:`Ctx`, the target over HTTP (:attr:`Ctx.http`) and WebSocket
(:meth:`Ctx.ws`), the listeners, and the helpers that judge an answer. They are the one place a
wire answer becomes a verdict signal: an HTTP 404 or a retcode 404/1404 of the action under test
is :class:`~.model.Unsupported`, anything else unexpected a :class:`~.model.Fail` saying what
came back.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

from .http_client import HttpAnswer, HttpClient
from .listeners import Post
from .model import Case, Fail, Skip, TimedOut, Unreachable, Unsupported
from .wirelog import WireLog, ws_frames
from .ws_client import Frame, Frames, HandshakeError, connect

if TYPE_CHECKING:
    from .session import Session


class Ctx:
    """What a check works with: the target over HTTP (:attr:`http`) and WebSocket
    (:meth:`ws`), the listeners, and the helpers that judge an answer."""

    def __init__(self, session: Session, case: Case | None, log: WireLog):
        self.session, self.case, self.log = session, case, log
        self.target, self.options = session.target, session.options
        self.timeout = session.options.timeout
        self.rand = session.rand
        self.actual = ""  # what came back, for the report (the last answer judged)
        self._http = HttpClient(self.target.http or "", self.target.token, self.timeout, log,
                                session.saw)
        self._opened: list[Frames] = []
        self.started = time.monotonic()

    # --- talking ---------------------------------------------------------------------------
    @property
    def http(self) -> HttpClient:
        if not self.target.http:
            raise Skip("needs --http")
        return self._http

    def call(self, action: str, params: dict | None = None, how: str = "json",
             **kw: Any) -> HttpAnswer:
        answer = self.http.call(action, params, how, **kw)
        self.actual = answer.summary()
        return answer

    def ws(self, path: str = "/api", *, auth: str = "header", headers: dict | None = None,
           keep: bool = False, refusable: bool = False) -> Frames:
        """A forward WebSocket to ``path`` ("header": Bearer token; "query": ?access_token=;
        "none"). A refused handshake fails the case, or (``refusable``) raises
        :class:`HandshakeError` for the case to judge."""
        if not self.target.ws:
            raise Skip("needs --ws")
        url = self.target.ws.rstrip("/") + path
        sent = dict(headers or {})
        if self.target.token and auth == "header":
            sent.setdefault("Authorization", f"Bearer {self.target.token}")
        elif self.target.token and auth == "query":
            url += ("&" if "?" in url else "?") + "access_token=" + quote(self.target.token)
        channel = f"ws {path}"
        self.log.add("→", channel, f"connect {url}" + "".join(
            f"\n{k}: {v}" for k, v in sent.items()))
        try:
            conn = connect(url, channel, sent, self.timeout)
        except HandshakeError as err:
            self.log.add("←", channel, f"handshake refused: {err}")
            self.actual = f"handshake refused: {err}"
            if refusable:
                raise
            raise Fail(f"{path}: the WebSocket handshake was refused: {err}") from None
        self.session.sockets.append(conn)
        if not keep:
            self._opened.append(conn)
        return conn

    def reverse(self, roles: tuple[str, ...], *, wait: bool = True) -> Frames:
        """The newest open reverse connection whose X-Client-Role is one of ``roles``."""
        listener = self.session.listeners.reverse
        if listener is None:
            raise Skip("needs --listen-reverse")

        def find() -> Frames | None:
            return next((c for c in reversed(listener.connections) if c.closed is None
                         and c.header("X-Client-Role") in roles), None)

        # with connections of other roles open, the wanted one may be a moment behind (the
        # Event client of a split pair), or not configured at all (Universal): a short wait
        patience = min(self.timeout, 1.0) if listener.connections else listener.patience(
            self.timeout, False)
        conn = listener.wait_until(find, patience if wait else 0)
        if conn is None:
            seen = sorted({c.header("X-Client-Role") or "?" for c in listener.connections})
            if not listener.connections:
                raise TimedOut(f"no reverse WebSocket connected to {listener.url}",
                               time.monotonic() - listener.started, unanswered=False)
            raise Skip(f"no open {'/'.join(roles)} reverse connection (roles seen: "
                       f"{', '.join(seen)})")
        if conn not in self._opened:
            self._opened.append(conn)
        return conn  # type: ignore[return-value]

    def posts(self, match: Callable[[Post], bool] = lambda p: True, count: int = 1,
              wait: float | None = None) -> list[Post]:
        """At least ``count`` POSTs that ``match``, waiting up to ``wait`` (the timeout)."""
        receiver = self.session.listeners.post
        if receiver is None:
            raise Skip("needs --listen-post")
        patience = receiver.patience(self.timeout if wait is None else wait,
                                     bool(receiver.posts))
        found = receiver.wait_until(
            lambda: (lambda hits: hits if len(hits) >= count else None)(
                [p for p in receiver.posts if match(p)]), patience)
        if not found:
            since = self.started if receiver.posts else receiver.started
            raise TimedOut(f"fewer than {count} matching POST(s) at {receiver.url}",
                           time.monotonic() - since, unanswered=False)
        for post in found[-3:]:
            self.log.add("←", "post", f"{post.method} {post.path}\n" + "\n".join(
                f"{k}: {v}" for k, v in post.headers.items()) + "\n\n" + post.body.decode(
                "utf-8", "replace"), at=post.time)
        return found  # type: ignore[return-value]

    # --- judging ---------------------------------------------------------------------------
    def envelope(self, answer: HttpAnswer | Frame, action: str | None = None) -> dict:
        """The envelope of an answer: HTTP 200 with a JSON object, or an answer frame, having
        ``status`` and ``retcode``. 404 / 1404 / retcode 404 of the action under test:
        Unsupported."""
        action = action or (answer.path.strip("/") if isinstance(answer, HttpAnswer) else None)
        under_test = self.case is not None and action is not None and action == self.case.action
        if isinstance(answer, HttpAnswer):
            if answer.status == 404 and under_test:
                raise Unsupported(f"{action}: HTTP 404")
            if answer.status != 200:
                raise Fail(f"expected HTTP 200 and the envelope, got {answer.summary()}")
            try:
                value = answer.json()
            except ValueError as err:
                raise Fail(f"the HTTP 200 body is not JSON ({err}): {answer.summary()}") from None
            self.session.answers.append(("http", value))
        else:
            value = answer.value
            self.actual = f"frame: {answer.text[:300]}"
        if not isinstance(value, dict) or "status" not in value or "retcode" not in value:
            raise Fail(f"not an envelope with status and retcode: {str(value)[:300]}")
        if value.get("retcode") in (404, 1404) and under_test:
            raise Unsupported(f"{action}: retcode {value['retcode']}")
        return value

    def data(self, action: str, params: dict | None = None, how: str = "json") -> Any:
        """``data`` of a successful call over HTTP, or over ``/api`` when there is no HTTP."""
        if self.target.http:
            env = self.envelope(self.call(action, params, how), action)
        elif self.target.ws:
            conn = self.session.observers.get("/api")
            if not isinstance(conn, Frames) or conn.closed is not None:
                conn = self.ws("/api")
            env = self.envelope(conn.call(action, params, f"conform-{action}", self.timeout),
                                action)
        else:
            raise Skip("needs --http or --ws")
        if env.get("status") != "ok" or env.get("retcode") != 0:
            raise Fail(f"{action} failed: {str(env)[:300]}")
        if "data" not in env:
            raise Fail(f"{action}: the envelope has no data: {str(env)[:300]}")
        return env["data"]

    def expect(self, condition: object, message: str) -> None:
        if not condition:
            raise Fail(message)

    def login_id(self) -> int:
        if self.session.self_id is None:  # nothing this case says can be checked: a FAIL
            raise Unreachable(f"the bot's account is unknown: {self.session.login_problem}")
        return self.session.self_id

    def user(self) -> int:
        """The test user: --user-id, else (for read-only cases) the first friend."""
        if self.target.user_id is not None:
            return self.target.user_id
        friends = self.data("get_friend_list")
        if not isinstance(friends, list) or not friends or not isinstance(friends[0], dict):
            raise Skip("no --user-id and get_friend_list gave no friend to look at")
        return friends[0].get("user_id")

    def group(self) -> int:
        """The test group: --group-id, else (for read-only cases) the first group."""
        if self.target.group_id is not None:
            return self.target.group_id
        groups = self.data("get_group_list")
        if not isinstance(groups, list) or not groups or not isinstance(groups[0], dict):
            raise Skip("no --group-id and get_group_list gave no group to look at")
        return groups[0].get("group_id")

    def token_or_skip(self) -> str:
        if not self.target.token:
            raise Skip("needs --token (the target's access_token)")
        return self.target.token

    # --- after the check -------------------------------------------------------------------
    def finish(self) -> None:
        """Close what the case opened; put its frames into the log, with a reproducer."""
        for conn in self._opened:
            for frame in conn.frames:
                if frame.time >= self.started:
                    self.log.add("→" if frame.sent else "←", conn.channel, frame.text,
                                 at=frame.time)
            sent = [f.text for f in conn.frames if f.sent and f.time >= self.started]
            if sent and not conn.channel.startswith("reverse"):
                self.log.reproduce(ws_frames(conn.url, conn.headers, sent))
            if conn.closed is None and not conn.channel.startswith("reverse"):
                conn.close()
