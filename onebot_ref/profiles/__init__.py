"""Compat profiles: how a real implementation departs from OneBot 11, one row per deviation.

The interface the conformance runner (``onebot_ref.conformance``, ``conform --profile NAME``)
builds on: :func:`get` ``(name) -> Profile``, :data:`NAMES`; a :class:`Profile` has ``name`` and
``rows``, each :class:`Row` an ``id`` (``"napcat/auth-status"``), the conformance ``cases`` (ids
or globs) whose verdict it changes, ``what`` it changes (one line) and its ``source``.

Only the ``spec`` profile (no deviation at all) is defined here yet; the tables of the others
come with the compat-profiles work (issue 9).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One deviation of one implementation from the spec."""

    id: str                 # "<profile>/<what>", e.g. "napcat/auth-status"
    cases: tuple[str, ...]  # conformance case ids or globs whose verdict this row changes
    what: str               # one line: what the implementation does instead
    source: str             # the implementation's file or the issue thread it comes from


@dataclass(frozen=True)
class Profile:
    name: str
    rows: tuple[Row, ...] = ()


#: Every profile name, ``spec`` first (the default).
NAMES = ("spec", "go-cqhttp", "napcat", "llonebot", "lagrange")

_DEFINED = {"spec": Profile("spec")}


def get(name: str) -> Profile:
    """The profile called ``name``; LookupError for a name of :data:`NAMES` whose table does
    not exist yet, or any other name."""
    try:
        return _DEFINED[name]
    except KeyError:
        known = ", ".join(NAMES)
        raise LookupError(f"profile {name!r} is not defined (profiles: {known})") from None
