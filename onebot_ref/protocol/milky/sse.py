"""The wire text of a Milky event, and its Server-Sent Events framing (MLK-13/14).

communication.md (SSE 连接): "协议端需要给出 `Content-Type` 为 `text/event-stream` 的响应，且
一直保持连接。产生事件时，协议端会推送一条内容格式是 JSON 的 SSE 消息" with the example
``event: milky_event`` / ``data: {...}`` lines and "必须以空行结尾，表示消息结束，这是 SSE 的要求".
The spec's example spreads the JSON over many ``data:`` lines; onebot_ref writes it compact on
one (a JSON text has no raw line break, so one line always holds it; clients that read only
``data:`` lines, milky-python-sdk's, get the same text). The event is always named: a client
that listens for ``milky_event`` (satori's, milky-tea's fetch reader) would miss an unnamed one.

One encoding per event (:func:`encode`), shared by the three channels: the WebSocket text
message and the WebHook body are that text as it is (MLK-15/16), SSE frames it (:func:`frame`).
"""

from __future__ import annotations

import json

#: "Content-Type 为 text/event-stream"
CONTENT_TYPE = "text/event-stream; charset=utf-8"
#: The SSE event name of every Milky event.
EVENT_NAME = "milky_event"
#: A comment line: ignored by every SSE parser, it keeps an idle stream open and makes a write
#: fail soon after the client has gone (MLK-14).
KEEPALIVE = b": keepalive\n\n"
#: Seconds of silence after which the stream sends KEEPALIVE.
KEEPALIVE_SECONDS = 15.0


def encode(event: dict) -> str:
    """The event as compact JSON text: UTF-8 as it is (MLK-17), no NaN (not JSON)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def frame(text: str) -> bytes:
    """One SSE message carrying ``text`` (what :func:`encode` returned): the event line, one
    data line, the blank line that ends the message."""
    if "\n" in text or "\r" in text:  # encode() never makes one; a bug must not split a frame
        raise ValueError("an SSE data line cannot hold a line break")
    return f"event: {EVENT_NAME}\ndata: {text}\n\n".encode("utf-8")
