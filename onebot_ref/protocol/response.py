"""The response envelope and the retcode table.

Spec: communication/http.md#响应, communication/ws.md, api/README.md#响应.
Errors carry their answer (:class:`ActionError`); they become a wire envelope only in
``actions.call`` (and, for 14xx frame errors, in the WebSocket session).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class Retcode(IntEnum):
    """communication/http.md#响应, communication/ws.md#api-接口 and the legacy retcode table
    (RESP-8). onebot_ref's use of 100/102/103 is RESP-9."""

    #: "ok 表示操作成功，同时 retcode（返回码）会等于 0"
    OK = 0
    #: "async 表示请求已提交异步处理，此时 retcode 为 1，具体成功或失败将无法获知"
    ASYNC = 1
    #: Legacy: parameters missing or obviously invalid; no call was made.
    BAD_PARAMS = 100
    #: Legacy: "the data returned was invalid" — here: no such friend/group/member/message/flag.
    NO_TARGET = 102
    #: Legacy: "operation failed" — here: the bot's role does not allow the operation.
    NOT_PERMITTED = 103
    #: WebSocket form of HTTP 400 (communication/ws.md: "1400 | 400").
    BAD_REQUEST = 1400
    #: WebSocket form of HTTP 401.
    UNAUTHORIZED = 1401
    #: WebSocket form of HTTP 403.
    FORBIDDEN = 1403
    #: WebSocket form of HTTP 404: "API 不存在".
    NOT_FOUND = 1404


class ActionError(Exception):
    """An action failed; the error carries the retcode and a human-readable reason."""

    def __init__(self, retcode: int, message: str):
        super().__init__(message)
        self.retcode = int(retcode)
        self.message = message


def status_of(retcode: int) -> str:
    """The ``status`` string is derived from ``retcode`` alone (RESP-2..4)."""
    # "ok 表示操作成功，同时 retcode 会等于 0" / "async ... retcode 为 1" /
    # "failed 表示操作失败，此时 retcode 既不是 0 也不是 1"
    if retcode == Retcode.OK:
        return "ok"
    if retcode == Retcode.ASYNC:
        return "async"
    return "failed"


def ok(data: Any = None) -> dict:
    """A successful envelope. ``data`` is null for actions without response data (RESP-5)."""
    return {"status": "ok", "retcode": 0, "data": data}


def async_() -> dict:
    """"注意，异步版本的 API，data 永远是 null" (communication/http.md#响应, RESP-6)."""
    return {"status": "async", "retcode": 1, "data": None}


def failed(retcode: int, message: str) -> dict:
    """A failed envelope: ``data`` null (RESP-7) plus a ``message`` saying why.

    ``message`` is an extra key (RESP-10 tolerates it; go-cqhttp and NapCat send one too) so a
    bot developer reads the reason in the response instead of in a server log.
    """
    return {"status": status_of(retcode), "retcode": int(retcode), "data": None,
            "message": message}


def from_error(err: ActionError) -> dict:
    return failed(err.retcode, err.message)
