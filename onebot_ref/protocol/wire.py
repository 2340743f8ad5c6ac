"""What onebot_ref writes on the wire in its own name: the JSON of every API response, event,
WebSocket frame and stored message, and the User-Agent of every request it makes.

GEN-3: every API response, event and WebSocket frame is JSON (communication/ws.md:
"通过 WebSocket 消息发送的数据全部使用 JSON 格式"; http.md: "响应内容为 JSON 格式").
onebot_ref writes one form of it everywhere: compact separators and UTF-8 text, not
``\\uXXXX`` escapes, so Chinese stays readable in the traffic journal and the bytes are the ones
Koishi re-creates when it checks an HTTP POST signature (POST-7: it signs
``JSON.stringify(body)``, which is exactly this form).

One encoder, built once (``json.dumps`` would build a new one on every call). NaN and the
infinities are still written as ``NaN`` / ``Infinity`` (Python's default), which no strict JSON
reader accepts; making the encoder strict is the ``allow_nan`` line below, and then every caller
gets a ``ValueError`` for such a value instead of invalid JSON.
"""

from __future__ import annotations

import json
from typing import Any, Callable

#: POST-3 / WSR-6 [LEGACY]: legacy CQHTTP's User-Agent ("CQHttp/<plugin version>"),
#: sent by HTTP POST and by the reverse WebSocket clients; go-cqhttp sends the same.
USER_AGENT = "CQHttp/4.15.0"

_ENCODER = json.JSONEncoder(
    ensure_ascii=False,      # UTF-8 text, not \\uXXXX escapes
    separators=(",", ":"),   # compact: no spaces (the form JSON.stringify writes)
    allow_nan=True,          # today's behaviour; False makes the encoder strict
)

#: The JSON text of ``value``.
dumps: Callable[[Any], str] = _ENCODER.encode


def body(value: Any) -> bytes:
    """The JSON of ``value`` as the UTF-8 bytes of an HTTP body or a WebSocket payload."""
    return _ENCODER.encode(value).encode("utf-8")
