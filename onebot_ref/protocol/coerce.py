"""Typed action parameters from strings: the "JSON-in-string coercion" (PARAM-*).

communication/http.md: "参数可能有不同的类型，当用户通过 query 参数或 urlencoded 表单传参，
或在 JSON 中使用字符串作为参数值时，OneBot 实现需要从字符串解析出对应类型的数据。"

An action declares its parameters as an ordinary Python signature::

    def send_private_msg(ctx, user_id: int, message: Message, auto_escape: bool = False): ...

and :func:`call` runs it with the merged request values, typed by :func:`bind`. Supported
annotations: ``int``, :class:`Id` (an integer that must be positive, PARAM-15), ``bool``,
``str``, ``dict`` (a JSON object), :class:`Message`, ``Any`` (passed through untouched) and
``X | None`` (``None`` is then the default when the signature gives none). A parameter without
a default is required (PARAM-14).

:func:`parse_int` and :func:`parse_bool` are the one reading of an integer and of a boolean
written as text; the config (CFG-22) and the console read theirs with them too.

A message parameter is bound to its raw value (a CQ string, a segment array or one segment
object); the action normalises it with ``protocol.message.normalize(value, auto_escape)``,
because how a string is read depends on another parameter (``auto_escape``).

onebot_ref choices where the rules leave room (for the README):

- A value that is given but cannot be read as the declared type fails with retcode 100 naming
  the parameter, also for optional parameters (legacy would quietly use the default, PARAM-3/5):
  a bot developer who sends ``auto_escape=maybe`` wants to hear about it.
- Integers are strict (``^\\s*[+-]?\\d+\\s*$``, A-4); JSON floats and booleans are
  not integers (PARAM-2).
- An id (``user_id``, ``group_id``, ``message_id``) of 0 or less is retcode 100 (PARAM-15),
  checked once every parameter has its type, so a wrong type is reported first.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import types
import typing
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple

from .response import ActionError, Retcode

if TYPE_CHECKING:
    # What an action receives once a marker's parameter is read: a type checker (and an
    # editor) follows `user_id: Id` into the world as the int it is. The markers are for bind.
    Message = str | list | dict
    Id = int
else:
    class Message:
        """Annotation marker: a parameter of the spec's data type ``message``
        (api/README.md#参数)."""

    class Id:
        """Annotation marker: a QQ number or a message id, read as an ``int`` that must be
        positive.

        PARAM-15 [LEGACY]: "a user_id/group_id equal to 0 ... → retcode 100; message_id <= 0 →
        100" (0 is also what legacy reads when the id is not given). QQ numbers and ids are
        positive."""


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
    """A value that is present but not of the declared type; ``bind`` adds the names."""


def _shown(value: Any) -> str:
    """A value as the user sent it, short enough for an error message or a journal line."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# PARAM-3 [REC] / A-4: an integer string is digits with an optional sign.
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")

# PARAM-5: "true"/"yes"/"1" → true; "false"/"no"/"0" → false, case-insensitive. message/segment.md
# allows the same spellings for 0/1 segment params: "也可以使用 no 和 yes、false 和 true"
_BOOLEAN_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def parse_int(text: str) -> int | None:
    """The integer ``text`` spells, or None: decimal digits with one optional sign, spaces
    around allowed (``" -42 "``); not ``"+-5"``, ``"1.0"``, ``"1_000"`` or ``"0x10"``."""
    if not _INTEGER.fullmatch(text):
        return None
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        return None


def parse_bool(text: str) -> bool | None:
    """The boolean ``text`` spells (true/yes/1, false/no/0, any case, spaces around), or None."""
    return _BOOLEAN_WORDS.get(text.strip().lower())


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
    raise _Invalid("an integer")


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
    raise _Invalid("a boolean (true/false, yes/no or 1/0)")


def _to_str(value: Any, from_text: bool) -> tuple[str, bool]:
    if isinstance(value, str):
        return value, False
    # PARAM-6 [REC]: a JSON number given for a string parameter becomes its decimal string.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value), True
    raise _Invalid("a string")


def _to_object(value: Any, from_text: bool) -> tuple[dict, bool]:
    if isinstance(value, dict):
        return value, False
    # PARAM-10: an object parameter given as a string (query, form or JSON string value) is
    # parsed as JSON; only a JSON object is accepted.
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            parsed = None
        if isinstance(parsed, dict):
            return parsed, True
    raise _Invalid("a JSON object")


def _to_message(value: Any, from_text: bool) -> tuple[str | list | dict, bool]:
    # api/README.md: "message 类型的参数允许接受字符串、消息段数组、单个消息段对象三种类型的数据"
    if isinstance(value, str):
        # PARAM-9: from query/form, a value starting with [ or { that is a valid JSON array or
        # object is that array/segment; anything else stays a CQ string. A JSON-body string is
        # always a CQ string (a string is itself a valid message).
        if from_text and value[:1] in ("[", "{"):
            try:
                parsed = json.loads(value)
            except (ValueError, RecursionError):
                parsed = None
            if isinstance(parsed, (list, dict)):
                return parsed, True
        return value, False
    if isinstance(value, (list, dict)):
        return value, False
    # PARAM-8: any other JSON type is no message at all.
    raise _Invalid("a message (a CQ string, an array of segments or one segment object)")


def _as_is(value: Any, from_text: bool) -> tuple[Any, bool]:
    return value, False


_CONVERTERS: dict[Any, Callable[[Any, bool], tuple[Any, bool]]] = {
    int: _to_int,
    Id: _to_int,  # then positive: see bind
    bool: _to_bool,
    str: _to_str,
    dict: _to_object,
    Message: _to_message,
    Any: _as_is,
}

_EXPECTED_WORDS = {int: "an integer", Id: "an integer", bool: "a boolean", str: "a string",
                   dict: "a JSON object", Message: "a message", Any: "a value"}

_REQUIRED = object()


class _Plan(NamedTuple):
    """How to bind one action function, read once from its signature."""

    #: (name, converter, default or _REQUIRED, expected) per parameter after ``ctx``
    parameters: list[tuple[str, Callable, Any, str]]
    #: the parameters annotated :class:`Id`, in signature order
    ids: tuple[str, ...]
    #: ``X | None`` parameters without a default in the signature: None is theirs
    nones: dict[str, None]


@functools.cache
def _plan(fn: Callable) -> _Plan:
    """Read ``fn``'s signature: everything after the first positional parameter (ctx)."""
    hints = typing.get_type_hints(fn)
    parameters, ids, nones = [], [], {}
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
        if annotation not in _CONVERTERS:
            raise TypeError(f"{fn.__qualname__}: parameter {parameter.name!r} has an "
                            f"unsupported annotation {annotation!r}")
        if annotation is Id:
            ids.append(parameter.name)
        parameters.append((parameter.name, _CONVERTERS[annotation], default,
                           _EXPECTED_WORDS[annotation]))
    return _Plan(parameters, tuple(ids), nones)


def bind(fn: Callable, params: Params) -> dict[str, Any]:
    """Keyword arguments for ``fn`` from ``params``: the given parameters, typed (absent ones
    are left to the signature's defaults). Raises ``ActionError(100)`` naming the parameter
    when a required one is missing, a given one has the wrong type, or an id is not positive.
    Unknown parameters are ignored (HTTP-18)."""
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
                                  f"missing parameter '{name}' ({expected})")
            continue
        try:
            kwargs[name], coerced = convert(value, name in text_keys)
        except _Invalid as invalid:
            raise ActionError(Retcode.BAD_PARAMS,
                              f"parameter '{name}': expected {invalid}, got {_shown(value)}") from None
        if coerced:
            params.notes.append(f"coerced {name} from {_shown(value)}")
    for name in plan.ids:
        # PARAM-15: ids are positive (see Id).
        if name in kwargs and kwargs[name] <= 0:
            raise ActionError(Retcode.BAD_PARAMS, f"parameter '{name}': expected a positive "
                                                  f"id, got {kwargs[name]}")
    return kwargs


def call(fn: Callable, ctx: Any, params: Params) -> Any:
    """Run the action ``fn(ctx, ...)`` with its parameters bound from ``params``; an ``X | None``
    parameter the signature gives no default is None when absent (as the annotation says)."""
    plan = _plan(fn)
    kwargs = bind(fn, params)
    return fn(ctx, **(plan.nones | kwargs if plan.nones else kwargs))
