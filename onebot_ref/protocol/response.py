"""The response envelope and the retcode table.

Spec: communication/http.md#响应, communication/ws.md, api/README.md#响应.
Errors carry their answer (:class:`ActionError`); they become a wire envelope only in
``actions.call`` (and, for 14xx frame errors, in the WebSocket session).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from ..profiles.settings import Settings


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


#: ``shaped``'s echo when the request had none (``None`` is a JSON null echo).
NO_ECHO = object()
_SPEC_KEYS = ("status", "retcode", "data")
#: The Settings fields of the envelope; the journal cites the spec text of the first one set.
_ENVELOPE_FIELDS = ("envelope_ok", "envelope_failed", "failed_message", "echo")


def shaped(envelope: dict, settings: Settings, echo: Any = NO_ECHO) -> tuple[dict, str | None]:
    """The envelope as the profile answers it (``echo``: the request's, :data:`NO_ECHO` when it
    had none), and the journal's mark when its keys differ from the spec's answer.

    The spec's answer: status, retcode, data (api/README.md#响应), onebot_ref's ``message`` on a
    failure (RESP-10), and communication/ws.md's echo "原样返回" when the request had one (A-12).
    """
    failed = envelope.get("status") == "failed"
    message = envelope.get("message", "")
    out = {key: envelope[key] for key in _SPEC_KEYS if key in envelope}
    if failed and settings.failed_message and "message" in envelope:
        out["message"] = message
    for key, value in (settings.envelope_failed if failed else settings.envelope_ok).items():
        out[key] = (message if failed else "") if value == "$message" else value
    if settings.echo == "always":
        out["echo"] = None if echo is NO_ECHO else echo
    elif echo is not NO_ECHO and not (echo is None and settings.echo == "not_null"):
        out["echo"] = echo
    spec = dict(envelope) if echo is NO_ECHO else dict(envelope, echo=echo)
    added = [key for key in out if key not in spec]
    removed = [key for key in spec if key not in out]
    if not added and not removed:
        return out, None
    field = next(name for name in _ENVELOPE_FIELDS if settings.changes(name))
    did = "; ".join(part for part in (
        f"keys {', '.join(added)} added" if added else "",
        f"keys {', '.join(removed)} left out" if removed else "") if part)
    return out, settings.mark(field, did)
