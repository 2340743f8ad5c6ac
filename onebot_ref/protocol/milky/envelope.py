"""The Milky API response envelope, its retcodes, and the one error type of the Milky face.

Spec: ``docs/content/guide/communication.md`` (API 调用). The HTTP status codes 401/404/415
are the transport's (``HTTP_STATUS``); everything else is HTTP 200 with one of these bodies.

Errors carry their answer: everything under protocol/milky/ raises :class:`MilkyError`
(retcode, message) and nothing else for bad input; the world raises ``ActionError`` with
onebot_ref's OneBot-style retcodes (RESP-9), translated here by :data:`RETCODES`. The Milky
action dispatcher is the one place either becomes a wire envelope: ``from_error`` for a
MilkyError, ``from_world_error`` for an ActionError, ``internal_error`` for anything else.
"""

from __future__ import annotations

from typing import Any

from ..response import ActionError, Retcode

# communication.md: "剩下的所有情况，无论操作实际成功与否，状态码**都是 `200`**" -- the other
# three are the transport's (MLK-3/4/5).
HTTP_STATUS = {
    # "`401`：鉴权凭据未提供或不匹配。"
    "unauthorized": 401,
    # "`404`：请求的 API 不存在。"
    "unknown_api": 404,
    # "`415`：POST 请求的 Content-Type 不支持。"
    "unsupported_content_type": 415,
}

#: "参数解析失败时，retcode 为 -400" (MLK-7).
BAD_REQUEST = -400
#: "协议端未处于登录状态时，retcode 为 -403"; onebot_ref's simulated bot is always logged in,
#: so here -403 only ever means "not permitted" (MLK-9).
FORBIDDEN = -403
#: "其余错误情况的 retcode 由协议端自行决定", the spec's own example being -404 for "user_id
#: 对应的好友不存在" (MLK-7).
NOT_FOUND = -404
#: A fault of onebot_ref itself (yogurt and LLBot answer -500 too, MLK-9).
INTERNAL = -500

#: The world's retcodes (RESP-9) -> Milky's (MLK-9). Any other retcode reaching the Milky face
#: is a bug of onebot_ref and answers INTERNAL.
RETCODES: dict[int, int] = {
    Retcode.BAD_PARAMS: BAD_REQUEST,  # 100: parameters missing or plainly invalid
    Retcode.NO_TARGET: NOT_FOUND,  # 102: no such friend/group/member/message/request
    Retcode.NOT_PERMITTED: FORBIDDEN,  # 103: the bot's role does not allow it
}


class MilkyError(Exception):
    """A Milky API call failed: the retcode to answer and a message saying why."""

    def __init__(self, retcode: int, message: str):
        super().__init__(message)
        self.retcode = int(retcode)
        self.message = message


def ok(data: dict | None = None) -> dict:
    """A success envelope (MLK-6/8).

    communication.md: ``{"status": "ok", "retcode": 0, "data": {...}}`` -- "成功时的 retcode 为
    0"; "同样，即使响应的 API 无输出参数，也必须返回一个空的 JSON 对象 `{}`".
    """
    return {"status": "ok", "retcode": 0, "data": {} if data is None else data}


def failed(retcode: int, message: str) -> dict:
    """A failure envelope: ``{"status": "failed", "retcode": N, "message": "..."}``, the shape
    of the spec's three failure examples, which carry no ``data`` (MLK-7, MLK-41)."""
    return {"status": "failed", "retcode": int(retcode), "message": message}


def from_error(err: MilkyError) -> dict:
    return failed(err.retcode, err.message)


def milky_error(err: ActionError) -> MilkyError:
    """The world's error in Milky's terms (MLK-9): 100 -> -400, 102 -> -404, 103 -> -403, any
    other retcode -> -500 naming it."""
    retcode = RETCODES.get(err.retcode)
    if retcode is None:
        return MilkyError(INTERNAL, f"internal error: unexpected world retcode {err.retcode}: "
                                    f"{err.message}")
    return MilkyError(retcode, err.message)


def from_world_error(err: ActionError) -> dict:
    return from_error(milky_error(err))


def internal_error(exc: BaseException) -> dict:
    """A fault of onebot_ref (a bug): -500, naming the exception type but not its text, which may
    hold internal details; the dispatcher logs the traceback (MLK-9)."""
    return failed(INTERNAL, f"internal error ({type(exc).__name__}); the server log has details")


def is_envelope(value: Any) -> bool:
    """Whether ``value`` has the shape of one of the two envelopes above (for tests and the
    conformance checks of other implementations)."""
    if not isinstance(value, dict) or value.get("status") not in ("ok", "failed"):
        return False
    if value["status"] == "ok":
        return value.get("retcode") == 0 and isinstance(value.get("data"), dict)
    retcode = value.get("retcode")
    return (type(retcode) is int and retcode != 0
            and isinstance(value.get("message"), str))
