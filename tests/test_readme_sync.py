"""README.md and README.zh-CN.md stay in step: every section of one is a section of the other
(issue 12).

The pairing is explicit, not guessed from the words: each heading of README.zh-CN.md ends with
an HTML anchor carrying the English heading's GitHub anchor (its slug)::

    README.md            ## Two commands
    README.zh-CN.md      ## 两条命令 <a id="two-commands"></a>

The anchor also makes the English links work in the Chinese file (``[...](#two-commands)``
lands on the Chinese heading). The test fails, naming the heading and the file, when a heading
of one file has no partner in the other, when a Chinese heading has no anchor, when a pair's
levels differ, when the sections come in another order, and when a ``#link`` of either file
points to no heading.

Adding a section (e.g. "Faults", "Milky 1.2"): write ``## Faults`` in README.md and, at the same
place in README.zh-CN.md, ``## 故障注入 <a id="faults"></a>``. The id is :func:`slug` of the English
heading; when it is missing, the failure message prints the line to add. Renaming an English
heading changes its slug: change the Chinese anchor with it (the message names both).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EN, ZH = ROOT / "README.md", ROOT / "README.zh-CN.md"

HEADING = re.compile(r"^(#{1,6}) +(.+?) *$")
ANCHOR = re.compile(r' *<a id="([^"]+)"></a>$')  # at the end of a heading
ANY_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
LINK = re.compile(r"\]\(#([^)\s]+)\)")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def slug(text: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (letters, digits, ``_``,
    ``-`` and spaces kept, CJK included), each space a ``-``."""
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def headings(path: Path) -> list[tuple[int, int, str]]:
    """(line number, level, text) of every heading outside fenced code blocks."""
    out, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            out.append((number, len(match.group(1)), match.group(2)))
    return out


def english() -> list[tuple[int, int, str, str]]:
    """(line, level, heading, anchor) of README.md."""
    return [(n, level, text, slug(text)) for n, level, text in headings(EN)]


def chinese() -> list[tuple[int, int, str, str | None]]:
    """(line, level, heading, the English anchor it carries or None) of README.zh-CN.md."""
    out = []
    for n, level, text in headings(ZH):
        match = ANCHOR.search(text)
        out.append((n, level, ANCHOR.sub("", text), match.group(1) if match else None))
    return out


def test_every_chinese_heading_names_its_english_partner():
    bare = [f"README.zh-CN.md:{n}: heading {'#' * level} {text!r} carries no "
            f'<a id="..."></a> with the anchor of its README.md heading'
            for n, level, text, anchor in chinese() if anchor is None]
    assert not bare, "\n".join(bare)


def test_every_section_is_in_both_files():
    en = {anchor: (n, level, text) for n, level, text, anchor in english()}
    zh = {anchor: (n, level, text) for n, level, text, anchor in chinese() if anchor}
    problems = []
    for anchor, (n, level, text) in en.items():
        if anchor not in zh:
            problems.append(f"README.zh-CN.md lacks the section {text!r} (README.md:{n}): add "
                            f'"{"#" * level} <中文标题> <a id="{anchor}"></a>"')
    for anchor, (n, level, text) in zh.items():
        if anchor not in en:
            problems.append(f"README.md lacks the section of README.zh-CN.md:{n} {text!r} "
                            f"(id {anchor!r}): no heading of README.md has that anchor "
                            f"(renamed? then change the id to the new heading's slug)")
        elif en[anchor][1] != level:
            problems.append(f"README.zh-CN.md:{n} {text!r} is level {level}, its partner "
                            f"README.md:{en[anchor][0]} {en[anchor][2]!r} level {en[anchor][1]}")
    assert not problems, "\n".join(problems)


def test_the_sections_come_in_the_same_order():
    en = [anchor for *_, anchor in english()]
    zh = [anchor for *_, anchor in chinese() if anchor in set(en)]
    common = [anchor for anchor in en if anchor in set(zh)]
    for index, (mine, theirs) in enumerate(zip(common, zh)):
        assert mine == theirs, (f"section {index + 1}: README.md has {mine!r} where "
                                f"README.zh-CN.md has {theirs!r}")


@pytest.mark.parametrize("path", [EN, ZH], ids=["README.md", "README.zh-CN.md"])
def test_every_local_link_lands_on_a_heading(path):
    """The Chinese file's English ``#anchors`` land on its ``<a id>``s."""
    anchors = {slug(text) for *_, text in headings(path)}
    text = path.read_text(encoding="utf-8")
    anchors |= set(ANY_ANCHOR.findall(text))
    broken = sorted(set(LINK.findall(text)) - anchors)
    assert not broken, f"{path.name}: links to no heading: {broken}"


def test_each_links_the_other_at_the_top():
    assert "](README.zh-CN.md)" in "\n".join(EN.read_text(encoding="utf-8").splitlines()[:5])
    assert "](README.md)" in "\n".join(ZH.read_text(encoding="utf-8").splitlines()[:5])


def test_slug_is_githubs():
    assert slug("onebot_ref — the OneBot 11 reference server") == \
        "onebot_ref--the-onebot-11-reference-server"
    assert slug("Layout: the spec page → the file that obeys it") == \
        "layout-the-spec-page--the-file-that-obeys-it"
    assert slug("The library (a public interface: it stays stable)") == \
        "the-library-a-public-interface-it-stays-stable"
    assert slug("Milky 1.2") == "milky-12"
