"""Actions: one function per OneBot action, and the one dispatcher that runs them.

Spec: api/README.md (异步调用, 限速调用), api/public.md, api/hidden.md (ACT-*, RESP-*).

Each action is a plain function named after its action, ``fn(ctx: Context, <parameters>) ->
data`` (``Context``: actions/context.py), whose signature *is* the spec's parameter table
(``protocol.coerce.call`` reads it). It raises
``ActionError`` to fail; :meth:`Actions.call` is the one place an ``ActionError`` becomes a failed
envelope. An unexpected exception is a bug of onebot_ref: it is logged with its traceback and
answered ``failed`` with retcode 103 ("operation failed", RESP-8) and the exception in
``message``, never an HTTP 500 or a dropped WebSocket reply (onebot_ref choice).

    actions = Actions(world, config)
    actions.call("send_private_msg", Params({"user_id": 10001, "message": "hi"}))
    actions.call("send_msg_rate_limited", params)   # -> {"status": "async", "retcode": 1, ...}
    actions.call("send_msg", params, channel="ws")   # a transport names itself: observers see it

**Observers.** ``actions.observers`` is the one place the bot's calls can be watched from
(the console's call log, hence ``onebot_ref.testing``'s ``expect_call``): each is called as
``observer(action, params, envelope, channel)`` after every call a transport made (``channel``:
``"http"``, ``"ws"``, ``"ws_reverse"``, or ``"http_post"`` for a quick operation); calls made
from inside onebot_ref (the heartbeat's get_status, the steps of .handle_quick_operation) pass
no channel and are not observed. :meth:`Actions.bound` gives the parameters as the action reads
them. With no observer, a call costs one truth test more.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from typing import TYPE_CHECKING, Callable

from ..config import Config
from ..profiles import settings_of
from ..protocol.coerce import Params, bind, call
from ..protocol.response import ActionError, Retcode, async_, failed, ok
from ..workers import STOP, Workers
from . import group, hidden, info, message, request, system
from .context import Context
from .system import ASYNC

if TYPE_CHECKING:
    from ..world import World

log = logging.getLogger(__name__)

#: api/public.md, in the spec's order.
PUBLIC: tuple[Callable, ...] = (
    message.send_private_msg, message.send_group_msg, message.send_msg, message.delete_msg,
    message.get_msg, message.get_forward_msg, message.send_like,
    group.set_group_kick, group.set_group_ban, group.set_group_anonymous_ban,
    group.set_group_whole_ban, group.set_group_admin, group.set_group_anonymous,
    group.set_group_card, group.set_group_name, group.set_group_leave,
    group.set_group_special_title,
    request.set_friend_add_request, request.set_group_add_request,
    info.get_login_info, info.get_stranger_info, info.get_friend_list, info.get_group_info,
    info.get_group_list, info.get_group_member_info, info.get_group_member_list,
    info.get_group_honor_info,
    system.get_cookies, system.get_csrf_token, system.get_credentials, system.get_record,
    system.get_image, system.can_send_image, system.can_send_record, system.get_status,
    system.get_version_info, system.set_restart, system.clean_cache,
)

#: api/hidden.md: "所有隐藏 API 都以点号（.）开头" (ACT-10). They go through the same table,
#: suffixes included (ACT-12: aiocqhttp calls ``.handle_quick_operation_async``).
HIDDEN: dict[str, Callable] = {".handle_quick_operation": hidden.handle_quick_operation}

#: api/README.md#异步调用: "所有 API 都可以通过给 action 附加后缀 `_async` 来进行异步调用";
#: api/README.md#限速调用: "所有 API 都可以通过给 action 附加后缀 `_rate_limited` 来进行限速调用"
ASYNC_SUFFIX, RATE_LIMITED_SUFFIX = "_async", "_rate_limited"
#: Each suffix, the Settings field saying what a profile makes of it, and what its values mean
#: ("unknown": the suffixed name is no action at all).
SUFFIXES = ((ASYNC_SUFFIX, "async_suffix"), (RATE_LIMITED_SUFFIX, "rate_limited_suffix"))
_MODES = {"async": "async", "queued": "rate_limited", "sync": "sync"}
#: The Settings fields that change an action's answer (the journal marks those answers).
CHANGED_BY = {"get_msg": ("get_msg_add", "get_msg_drop")}


class Actions:
    """The dispatch table plus the two queues of the async and rate-limited calls."""

    def __init__(self, world: World, config: Config | None = None,
                 workers: Workers | None = None):
        #: every key at its default when none is given (tests of the actions alone)
        self.world, self.config = world, config if config is not None else Config()
        #: the compat profile's settings (profiles/settings.py), read by the transports too
        self.settings = settings_of(self.config)
        # api/hidden.md; a profile may have none (Settings.hidden_actions)
        hidden = HIDDEN if self.settings.hidden_actions else {}
        self.table: dict[str, Callable] = {fn.__name__: fn for fn in PUBLIC} | hidden
        data_dir = os.path.abspath(self.config.data_dir or "data")
        started = world.clock.time() if world is not None else time.time()  # (no world: tests)
        self.ctx = Context(world, self.config, data_dir, self, started)
        #: the supervised threads (the runner's registry; get_status reads its problems)
        self.workers = workers if workers is not None else Workers()
        #: called by set_restart (after its delay); the runner may set it. None: nothing to do.
        self.on_restart: Callable[[], None] | None = None
        #: called after every call a transport makes (see the module docstring)
        self.observers: list[Callable[[str, Params, dict, str], None]] = []
        self._async_jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._rate_limited_jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._stopping = threading.Event()  # shared by both workers (set_restart waits on it)
        self._workers = (
            self.workers.worker("actions-async", self._async_jobs.get, self._execute,
                                stopping=self._stopping),
            self.workers.worker("actions-rate-limited", self._rate_limited_jobs.get,
                                self._execute_rate_limited, stopping=self._stopping))

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the ``actions-async`` and ``actions-rate-limited`` workers, or revive one that
        stopped (idempotent: every queued call comes through here)."""
        for worker in self._workers:
            if not worker.running:
                worker.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the workers; queued calls that have not started are dropped."""
        self._stopping.set()
        self._async_jobs.put(STOP)
        self._rate_limited_jobs.put(STOP)
        for worker in self._workers:
            worker.stop(timeout=timeout)

    # --- dispatch ------------------------------------------------------------------------------
    def resolve(self, action: str) -> tuple[Callable, str] | None:
        """(function, "sync" | "async" | "rate_limited"), or None for an unknown action.
        ACT-3: only ONE suffix is stripped (``x_async_async`` is unknown); A-10: a suffix on an
        unknown base action is unknown too (404 / 1404)."""
        fn = self.table.get(action)
        if fn is not None:
            return fn, "sync"
        for suffix, field in SUFFIXES:
            if action.endswith(suffix):
                fn = self.table.get(action[:-len(suffix)])
                how = getattr(self.settings, field)  # the profile's; the spec's by default
                if fn is not None and how != "unknown":
                    return fn, _MODES[how]
        return None

    def profile_note(self, action: str) -> str | None:
        """The journal's mark when the profile answers ``action`` otherwise than the spec: a
        suffix run synchronously or unknown, a hidden action missing, an answer with other
        keys; None when it does not (and always with the spec's settings)."""
        settings = self.settings
        if action not in self.table and action in HIDDEN:
            return settings.mark("hidden_actions", "unknown action")
        for suffix, field in SUFFIXES:
            if action.endswith(suffix) and settings.changes(field) and \
                    action[:-len(suffix)] in self.table:
                how = getattr(settings, field)
                return settings.mark(field, "run synchronously" if how == "sync" else
                                     "unknown action")
        fields = [name for name in CHANGED_BY.get(action, ()) if settings.changes(name)]
        return settings.mark(fields[0], "other keys in the answer") if fields else None

    def exists(self, action: str) -> bool:
        return self.resolve(action) is not None

    def call(self, action: str, params: Params | dict | None = None,
             channel: str | None = None) -> dict:
        """The envelope of one call; never raises. ``channel``: the transport that carried it
        (the observers are told), None for a call from inside onebot_ref."""
        if not isinstance(params, Params):
            params = Params(params or {})
        if not self.settings.is_spec:
            note = self.profile_note(action)
            if note is not None:
                params.notes.append(note)
        envelope = self._dispatch(action, params)
        if self.observers and channel is not None:
            for observer in self.observers:
                observer(action, params, envelope, channel)
        return envelope

    def _dispatch(self, action: str, params: Params) -> dict:
        resolved = self.resolve(action)
        if resolved is None:
            # communication/http.md / ws.md: "1404 | 404 | API 不存在" (the transport maps it)
            return failed(Retcode.NOT_FOUND, f"unknown action {action!r} (HTTP-11, WSF-7)")
        fn, mode = resolved
        if mode == "sync":
            return self.run(fn, params)
        self.start()
        # ACT-2 / ACT-7: answered at once, "异步版本的 API，data 永远是 null"; the result of the
        # real call is discarded (failures are logged).
        jobs = self._async_jobs if mode == "async" else self._rate_limited_jobs
        jobs.put((fn, params))
        return async_()

    def bound(self, action: str, params: Params) -> dict:
        """The parameters of a call as its action reads them: the values sent, with those the
        action declares typed (``"10001"`` → 10001, PARAM-3); a value that cannot be read, or
        a call of an unknown action, keeps what was sent. For observers: binds again."""
        resolved = self.resolve(action)
        if resolved is None:
            return dict(params.values)
        try:
            typed = bind(resolved[0], Params(params.values, params.text_keys))
        except ActionError:
            return dict(params.values)
        return {**params.values, **typed}

    def run(self, fn: Callable, params: Params) -> dict:
        """Bind the parameters, run the action, make the envelope (RESP-1..7)."""
        try:
            data = call(fn, self.ctx, params)
        except ActionError as err:
            return failed(err.retcode, err.message)
        except Exception as err:  # a bug: record it, answer anyway
            log.exception("action %s failed unexpectedly", fn.__name__)
            return failed(Retcode.NOT_PERMITTED, f"internal error in {fn.__name__}: "
                                                 f"{type(err).__name__}: {err} (a bug of "
                                                 f"onebot_ref; see the server log)")
        # api/public.md#set_restart: "需要异步地重启，接口返回的 status 是 async"
        return async_() if data is ASYNC else ok(data)

    # --- workers (each job supervised: an exception is reported and the next job runs) ------
    def _execute(self, job: tuple[Callable, Params] | Callable[[], None]) -> None:
        if callable(job):
            job()
            return
        fn, params = job
        envelope = self.run(fn, params)
        if envelope["status"] == "failed":
            log.info("queued call %s failed: %s", fn.__name__, envelope.get("message"))

    def _execute_rate_limited(self, job: tuple[Callable, Params]) -> None:
        """ACT-8: dequeue → execute → wait ``rate_limit_interval`` ms → next, so the first call
        runs at once and executions are at least one interval apart (ACT-6 "排队执行"), also
        after a call that failed."""
        try:
            self._execute(job)
        finally:
            self._stopping.wait(max(self.config.rate_limit_interval, 0) / 1000)

    def schedule(self, job: Callable[[], None]) -> None:
        """Run ``job`` on the async worker (set_restart's delayed restart)."""
        self.start()
        self._async_jobs.put(job)
