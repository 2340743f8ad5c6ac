"""Compat profiles: how a real implementation departs from OneBot 11, one row per deviation.

``profile: go-cqhttp`` (config) makes onebot_ref answer as go-cqhttp does where go-cqhttp
departs from the spec, so a bot can be tried against its deployment target's quirks; ``spec``
(the default) changes nothing. Each profile is one module holding one table, :data:`ROWS`, a
:class:`Row` per deviation, citing the implementation's file at a pinned commit (or the issue
thread) it comes from:

    spec.py  go_cqhttp.py  napcat.py  llonebot.py  lagrange.py

A row sets fields of :class:`~.settings.Settings` (its ``values``); the places where the spec
behaviour is decided read those fields, never the profile's name, and mark in the traffic
journal each frame a field changed (``profile napcat: 403 where the spec says 401
(communication/http.md)``).

The interface the conformance runner (``conform --profile NAME``) builds on: :func:`get`
``(name) -> Profile`` and :data:`NAMES`; a :class:`Profile` has ``name`` and ``rows``, each row
an ``id`` (``"napcat/auth-status"``), the conformance ``cases`` (ids or globs) whose verdict it
changes, ``what`` it changes (one line) and its ``source``.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
from dataclasses import dataclass, field
from typing import Any, Mapping

from .settings import CHOICES, SPEC, Settings

__all__ = ["NAMES", "Profile", "Row", "SPEC", "Settings", "get"]


@dataclass(frozen=True)
class Row:
    """One deviation of one implementation from the spec."""

    id: str                 # "<profile>/<what>", e.g. "napcat/auth-status"
    cases: tuple[str, ...]  # conformance case ids or globs whose verdict this row changes
    what: str               # one line: what the implementation does instead
    source: str             # the implementation's file (at the pinned commit) or issue thread
    #: the Settings fields the row sets, and their values: what the decision points read
    values: Mapping[str, Any] = field(default_factory=dict)
    #: what the spec says instead, with its page: the journal's "where the spec says ..."
    spec: str = ""
    #: what was read in the source to confirm the row
    verified: str = ""


@dataclass(frozen=True)
class Profile:
    """An implementation's rows, and the :class:`Settings` they make."""

    name: str
    rows: tuple[Row, ...] = ()
    #: the implementation and the snapshot its rows were read at
    implementation: str = ""
    snapshot: str = ""
    settings: Settings = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", build_settings(self.name, self.rows))

    @property
    def summary(self) -> str:
        """One line for the banner and ``doctor``."""
        if not self.rows:
            return f"{self.name} (OneBot 11 as written)"
        return (f"{self.name}: answers as {self.implementation} does where it departs from "
                f"the spec ({len(self.rows)} rows, each marked in the traffic journal)")

    def view(self) -> dict:
        """The profile as ``GET /sim/world`` shows it (docs/console-api.md)."""
        return {"name": self.name, "implementation": self.implementation,
                "snapshot": self.snapshot,
                "rows": [{"id": row.id, "what": row.what, "source": row.source}
                         for row in self.rows]}


def build_settings(name: str, rows: tuple[Row, ...]) -> Settings:
    """The spec's settings with every row's values applied (a row without values documents
    and changes nothing); ValueError for a row that names no field, sets a field another row
    set, gives a word not among a field's choices, or lacks what the journal needs (its
    ``spec``)."""
    known = {f.name for f in dataclasses.fields(Settings)} - {"profile", "spec_says"}
    values: dict[str, Any] = {}
    spec_says: dict[str, str] = {}
    for row in rows:
        if not row.id.startswith(f"{name}/"):
            raise ValueError(f"row {row.id}: the id must start with {name}/")
        if row.values and not row.spec:
            raise ValueError(f"row {row.id}: needs what the spec says (the journal cites it)")
        for key, value in row.values.items():
            if key not in known:
                raise ValueError(f"row {row.id}: {key} is no Settings field")
            if key in values:
                raise ValueError(f"row {row.id}: {key} is already set by another row")
            if key in CHOICES and value not in CHOICES[key]:
                raise ValueError(f"row {row.id}: {key} must be one of {CHOICES[key]}")
            values[key], spec_says[key] = value, row.spec
    if not values:
        return SPEC
    return dataclasses.replace(SPEC, profile=name, spec_says=spec_says, **values)


#: Every profile name, ``spec`` first (the default), and the module holding its table.
NAMES = ("spec", "go-cqhttp", "napcat", "llonebot", "lagrange")
_MODULES = {name: name.replace("-", "_") for name in NAMES}
_LOADED: dict[str, Profile] = {}


def get(name: str) -> Profile:
    """The profile called ``name`` (one of :data:`NAMES`); LookupError for any other name."""
    profile = _LOADED.get(name)
    if profile is None:
        if name not in _MODULES:
            raise LookupError(f"profile {name!r} is not defined (profiles: {', '.join(NAMES)})")
        module = importlib.import_module(f".{_MODULES[name]}", __name__)
        profile = _LOADED[name] = module.PROFILE
    return profile


def config_problems(config: Any) -> list[str]:
    """What is wrong with the config's ``profile`` and ``report_self_message`` (the profiles
    own what a valid profile is, as the world owns its section), one line per problem."""
    if config.profile not in NAMES:
        close = difflib.get_close_matches(str(config.profile), NAMES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return [f"profile: expected one of {', '.join(NAMES)}, got {config.profile!r}{hint}"]
    if config.report_self_message and get(config.profile).settings.self_message_post_type is None:
        return [f"report_self_message: profile {config.profile} reports no events for the bot's "
                "own messages (the spec has none); pick go-cqhttp, napcat, llonebot or lagrange"]
    return []


def view(config: Any) -> dict:
    """The config's profile as ``GET /sim/world`` shows it, with ``report_self_message``."""
    return dict(get(config.profile).view(), report_self_message=config.report_self_message)


def settings_of(config: Any) -> Settings:
    """The settings of ``config.profile`` (``spec`` for a config without the key)."""
    return get(getattr(config, "profile", "spec")).settings


def markdown_rows() -> list[str]:
    """The README's table of every profile's rows: id, what it changes, its source (a link
    named by the file and lines), the conformance cases it makes KNOWN."""
    lines = []
    for name in NAMES:
        for row in get(name).rows:
            path = row.source.split("/blob/", 1)[-1].split("/", 1)[-1]
            shown = path.removeprefix("packages/napcat-onebot/").removeprefix("Lagrange.OneBot/")
            cases = ", ".join(f"`{case}`" for case in row.cases) or "none"
            lines.append(f"| `{row.id}` | {row.what} | [{shown}]({row.source}) | {cases} |")
    return lines
