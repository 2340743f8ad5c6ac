"""The repository explains itself: every rule id it cites is in docs/rules.md, and no file points
outside the repository for its rules, contracts or spec.

Ids are cited bare (``HTTP-13``), as a range (``API-8..17``) or a pair (``CFG-10/23``); the
known prefixes are the ``## PREFIX — title`` headings of docs/rules.md. A token shaped like an id
whose prefix is neither known nor in :data:`NOT_RULES` is reported too, so that a new prefix
cannot be cited before its section exists.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "docs" / "rules.md"

SECTION = re.compile(r"^## (?P<prefix>[A-Z]+) — ")
RULE = re.compile(r"^- \*\*(?P<id>(?P<prefix>[A-Z]+)-\d+)\*\* \[(?P<level>[A-Z+]+)\] "
                  r"(?P<text>.+) — (?P<pages>`[^`]+`(?:, `[^`]+`)*)$")
#: A line meant as a rule (the level list above the sections also starts with "- **").
CANDIDATE = re.compile(r"^- \*\*[A-Z]+-\d")
#: A row of a page table: the page path, then its upstream URL ending in that path.
PAGE_ROW = re.compile(r"^\| `(?P<page>[^`]+)` \| https://\S+/(?P=page) \|$")
LEVELS = {"MUST", "LEGACY", "REC", "COMPAT"}
#: The source of a rule about something no spec page covers.
OWN_SOURCE = "onebot_ref"
#: The source of a rule about an interface the repository documents itself (docs/console-api.md).
OWN_DOCUMENT = re.compile(r"^docs/[\w./-]+\.md$")
#: A citation: PREFIX-N, PREFIX-N..M (a range) or PREFIX-N/M (two rules).
CITATION = re.compile(r"\b(?P<prefix>[A-Z]+)-(?P<first>\d+)(?:(?P<sep>\.\.|/)(?P<last>\d+))?\b")
#: Prefixes of tokens shaped like rule ids that are not (UTF-8, SHA-1, RFC-6455, ISO-8601).
NOT_RULES = {"UTF", "SHA", "RFC", "ISO"}
#: Generated files, not written by us (npm's lock file lists third-party paths and licences).
GENERATED = {"package-lock.json"}
#: Names of places outside the repository that no file may cite (built so this file does not).
OUTSIDE = ("shared" + "/", "spec" + "-rules", "sim" + "-contract")


def parse_rules(text: str) -> tuple[dict[str, str], set[str], list[str]]:
    """docs/rules.md -> (id -> level, the known prefixes, format problems)."""
    rules: dict[str, str] = {}
    prefixes: set[str] = set()
    pages = {OWN_SOURCE}
    problems: list[str] = []
    section = None
    for number, line in enumerate(text.splitlines(), 1):
        if row := PAGE_ROW.match(line):
            pages.add(row["page"])
        if heading := SECTION.match(line):
            section = heading["prefix"]
            if section in prefixes:
                problems.append(f"line {number}: a second section for {section}")
            prefixes.add(section)
            continue
        if not CANDIDATE.match(line):
            continue
        rule = RULE.match(line)
        if rule is None:
            problems.append(f"line {number}: not `- **ID** [LEVEL] text — `page``: {line[:60]}")
            continue
        if rule["prefix"] != section:
            problems.append(f"line {number}: {rule['id']} is under section {section}")
        if rule["id"] in rules:
            problems.append(f"line {number}: {rule['id']} appears twice")
        if not set(rule["level"].split("+")) <= LEVELS:
            problems.append(f"line {number}: {rule['id']} has level {rule['level']!r}")
        for page in re.findall(r"`([^`]+)`", rule["pages"]):
            if page not in pages and not (OWN_DOCUMENT.match(page) and (ROOT / page).is_file()):
                problems.append(f"line {number}: {rule['id']} cites {page!r}, not in a page table")
        rules[rule["id"]] = rule["level"]
    return rules, prefixes, problems


def cited_ids(text: str) -> list[tuple[int, str]]:
    """(line number, token) of every id-shaped token in ``text``, ranges and pairs expanded."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in CITATION.finditer(line):
            prefix, first = match["prefix"], int(match["first"])
            numbers = [first]
            if match["sep"] == "..":
                numbers = list(range(first, int(match["last"]) + 1))
            elif match["sep"] == "/":
                numbers.append(int(match["last"]))
            found += [(number, f"{prefix}-{n}") for n in numbers]
    return found


