"""The case registry itself: ids anchored to their pages, every quote verbatim from the pinned
spec, every rule id in docs/rules.md, the runner a black box, and the verdict rules of
``execute`` (one place) doing what docs/conformance.md says.

The quotes are compared with the spec's own text when ONEBOT11_SPEC names a checkout of
botuniverse/onebot-11 at the commit docs/rules.md pins; without one, with the digest recorded
from it (QUOTES_DIGEST), so a quote edited without the spec at hand fails here.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
from pathlib import Path

import pytest

from onebot_ref import profiles
from onebot_ref.conformance import CASES
from onebot_ref.conformance.execute import CaseResult, _judge, apply_profile
from onebot_ref.conformance.model import (
    PAGES,
    SPEC_COMMIT,
    Case,
    Fail,
    Level,
    NonStrict,
    Skip,
    TimedOut,
    Unreachable,
    Unsupported,
    Verdict,
    ordered,
)
from onebot_ref.conformance.report_text import markdown_rows

ROOT = Path(__file__).resolve().parents[2]
SPEC = Path(os.environ.get("ONEBOT11_SPEC") or "/nonexistent")
#: sha256 (16 hex digits) of every "id\tpage\tquote" line, recorded with ONEBOT11_SPEC set
QUOTES_DIGEST = "98c6eca5ee83349a"


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


def quotes_digest() -> str:
    lines = "\n".join(f"{c.id}\t{c.page}\t{c.quote}" for c in ordered())
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()[:16]


def test_there_are_at_least_120_cases():
    assert len(CASES) >= 120


def test_ids_are_anchored_to_their_page():
    for case in CASES.values():
        page = case.page.split("#")[0][:-3]
        assert page in PAGES and case.id.startswith(page + "/"), case.id
        tail = case.id[len(page) + 1:].split("/")
        assert tail[-1].isdigit(), case.id
        if page == "api/public":
            assert len(tail) == 2, f"{case.id}: api/public/<action>/<n>"
        assert case.quote and case.title and case.expected, case.id


def test_every_rule_id_is_in_the_checklist():
    known = set(re.findall(r"^- \*\*([A-Z]+-\d+)\*\*", (ROOT / "docs" / "rules.md").read_text(
        encoding="utf-8"), re.M))
    for case in CASES.values():
        assert case.rules and set(case.rules) <= known, f"{case.id}: {case.rules}"


def test_the_pinned_commit_is_the_checklists():
    assert SPEC_COMMIT in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def _quotes_not_verbatim() -> list[str]:
    wrong = []
    for case in CASES.values():
        page, _, anchor = case.page.partition("#")
        text = (SPEC / page).read_text(encoding="utf-8")
        if _normal(case.quote) not in _normal(text):
            wrong.append(f"{case.id}: not on {page}: {case.quote}")
        if anchor and f"(#{anchor})" not in text:
            wrong.append(f"{case.id}: {page} has no section #{anchor}")
    return wrong


def test_every_quote_is_verbatim_on_its_page():
    """With a checkout of the spec (ONEBOT11_SPEC) every quote is looked up on its page and the
    digest to record is printed; without one, the quotes must be the ones last checked there
    (QUOTES_DIGEST), so the test never skips."""
    if SPEC.is_dir():
        wrong = _quotes_not_verbatim()
        assert not wrong, "\n".join(wrong)
        print(f"QUOTES_DIGEST = {quotes_digest()!r}")  # to record after the check passed
        return
    assert quotes_digest() == QUOTES_DIGEST, (
        "a quote, page or case changed since the quotes were checked against the spec: run "
        "these tests with ONEBOT11_SPEC=<checkout> and record QUOTES_DIGEST from there")


def test_the_runner_is_a_black_box():
    """It uses the WebSocket seam as a library and the profiles' data, nothing else of
    onebot_ref: it checks any implementation the same way."""
    allowed = {"onebot_ref.__version__", "onebot_ref.profiles", "onebot_ref.modes.ws_transport"}
    package = ROOT / "onebot_ref" / "conformance"
    wrong = []
    for path in package.rglob("*.py"):
        inside = ["onebot_ref", *path.parent.relative_to(package.parent).parts]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = ".".join(inside[:len(inside) - node.level + 1]) if node.level else ""
                module = ".".join(p for p in (base, node.module or "") if p)
                names = [f"{module}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                if name.startswith("onebot_ref") and not name.startswith(
                        "onebot_ref.conformance") and not name.startswith(tuple(allowed)):
                    wrong.append(f"{path.relative_to(ROOT)}: {name}")
    assert not wrong, wrong


def test_docs_list_every_case():
    doc = (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    table = doc[doc.index("## The cases"):]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert rows == markdown_rows(), ("docs/conformance.md's case table is out of date: "
                                     "paste report_text.markdown_rows() there")


# --- the verdict rules ---------------------------------------------------------------------
def a_case(level: Level, ending) -> Case:
    def check(ctx):
        if isinstance(ending, BaseException):
            raise ending
        return ending
    return Case("communication/http/999", "communication/http.md", "q", level, ("HTTP-1",),
                "t", "e", check)


@pytest.mark.parametrize("level, ending, strict, verdict", [
    (Level.MUST, None, False, Verdict.PASS),
    (Level.MUST, Fail("x"), False, Verdict.FAIL),
    (Level.SHOULD, Fail("x"), False, Verdict.NON_STRICT),
    (Level.SHOULD, Fail("x"), True, Verdict.FAIL),
    (Level.IMPL, Fail("x"), False, Verdict.INFORMATIONAL),
    (Level.IMPL, "what came back", False, Verdict.INFORMATIONAL),
    (Level.MUST, NonStrict("x"), False, Verdict.NON_STRICT),
    (Level.MUST, NonStrict("x"), True, Verdict.FAIL),
    (Level.SHOULD, Unreachable("x"), False, Verdict.FAIL),
    (Level.MUST, Unsupported("x"), True, Verdict.UNSUPPORTED),
    (Level.MUST, Skip("x"), False, Verdict.SKIPPED),
    (Level.MUST, TimedOut("x", 1.5), False, Verdict.TIMEOUT),
    (Level.MUST, KeyError("data"), False, Verdict.FAIL),  # garbage: a FAIL, never a crash
])
def test_how_a_check_ends_is_its_verdict(level, ending, strict, verdict):
    assert _judge(a_case(level, ending), None, strict)[0] is verdict


def test_an_informational_case_with_nothing_arriving_stays_informational():
    late = TimedOut("no POST", 3.0, unanswered=False)
    assert _judge(a_case(Level.IMPL, late), None, False)[0] is Verdict.INFORMATIONAL
    assert _judge(a_case(Level.IMPL, TimedOut("x", 1.0)), None, False)[:3:2] == (
        Verdict.TIMEOUT, True)


def test_a_timeout_says_how_long():
    assert "nothing after 1.50 s" in _judge(a_case(Level.MUST, TimedOut("x", 1.5)), None,
                                            False)[1]


@pytest.mark.parametrize("raw, verdict", [
    (Verdict.FAIL, Verdict.KNOWN), (Verdict.NON_STRICT, Verdict.KNOWN),
    (Verdict.UNSUPPORTED, Verdict.KNOWN), (Verdict.PASS, Verdict.FAIL),  # strict xfail
    (Verdict.TIMEOUT, Verdict.TIMEOUT), (Verdict.SKIPPED, Verdict.SKIPPED),
    (Verdict.INFORMATIONAL, Verdict.INFORMATIONAL),
])
@pytest.mark.parametrize("unanswered", [True, False])
def test_a_profile_row_turns_its_deviation_into_known(raw, verdict, unanswered):
    row = profiles.Row("x/status", ("communication/http/99*",), "403 for 401", "x.ts")
    if raw is Verdict.TIMEOUT and not unanswered:  # the target never POSTed or dialled in
        verdict = Verdict.KNOWN
    result = apply_profile(CaseResult(a_case(Level.MUST, None), raw, "why",
                                      unanswered=unanswered), profiles.Profile("x", (row,)))
    assert result.verdict is verdict
    if verdict in (Verdict.KNOWN, Verdict.FAIL):
        assert result.row == "x/status" and "x/status" in result.reason
