"""What an expectation asks for, whether a message or a call meets it, and how near a miss is.

Pure functions over the entries of ``GET /sim/messages`` and ``GET /sim/calls`` (no waiting,
no I/O): :mod:`.watch` waits and :mod:`.report` writes the failure text with them.

Matching is partial, as NoneBug users would wish ``should_call_api`` were and as WireMock's
``ignoreExtraElements`` is: the parameters an expectation names must be present and equal, the
others are ignored. Equal means:

- after the server's coercion of the bot's value (``"10001"`` was read as 10001, PARAM-3), and
  an expected ``"10001"`` equals 10001 too;
- for a ``message``, after both are read as segments (api/README.md#参数: "字符串、消息段数组、
  单个消息段对象三种类型"): a CQ string, an array and one segment object saying the same match;
- for a message's text (``expect_message``): the text segments joined, whitespace around
  ignored (a quick reply's ``at_sender`` adds an ``at`` and a space before the text).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..protocol.coerce import parse_bool, parse_int
from ..protocol.message import normalize, to_format
from ..protocol.response import ActionError

KINDS = ("message", "call", "no_message", "bot")


@dataclass(frozen=True)
class Expectation:
    """One ``POST /sim/expect`` body, read (docs/console-api.md)."""

    kind: str
    text: str | None = None
    regex: re.Pattern | None = None
    to_user: int | None = None
    to_group: int | None = None
    action: str | None = None
    params: dict = field(default_factory=dict)
    #: how long to wait for it (no_message: how long nothing may come)
    seconds: float = 5.0

    def describe(self) -> str:
        """"a message from the bot to user 10001 with text 'hi'", "a call of send_msg(...)"."""
        if self.kind == "bot":
            return "a bot to connect (a WebSocket opened, an HTTP API call or an HTTP POST answered)"
        if self.kind == "call":
            shown = ", ".join(f"{k}={shown_value(v)}" for k, v in self.params.items())
            return f"a call of {self.action}({shown})"
        what = "a message from the bot" if self.kind == "message" else "no message from the bot"
        if self.to_user is not None:
            what += f" to user {self.to_user}"
        if self.to_group is not None:
            what += f" in group {self.to_group}"
        if self.text is not None:
            what += f" with text {self.text!r}"
        if self.regex is not None:
            what += f" with text matching /{self.regex.pattern}/"
        return what


# --- messages ---------------------------------------------------------------------------------

def plain_text(message: list[dict]) -> str:
    """The text segments of a /sim/messages entry's message, joined, whitespace around dropped."""
    return "".join(s["data"].get("text", "") for s in message if s["type"] == "text").strip()


def message_misses(exp: Expectation, entry: dict) -> list[str]:
    """Why a bot's message (a /sim/messages entry) does not meet ``exp``: [] when it does."""
    why = []
    if exp.to_user is not None and not (entry["message_type"] == "private"
                                        and entry.get("target_id") == exp.to_user):
        why.append(f"sent {where(entry)}, not to user {exp.to_user}")
    if exp.to_group is not None and not (entry["message_type"] == "group"
                                         and entry.get("group_id") == exp.to_group):
        why.append(f"sent {where(entry)}, not in group {exp.to_group}")
    text = plain_text(entry["message"])
    if exp.text is not None and text != exp.text.strip():
        why.append("text differs:\n" + text_diff(exp.text.strip(), text))
    if exp.regex is not None and not exp.regex.search(text):
        why.append(f"text {text!r} does not match /{exp.regex.pattern}/")
    return why


def where(entry: dict) -> str:
    return (f"in group {entry.get('group_id')}" if entry["message_type"] == "group"
            else f"to user {entry.get('target_id')}")


# --- calls ------------------------------------------------------------------------------------

def call_misses(exp: Expectation, entry: dict) -> list[str]:
    """Why a call (a /sim/calls entry) does not meet ``exp``: [] when it does."""
    why = []
    if entry["action"] != exp.action:
        why.append(f"action {entry['action']}, not {exp.action}")
    actual = entry["params"]
    for name, wanted in exp.params.items():
        if name not in actual or actual[name] is None:
            why.append(f"{name}: not given (expected {shown_value(wanted)})")
        elif name == "message":
            escape = parse_truth(actual.get("auto_escape")) is True
            if _segments(actual[name], escape) != _segments(wanted, False):
                why.append("message differs:\n" + text_diff(_cq(wanted, False),
                                                            _cq(actual[name], escape)))
        elif not equal(wanted, actual[name]):
            why.append(f"{name}: expected {shown_value(wanted)}, got {shown_value(actual[name])}")
    return why


def check_message_param(value: Any) -> str | None:
    """Why an expected ``message`` parameter cannot be a message (None: it can)."""
    try:
        normalize(value)
    except ActionError as err:
        return err.message
    return None


def _segments(value: Any, auto_escape: bool) -> list[dict] | None:
    try:
        return normalize(value, auto_escape)
    except ActionError:
        return None


def _cq(value: Any, auto_escape: bool) -> str:
    """A message as its CQ string, for the diff (what does not read as a message: its JSON)."""
    segments = _segments(value, auto_escape)
    return shown_value(value) if segments is None else str(to_format(segments, "string"))


def parse_truth(value: Any) -> bool | None:
    return parse_bool(value) if isinstance(value, str) else value


def equal(wanted: Any, got: Any) -> bool:
    """``wanted == got``, also across the coercions a bot may rely on: "10001" and 10001,
    "true" and True (PARAM-3, PARAM-5); never 1 and True (PARAM-2)."""
    if isinstance(wanted, bool) or isinstance(got, bool):
        if isinstance(wanted, bool) and isinstance(got, bool):
            return wanted is got
        flag, other = (wanted, got) if isinstance(wanted, bool) else (got, wanted)
        return isinstance(other, str) and parse_bool(other) is flag
    if wanted == got:
        return True
    if isinstance(wanted, str) != isinstance(got, str):
        text, other = (wanted, got) if isinstance(wanted, str) else (got, wanted)
        return isinstance(other, int) and parse_int(text) == other
    return False


# --- near misses and diffs ----------------------------------------------------------------------

def rank_calls(exp: Expectation, entries: list[dict]) -> list[tuple[dict, list[str]]]:
    """The calls nearest to ``exp`` first: the right action with the fewest differences, then
    the actions whose names look alike (a typo), newest first among equals."""
    scored = []
    for entry in entries:
        why = call_misses(exp, entry)
        same = entry["action"] == exp.action
        alike = difflib.SequenceMatcher(None, entry["action"], exp.action or "").ratio()
        if same or alike >= 0.6:
            scored.append(((0 if same else 1, len(why), -alike, -entry["seq"]), entry, why))
    return [(entry, why) for _, entry, why in sorted(scored, key=lambda s: s[0])]


def rank_messages(exp: Expectation, entries: list[dict]) -> list[tuple[dict, list[str]]]:
    """The bot's messages nearest to ``exp`` first (fewest differences, newest first)."""
    scored = [((len(why), -e["seq"]), e, why) for e in entries
              for why in [message_misses(exp, e)]]
    return [(entry, why) for _, entry, why in sorted(scored, key=lambda s: s[0])]


def text_diff(expected: str, actual: str) -> str:
    """An ndiff of two texts, the expected one first (``-``), then the actual (``+``)."""
    lines = difflib.ndiff(expected.splitlines() or [""], actual.splitlines() or [""])
    return "\n".join(line.rstrip("\n") for line in lines)


def shown_value(value: Any, limit: int = 160) -> str:
    """A value as JSON-like text, short enough for one line of a failure message."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
