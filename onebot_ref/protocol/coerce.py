"""Typed action parameters from strings: the "JSON-in-string coercion" (PARAM-*).

communication/http.md: "参数可能有不同的类型，当用户通过 query 参数或 urlencoded 表单传参，
或在 JSON 中使用字符串作为参数值时，OneBot 实现需要从字符串解析出对应类型的数据。"

An action declares its parameters as an ordinary Python signature::

    def send_private_msg(ctx, user_id: int, message: Message, auto_escape: bool = False): ...

and :func:`call` runs it with the merged request values, typed by :func:`bind`. Annotations:
``bool``, ``str``, ``dict`` (a JSON object), :class:`Message`, ``Any`` (untouched), ``X | None``
(None is then the default when the signature gives none), and those of protocol/ranges.py
(BAD-3/4): the integers of the spec's types (``int`` = :class:`Int64`, :class:`Int32`,
:class:`Id`, :class:`MessageId`, :class:`Seconds`, :class:`Milliseconds`) and :class:`File`.
A parameter without a default is required (PARAM-14). :func:`parse_int`,
:func:`parse_decimal` and :func:`parse_bool` (from :mod:`.text_values`, named here too) are the
one reading of an integer, a decimal and a boolean written as text.

onebot_ref choices where the rules leave room (for the README):

- A value given but unreadable as its type fails with retcode 100 naming the parameter, also
  when optional (legacy uses the default, PARAM-3/5): ``auto_escape=maybe`` deserves an answer.
- Integers are strict (``^\\s*[+-]?\\d+\\s*$``, ASCII, A-4); floats and booleans are not (PARAM-2).
- An id of 0 or less is retcode 100 (PARAM-15), and so is any integer outside its spec type
  or a :class:`File` too long (BAD-3/4), checked once every parameter has its type (a wrong
  type is reported first): nothing out of range reaches sqlite3, ``time`` or ``threading``.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple

from . import wire
from .ranges import Integer, out_of_range, range_rule
from .response import ActionError, Retcode
from .text_values import parse_bool, parse_decimal, parse_int

__all__ = ["File", "Id", "Int32", "Int64", "Integer", "Message", "MessageId", "Milliseconds",
           "Params", "Seconds", "bind", "call", "parse_bool", "parse_decimal", "parse_int"]

if TYPE_CHECKING:
    # What an action receives once a marker's parameter is read: a type checker (and an
    # editor) follows `user_id: Id` into the world as the int it is. The markers are for bind.
    Message = str | list | dict
    Id = Int32 = Int64 = MessageId = Seconds = Milliseconds = int
    File = str
else:
    from .ranges import File, Id, Int32, Int64, MessageId, Milliseconds, Seconds

    class Message:
        """Annotation marker: a parameter of the spec's type ``message`` (api/README.md#参数)."""


class Params:
    """The merged parameters of one action call.

    ``values``: name → value as decoded from the wire (JSON values, or strings from text).
    ``text_keys``: names whose value arrived as text (HTTP query or urlencoded form); only
    they get the JSON-in-string reading for messages (PARAM-9).
    ``notes``: one line per coercion, for the traffic journal (``coerced user_id from "10001"``).
    """

    __slots__ = ("values", "text_keys", "notes")

    def __init__(self, values: dict, text_keys: Iterable[str] = ()):
        self.values = values
        self.text_keys = text_keys if isinstance(text_keys, (set, frozenset)) else frozenset(text_keys)
        self.notes: list[str] = []

    def get(self, name: str, default: Any = None) -> Any:
        """The raw value, ``None`` (JSON null) counting as not given (PARAM-13)."""
        value = self.values.get(name)
        return default if value is None else value

    def __repr__(self) -> str:
        return f"Params({self.values!r}, text_keys={sorted(self.text_keys)!r})"


class _Invalid(Exception):
    """A value that is present but not of the declared type: what was expected and the rule
    that says so (``PARAM-3``); ``bind`` adds the names."""

    def __init__(self, expected: str, rule: str):
        super().__init__(expected)
        self.rule = rule


