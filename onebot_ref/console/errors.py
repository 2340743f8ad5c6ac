"""The console's one error vocabulary: :class:`BadInput` (a 400 naming the field), and
:func:`cite`, which ends every refusal with the id of the rule it applies (issue 12: error
messages stay English and name the rule id; docs/rules.md "SIM", docs/console-api.md "Errors").
api.py turns a BadInput into its answer in one place; app.py and faults_api.py cite their
404s and 405s with the same function."""

from __future__ import annotations

import re

#: `` (ID)`` or `` (ID, ID)`` ending a message: it names its rule already (BAD-1, FAULT-1, ...).
_CITED = re.compile(r" \([A-Z]+-\d+(?:, [A-Z]+-\d+)*\)$")


def cite(message: str, rule: str) -> str:
    """Issue 12: a refusal ends with the id of the rule it applies (docs/rules.md, SIM-*),
    unless it ends with one already."""
    return message if _CITED.search(message) else f"{message} ({rule})"


class BadInput(Exception):
    """A 400: the message names the field and what was expected; it ends with ``rule`` (a
    body field unknown, missing or of the wrong type, SIM-3, unless the reader says another)."""

    def __init__(self, message: str, rule: str = "SIM-3") -> None:
        super().__init__(message)
        self.rule = rule
