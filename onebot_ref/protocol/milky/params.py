"""The strict parameter binder: a decoded JSON request body -> the API's input values.

Milky has none of OneBot 11's string coercion (PARAM-1): a value must already have the JSON
type the IR gives its field (MLK-22). The rules, from ``protocol/src/ir.json`` and the types
generated from it (``@saltify/milky-types`` 1.2.2: ``z.object`` per struct,
``z.number().int().nonnegative()`` per integer, ``zUin`` per QQ number, ``.nullish()`` per
optional field, ``.nullish().default(v)`` per defaulted field):

    body            a JSON object (communication.md: "即使请求的 API 无输入参数，也必须传入一个空的
                    JSON 对象 `{}`"); anything else is -400 (MLK-2)
    integer kinds   a JSON integer (not a boolean, not a float such as 1.0, not a string such
                    as "10001") inside the kind's range (schema.INT_RANGES; MLK-20/21/22)
    bool            true or false; string: a string of valid Unicode (MLK-27); enum: one of
                    its values, exactly (MLK-24)
    optional        absent or null: not given, bound as None (MLK-23)
    default         absent or null: the IR default (MLK-23)
    unknown keys    ignored and not copied (MLK-19)
    ref             the named struct, bound by the same rules: a union by its tag
                    (OutgoingSegment: ``type`` one of its variants, ``data`` an object; MLK-25),
                    at most MAX_DEPTH structs deep (MLK-26)

A failure is ``MilkyError(-400, "<path>: <problem>")``, the path naming the field as a client
wrote it: ``user_id``, ``message[2].data.uri``, ``message[0].data.messages[1].segments[0].type``.
For any JSON value (what ``json.loads`` can return), :func:`bind` returns a dict or raises that
error and nothing else (tests/protocol/milky/test_milky_params.py checks it with hypothesis).

What the IR says only in words (``limit`` "最多 30 条", ``preview`` "至少 1 条，至多 4 条", the URI
schemes) is not checked here: segments_out.py checks the segment ones, the actions the rest.
"""

from __future__ import annotations

import json
from typing import Any

from .apis import APIS
from .envelope import BAD_REQUEST, MilkyError
from .schema import INT_RANGES, Api, Field, Struct, Union
from .structs import STRUCTS

#: Structs nested inside structs (a forward inside a forwarded message inside a forward ...)
#: beyond this are refused (MLK-26): no client nests that deep, and recursion must stay bounded.
MAX_DEPTH = 32


def bind(api: Api | str, body: Any) -> dict[str, Any]:
    """The input values of ``api`` (a row of apis.APIS or its name) read from ``body``: one key
    per input field, in the IR's order, with defaults applied and None for an optional field not
    given; segments as ``{"type": t, "data": {...}}`` with their own defaults applied.

    Raises:
        MilkyError(-400): ``body`` is not an object, or a field is missing or ill-typed.
        KeyError: ``api`` names no API (the transport answers 404 first, apis.exists).
    """
    row = APIS[api] if isinstance(api, str) else api
    if type(body) is not dict:
        raise MilkyError(BAD_REQUEST, f"the request body must be a JSON object ({{}} when the "
                                      f"API has no parameters), got {_got(body)} (MLK-40)")
    return bind_fields(row.inputs, body, "", 0)


def bind_fields(fields: tuple[Field, ...], obj: dict, where: str, depth: int) -> dict[str, Any]:
    """``obj``'s values for ``fields``, ``where`` being the path of ``obj`` ("" at the top)."""
    out: dict[str, Any] = {}
    for field in fields:
        path = f"{where}.{field.name}" if where else field.name
        value = obj.get(field.name)
        if value is None:  # absent or null: "nullish" (MLK-23)
            if field.default is not None:
                out[field.name] = field.default  # IR defaults are immutable scalars
            elif field.optional:
                out[field.name] = None
            else:
                raise MilkyError(BAD_REQUEST, f"{path}: missing (expected {field.describe()}) "
                                              "(MLK-7)")
            continue
        out[field.name] = _value(field, value, path, depth)
    return out


