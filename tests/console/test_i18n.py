"""The console page speaks English and Chinese from one string table per language
(console/static/i18n-en.json, i18n-zh-CN.json): the tables have the same keys and the same
{placeholders}; every key the page uses exists, every key is used; the markup's visible text
all comes from the tables; the command line stays English. (That the switch changes the page:
tests/console/test_browser_sequence.py.)"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "onebot_ref" / "console" / "static"
TABLES = {lang: json.loads((STATIC / f"i18n-{lang}.json").read_text(encoding="utf-8"))
          for lang in ("en", "zh-CN")}
SOURCES = {path.name: path.read_text(encoding="utf-8") for path in
           [*STATIC.glob("*.js"), STATIC / "index.html", STATIC / "sequence.json",
            STATIC.parent / "diagram.py"]}
#: text of the markup that is the same in every language
SAME = {"OB", "onebot_ref", "✕", "⚡"}


def test_both_tables_have_the_same_keys_and_placeholders():
    en, zh = TABLES["en"], TABLES["zh-CN"]
    assert en.keys() == zh.keys(), set(en) ^ set(zh)
    for key in en:
        assert sorted(re.findall(r"\{\w+\}", en[key])) == \
            sorted(re.findall(r"\{\w+\}", zh[key])), key
        assert zh[key].strip() or not en[key].strip(), f"{key}: empty in Chinese"


@pytest.mark.parametrize("lang", TABLES)
def test_every_key_used_exists_and_every_key_is_used(lang):
    table = TABLES[lang]
    asked, used = set(), set()
    for text in SOURCES.values():
        asked |= set(re.findall(r"data-i18n(?:-[a-z-]+)?=\"([\w.]+)\"", text))
        asked |= set(re.findall(r"\bt\(\"([\w.]+)\"", text))  # t("key") in the scripts
        asked |= set(re.findall(r"\btr?\(strings, [\"']([\w.]+)[\"']", text))  # sequence.*
        # keys written elsewhere: a ternary's two keys, sequence.json's lane labels
        used |= {k for k in re.findall(r"[\"']([a-z_]+\.[a-z_0-9]+)[\"']", text) if k in table}
    missing = asked - set(table)
    assert not missing, f"keys used but not in i18n-{lang}.json: {sorted(missing)}"
    unused = set(table) - used - asked
    assert not unused, f"keys of i18n-{lang}.json nothing uses: {sorted(unused)}"


class Texts(HTMLParser):
    """Visible text of the markup, each with whether its element takes it from the table."""

    VOID = {"meta", "link", "input", "br", "img", "hr"}

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip() and self.stack:
            translated = "data-i18n" in self.stack[-1] or any(
                "data-i18n-html" in attrs for attrs in self.stack)
            self.found.append((data.strip(), translated))


def test_the_markup_takes_every_visible_text_from_the_tables():
    html = SOURCES["index.html"]
    parser = Texts()
    parser.feed(html[html.index("<body>"):html.index("<script")])
    loose = [text for text, translated in parser.found if not translated and text not in SAME]
    assert not loose, f"text in index.html without data-i18n: {loose}"
    for attr in ("title", "placeholder", "aria-label"):  # attributes people read, likewise
        for tag in re.findall(rf"<[^>]*\s{attr}=\"[^\"]*\"[^>]*>", html):
            assert f"data-i18n-{attr}=" in tag, tag


def test_the_page_defaults_to_the_browsers_language():
    """i18n.js picks the first of navigator.languages it speaks (the browser test runs it)."""
    script = SOURCES["i18n.js"]
    assert "navigator.languages" in script and "localStorage" in script
    assert re.search(r"/\^zh\\b/i\.test\(name\)\) return \"zh-CN\"", script)


CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")


def test_the_command_line_stays_english(make_runner, capsys, monkeypatch):
    """Only the page has two languages: every verb's --help, the banner and a usage error are
    English whatever the locale (issue 12), so that logs and bug reports read the same."""
    from onebot_ref.cli import build_parser, main

    for name, value in (("LANG", "zh_CN.UTF-8"), ("LANGUAGE", "zh_CN:zh"), ("LC_ALL", "zh_CN.UTF-8")):
        monkeypatch.setenv(name, value)  # argparse's own words go through gettext
    verbs = [name for action in build_parser()._subparsers._group_actions
             for name in action.choices]
    assert {"serve", "tail", "demo"} <= set(verbs)
    for argv in [["--help"], *[[verb, "--help"] for verb in verbs], ["demo", "nope"]]:
        try:
            main(argv)
        except SystemExit:  # --help
            pass
        text = "".join(capsys.readouterr())
        assert text.strip() and not CJK.search(text), (argv, CJK.findall(text))
    with make_runner(use_ws=True, use_console=True) as runner:
        assert "onebot_ref" in runner.banner() and not CJK.search(runner.banner())
