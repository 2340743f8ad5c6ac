"""One message, three input forms: a CQ string, a segment array, a single segment object.

Spec: message/README.md, message/array.md, api/README.md#参数 (the ``message`` data type),
message/segment.md (what may be sent). Pure: no I/O.

Everything past the transports works on the canonical form that :func:`normalize` returns: a
fresh list of ``{"type": str, "data": {str: str}}`` dicts, adjacent text merged and empty text
dropped, whose ``node.content`` is itself a canonical array.
"""

from __future__ import annotations

from typing import Any

from . import cqcode
from .coerce import parse_bool, parse_decimal, parse_int
from .ranges import out_of_range
from .response import ActionError, Retcode
from .segments import FLAG, LATITUDE, LONGITUDE, RULES, Field, Form, form_of, forms_of


def normalize(value: Any, auto_escape: bool = False) -> list[dict]:
    """The canonical segment array of a ``message`` value.

    Raises:
        ActionError(100): ``value`` has no message shape (a number, null, a segment without a
        type, ``data`` that is not an object ...), naming the segment.
    """
    return _normalize(value, auto_escape, "")


def _normalize(value: Any, auto_escape: bool, where: str) -> list[dict]:
    # api/README.md#参数: "`message` 类型的参数允许接受字符串、消息段数组、单个消息段对象三种类型的数据"
    if isinstance(value, str):
        if auto_escape:
            # api/public.md send_private_msg: "auto_escape ... 消息内容是否作为纯文本发送（即不解析
            # CQ 码），只在 message 字段是字符串时有效" -- no parsing, and no unescaping (MSG-20).
            return [{"type": "text", "data": {"text": value}}] if value else []
        return _segments(cqcode.parse(value), where)
    if isinstance(value, dict):  # MSG-23: a single segment object is a 1-element array
        return _segments([value], where)
    if isinstance(value, list):
        return _segments(value, where)
    # PARAM-8: "any other JSON type → empty message, which fails validation with retcode 100"
    raise ActionError(Retcode.BAD_PARAMS,
                      f"{where}message must be a CQ string, an array of segments or one segment "
                      f"object, not {_json_kind(value)} (PARAM-8)")


def _segments(items: list, where: str) -> list[dict]:
    out: list[dict] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ActionError(Retcode.BAD_PARAMS,
                              f"{where}segment {index} must be an object, not {_json_kind(item)} "
                              "(MSG-2)")
        kind = item.get("type")
        # message/array.md: "type 字段的类型为字符串"
        if not isinstance(kind, str) or not kind:
            raise ActionError(Retcode.BAD_PARAMS,
                              f"{where}segment {index} needs a non-empty string 'type' (MSG-2)")
        raw = item.get("data")
        # message/array.md: "data 字段的类型为对象 ... 此字段可为 null" (MSG-22: null is {})
        if raw is None:
            raw = {}
        elif not isinstance(raw, dict):
            raise ActionError(Retcode.BAD_PARAMS,
                              f"{where}segment {index} ({kind}): 'data' must be an object or "
                              f"null, not {_json_kind(raw)} (MSG-22)")
        label = f"{where}segment {index} ({kind})"
        if kind == "text":
            text = cqcode.value_text(raw.get("text", ""))
            if not text:  # MSG-18: empty text is no content
                continue
            if out and out[-1]["type"] == "text":  # MSG-18: adjacent text segments are merged
                out[-1]["data"]["text"] += text
            else:
                out.append({"type": "text", "data": {"text": text}})
            continue
        data = {}
        for key, val in raw.items():
            if kind == "node" and key == "content":
                # message/segment.md: content "支持发送消息时的 message 数据类型" (MSG-21 REC)
                data[key] = _normalize(val, False, f"{label} field 'content': ")
            else:
                # message/array.md: "几乎所有消息段参数值类型均为字符串" (MSG-3); numbers and
                # booleans become their JSON text (MSG-21, A-30).
                data[key] = cqcode.value_text(val)
        out.append({"type": kind, "data": data})
    return out


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__


def validate_outgoing(segments: list[dict]) -> None:
    """Check a canonical message the bot wants to send.

    Fails with retcode 100, naming the segment index, type and field, for: an empty message
    (MSG-19); an unknown type; a receive-only type (``forward``, "合并转发 <收>"); a contact or
    music whose ``type`` names no table; a missing or empty required field; a number field
    whose value is no number of its kind or out of its range (BAD-3: a ``reply`` id past int32,
    an ``at`` qq past int64, a ``face`` id that is no number...); ``node`` segments mixed with
    other segments (A-44). The same rules apply inside a ``node``'s ``content``.
    This overrides SEG-21 on purpose (the issue asks for 100).

    Receive-only *fields* (``url`` of image/record/video, ``name`` of poke) and fields the spec
    does not list are tolerated and kept: a bot that repeats a received segment sends them back.
    """
    _validate(segments, "")


