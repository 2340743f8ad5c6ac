"""Events POSTed to one receiver URL, in order, by one supervised thread (a
:class:`~..workers.Worker` of the runner's registry: each event is one job, and one that raises
is reported while the next is POSTed, SUP-1): the machinery HTTP POST (http_post.py,
communication/http-post.md) and the Milky WebHooks (milky_webhook.py, MLK-16) share. What
differs between them (the headers, what an answer means) is given as functions.

    worker = PostWorker(PostSettings.of(config), parts.workers, "http-post", url, "http_post",
                        traffic, what="HTTP POST", headers=lambda job: {...},
                        answered=lambda job, response: None)
    worker.start()
    worker.queue(Job(event, body))          # False: MAX_WAITING jobs already wait (journalled)
    worker.post_in_order(job)               # queue, then wait within the ordering bound
    worker.stop()

**Attempts** (for the README): each job gets one attempt plus ``max_retries`` more,
``retry_interval`` ms apart; an attempt fails on a connection error, a timeout (``timeout``
seconds for connecting and for each read; 0 = wait forever, legacy) or a 5xx answer (a 4xx
answer is the receiver's verdict and is not retried). After the last failed attempt the job is
dropped, logged once (until the receiver works again) and journalled. At most ``MAX_WAITING``
jobs wait; beyond that new ones are dropped, each with a journal line.

**The lagging rule** (:meth:`PostWorker.post_in_order`, HTTP POST's ordering, POST-14): the
caller waits for its job at most ``order_wait`` seconds; a job that takes longer marks the
receiver *lagging* and nobody waits for it any more until the worker has caught up (its queue
empty and a job answered within the bound).
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from typing import TYPE_CHECKING, Any, Callable

import requests

from ..bus import event_kind
from ..protocol.wire import USER_AGENT  # POST-3
from ..workers import STOP
from .post_session import PostSession

if TYPE_CHECKING:
    from ..config import Config
    from ..traffic import Traffic
    from ..workers import Workers

log = logging.getLogger(__name__)

#: The longest a caller of post_in_order waits for its job (seconds).
ORDER_WAIT_CAP = 2.0
#: Jobs waiting for the worker beyond which new ones are dropped.
MAX_WAITING = 1000


class PostSettings:
    """The post_* config keys, as a worker uses them: read from the config at each use (a test
    or the console may change them while the server runs, as for HTTP POST before)."""

    def __init__(self, config: Config):
        self.config = config

    @classmethod
    def of(cls, config: Config) -> PostSettings:
        return cls(config)

    @property
    def timeout(self) -> float | None:
        # http-post.md: timeout "HTTP 上报超时时间，单位秒，0 表示不设置超时" (None: wait forever)
        return self.config.post_timeout or None

    @property
    def max_retries(self) -> int:
        return self.config.post_max_retries

    @property
    def retry_interval_ms(self) -> int:
        return self.config.post_retry_interval

    @property
    def order_wait(self) -> float:
        return min(self.config.post_timeout or ORDER_WAIT_CAP, ORDER_WAIT_CAP)


class Job:
    """One POST: ``shown`` (what the journal shows: the event), ``body`` (the bytes sent)."""

    __slots__ = ("shown", "body", "done")

    def __init__(self, shown: Any, body: bytes):
        self.shown, self.body = shown, body
        self.done = threading.Event()

    def __repr__(self) -> str:  # how a failed job is named in the journal
        kind = self.shown.get("event_type") if isinstance(self.shown, dict) else None
        return f"the POST of event {kind or event_kind(self.shown)}"  # Milky's, or OneBot's


class PostWorker:
    """One receiver URL and the thread POSTing to it (see the module docstring)."""

    def __init__(self, settings: PostSettings, workers: Workers, thread_name: str, url: str,
                 channel: str, traffic: Traffic | None, *, what: str,
                 headers: Callable[[Job], dict[str, str]],
                 answered: Callable[[Job, requests.Response], None], note: str | None = None):
        self.settings, self.url, self.channel, self.traffic = settings, url, channel, traffic
        self.what = what  # how the log names it: "HTTP POST", "Milky WebHook"
        self.note = note  # added to every POST's journal line (a compat profile's mark)
        self._headers, self._answered = headers, answered
        self.lagging = False  # the receiver is behind: post_in_order does not wait for it
        self._jobs: queue.Queue = queue.Queue(MAX_WAITING)
        self._worker = workers.worker(thread_name, self._jobs.get, self._work)
        self._stopping = self._worker.stopping  # retries wait on it
        self._session = PostSession(url)  # requests.Session, each request prepared once
        self._failing = False  # for logging only the changes between working and failing

    @property
    def alive(self) -> bool:
        return self._worker.alive

    def start(self) -> None:
        self._worker.start()

    def begin_stop(self) -> None:
        """Tell the worker to end after its current POST, without waiting (several workers
        stop together)."""
        self._worker.withdraw()  # it ends on purpose: not a worker that stopped (SUP-2)
        self._wake_to_stop()

    def stop(self, timeout: float | None = None) -> None:
        """The worker ends after its current POST, waited for at most ``timeout`` seconds
        (default: the ordering bound)."""
        self._worker.stop(wake=self._wake_to_stop,
                          timeout=self.settings.order_wait if timeout is None else timeout)
        self._session.close()

    def _wake_to_stop(self) -> None:
        try:
            self._jobs.put_nowait(STOP)
        except queue.Full:  # the worker sees ``stopping`` after its current POST
            pass

    # --- queueing ---------------------------------------------------------------------------
    def queue(self, job: Job) -> bool:
        try:
            self._jobs.put_nowait(job)
            return True
        except queue.Full:
            self.record("out", job.shown, f"dropped: {MAX_WAITING} events already wait for "
                                          "the receiver")
            return False

    def post_in_order(self, job: Job) -> None:
        """Queue ``job``, then wait for it within the ordering bound (the lagging rule)."""
        if not self.queue(job) or self.lagging:
            return
        if not job.done.wait(self.settings.order_wait):
            self.lagging = True
            log.warning("%s to %s: no answer within %.1f s; events go on to the WebSockets "
                        "without waiting until the receiver catches up", self.what, self.url,
                        self.settings.order_wait)

    # --- the worker -------------------------------------------------------------------------
    def _work(self, job: Job) -> None:
        """One event (the worker's job): POSTed, its answer handled."""
        began = time.monotonic()
        try:
            self._deliver(job)
        finally:  # the caller's wait ends also when the job failed
            job.done.set()
        if self.lagging and self._jobs.empty() and \
                time.monotonic() - began < self.settings.order_wait:
            self.lagging = False
            log.info("%s to %s caught up; events wait for it again", self.what, self.url)

    def _deliver(self, job: Job) -> None:
        """One job: up to 1 + max_retries attempts, then the answer handler."""
        headers = self._headers(job)
        attempts = 1 + self.settings.max_retries
        interval = self.settings.retry_interval_ms
        for attempt in range(1, attempts + 1):
            note = "; ".join(filter(None, (f"attempt {attempt} of {attempts}" if attempts > 1
                                           else "", self.note))) or None
            self.record("out", job.shown, note, headers)
            failure, answer = self._attempt(job, headers)
            if failure is None:
                self._working()
                self._answered(job, answer)
                return
            if attempt < attempts:
                self.record("in", {"error": failure}, f"{failure}; retrying in {interval} ms")
                if self._stopping.wait(interval / 1000):
                    return
            else:
                gave_up = f"{failure}; event not delivered by {self.what}" + (
                    f" after {attempts} attempts" if attempts > 1 else "")
                self.record("in", {"error": failure}, gave_up)
                self._failed(gave_up)

    def _attempt(self, job: Job, headers: dict) -> tuple[str | None, Any]:
        """``(None, response)`` when the receiver answered for good, else ``(why, response)``."""
        try:
            # POST-13: redirects are followed.
            response = self._session.post(job.body, headers, self.settings.timeout)
        except requests.Timeout:
            return f"timeout after {self.settings.timeout:g} s", None
        except requests.ConnectionError as err:
            return f"connection failed: {_reason(err)}", None
        except requests.RequestException as err:
            return f"request failed: {_reason(err)}", None
        if response.status_code >= 500:
            return f"receiver answered {response.status_code}", response
        return None, response

    # --- journal and log --------------------------------------------------------------------
    def record(self, direction: str, data: Any, verdict: str | None,
               headers: dict | None = None) -> None:
        if self.traffic is not None:
            self.traffic.record(self.channel, direction, self.url, data, verdict=verdict,
                                headers=headers)

    def _working(self) -> None:
        if self._failing:
            self._failing = False
            log.info("%s to %s works again", self.what, self.url)

    def _failed(self, why: str) -> None:
        if not self._failing:
            self._failing = True
            log.warning("%s to %s: %s (later failures are in the traffic journal until it "
                        "works again)", self.what, self.url, why)


def default_headers(content_type: str) -> dict[str, str]:
    """What every POST carries: its Content-Type and onebot_ref's User-Agent (POST-3)."""
    return {"Content-Type": content_type, "User-Agent": USER_AGENT}


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^\"')]+)")


def _reason(err: Exception) -> str:
    """The socket's reason ("Connection refused") rather than urllib3's whole chain."""
    match = _ERRNO.search(str(err))
    return match.group(1) if match else shown(str(err).encode())


def shown(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", "replace")
    return text if len(text) <= limit else text[:limit] + "..."