def _shown(value: Any) -> str:
    """A value as the user sent it, short enough for an error message or a journal line."""
    try:
        text = wire.dumps(value)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _to_int(value: Any, from_text: bool) -> tuple[int, bool]:
    """(value, coerced?) for a ``number`` parameter."""
    # PARAM-2: only a JSON integer is an integer; a float or a boolean is not.
    if isinstance(value, int) and not isinstance(value, bool):
        return value, False
    # PARAM-1/3: a number may arrive as a string (query, form or a JSON string value).
    if isinstance(value, str):
        number = parse_int(value)
        if number is not None:
            return number, True
    raise _Invalid("an integer", "PARAM-3" if isinstance(value, str) else "PARAM-2")


def _to_bool(value: Any, from_text: bool) -> tuple[bool, bool]:
    if isinstance(value, bool):
        return value, False
    # PARAM-4 [REC]: JSON 0 and 1 are accepted as booleans (go-cqhttp and most SDKs do).
    if isinstance(value, int) and value in (0, 1):
        return bool(value), True
    if isinstance(value, str):
        word = parse_bool(value)
        if word is not None:
            return word, True
    raise _Invalid("a boolean (true/false, yes/no or 1/0)",
                   "PARAM-5" if isinstance(value, str) else "PARAM-4")


def _to_str(value: Any, from_text: bool) -> tuple[str, bool]:
    if isinstance(value, str):
        return value, False
    # PARAM-6 [REC]: a JSON number given for a string parameter becomes its decimal string.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value), True
    raise _Invalid("a string", "PARAM-6")


def _to_object(value: Any, from_text: bool) -> tuple[dict, bool]:
    if isinstance(value, dict):
        return value, False
    # PARAM-10: an object parameter given as a string (query, form or JSON string value) is
    # parsed as JSON; only a JSON object is accepted.
    if isinstance(value, str):
        try:
            parsed = wire.loads(value)  # BAD-2: strict JSON here too
        except wire.WireError:
            parsed = None
        if isinstance(parsed, dict):
            return parsed, True
    raise _Invalid("a JSON object", "PARAM-10")


def _to_message(value: Any, from_text: bool) -> tuple[str | list | dict, bool]:
    """The raw message (the action normalises it: how a string reads depends on auto_escape)."""
    # api/README.md: "message 类型的参数允许接受字符串、消息段数组、单个消息段对象三种类型的数据"
    if isinstance(value, str):
        # PARAM-9: from query/form, a value starting with [ or { that is a valid JSON array or
        # object is that array/segment; anything else stays a CQ string. A JSON-body string is
        # always a CQ string (a string is itself a valid message).
        if from_text and value[:1] in ("[", "{"):
            try:
                parsed = wire.loads(value)  # BAD-2: not strict JSON: a CQ string
            except wire.WireError:
                parsed = None
            if isinstance(parsed, (list, dict)):
                return parsed, True
        return value, False
    if isinstance(value, (list, dict)):
        return value, False
    # PARAM-8: any other JSON type is no message at all.
    raise _Invalid("a message (a CQ string, an array of segments or one segment object)",
                   "PARAM-8")


def _as_is(value: Any, from_text: bool) -> tuple[Any, bool]:
    return value, False


_CONVERTERS: dict[Any, Callable[[Any, bool], tuple[Any, bool]]] = {
    Integer: _to_int,  # then in range: see bind
    bool: _to_bool,
    str: _to_str,
    File: _to_str,  # then short enough: see bind
    dict: _to_object,
    Message: _to_message,
    Any: _as_is,
}

_EXPECTED_WORDS = {Integer: "an integer", bool: "a boolean", str: "a string", File: "a string",
                   dict: "a JSON object", Message: "a message", Any: "a value"}
_REQUIRED = object()


