"""``echo`` of every JSON type, on every path that answers API requests (WSF-9, A-12,
COMPAT-3): the forward ``/api`` and ``/``, and the target's reverse API or Universal connection
when it made one. One case per type, counted once across the paths (it passes only if every
path returns the value unchanged, with its type)."""

from __future__ import annotations

from typing import Any

from ..ctx import Ctx
from ..model import Case as CaseRow
from ..model import Fail, Level, Skip, TimedOut, add
from ..ws_client import Frames

P = "communication/ws.md#api-接口"
QUOTE = "`echo` 字段是可选的，类似于 [JSON RPC](https://www.jsonrpc.org/specification) 的 `id` " \
        "字段，用于唯一标识一次请求，可以是任何类型的数据，OneBot 将会在调用结果中原样返回。"

#: (case number, what, the echo sent)
VALUES: tuple[tuple[int, str, Any], ...] = (
    (20, "a string", "conform-echo"),
    (21, "the empty string", ""),
    (22, "the integer 0", 0),
    (23, "a negative integer", -7),
    (24, "the largest integer a double holds exactly (2^53 - 1)", 9007199254740991),
    (25, "a fraction", 1.5),
    (26, "true", True),
    (27, "false", False),
    (28, "an object with nested values", {"seq": 1, "nested": {"a": [1, "b", None]}}),
    (29, "an array", [1, "two", None, {"x": False}]),
    (30, "non-ASCII text", "回声 ✓ 😀"),
)


def same(a: Any, b: Any) -> bool:
    """JSON equality with the types: 1 is not 1.0 is not true."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def paths(ctx: Ctx) -> list[Frames]:
    """Every open connection that answers API requests; Skip when there is none."""
    conns: list[Frames] = []
    if ctx.target.ws:
        conns += [ctx.ws("/api"), ctx.ws("/")]
    if ctx.session.listeners.reverse:
        try:
            conns.append(ctx.reverse(("API", "Universal"), wait=not conns))
        except (Skip, TimedOut):
            if not conns:
                raise
    if not conns:
        raise Skip("needs --ws or --listen-reverse")
    return conns


def echoed(ctx: Ctx, value: Any, *, null_may_vanish: bool = False) -> str:
    wrong, checked = [], []
    for conn in paths(ctx):
        frame = conn.call("get_login_info", {}, timeout=ctx.timeout,
                          frame={"action": "get_login_info", "params": {}, "echo": value})
        env = ctx.envelope(frame)
        checked.append(conn.channel)
        if "echo" not in env:
            if value is None and null_may_vanish:
                raise _Vanished(conn.channel)
            wrong.append(f"{conn.channel}: no echo")
        elif not same(env["echo"], value):
            wrong.append(f"{conn.channel}: echo {env['echo']!r}")
    if wrong:
        raise Fail(f"sent echo {value!r}; " + "; ".join(wrong))
    return "checked on " + ", ".join(checked)


class _Vanished(Exception):
    pass


def _register(number: int, what: str, value: Any) -> None:
    add(CaseRow(f"communication/ws/{number}", P, QUOTE, Level.MUST, ("WSF-9", "COMPAT-3"),
                f"echo {what} comes back unchanged, on every API path",
                f"echo {value!r}: the same value and type in the answer, on /api, / and the "
                f"reverse API or Universal connection", lambda ctx: echoed(ctx, value),
                needs=frozenset({"api-ws"})))


for _row in VALUES:
    _register(*_row)


def _null(ctx: Ctx) -> str:
    try:
        return echoed(ctx, None, null_may_vanish=True)
    except _Vanished as gone:
        raise Fail(f"{gone}: an echo null is left out of the answer") from None


add(CaseRow("communication/ws/31", P, QUOTE, Level.SHOULD, ("WSF-9", "WSF-10", "A-12"),
            "echo null comes back as null (left out: NON-STRICT)",
            "echo null: the answer has echo null, on every API path", _null,
            needs=frozenset({"api-ws"})))


def _on_errors(ctx: Ctx) -> str:
    checked = []
    for conn in paths(ctx):
        for action, params in (("conform_no_such_action", {}), ("get_stranger_info", {})):
            frame = conn.call(action, params, {"seq": 9}, ctx.timeout)
            env = ctx.envelope(frame)
            if env.get("status") == "ok":
                continue  # a target that answers get_stranger_info {} with data: not an error
            if not same(env.get("echo"), {"seq": 9}):
                raise Fail(f"{conn.channel}: {action} failed with echo "
                           f"{env.get('echo', 'missing')!r}, sent {{'seq': 9}}")
            checked.append(f"{conn.channel} {action}")
    return "checked: " + ", ".join(checked)


add(CaseRow("communication/ws/32", P, QUOTE, Level.MUST, ("WSF-9", "A-12", "RESP-11"),
            "echo comes back on failed answers too (1404, bad parameters)",
            'echo {"seq": 9} on an unknown action and on get_stranger_info without user_id',
            _on_errors, needs=frozenset({"api-ws"})))
