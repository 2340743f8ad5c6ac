"""Hidden actions (api/hidden.md, HID-*, ACT-10..12).

``.handle_quick_operation`` runs an event's quick operation exactly as an HTTP POST response
would: :func:`apply_quick_operation` is shared with modes/http_post.py, and each step is an
ordinary action call (``send_msg``, ``delete_msg``, ...) through the one dispatcher.
"""

from __future__ import annotations

import logging
from typing import Callable

from ..protocol.quick_ops import plan, purpose
from .context import Context

log = logging.getLogger(__name__)

#: (the quick-operation field, the action run, its envelope) for every step run.
Step = tuple[str, str, dict]


def apply_quick_operation(call: Callable[[str, dict], dict], context: dict,
                          operation: dict) -> list[Step]:
    """Run every action of the operation's plan through ``call(action, params) -> envelope``.

    Raises ``ActionError(100)`` (from :func:`~..protocol.quick_ops.plan`) before anything runs
    when the context or operation is malformed.
    """
    steps = []
    for action, params in plan(context, operation):
        envelope = call(action, params)
        # QOP-14: "Failures of one step do not stop the next and are not reported."
        if envelope.get("status") == "failed":
            log.info("quick operation %s (%s) failed: %s", purpose(action, params), action,
                     envelope.get("message"))
        steps.append((purpose(action, params), action, envelope))
    return steps


def steps_verdict(steps: list[Step]) -> str:
    """What the steps of a quick operation did, for the journal: "quick operation applied:
    reply, ban" and each failed step with its retcode."""
    done = [name for name, _, envelope in steps if envelope.get("status") != "failed"]
    failures = [f"{name} failed ({action}: {envelope.get('retcode')} "
                f"{envelope.get('message', '')})" for name, action, envelope in steps
                if envelope.get("status") == "failed"]
    parts = [f"quick operation applied: {', '.join(done)}"] if done else []
    return "; ".join(parts + failures)


def handle_quick_operation(ctx: Context, context: dict, operation: dict) -> None:
    """api/hidden.md#handle_quick_operation-对事件执行快速操作: "对事件执行快速操作".

    ``context``: "事件数据对象，可做精简，如去掉 message 等无用字段" (HID-3);
    ``operation``: "快速操作对象". Response data: "无" (null). HID-4: ok even when a step fails.
    """
    apply_quick_operation(ctx.call, context, operation)
    return None