class _Plan(NamedTuple):
    """How to bind one action function, read once from its signature."""

    #: (name, converter, default or _REQUIRED, expected) per parameter after ``ctx``
    parameters: list[tuple[str, Callable, Any, str]]
    #: (name, annotation) of the parameters with a range (integers, File), in signature order
    ranges: tuple[tuple[str, Any], ...]
    #: ``X | None`` parameters without a default in the signature: None is theirs
    nones: dict[str, None]


@functools.cache
def _plan(fn: Callable) -> _Plan:
    """Read ``fn``'s signature: everything after the first positional parameter (ctx)."""
    hints = typing.get_type_hints(fn)
    parameters, ranges, nones = [], [], {}
    for parameter in list(inspect.signature(fn).parameters.values())[1:]:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        annotation = hints.get(parameter.name, Any)
        default = _REQUIRED if parameter.default is parameter.empty else parameter.default
        # `X | None`: the parameter may be absent; None is its default unless one is given.
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                raise TypeError(f"{fn.__qualname__}: parameter {parameter.name!r} has an "
                                f"unsupported annotation {annotation!r}")
            annotation = members[0]
            if default is _REQUIRED:
                default = nones[parameter.name] = None
        if annotation is int:
            annotation = Int64
        kind = Integer if isinstance(annotation, type) and issubclass(annotation, Integer) \
            else annotation
        if kind not in _CONVERTERS:
            raise TypeError(f"{fn.__qualname__}: parameter {parameter.name!r} has an "
                            f"unsupported annotation {annotation!r}")
        if kind in (Integer, File):
            ranges.append((parameter.name, annotation))
        parameters.append((parameter.name, _CONVERTERS[kind], default, _EXPECTED_WORDS[kind]))
    return _Plan(parameters, tuple(ranges), nones)


def bind(fn: Callable, params: Params) -> dict[str, Any]:
    """Keyword arguments for ``fn`` from ``params``: the given parameters, typed (absent ones
    are left to the signature's defaults). Raises ``ActionError(100)`` naming the parameter
    when a required one is missing, a given one has the wrong type, or a value is outside the
    range of its type (an id that is not positive, BAD-3/4), the message ending with the rule
    it applies (``(PARAM-14)``). Unknown parameters are ignored (HTTP-18)."""
    plan = _plan(fn)
    values = params.values
    text_keys = params.text_keys
    kwargs = {}
    for name, convert, default, expected in plan.parameters:
        value = values.get(name)
        # PARAM-13: JSON null counts as not given.
        if value is None:
            # PARAM-14: "没有给出默认值的参数均为必填项" (legacy API docs) → retcode 100.
            if default is _REQUIRED:
                raise ActionError(Retcode.BAD_PARAMS,
                                  f"missing parameter '{name}' ({expected}) (PARAM-14)")
            continue
        try:
            kwargs[name], coerced = convert(value, name in text_keys)
        except _Invalid as invalid:
            raise ActionError(Retcode.BAD_PARAMS, f"parameter '{name}': expected {invalid}, got "
                                                  f"{_shown(value)} ({invalid.rule})") from None
        if coerced:
            params.notes.append(f"coerced {name} from {_shown(value)}")
    for name, annotation in plan.ranges:
        # PARAM-15: ids are positive; BAD-3: every integer within its spec type; BAD-4: File.
        problem = out_of_range(annotation, kwargs[name]) if name in kwargs else None
        if problem is not None:
            rule = range_rule(annotation, kwargs[name])
            raise ActionError(Retcode.BAD_PARAMS, f"parameter '{name}': expected {problem} ({rule})")
    return kwargs


def call(fn: Callable, ctx: Any, params: Params) -> Any:
    """Run the action ``fn(ctx, ...)`` with its parameters bound from ``params``; an ``X | None``
    parameter the signature gives no default is None when absent (as the annotation says)."""
    plan = _plan(fn)
    kwargs = bind(fn, params)
    return fn(ctx, **(plan.nones | kwargs if plan.nones else kwargs))
