"""The Milky face's WebHooks: every event POSTed to each of ``milky_webhook_urls``
(guide/communication.md, WebHook 推送; MLK-16, MLK-56).

"以 POST 方式向给定的 WebHook 地址推送事件。POST 请求的 body 与 WebSocket 推送的格式相同": the body
is the event's one wire text (``milky.text``), the bytes every other channel carries. Each URL
has its own :class:`~.post_worker.PostWorker` (a supervised worker named ``milky-webhook N``),
so a dead receiver delays no other: the same attempts, ``post_timeout``, ``post_max_retries``,
``post_retry_interval``, queue bound and journal lines as HTTP POST (http_post.py), on the
``milky_webhook`` channel. Milky has no ordering rule between its channels and no quick
operation: the bus never waits for a WebHook, and the answer is journalled, not read.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

from ..protocol.milky import transport
from .post_worker import Job, PostSettings, PostWorker, shown
from .post_worker import default_headers as _defaults

if TYPE_CHECKING:
    from ..bus import Published
    from . import Parts

CHANNEL = "milky_webhook"


class MilkyWebhooks:
    """One worker per URL, and :meth:`push`, the bus sink queueing every event for each."""

    def __init__(self, parts: Parts, token: str, text_of: Callable[[Published], str | None],
                 shown_of: Callable[[Published], Any]):
        cfg = parts.config
        self.world, self.text_of, self.shown_of = parts.world, text_of, shown_of
        # "Authorization 字段，格式为 Bearer {access_token}" (1.1.0); the seed also has
        # "每个 POST 请求都会携带 `X-Self-ID` 的请求头，内容是 Bot 自身的 QQ 号" (MLK-54)
        self.headers = {**_defaults("application/json"), **transport.webhook_headers(token)}
        self.self_id_header = cfg.milky_revision == "seed"
        settings = PostSettings.of(cfg)
        self.workers = [self._worker(settings, index, url, parts)
                        for index, url in enumerate(cfg.milky_webhook_urls)]

    def _worker(self, settings: PostSettings, index: int, url: str, parts: Parts) -> PostWorker:
        worker = PostWorker(settings, parts.workers, f"milky-webhook {index}", url, CHANNEL,
                            parts.traffic, what="Milky WebHook", headers=self._headers,
                            answered=lambda job, response: _answered(worker, response))
        return worker

    def start(self) -> None:
        for worker in self.workers:
            worker.start()

    def stop(self, last: tuple[bytes, Any] | None = None) -> None:
        """Post ``last`` (body, shown: the bot_offline event) to each URL, wait for those POSTs
        within the ordering bound, then stop the workers."""
        if last is not None and self.workers:
            jobs = [Job(last[1], last[0]) for _ in self.workers]
            queued = [job for worker, job in zip(self.workers, jobs)
                      if worker.alive and worker.queue(job)]
            deadline = time.monotonic() + self.workers[0].settings.order_wait
            for job in queued:  # one shared wait, however many URLs there are
                job.done.wait(max(0.0, deadline - time.monotonic()))
        for worker in self.workers:
            worker.begin_stop()
        deadline = time.monotonic() + (self.workers[0].settings.order_wait if self.workers else 0)
        for worker in self.workers:
            worker.stop(max(0.0, deadline - time.monotonic()))

    def push(self, published: Published) -> None:
        """The bus sink: queue the event for every URL (never waits)."""
        text = self.text_of(published)
        if text is None:
            return
        body, event = text.encode("utf-8"), self.shown_of(published)
        for worker in self.workers:
            worker.queue(Job(event, body))

    def _headers(self, job: Job) -> dict[str, str]:
        if not self.self_id_header:
            return self.headers
        return {**self.headers, "X-Self-ID": str(self.world.self_id)}


def _answered(worker: PostWorker, response) -> None:
    """The receiver's answer, journalled (a 4xx is its verdict: not retried)."""
    status, body = response.status_code, response.content
    data = {"status": status, "body": shown(body)} if body else {"status": status}
    worker.record("in", data, f"receiver answered {status}" +
                  ("" if 200 <= status < 300 else ": event refused"))
