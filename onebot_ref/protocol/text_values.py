"""The one reading of an integer, a decimal and a boolean written as text: for the actions'
parameters (:mod:`.coerce`, PARAM-3/5), the config (CFG-22), the console and segment fields.
Each answers the value, or None for text that does not spell one."""

from __future__ import annotations

import re

# PARAM-3 [REC] / A-4: an integer string is digits with an optional sign.
_INTEGER = re.compile(r"\s*[+-]?\d+\s*", re.ASCII)  # ASCII: not "١٢", which int() reads

# PARAM-5: "true"/"yes"/"1" → true; "false"/"no"/"0" → false, case-insensitive. message/segment.md
# allows the same spellings for 0/1 segment params: "也可以使用 no 和 yes、false 和 true"
_BOOLEAN_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def parse_int(text: str) -> int | None:
    """The integer ``text`` spells, or None: decimal digits with one optional sign, spaces
    around allowed (``" -42 "``); not ``"+-5"``, ``"1.0"``, ``"1_000"`` or ``"0x10"``."""
    try:  # ValueError: more digits than Python converts (sys.get_int_max_str_digits)
        return int(text) if _INTEGER.fullmatch(text) else None
    except ValueError:
        return None


# Digits, one optional sign and fraction; no exponent, nan, inf or "1_0" (float() takes them).
_DECIMAL = re.compile(r"\s*[+-]?\d{1,300}(?:\.\d{1,300})?\s*", re.ASCII)


def parse_decimal(text: str) -> float | None:
    """The number ``text`` spells as a decimal (``"0.25"``, ``" -3 "``), or None."""
    return float(text) if _DECIMAL.fullmatch(text) else None


def parse_bool(text: str) -> bool | None:
    """The boolean ``text`` spells (true/yes/1, false/no/0, any case, spaces around), or None."""
    return _BOOLEAN_WORDS.get(text.strip().lower())
