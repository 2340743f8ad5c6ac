"""The runner's own reading of a message, independent of the implementation it checks (and of
onebot_ref's parser): CQ strings (message/string.md) into segment arrays (message/array.md),
and the comparison a round trip needs.

message/string.md: "应直接取 [CQ: 后、第一个 , 或 ] 前的部分为功能名，第一个 , 之后到 ] 之间的部分为
参数，按 , 分割后，每个部分第一个 = 前的内容为参数名，之后的部分为参数值", and the escapes of its two
tables (text: ``&amp;`` ``&#91;`` ``&#93;``; values also ``&#44;``).
"""

from __future__ import annotations

import re
from typing import Any

_CODE = re.compile(r"\[CQ:([^,\]]+)((?:,[^\]]*)?)\]")


def unescape(text: str) -> str:
    return (text.replace("&#44;", ",").replace("&#91;", "[").replace("&#93;", "]")
            .replace("&amp;", "&"))


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&#91;").replace("]", "&#93;")


def escape_value(text: str) -> str:
    return escape_text(text).replace(",", "&#44;")


def parse(message: str) -> list[dict]:
    """A CQ string as segments, text unescaped, empty text left out."""
    segments: list[dict] = []
    at = 0
    for code in _CODE.finditer(message):
        if code.start() > at:
            segments.append(text(unescape(message[at:code.start()])))
        data = {}
        for part in code.group(2)[1:].split(",") if code.group(2) else []:
            if "=" in part:
                key, value = part.split("=", 1)
                data[key] = unescape(value)
        segments.append({"type": code.group(1), "data": data})
        at = code.end()
    if at < len(message):
        segments.append(text(unescape(message[at:])))
    return segments


def text(value: str) -> dict:
    return {"type": "text", "data": {"text": value}}


def segments(message: Any) -> list[dict]:
    """Any message form (string, array, one segment) as a normalised array: adjacent text
    joined, empty text dropped, ``data: null`` as ``{}``."""
    if isinstance(message, str):
        items = parse(message)
    elif isinstance(message, dict):
        items = [message]
    elif isinstance(message, list):
        items = message
    else:
        raise ValueError(f"a message is a string, an array or a segment, not {message!r}")
    out: list[dict] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise ValueError(f"not a segment: {item!r}")
        data = item.get("data") or {}
        if not isinstance(data, dict):
            raise ValueError(f"segment data is not an object: {item!r}")
        if item["type"] == "text":
            if not data.get("text"):
                continue
            if out and out[-1]["type"] == "text":
                out[-1] = text(out[-1]["data"]["text"] + str(data["text"]))
                continue
        out.append({"type": item["type"], "data": dict(data)})
    return out


def differences(sent: Any, got: Any) -> list[str]:
    """How the message ``got`` back differs from the message ``sent``: the same segment types
    in order and, in each, the data values that were sent (as text; received segments may
    carry more keys, such as an image's ``url``)."""
    try:
        want, have = segments(sent), segments(got)
    except ValueError as err:
        return [str(err)]
    if [s["type"] for s in want] != [s["type"] for s in have]:
        return [f"segment types {[s['type'] for s in have]}, sent {[s['type'] for s in want]}"]
    found = []
    for n, (a, b) in enumerate(zip(want, have)):
        for key, value in a["data"].items():
            if str(b["data"].get(key)) != str(value):
                found.append(f"segment {n} ({a['type']}) {key}={b['data'].get(key)!r}, "
                             f"sent {value!r}")
    return found