def _validate(segments: list[dict], where: str) -> None:
    if not segments:
        # MSG-19: "Sending an empty message (empty string, [], or only empty text) → retcode 100"
        raise ActionError(Retcode.BAD_PARAMS, f"{where}message is empty (MSG-19)")
    first_is_node = segments[0]["type"] == "node"
    for index, segment in enumerate(segments):
        kind, data = segment["type"], segment.get("data") or {}
        label = f"{where}segment {index} ({kind})"
        if (kind == "node") != first_is_node:
            # a message made only of node segments is a merged forward; mixing is refused.
            raise ActionError(Retcode.BAD_PARAMS,
                              f"{label}: node segments cannot be mixed with other segments "
                              f"(a merged forward is a message of node segments only) (A-44)")
        forms = forms_of(kind)
        if not forms:
            raise ActionError(Retcode.BAD_PARAMS,
                              f"{label}: unknown segment type (see message/segment.md) (SEG-21)")
        if not any(form.send for form in forms):
            raise ActionError(Retcode.BAD_PARAMS,
                              f"{label}: a receive-only segment cannot be sent "
                              f"(message/segment.md: {forms[0].heading} <收>) (SEG-21)")
        form = form_of(kind, data)
        if form is None:  # contact or music whose discriminating field names no table
            key = forms[0].when[0]
            allowed = ", ".join(v for f in forms for v in f.when[1])
            raise ActionError(Retcode.BAD_PARAMS,
                              f"{label}: field '{key}' must be one of {allowed}, "
                              f"got {data.get(key)!r} ({RULES[forms[0].heading]})")
        for field in form.fields:
            value = data.get(field.name)
            if field.required and (value is None or value == "" and kind != "text"):
                raise ActionError(Retcode.BAD_PARAMS,
                                  f"{label}: missing required field '{field.name}' "
                                  f"(message/segment.md: {form.heading}) ({RULES[form.heading]})")
            if field.kind is not None and value not in (None, "") and value not in field.also:
                problem = _value_problem(field, value)
                if problem is not None:
                    raise ActionError(Retcode.BAD_PARAMS,
                                      f"{label}: field '{field.name}': expected {problem}, got "
                                      f"{_shown(value)} ({_value_rule(field, form)})")
        if kind == "node" and isinstance(data.get("content"), list):
            _validate(data["content"], f"{label} field 'content': ")


# Decimal degrees, as the spec's example writes them ("lat=39.8969426").
_DEGREE_LIMITS = {LATITUDE: 90, LONGITUDE: 180}


def _value_problem(field: Field, value: str) -> str | None:
    """What a number field's (text) value should have been, or None when it is fine."""
    if field.kind == FLAG:
        # message/segment.md: "`0` `1`", "也可以使用 no 和 yes、false 和 true" (PARAM-5)
        return None if parse_bool(value) is not None else "0 or 1 (or yes/no, true/false)"
    if field.kind in _DEGREE_LIMITS:
        limit = _DEGREE_LIMITS[field.kind]
        degrees = parse_decimal(value)
        if degrees is not None and abs(degrees) <= limit:
            return None
        return f"decimal degrees from -{limit} to {limit}"
    number = parse_int(value)
    if number is None:
        return " or ".join(("a number",) + tuple(field.also))
    problem = out_of_range(field.kind, number)
    return None if problem is None else problem.rpartition(", got ")[0]


def _value_rule(field: Field, form: Form) -> str:
    """The rules a refused field value breaks: the segment's table, and PARAM-5 for a 0/1 flag
    or BAD-3 for a number outside its range."""
    extra = "PARAM-5" if field.kind == FLAG else None if field.kind in _DEGREE_LIMITS else "BAD-3"
    return RULES[form.heading] + (f", {extra}" if extra else "")


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def is_forward(segments: list[dict]) -> bool:
    """A message of ``node`` segments only is a merged forward (A-44)."""
    return bool(segments) and all(segment["type"] == "node" for segment in segments)


def to_format(segments: list[dict], fmt: str) -> str | list[dict]:
    """The message in a configured format: ``"string"`` (CQ string) or ``"array"`` (a copy).

    message/README.md: "目前消息的格式分为两种：字符串（string）和数组（array）"
    """
    if fmt == "string":
        return cqcode.render(segments)
    if fmt == "array":
        return _copy(segments)
    raise ValueError(f"unknown message format {fmt!r} (expected 'string' or 'array')")


def _copy(segments: list[dict]) -> list[dict]:
    copied = []
    for segment in segments:
        data = dict(segment.get("data") or {})
        if isinstance(data.get("content"), list):
            data["content"] = _copy(data["content"])
        copied.append({"type": segment["type"], "data": data})
    return copied