def citation_problems(name: str, text: str, rules: dict[str, str],
                      prefixes: set[str]) -> list[str]:
    """One line per cited id that docs/rules.md lacks, or whose prefix it does not know."""
    problems = []
    for number, token in cited_ids(text):
        prefix = token.split("-")[0]
        if prefix in NOT_RULES:
            continue
        if prefix not in prefixes:
            problems.append(f"{name}:{number}: {token}: unknown prefix {prefix} (add a "
                            f"'## {prefix} — ...' section to docs/rules.md, or, if it is no "
                            f"rule id, add {prefix} to NOT_RULES)")
        elif token not in rules:
            problems.append(f"{name}:{number}: {token} is not in docs/rules.md")
    return problems


def outside_problems(name: str, text: str) -> list[str]:
    return [f"{name}:{number}: cites {place!r}; cite docs/rules.md, docs/console-api.md or "
            f"the pinned upstream spec instead"
            for number, line in enumerate(text.splitlines(), 1)
            for place in OUTSIDE if place in line]


def repository_files() -> list[Path]:
    """The repository's files (git's tracked and not-ignored ones, so a new file counts before
    its first commit), or without git every file outside the usual generated trees."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, check=True, timeout=30).stdout.decode()
        names = [n for n in out.split("\0") if n]
    except (OSError, subprocess.SubprocessError):
        skip = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis"}
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and not skip & set(p.relative_to(ROOT).parts)]
    return [ROOT / n for n in sorted(names)
            if os.path.basename(n) not in GENERATED and (ROOT / n).is_file()]


def _texts():
    for path in repository_files():
        try:
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files cite nothing


@pytest.fixture(scope="module")
def checklist():
    return parse_rules(RULES.read_text(encoding="utf-8"))


def test_rules_md_is_regular(checklist):
    rules, prefixes, problems = checklist
    assert problems == []
    assert len(rules) > 300 and {"HTTP", "PARAM", "A"} <= prefixes


def test_every_cited_rule_id_is_in_rules_md(checklist):
    rules, prefixes, _ = checklist
    problems = [p for name, text in _texts()
                for p in citation_problems(name, text, rules, prefixes)]
    assert problems == [], "\n".join(problems)


def test_no_file_cites_outside_the_repository():
    problems = [p for name, text in _texts() for p in outside_problems(name, text)]
    assert problems == [], "\n".join(problems)


# --- the checker can fail ---------------------------------------------------------------------

SAMPLE_RULES = """\
| `communication/http.md` | https://example.org/spec/communication/http.md |
## HTTP — the HTTP API
- **HTTP-1** [MUST] A server listens. — `communication/http.md`
- **HTTP-2** [MUST+LEGACY] Paths are matched. — `communication/http.md`
"""


def test_the_checker_reports_a_missing_id_and_an_unknown_prefix():
    rules, prefixes, problems = parse_rules(SAMPLE_RULES)
    assert problems == [] and set(rules) == {"HTTP-1", "HTTP-2"} and prefixes == {"HTTP"}
    made_up, new_prefix = "HTTP-" + "7", "ZZQ"  # built, so this file cites neither
    text = (f"# {made_up}: checked first\nok: HTTP-1, HTTP-1/2, UTF-8\n"
            f"ranges: HTTP-1..3\nnew: {new_prefix}-4\n")
    assert citation_problems("x.py", text, rules, prefixes) == [
        f"x.py:1: {made_up} is not in docs/rules.md",
        "x.py:3: HTTP-3 is not in docs/rules.md",
        f"x.py:4: {new_prefix}-4: unknown prefix {new_prefix} (add a '## {new_prefix} — ...' "
        f"section to docs/rules.md, or, if it is no rule id, add {new_prefix} to NOT_RULES)",
    ]


def test_the_checker_reports_a_malformed_rule_line():
    bad = SAMPLE_RULES + "- **HTTP-3** no level here — `communication/http.md`\n" \
                         "- **HTTP-4** [SOMETIMES] odd. — `communication/http.md`\n" \
                         "- **HTTP-5** [MUST] a page nobody listed. — `nowhere.md`\n" \
                         "- **HTTP-1** [MUST] again. — `communication/http.md`\n"
    _, _, problems = parse_rules(bad)
    assert [p.split(":")[0] for p in problems] == ["line 5", "line 6", "line 7", "line 8"]


def test_the_checker_reports_a_citation_outside_the_repository():
    text = "see ../" + OUTSIDE[0] + "reference/x.md\nfine\n"
    assert [p.split(": ")[0] for p in outside_problems("y.md", text)] == ["y.md:1"]
