"""Does a response value conform to Milky 1.2? The check of what the Milky face sends.

params.py reads what a client sends (request structs); this module checks what the server
sends (response structs: API ``data``, events, entities, incoming segments) against the same
tables, by the response rules (``docs/content/guide/compatibility.md``: response fields are
"可空（Nullable）字段和不可空（Non-Nullable）字段"):

    a non-optional field   present, not null, of its kind (the integer ranges of schema.py)
    an optional field      present, null or of its kind: onebot_ref always writes the key
                           (MLK-28), so a client that reads ``result["next_message_seq"]``
                           (nonebot-adapter-milky does) finds it
    any other key          a problem: onebot_ref's answers are exactly the IR's fields
    a union                its tag one of the variants; ``data`` an object for a withData one

:func:`problems` lists every deviation with its path ("data.segments[0].data.user_id: ..."),
an empty list meaning the value conforms. Tests run it over every builder and every API answer;
the conformance checks of other implementations can run it over what they answer.
"""

from __future__ import annotations

from typing import Any

from .apis import APIS
from .schema import INT_RANGES, Field, Struct, Union
from .structs import STRUCTS


def problems(struct: str, value: Any, where: str = "") -> list[str]:
    """What in ``value`` does not conform to the struct named ``struct`` (structs.STRUCTS)."""
    out: list[str] = []
    _struct(STRUCTS[struct], value, where or struct, out)
    return out


def output_problems(api: str, data: Any) -> list[str]:
    """What in an API answer's ``data`` does not conform to that API's outputs (apis.APIS);
    ``data`` must be ``{}`` for an API without outputs (MLK-8)."""
    out: list[str] = []
    _object(APIS[api].outputs, data, "data", out)
    return out


def _struct(struct: Struct | Union, value: Any, where: str, out: list[str]) -> None:
    if isinstance(struct, Struct):
        _object(struct.fields, value, where, out)
        return
    if type(value) is not dict:
        out.append(f"{where}: expected {struct.name}, an object, got {type(value).__name__}")
        return
    variant = struct.variant(value.get(struct.tag))
    if variant is None:
        out.append(f"{where}.{struct.tag}: {value.get(struct.tag)!r} is not one of "
                   f"{', '.join(struct.tags)}")
        return
    names = {struct.tag, *(f.name for f in struct.base)}
    if struct.with_data:
        names.add("data")
        if variant.ref:
            _struct(STRUCTS[variant.ref], value.get("data"), f"{where}.data", out)
        else:
            _object(variant.fields, value.get("data"), f"{where}.data", out)
    else:
        names |= {f.name for f in variant.fields}
    _fields(struct.base if struct.with_data else struct.base + variant.fields, value, where, out)
    out.extend(f"{where}: unexpected key {key!r}" for key in value if key not in names)


def _object(fields: tuple[Field, ...], value: Any, where: str, out: list[str]) -> None:
    if type(value) is not dict:
        out.append(f"{where}: expected an object, got {type(value).__name__}")
        return
    _fields(fields, value, where, out)
    names = {f.name for f in fields}
    out.extend(f"{where}: unexpected key {key!r}" for key in value if key not in names)


def _fields(fields: tuple[Field, ...], value: dict, where: str, out: list[str]) -> None:
    for field in fields:
        path = f"{where}.{field.name}"
        if field.name not in value:
            out.append(f"{path}: missing")
        elif value[field.name] is None:
            if not field.optional:
                out.append(f"{path}: null, but the field is not nullable")
        elif field.array:
            items = value[field.name]
            if type(items) is not list:
                out.append(f"{path}: expected an array, got {type(items).__name__}")
            else:
                for index, item in enumerate(items):
                    _one(field, item, f"{path}[{index}]", out)
        else:
            _one(field, value[field.name], path, out)


def _one(field: Field, value: Any, path: str, out: list[str]) -> None:
    kind = field.kind
    if kind == "ref":
        _struct(STRUCTS[field.ref], value, path, out)
    elif kind in INT_RANGES:
        low, high = INT_RANGES[kind]
        if type(value) is not int or not low <= value <= high:
            out.append(f"{path}: {value!r} is not {kind} ({low}..{high})")
    elif kind == "bool":
        if type(value) is not bool:
            out.append(f"{path}: {value!r} is not a boolean")
    elif type(value) is not str:
        out.append(f"{path}: {value!r} is not a string")
    elif kind == "enum" and value not in field.values:
        out.append(f"{path}: {value!r} is not one of {', '.join(field.values)}")
