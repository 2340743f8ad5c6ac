"""HTTP POST: every event POSTed to ``post_url``, the answer's quick operation applied
(communication/http-post.md, POST-*, QOP-*, META-2/3, GEN-4).

The bus calls :meth:`HttpPoster.post_event` as its "post" sink; one supervised worker thread
(``http-post``, a :class:`~..workers.Worker`: each event is one job, and one that raises is
reported while the next is POSTed) POSTs the events in order with its own ``requests.Session``.

**Ordering and a slow or dead receiver.** communication/ws.md wants each event POSTed, its quick
operation done, and only then pushed to the WebSockets (POST-14, A-34); a dead receiver must
still never hold up the WebSockets. So the sink waits for the worker at most
``min(post_timeout, ORDER_WAIT_CAP)`` seconds (``ORDER_WAIT_CAP`` when post_timeout is 0). When
the POST takes longer, the push stage goes ahead while the POST continues, and the receiver is
marked *lagging*: the sink stops waiting altogether until the worker has caught up (its queue
empty and a POST answered within the bound), so WebSocket delivery runs at full speed while the
receiver is slow or down, and regains the strict order once it is back.

**Events while the receiver is down** (for the README): each event gets one attempt plus
``post_max_retries`` more (default 0, legacy POST-12), ``post_retry_interval`` ms apart; an
attempt fails on a connection error, a timeout (``post_timeout`` seconds for connecting and for
each read; 0 = wait forever, legacy) or a 5xx answer (a 4xx answer is the receiver's verdict and
is not retried). After the last failed attempt the event is dropped for HTTP POST (it was still
pushed to the WebSockets), logged and journalled. At most ``MAX_WAITING`` events wait for the
worker; beyond that new events are dropped for HTTP POST, each with a journal line.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import re
import threading
import time
from typing import TYPE_CHECKING, Any

import requests

from ..actions.hidden import apply_quick_operation, steps_verdict
from ..bus import event_kind
from ..faults.protocol import posting, wrong_signature
from ..profiles import settings_of
from ..protocol import events, wire
from ..protocol.auth import signature
from ..protocol.coerce import Params
from ..protocol.response import ActionError
from ..protocol.wire import USER_AGENT  # POST-3
from ..workers import STOP
from . import Parts

if TYPE_CHECKING:
    from ..bus import Published

log = logging.getLogger(__name__)

#: POST-2 [LEGACY]: "exactly application/json; charset=UTF-8".
CONTENT_TYPE = "application/json; charset=UTF-8"
#: The longest the bus waits for one POST (and its quick operation) before pushing the event
#: to the WebSockets anyway (seconds).
ORDER_WAIT_CAP = 2.0
#: Events waiting for the worker beyond which new events are dropped for HTTP POST.
MAX_WAITING = 1000


class _Job:
    __slots__ = ("event", "body", "done")

    def __init__(self, event: dict, body: bytes):
        self.event, self.body = event, body
        self.done = threading.Event()

    def __repr__(self) -> str:  # how a failed job is named in the journal
        return f"the POST of event {event_kind(self.event)}"


class HttpPoster:
    """``start()`` POSTs lifecycle enable, ``stop()`` lifecycle disable (META-2/3)."""

    app = None  # it serves nothing: it POSTs

    def __init__(self, parts: Parts):
        cfg = self.cfg = parts.config
        self.actions, self.bus, self.traffic, self.world = (parts.actions, parts.bus,
                                                            parts.traffic, parts.world)
        self.url = cfg.post_url
        self.message_format = self.bus.message_format
        # http-post.md: timeout "HTTP 上报超时时间，单位秒，0 表示不设置超时"
        self.timeout = cfg.post_timeout or None
        self.order_wait = min(cfg.post_timeout or ORDER_WAIT_CAP, ORDER_WAIT_CAP)
        self.lagging = False  # the receiver is behind: the sink does not wait for it
        self.settings = settings_of(cfg)  # the compat profile's
        key = self.settings.post_signature_key  # POST-5's secret, or a profile's access_token
        self.signing_key, self.key_note = getattr(cfg, key), self.settings.mark(
            "post_signature_key", f"signed with {key}") if key != "secret" else None
        self._jobs: queue.Queue = queue.Queue(MAX_WAITING)
        self._worker = parts.workers.worker("http-post", self._jobs.get, self._work)
        self._session = requests.Session()
        self._failing = False  # for logging only the changes between working and failing
        self.faults, self._sink = parts.faults, posting(parts.faults, self)  # restart, duplicates
        self.bus.add_sink(self._sink, stage="post")

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        self._worker.start()
        # event/meta.md: "只有 HTTP POST 的情况下可以收到 enable 和 disable" (META-2): queued here,
        # not published on the bus, so no WebSocket sees it (or a profile's: post_lifecycle).
        lifecycle = self.settings.post_lifecycle
        if self.settings.changes("post_lifecycle"):
            self._record("out", {"event": "lifecycle"}, self.settings.mark(
                "post_lifecycle", f"lifecycle {', '.join(lifecycle) or 'none'}"))
        if lifecycle:
            self.lifecycle(lifecycle[0])

    def stop(self) -> None:
        """POST lifecycle disable (waiting at most the ordering bound), then stop the worker."""
        self.bus.remove_sink(self._sink)
        if self._worker.alive:
            self.lifecycle("disable", wait=True)
            # the worker ends after its current POST
            self._worker.stop(wake=self._wake_to_stop, timeout=self.order_wait)
        self._session.close()

    def _wake_to_stop(self) -> None:
        with contextlib.suppress(queue.Full):  # full: it sees ``stopping`` after its current POST
            self._jobs.put_nowait(STOP)

    def lifecycle(self, sub_type: str, wait: bool = False) -> None:
        """Queue lifecycle ``sub_type`` if the profile posts it; ``wait``: until posted (bounded)."""
        if sub_type in self.settings.post_lifecycle:
            event = events.lifecycle(self.world.self_id, self.world.now(), sub_type)
            job = _Job(event, wire.body(event))
            if self._queue(job) and wait:
                job.done.wait(self.order_wait)

    # --- the bus sink -----------------------------------------------------------------------
    def post_event(self, published: Published) -> None:
        """The bus "post" sink: queue the event, then wait for it within the ordering bound."""
        if not self.settings.post_heartbeat and published.event.get("meta_event_type") == \
                "heartbeat":
            self._record("out", published.event, "not posted: " + self.settings.mark(
                "post_heartbeat", "no heartbeat on HTTP POST"))
            return
        job = _Job(published.event, published.body(self.message_format))
        if not self._queue(job) or self.lagging:
            return
        if not job.done.wait(self.order_wait):
            self.lagging = True
            log.warning("HTTP POST to %s: no answer within %.1f s; events go on to the "
                        "WebSockets without waiting until the receiver catches up",
                        self.url, self.order_wait)

    def _queue(self, job: _Job) -> bool:
        try:
            self._jobs.put_nowait(job)
            return True
        except queue.Full:
            self._record("out", job.event, f"dropped: {MAX_WAITING} events already wait for "
                                           "the receiver")
            return False

    # --- the worker -------------------------------------------------------------------------
    def _work(self, job: _Job) -> None:
        """One event (the worker's job): POSTed, its quick operation applied."""
        began = time.monotonic()
        try:
            self._deliver(job)
        finally:  # the bus's wait ends also when the job failed
            job.done.set()
        if self.lagging and self._jobs.empty() and time.monotonic() - began < self.order_wait:
            self.lagging = False
            log.info("HTTP POST to %s caught up; events wait for it again", self.url)

    def _headers(self, job: _Job) -> dict[str, str]:
        # http-post.md: "X-Self-ID 表示当前正在上报的机器人 QQ 号，和请求正文 JSON 中的 self_id 一致"
        headers = {"Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT,
                   "X-Self-ID": str(job.event.get("self_id", self.world.self_id))}
        if self.signing_key:
            # http-post.md: "签名以 secret 作为密钥，HTTP 正文作为消息，进行 HMAC SHA1 哈希" over
            # the exact bytes sent (POST-5); no secret, no header (POST-6).
            headers["X-Signature"] = signature(job.body, self.signing_key)
        if self.faults.active:  # a bad_signature fault
            wrong_signature(self.faults, headers, job.body, self.signing_key, self.url)
        return headers

    def _deliver(self, job: _Job) -> None:
        """One event: up to 1 + post_max_retries attempts, then the quick operation."""
        headers = self._headers(job)
        attempts = 1 + self.cfg.post_max_retries
        for attempt in range(1, attempts + 1):
            note = "; ".join(filter(None, (f"attempt {attempt} of {attempts}" if attempts > 1
                                           else "", self.key_note))) or None
            self._record("out", job.event, note, headers)
            failure, answer = self._attempt(job, headers)
            if failure is None:
                self._working()
                self._handle_answer(job.event, answer)
                return
            if attempt < attempts:
                self._record("in", {"error": failure}, f"{failure}; retrying in "
                                                       f"{self.cfg.post_retry_interval} ms")
                if self._worker.stopping.wait(self.cfg.post_retry_interval / 1000):  # stop()
                    return
            else:
                gave_up = f"{failure}; event not delivered by HTTP POST" + (
                    f" after {attempts} attempts" if attempts > 1 else "")
                self._record("in", {"error": failure}, gave_up)
                self._failed(gave_up)

    def _attempt(self, job: _Job, headers: dict) -> tuple[str | None, Any]:
        """``(None, response)`` when the receiver answered for good, else ``(why, response)``."""
        try:
            # POST-13: redirects are followed.
            response = self._session.post(self.url, data=job.body, headers=headers,
                                          timeout=self.timeout, allow_redirects=True)
        except requests.Timeout:
            return f"timeout after {self.cfg.post_timeout} s", None
        except requests.ConnectionError as err:
            return f"connection failed: {_reason(err)}", None
        except requests.RequestException as err:
            return f"request failed: {_reason(err)}", None
        if response.status_code >= 500:
            return f"receiver answered {response.status_code}", response
        return None, response

    def _handle_answer(self, event: dict, response) -> None:
        """http-post.md#快速操作: 204 or an empty body → nothing; else a JSON quick operation."""
        status, body = response.status_code, response.content
        if not self.settings.quick_operations:
            self._record("in", {"status": status, "body": _shown(body)}, self.settings.mark(
                "quick_operations", f"receiver answered {status}: the reply ignored"))
            return
        if status == 204 or not body:
            # "如果不需要使用这个特性，返回 HTTP 响应状态码 204，或保持响应正文内容为空"
            self._record("in", {"status": status}, f"receiver answered {status}: no quick "
                                                   "operation")
            return
        if not 200 <= status < 300:
            # POST-9 [LEGACY]: quick operations only for a 2xx answer.
            self._record("in", {"status": status, "body": _shown(body)},
                         f"receiver answered {status}: ignored")
            return
        try:
            # "Content-Type 响应头任意（目前不会进行判断）": the body is read as JSON whatever it says;
            # BAD-2: strict JSON (RFC 8259), as every other input, else nothing is applied.
            operation = wire.loads(body, "answer")
        except wire.WireError as err:
            self._record("in", {"status": status, "body": _shown(body)},
                         f"receiver answered {status} with a body that is not strict JSON "
                         f"({err.problem}): ignored")
            return
        if not isinstance(operation, dict):
            self._record("in", {"status": status, "body": operation},
                         f"receiver answered {status} with JSON that is not an object: ignored")
            return
        self._record("in", {"status": status, "body": operation},
                     self._apply(event, operation))

    def _apply(self, event: dict, operation: dict) -> str:
        """Run the quick operation through actions.call; the journal verdict."""
        try:
            steps = apply_quick_operation(
                lambda action, params: self.actions.call(action, Params(params), channel="http_post"),
                event, operation)
        except ActionError as err:
            return f"quick operation refused: {err.message}"
        if not steps:
            return "no quick operation for this event" if operation else "empty quick operation"
        return steps_verdict(steps)

    # --- journal and log --------------------------------------------------------------------
    def _record(self, direction: str, data: Any, verdict: str | None,
                headers: dict | None = None) -> None:
        if self.traffic is not None:
            self.traffic.record("http_post", direction, self.url, data, verdict=verdict,
                                headers=headers)

    def _working(self) -> None:
        if self._failing:
            self._failing = False
            log.info("HTTP POST to %s works again", self.url)

    def _failed(self, why: str) -> None:
        if not self._failing:
            self._failing = True
            log.warning("HTTP POST to %s: %s (later failures are in the traffic journal "
                        "until it works again)", self.url, why)


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^\"')]+)")


def _reason(err: Exception) -> str:
    """The socket's reason ("Connection refused") rather than urllib3's whole chain."""
    match = _ERRNO.search(str(err))
    return match.group(1) if match else _shown(str(err).encode())


def _shown(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", "replace")
    return text if len(text) <= limit else text[:limit] + "..."
