"""The vocabulary of the Milky 1.2 IR (``protocol/src/ir.json``) as Python values.

ir.json describes every API's request and response fields and every common struct with one
field shape, ``{fieldType, name, isArray, isOptional, scalarType|values|refStructName,
dataType?, defaultValue?}``; :class:`Field` is that shape. A struct is ``simple`` (a field list,
:class:`Struct`) or a ``union`` (:class:`Union`) of derived types (:class:`Variant`) chosen by a
tag field: ``withData`` unions nest the variant's fields under ``data``
(``{"type": "text", "data": {...}}``, Event's ``{time, self_id, event_type, data}``), ``plain``
unions put them beside the tag (IncomingMessage's ``message_scene``, GroupNotification's
``type``).

Kinds (Field.kind), with the JSON value each accepts, as the 1.2 types generated from the IR
define them (``@saltify/milky-types`` 1.2.2, ``common/src/generator/typescript/zod.ts``; MLK-20):

    uin      scalarType int64 with dataType uin, "QQ 号和群号": an integer 10001..4294967295
    int64    an integer >= 0 (1.1.0: "ZInt32 和 ZInt64 不再有硬性上界，同时有下界 0"); onebot_ref
             bounds it by its declared width, 2**63 - 1 (MLK-21)
    int32    an integer >= 0, at most 2**31 - 1 (MLK-21)
    bool     true or false
    string   a string
    enum     one of ``values``
    ref      the struct named ``ref`` (a key of ``structs.STRUCTS``)

``array``: a JSON array of such values. ``optional`` (isOptional): in a request the field may
be absent or null; in a response it is nullable (compatibility.md: "响应结构体中的字段分两类：可空
（Nullable）字段和不可空（Non-Nullable）字段"). ``default`` (defaultValue): a request field that
is absent or null takes this value. No IR default is null, so ``default=None`` means none.
Pure data; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("uin", "int64", "int32", "bool", "string", "enum", "ref")

#: The integer ranges of the integer kinds (MLK-20/21).
UIN_MIN, UIN_MAX = 10001, 4294967295
INT_RANGES = {"uin": (UIN_MIN, UIN_MAX), "int64": (0, 2**63 - 1), "int32": (0, 2**31 - 1)}

#: Enum value lists the IR repeats, named once.
SCENES = ("friend", "group", "temp")
SEXES = ("male", "female", "unknown")
ROLES = ("owner", "admin", "member")
REQUEST_STATES = ("pending", "accepted", "rejected", "ignored")
REACTION_TYPES = ("face", "emoji")
IMAGE_SUB_TYPES = ("normal", "sticker")
NOTIFICATION_TYPES = ("join_request", "invited_join_request")
PROTOCOL_TYPES = ("windows", "linux", "macos", "android_pad", "android_phone", "ipad", "iphone",
                  "harmony", "watch")


@dataclass(frozen=True)
class Field:
    """One IR field."""

    name: str
    kind: str
    array: bool = False
    optional: bool = False
    default: Any = None
    values: tuple[str, ...] = ()  # enum
    ref: str = ""  # ref: the struct's name

    @property
    def required(self) -> bool:
        """A request field that must be given: neither optional nor defaulted."""
        return not self.optional and self.default is None

    def describe(self) -> str:
        """What the field holds, for error messages: "uin, an integer 10001..4294967295"."""
        if self.kind in INT_RANGES:
            low, high = INT_RANGES[self.kind]
            one = f"{self.kind}, an integer {low}..{high}"
        elif self.kind == "enum":
            one = "one of " + ", ".join(f'"{v}"' for v in self.values)
        elif self.kind == "ref":
            one = f"{self.ref}, an object"
        else:
            one = {"bool": "bool, true or false", "string": "string"}[self.kind]
        return f"an array, each {one}" if self.array else one


@dataclass(frozen=True)
class Struct:
    """A simple struct (structType ``simple``)."""

    name: str
    doc: str  # its IR description
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Variant:
    """One derived type of a union: its own fields (derivingType ``struct``, or a plain union's
    derivedStructs) or another struct's (derivingType ``ref``: Event's message_receive)."""

    tag: str
    doc: str
    fields: tuple[Field, ...] = ()
    ref: str = ""


@dataclass(frozen=True)
class Union:
    """A union struct (structType ``union``)."""

    name: str
    doc: str
    tag: str  # tagFieldName
    with_data: bool  # unionType withData (fields under "data") or plain (beside the tag)
    variants: tuple[Variant, ...]
    base: tuple[Field, ...] = ()  # baseFields, beside the tag (Event's time and self_id)

    def variant(self, tag: Any) -> Variant | None:
        return next((v for v in self.variants if v.tag == tag), None)

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(v.tag for v in self.variants)


@dataclass(frozen=True)
class Api:
    """One IR API: ``POST /api/<name>``. ``inputs`` are its requestFields, ``outputs`` its
    responseFields; ``()`` where the IR has none (the body is then ``{}`` and the answer's
    ``data`` is ``{}``, communication.md)."""

    category: str  # apiCategories[].key
    name: str  # endpoint
    doc: str  # description
    inputs: tuple[Field, ...] = ()
    outputs: tuple[Field, ...] = ()


def _field(kind: str, name: str, *, array: bool = False, optional: bool = False,
           default: Any = None, values: tuple[str, ...] = (), ref: str = "") -> Field:
    return Field(name, kind, array, optional, default, values, ref)


def uin(name: str, **kw: Any) -> Field:
    return _field("uin", name, **kw)


def i64(name: str, **kw: Any) -> Field:
    return _field("int64", name, **kw)


def i32(name: str, **kw: Any) -> Field:
    return _field("int32", name, **kw)


def boolean(name: str, **kw: Any) -> Field:
    return _field("bool", name, **kw)


def string(name: str, **kw: Any) -> Field:
    return _field("string", name, **kw)


def enum(name: str, values: tuple[str, ...], **kw: Any) -> Field:
    return _field("enum", name, values=values, **kw)


def ref(name: str, struct: str, **kw: Any) -> Field:
    return _field("ref", name, ref=struct, **kw)