def bind_struct(name: str, value: Any, where: str, depth: int = 0) -> dict[str, Any]:
    """``value`` read as the struct ``name`` (a key of structs.STRUCTS)."""
    struct = STRUCTS[name]
    if depth >= MAX_DEPTH:
        raise MilkyError(BAD_REQUEST, f"{where}: nested more than {MAX_DEPTH} structs deep (MLK-26)")
    if type(value) is not dict:
        raise MilkyError(BAD_REQUEST, f"{where}: expected {name}, an object, got {_got(value)} "
                                      "(MLK-22)")
    if isinstance(struct, Struct):
        return bind_fields(struct.fields, value, where, depth + 1)
    return _bind_union(struct, value, where, depth + 1)


def _bind_union(union: Union, value: dict, where: str, depth: int) -> dict[str, Any]:
    tag = value.get(union.tag)
    variant = union.variant(tag) if type(tag) is str else None
    if variant is None:
        tags = ", ".join(f'"{t}"' for t in union.tags)
        raise MilkyError(BAD_REQUEST, f"{where}.{union.tag}: expected one of {tags}, "
                                      f"got {_got(tag)} (MLK-24)")
    out = {union.tag: tag}
    out.update(bind_fields(union.base, value, where, depth))
    if not union.with_data:  # a plain union: the variant's fields beside the tag
        out.update(bind_fields(variant.fields, value, where, depth))
        return out
    data, path = value.get("data"), f"{where}.data"
    if variant.ref:
        out["data"] = bind_struct(variant.ref, data, path, depth)
    elif type(data) is not dict:
        raise MilkyError(BAD_REQUEST, f"{path}: expected an object, got {_got(data)} (MLK-22)")
    else:
        out["data"] = bind_fields(variant.fields, data, path, depth)
    return out


def _value(field: Field, value: Any, path: str, depth: int) -> Any:
    if not field.array:
        return _one(field, value, path, depth)
    if type(value) is not list:
        raise MilkyError(BAD_REQUEST, f"{path}: expected {field.describe()}, got {_got(value)} "
                                      "(MLK-22)")
    return [_one(field, item, f"{path}[{index}]", depth) for index, item in enumerate(value)]


def _one(field: Field, value: Any, path: str, depth: int) -> Any:
    kind = field.kind
    if kind == "ref":
        return bind_struct(field.ref, value, path, depth)
    expected = Field(field.name, kind, values=field.values).describe()
    if kind in INT_RANGES:
        # type() and not isinstance(): a JSON boolean is a Python int (MLK-22).
        if type(value) is not int:
            raise MilkyError(BAD_REQUEST, f"{path}: expected {expected}, got {_got(value)} "
                                          "(MLK-22)")
        low, high = INT_RANGES[kind]
        if not low <= value <= high:
            raise MilkyError(BAD_REQUEST, f"{path}: {_show(value)} is out of range "
                                          f"(expected {expected}) "
                                          f"({'MLK-20' if kind == 'uin' else 'MLK-21'})")
        return value
    if kind == "bool":
        if type(value) is not bool:
            raise MilkyError(BAD_REQUEST, f"{path}: expected {expected}, got {_got(value)} "
                                          "(MLK-22)")
        return value
    if type(value) is not str:
        raise MilkyError(BAD_REQUEST, f"{path}: expected {expected}, got {_got(value)} (MLK-22)")
    if not _is_unicode(value):  # a lone surrogate (JSON "\ud800") is no text (MLK-27)
        raise MilkyError(BAD_REQUEST, f"{path}: the string is not valid Unicode "
                                      f"(a lone surrogate) (MLK-27)")
    if kind == "enum" and value not in field.values:
        raise MilkyError(BAD_REQUEST, f"{path}: expected {expected}, got {_got(value)} (MLK-24)")
    return value


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _got(value: Any) -> str:
    """A JSON value in words: 'string "10001"', 'number 1.5', 'boolean true', 'null', 'array'."""
    if value is None:
        return "null"
    if type(value) is bool:
        return f"boolean {'true' if value else 'false'}"
    if type(value) in (int, float):
        return f"number {_show(value)}"
    if type(value) is str:
        return f"string {_show(value)}"
    return {list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    """A short, printable rendering of a scalar for a message."""
    if type(value) is int and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"  # str() refuses huge ints (3.11)
    if type(value) is str:
        shown = json.dumps(value[:40] + ("..." if len(value) > 40 else ""), ensure_ascii=False)
        return shown if _is_unicode(shown) else json.dumps(value[:40])
    return json.dumps(value)
