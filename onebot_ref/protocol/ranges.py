"""The ranges of the spec's declared types, as annotations of action parameters (BAD-3/4).

api/public.md declares its numbers as "number (int32)" (message_id, age, ...) or
"number (int64)" (user_id, group_id); durations and delays are numbers of seconds or
milliseconds. A value outside the range is bad input, refused with retcode 100 naming the
parameter (protocol/coerce.bind), never an OverflowError from sqlite3 (whose INTEGER is int64),
``time`` or ``threading`` further in. The segment fields (protocol/segments.py) and the
console's fields use the same ranges.

Pure data and one check; no I/O.
"""

from __future__ import annotations

from typing import Any

INT32 = (-2**31, 2**31 - 1)
INT64 = (-2**63, 2**63 - 1)


class Integer:
    """Annotation marker: an integer parameter, refused with 100 outside ``low``..``high``
    (BAD-3). ``below`` / ``above``: what the refusal says was expected; ``rule_below``: the
    rule a value too small breaks (PARAM-15 for ids and durations, BAD-3 otherwise)."""

    low, high = INT64
    rule_below = "BAD-3"
    below = above = f"an integer within int64 ({INT64[0]} to {INT64[1]})"


class Int64(Integer):
    """api/public.md "number (int64)"; a plain ``int`` annotation means the same: int64 is the
    widest number the spec declares, and sqlite3's INTEGER."""


class Int32(Integer):
    """api/public.md "number (int32)"."""

    low, high = INT32
    below = above = f"an integer within int32 ({INT32[0]} to {INT32[1]})"


class Id(Integer):
    """A QQ number or a group number: api/public.md ``user_id`` / ``group_id`` "number (int64)",
    positive. PARAM-15 [LEGACY]: "a user_id/group_id equal to 0 ... → retcode 100" (0 is also
    what legacy reads when the id is not given)."""

    low, high = 1, INT64[1]
    below, above = "a positive id", f"an id within int64 (at most {INT64[1]})"
    rule_below = "PARAM-15"


class MessageId(Integer):
    """api/public.md ``message_id`` "number (int32)", positive (PARAM-15: "message_id <= 0 →
    100"; A-37: onebot_ref's ids fit int32)."""

    low, high = 1, INT32[1]
    below, above = "a positive id", f"a message id within int32 (at most {INT32[1]})"
    rule_below = "PARAM-15"


class FaceId(Integer):
    """message/segment.md QQ 表情 ``id`` "见 QQ 表情 ID 表": a number of that table, 0 or more."""

    low, high = 0, INT32[1]
    below = above = f"a face id from 0 to {INT32[1]}"


class Seconds(Integer):
    """A duration in seconds (set_group_ban ``duration`` "禁言时长，单位秒"): 0 to int32's
    largest, about 68 years, far inside what ``time`` and ``threading`` can wait
    (threading.TIMEOUT_MAX) and the spec's int32 timestamps can say."""

    low, high = 0, INT32[1]
    below, above = "seconds >= 0", f"at most {INT32[1]} seconds"
    rule_below = "PARAM-15"  # "a negative ban duration"


class Milliseconds(Integer):
    """A delay in milliseconds (set_restart ``delay`` "要延迟的毫秒数"): 0 to int32's largest,
    about 24.8 days, the longest JavaScript's setTimeout waits too."""

    low, high = 0, INT32[1]
    below, above = "ms >= 0", f"at most {INT32[1]} ms"


class File:
    """Annotation marker: a media ``file`` (get_image, get_record): a string of at most
    :attr:`longest` characters (PATH_MAX), the size of a name, path or URL. BAD-4: it is looked
    up in the stored messages with a LIKE pattern, which sqlite3 refuses past 50,000 bytes
    ("LIKE or GLOB pattern too complex")."""

    longest = 4096


def out_of_range(annotation: Any, value: Any) -> str | None:
    """What was expected, when a typed value is outside its annotation's range (BAD-3/4)."""
    if annotation is File:
        return None if len(value) <= File.longest else \
            f"at most {File.longest} characters, got {len(value)}"
    if value < annotation.low:
        return f"{annotation.below}, got {value}"
    if value > annotation.high:
        return f"{annotation.above}, got {value}"
    return None


def range_rule(annotation: Any, value: Any) -> str:
    """The rule a value :func:`out_of_range` refuses breaks: BAD-4 for a File, PARAM-15 for an
    id or a duration below its range, BAD-3 for any other integer outside its type."""
    if annotation is File:
        return "BAD-4"
    return annotation.rule_below if value < annotation.low else "BAD-3"
