"""What a conformance case is, what it can conclude, and the one registry of every case.

A :class:`Case` names the spec sentence it checks (``page`` and ``quote``, quoted from the pinned
OneBot 11 pages), its ``level`` and the docs/rules.md ids beside it. Its ``check`` talks to the
target through a :class:`~.session.Ctx` and ends in one of three ways: it returns (the target did
what the sentence asks; a string returned is a note for the report), it raises one of the
signals below (:class:`Fail`, :class:`NonStrict`, :class:`Unsupported`, :class:`Skip`,
:class:`TimedOut`), or it raises anything else (the target answered something the check could
not read: a FAIL saying so, never a crash of the runner). :mod:`.execute` turns that into a
:class:`Verdict`, in one place.

Case ids are anchored to the spec text, h2spec's way: ``<page without .md>/<n>`` (the HTTP page's
third case is ``communication/http/3``), and ``api/public/<action>/<n>`` for the actions of
api/public.md. An id never changes meaning and is never reused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .session import Ctx

#: The OneBot 11 commit every quote is taken from (docs/rules.md, "The spec, pinned").
SPEC_REPO = "botuniverse/onebot-11"
SPEC_COMMIT = "d4456ee706f9ada9c2dfde56a2bcfc69752600e4"
SPEC_URL = f"https://github.com/{SPEC_REPO}/blob/{SPEC_COMMIT}/"


class Level(str, Enum):
    """How binding the quoted sentence is. A failed MUST case is FAIL; a failed SHOULD case is
    NON-STRICT (FAIL with ``--strict``); an implementation-defined case is never scored: it
    reports what came back as INFORMATIONAL."""

    MUST = "MUST"
    SHOULD = "SHOULD"
    IMPL = "implementation-defined"


class Verdict(str, Enum):
    PASS = "PASS"
    NON_STRICT = "NON-STRICT"        # an accepted deviation (FAIL with --strict)
    INFORMATIONAL = "INFORMATIONAL"  # implementation-defined: what came back, not scored
    UNSUPPORTED = "UNSUPPORTED"      # the action answers 404 / 1404: kept apart from FAIL
    KNOWN = "KNOWN"                  # a deviation the chosen --profile documents
    FAIL = "FAIL"
    TIMEOUT = "TIMEOUT"              # no answer in time (with the elapsed time): not a FAIL
    SKIPPED = "SKIPPED"              # not run, with the reason


#: The verdicts that make ``conform`` exit non-zero.
FAILING = frozenset({Verdict.FAIL, Verdict.TIMEOUT})
#: What a case documented by a profile row may come out as and still be the documented deviation.
DEVIATIONS = frozenset({Verdict.FAIL, Verdict.NON_STRICT, Verdict.UNSUPPORTED})


class Signal(Exception):
    """How a check ends other than by returning; ``str()`` is the reason shown."""


class Fail(Signal):
    """The target did not do what the sentence asks (NON-STRICT for a SHOULD case)."""


class Unreachable(Fail):
    """Nothing could be checked: the wire failed (no connection, bytes that are not HTTP or
    WebSocket), or what the case needs first could not be learnt (the bot's account). A FAIL
    whatever the level."""


class NonStrict(Signal):
    """An accepted deviation, whatever the level: lowercase ``bearer``, extra envelope keys."""


class Unsupported(Signal):
    """The action under test answered 404 / 1404 (or the retcode 404 some answer with)."""


class Skip(Signal):
    """The case cannot run here: an option is missing, or the target gave nothing to check."""


class TimedOut(Signal):
    """Nothing came in time; ``elapsed`` in seconds. ``unanswered``: a request of the runner's
    went unanswered (False: the runner listened and the target never came, which says nothing
    about whether its API answers)."""

    def __init__(self, what: str, elapsed: float, *, unanswered: bool = True):
        super().__init__(f"{what}: nothing after {elapsed:.2f} s")
        self.elapsed, self.unanswered = elapsed, unanswered


#: What a case may need; without it the case is SKIPPED naming the option.
NEEDS = {
    "http": "--http", "ws": "--ws", "token": "--token", "secret": "--secret",
    "post": "--listen-post", "reverse": "--listen-reverse",
    "user": "--user-id", "group": "--group-id",  # given, not discovered: writes go only there
    "api-ws": "--ws or --listen-reverse",         # a WebSocket that answers API requests
}
_ID = re.compile(r"^[a-z_-]+(?:/[A-Za-z_.-]+)+/\d+$")


@dataclass(frozen=True)
class Case:
    id: str                      # "communication/http/3"
    page: str                    # "communication/http.md", optionally with "#anchor"
    quote: str                   # the sentence, verbatim from the pinned page
    level: Level
    rules: tuple[str, ...]       # docs/rules.md ids
    title: str                   # one line: what is checked
    expected: str                # what the target should do, concretely
    check: Callable[["Ctx"], str | None] = field(compare=False, repr=False)
    needs: frozenset[str] = frozenset()
    destructive: bool = False    # changes state: runs only with --destructive
    late: bool = False           # runs after the others (whole-run observations)
    action: str | None = None    # the action under test: its 404 / 1404 is UNSUPPORTED

    @property
    def url(self) -> str:
        return SPEC_URL + self.page


#: Every case by id, in the order they run (late cases last).
CASES: dict[str, Case] = {}


def case(id: str, page: str, level: Level, rules: tuple[str, ...] | str, title: str, *,
         quote: str, expected: str, needs: tuple[str, ...] | str = ("http",),
         destructive: bool = False, late: bool = False, action: str | None = None
         ) -> Callable[[Callable[["Ctx"], str | None]], Callable[["Ctx"], str | None]]:
    """Register the decorated check as the case ``id``."""
    def register(check: Callable[["Ctx"], str | None]) -> Callable[["Ctx"], str | None]:
        add(Case(id, page, quote, level, _tuple(rules), title, expected, check,
                 frozenset(_tuple(needs)), destructive, late, action))
        return check

    return register


def add(new: Case) -> None:
    """Register one case (cases made in a loop call this directly)."""
    assert _ID.match(new.id), f"case id {new.id!r} is not <page>/<n>"
    assert new.id not in CASES, f"case id {new.id} defined twice"
    assert set(new.needs) <= set(NEEDS), f"{new.id}: unknown needs {set(new.needs) - set(NEEDS)}"
    page = new.page.split("#")[0]
    assert page.endswith(".md") and new.id.startswith(page[:-3] + "/") and \
        page[:-3] in PAGES, f"{new.id}: not an id of its page {new.page!r}"
    CASES[new.id] = new


def _tuple(value: tuple[str, ...] | str) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


#: The spec's own reading order of its pages (README.md's table of contents): cases run page by
#: page in this order, by number within a page, the late ones last.
PAGES = ("communication/README", "communication/http", "communication/http-post",
         "communication/ws", "communication/ws-reverse", "communication/authorization",
         "message/README", "message/string", "message/array", "message/segment", "api/README",
         "api/public", "api/hidden", "event/README", "event/message", "event/notice",
         "event/request", "event/meta")


def _order(c: Case) -> tuple:
    page = c.page.split("#")[0][:-3]
    rest = c.id[len(page) + 1:].split("/")
    return (c.late, PAGES.index(page), *[(0, int(p), "") if p.isdigit() else (1, 0, p)
                                         for p in rest])


def ordered() -> list[Case]:
    """Every case in running order (see :data:`PAGES`)."""
    return sorted(CASES.values(), key=_order)
