"""CQ-code strings: escaping, parsing a string into segments, rendering segments into a string.

Spec: message/string.md (CQ 码格式, 转义) and message/array.md (the text segment).
Pure: no I/O. ``parse`` never raises: a malformed CQ code stays literal text (MSG-15,
A-26). The output of ``parse`` is segment dicts whose ``data`` values are all strings; a
``node``'s ``content`` stays the nested CQ string here (``message.normalize`` turns it into an
array).
"""

from __future__ import annotations

import re
from typing import Any

from . import wire

# message/string.md#转义: "具体的转义规则如下： & → &amp;  [ → &#91;  ] → &#93;"
# and, inside parameter values only, "还需要对 , 进行转义": , → &#44; (MSG-9, MSG-10).
# `&` goes first, or the `&` of the other entities would be escaped a second time.
_ESCAPES_TEXT = (("&", "&amp;"), ("[", "&#91;"), ("]", "&#93;"))
_ESCAPES_VALUE = _ESCAPES_TEXT + ((",", "&#44;"),)
# MSG-12: unescaping (text and values alike) decodes `&amp;` LAST, so `&amp;#91;` is the
# literal text `&#91;` and not `[`.
_UNESCAPES = (("&#44;", ","), ("&#91;", "["), ("&#93;", "]"), ("&amp;", "&"))

# message/string.md#cq-码格式: "应直接取 [CQ: 后、第一个 , 或 ] 前的部分为功能名，第一个 , 之后到 ]
# 之间的部分为参数". The name may not be empty (`[CQ:]` is malformed, MSG-15) and, our choice
# within A-27, may not hold whitespace ("CQ 码中不应有多余的空格") or `&`; a parameter part may
# not hold a raw `[` or `]` (they must be escaped, MSG-8). Anything that does not match stays
# literal text. One compiled pattern, found with finditer: a linear scan, not a char loop.
_CQ_CODE = re.compile(r"\[CQ:([^\[\],&\s]+)(?:,([^\[\]]*))?\]")


def escape(s: str, comma: bool = False) -> str:
    """Escape ``&``, ``[``, ``]`` (and ``,`` when ``comma``: inside a CQ parameter value)."""
    for raw, entity in _ESCAPES_VALUE if comma else _ESCAPES_TEXT:
        if raw in s:
            s = s.replace(raw, entity)
    return s


def unescape(s: str) -> str:
    """Decode ``&#44;``, ``&#91;``, ``&#93;`` and then ``&amp;`` (MSG-12)."""
    if "&" not in s:
        return s
    for entity, raw in _UNESCAPES:
        s = s.replace(entity, raw)
    return s


def parse(cq: str) -> list[dict]:
    """Parse a CQ string into a segment array. Never raises.

    Text between CQ codes becomes unescaped ``text`` segments, adjacent text is merged and empty
    text dropped (MSG-14, MSG-18); a malformed CQ code is kept as literal text (MSG-15).
    """
    segments: list[dict] = []
    text: list[str] = []  # unescaped text pieces waiting to become one text segment
    pos = 0
    for match in _CQ_CODE.finditer(cq):
        if match.start() > pos:
            text.append(unescape(cq[pos:match.start()]))
        pos = match.end()
        name, params = match.group(1), match.group(2)
        data = _parse_params(params) if params else {}
        if name == "text":
            # message/array.md: a text segment "转成 CQ 码时，将会直接变成纯文本字符串"; so an
            # explicit [CQ:text,text=…] is plain text too, merged with its neighbours.
            text.append(data.get("text", ""))
            continue
        if text:
            _flush_text(segments, text)
        segments.append({"type": name, "data": data})
    if pos < len(cq):
        text.append(unescape(cq[pos:]))
    if text:
        _flush_text(segments, text)
    return segments


def _flush_text(segments: list[dict], text: list[str]) -> None:
    joined = "".join(text)
    text.clear()
    if joined:  # MSG-14: "empty text is not emitted"
        segments.append({"type": "text", "data": {"text": joined}})


def _parse_params(params: str) -> dict[str, str]:
    data: dict[str, str] = {}
    # "按 , 分割后，每个部分第一个 = 前的内容为参数名，之后的部分为参数值" (MSG-7)
    for part in params.split(","):
        key, sep, value = part.partition("=")
        # MSG-16: a part without `=` is ignored; A-28: the key is trimmed, the value is not.
        # Our choice: an empty key is ignored too (it could never be rendered back).
        key = key.strip()
        if not sep or not key:
            continue
        data[unescape(key)] = unescape(value)  # MSG-16: a repeated key: the last one wins
    return data


def render(segments: list[dict]) -> str:
    """Render a segment array as a CQ string (MSG-17).

    ``text`` becomes escaped plain text (comma not escaped); any other segment becomes
    ``[CQ:type,key=value,...]`` with keys and values escaped with the comma, in the data's own
    order (A-31). A ``node``'s array ``content`` is rendered as a nested, escaped CQ string
    (SEG-19). Segments with an empty type are skipped (MSG-17).
    """
    out: list[str] = []
    for segment in segments:
        kind = segment.get("type")
        data = segment.get("data") or {}  # MSG-22: data may be null
        if kind == "text":
            # message/array.md: "在将上面的消息段转成 CQ 码时，将会直接变成纯文本字符串"
            out.append(escape(value_text(data.get("text", ""))))
        elif kind:
            out.append("[CQ:" + kind)
            for key, value in data.items():
                if kind == "node" and key == "content" and not isinstance(value, str):
                    # message/segment.md, 合并转发自定义节点 例 1: the content is a CQ string,
                    # escaped like any value: "content=&#91;CQ:face&#44;id=123&#93;哈喽～"
                    value = render(value if isinstance(value, list) else [value])
                out.append("," + escape(key, True) + "=" + escape(value_text(value), True))
            out.append("]")
    return "".join(out)


def value_text(value: Any) -> str:
    """The string form of a segment data value.

    MSG-3: values are strings; MSG-21: any other JSON value becomes its JSON text
    (123 → "123", true → "true", null → "null"), in the one form onebot_ref writes (wire.py).
    """
    if isinstance(value, str):
        return value
    return wire.dumps(value)
