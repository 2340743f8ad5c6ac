"""HTTP POST: every event POSTed to ``post_url``, the answer's quick operation applied
(communication/http-post.md, POST-*, QOP-*, META-2/3, GEN-4).

The bus calls :meth:`HttpPoster.post_event` as its "post" sink; one supervised worker thread
(``http-post``, :class:`.post_worker.PostWorker`, shared with the Milky WebHooks, a
:class:`~..workers.Worker`: each event is one job, and one that raises is reported while the
next is POSTed) POSTs the events in order with its own ``requests.Session``.

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

import logging
from typing import TYPE_CHECKING, Any

from ..actions.hidden import apply_quick_operation, steps_verdict
from ..faults.protocol import posting, wrong_signature
from ..profiles import settings_of
from ..protocol import events, wire
from ..protocol.auth import signature
from ..protocol.coerce import Params
from ..protocol.response import ActionError
from ..traffic import mask_url
from . import Parts
from .post_worker import (
    MAX_WAITING,
    ORDER_WAIT_CAP,
    Job,
    PostSettings,
    PostWorker,
    default_headers,
    shown,
)

if TYPE_CHECKING:
    from ..bus import Published

log = logging.getLogger(__name__)

#: POST-2 [LEGACY]: "exactly application/json; charset=UTF-8".
CONTENT_TYPE = "application/json; charset=UTF-8"
__all__ = ["CONTENT_TYPE", "MAX_WAITING", "ORDER_WAIT_CAP", "HttpPoster"]


class HttpPoster:
    """``start()`` POSTs lifecycle enable, ``stop()`` lifecycle disable (META-2/3)."""

    app = None  # it serves nothing: it POSTs

    def __init__(self, parts: Parts):
        cfg = self.cfg = parts.config
        self.actions, self.bus, self.traffic, self.world = (parts.actions, parts.bus,
                                                            parts.traffic, parts.world)
        self.url = cfg.post_url
        self.message_format = self.bus.message_format
        self.settings = settings_of(cfg)  # the compat profile's
        key = self.settings.post_signature_key  # POST-5's secret, or a profile's access_token
        self.signing_key, key_note = getattr(cfg, key), self.settings.mark(
            "post_signature_key", f"signed with {key}") if key != "secret" else None
        self.worker = PostWorker(PostSettings.of(cfg), parts.workers, "http-post", self.url,
                                 "http_post", self.traffic, what="HTTP POST",
                                 headers=self._headers, answered=self._handle_answer,
                                 note=key_note)
        self.order_wait = self.worker.settings.order_wait
        self.faults, self._sink = parts.faults, posting(parts.faults, self)  # restart, duplicates
        self._receiver = None  # its entry in faults.connections, from start() on
        self.bus.add_sink(self._sink, stage="post")

    @property
    def lagging(self) -> bool:
        """The receiver is behind: the sink does not wait for it (post_worker.py)."""
        return self.worker.lagging

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        self.worker.start()
        # the receiver is in GET /sim/connections too (FAULT-19)
        self._receiver = self.faults.connections.opened("http_post", None, mask_url(self.url))
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
        if self.worker.alive:
            self.lifecycle("disable", wait=True)
        self.worker.stop()
        if self._receiver is not None:  # None: never started
            self.faults.connections.closed(self._receiver, None, "server", True)

    def lifecycle(self, sub_type: str, wait: bool = False) -> None:
        """Queue lifecycle ``sub_type`` if the profile posts it; ``wait``: until posted (bounded).
        Also a restart fault's going down (disable, waited for) and coming up (enable)."""
        if sub_type in self.settings.post_lifecycle:
            event = events.lifecycle(self.world.self_id, self.world.now(), sub_type)
            job = Job(event, wire.body(event))
            if self.worker.queue(job) and wait:
                job.done.wait(self.order_wait)

    # --- the bus sink -----------------------------------------------------------------------
    def post_event(self, published: Published) -> None:
        """The bus "post" sink: queue the event, then wait for it within the ordering bound."""
        if not self.settings.post_heartbeat and published.event.get("meta_event_type") == \
                "heartbeat":
            self._record("out", published.event, "not posted: " + self.settings.mark(
                "post_heartbeat", "no heartbeat on HTTP POST"))
            return
        self.worker.post_in_order(Job(published.event, published.body(self.message_format)))

    def _headers(self, job: Job) -> dict[str, str]:
        # http-post.md: "X-Self-ID 表示当前正在上报的机器人 QQ 号，和请求正文 JSON 中的 self_id 一致"
        headers = {**default_headers(CONTENT_TYPE),
                   "X-Self-ID": str(job.shown.get("self_id", self.world.self_id))}
        if self.signing_key:
            # http-post.md: "签名以 secret 作为密钥，HTTP 正文作为消息，进行 HMAC SHA1 哈希" over
            # the exact bytes sent (POST-5); no secret, no header (POST-6).
            headers["X-Signature"] = signature(job.body, self.signing_key)
        if self.faults.active:  # a bad_signature fault
            wrong_signature(self.faults, headers, job.body, self.signing_key, self.url)
        return headers

    def _handle_answer(self, job: Job, response) -> None:
        """http-post.md#快速操作: 204 or an empty body → nothing; else a JSON quick operation."""
        status, body, event = response.status_code, response.content, job.shown
        if not self.settings.quick_operations:
            self._record("in", {"status": status, "body": shown(body)}, self.settings.mark(
                "quick_operations", f"receiver answered {status}: the reply ignored"))
            return
        if status == 204 or not body:
            # "如果不需要使用这个特性，返回 HTTP 响应状态码 204，或保持响应正文内容为空"
            self._record("in", {"status": status}, f"receiver answered {status}: no quick "
                                                   "operation")
            return
        if not 200 <= status < 300:
            # POST-9 [LEGACY]: quick operations only for a 2xx answer.
            self._record("in", {"status": status, "body": shown(body)},
                         f"receiver answered {status}: ignored")
            return
        try:
            # "Content-Type 响应头任意（目前不会进行判断）": the body is read as JSON whatever it says;
            # BAD-2: strict JSON (RFC 8259), as every other input, else nothing is applied.
            operation = wire.loads(body, "answer")
        except wire.WireError as err:
            self._record("in", {"status": status, "body": shown(body)},
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

    def _record(self, direction: str, data: Any, verdict: str | None) -> None:
        self.worker.record(direction, data, verdict)
