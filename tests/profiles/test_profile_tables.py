"""The profile tables themselves: every row well-formed and cited, the settings they build, and
the ``profile`` / ``report_self_message`` config keys."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from onebot_ref import profiles
from onebot_ref.actions.message import GET_MSG_EXTRAS
from onebot_ref.config import ConfigError, from_mapping
from onebot_ref.profiles import NAMES, SPEC, Profile, Row, Settings, build_settings, get

#: Each profile's snapshot: every source of its rows is a file at that commit, or an issue.
SNAPSHOTS = {
    "go-cqhttp": "https://github.com/Mrs4s/go-cqhttp/blob/a5923f179b360331786a6509eb33481e775a7bd1/",
    "napcat": "https://github.com/NapNeko/NapCatQQ/blob/af07479351c5b974e72ae1c7183f2272e79ffc1c/",
    "llonebot": "https://github.com/LLOneBot/LLOneBot/blob/c9bd964df7b9c550b2b94031f65b3207b5c241dd/",
    "lagrange": "https://github.com/LagrangeDev/Lagrange.Core/blob/"
                "e17fe35641d3a1dc9955566fa875232551224441/",
}
PAGE = re.compile(r"\((?:[a-z]+/[A-Za-z-]+\.md|[A-Z]+-\d+)[^)]*\)$")


def all_rows():
    return [pytest.param(row, id=row.id) for name in NAMES for row in get(name).rows]


def test_names_and_the_default():
    assert NAMES == ("spec", "go-cqhttp", "napcat", "llonebot", "lagrange")
    assert from_mapping({}).profile == "spec"
    assert get("spec").rows == () and get("spec").settings is SPEC and SPEC.is_spec


def test_an_unknown_name_is_a_lookup_error():
    with pytest.raises(LookupError, match="go-cqhttp"):
        get("gocq")


@pytest.mark.parametrize("row", all_rows())
def test_every_row_is_cited_and_complete(row):
    name = row.id.split("/")[0]
    assert row.source.startswith(SNAPSHOTS[name]) and "#L" in row.source, row.source
    assert row.what and "\n" not in row.what and row.verified and row.values
    assert isinstance(row.cases, tuple)
    # the journal's "where the spec says ..." names its page or rule at the end
    assert PAGE.search(row.spec), row.spec


@pytest.mark.parametrize("name", NAMES[1:])
def test_a_profile_is_one_module_with_one_table(name):
    module = __import__(f"onebot_ref.profiles.{name.replace('-', '_')}", fromlist=["ROWS"])
    assert module.PROFILE is get(name) and module.PROFILE.rows is module.ROWS
    assert len({row.id for row in module.ROWS}) == len(module.ROWS)
    assert not get(name).settings.is_spec and get(name).settings.profile == name


def test_the_settings_every_field_of_which_a_row_sets_exist_and_get_msg_keys_are_known():
    fields = {f.name for f in dataclasses.fields(Settings)}
    for name in NAMES:
        settings = get(name).settings
        assert set(settings.spec_says) <= fields
        assert set(settings.get_msg_add) <= set(GET_MSG_EXTRAS)


@pytest.mark.parametrize("rows, problem", [
    ((Row("x/a", (), "w", "s", {"nope": 1}, "the spec (api/README.md)"),), "no Settings field"),
    ((Row("x/a", (), "w", "s", {"echo": "often"}, "the spec (api/README.md)"),), "one of"),
    ((Row("x/a", (), "w", "s", {"echo": "always"}, "the spec (api/README.md)"),
      Row("x/b", (), "w", "s", {"echo": "always"}, "the spec (api/README.md)")), "already set"),
    ((Row("x/a", (), "w", "s", {"echo": "always"}),), "what the spec says"),
    ((Row("y/a", (), "w", "s", {"echo": "always"}, "the spec (api/README.md)"),), "start with"),
])
def test_a_bad_table_is_refused_when_built(rows, problem):
    with pytest.raises(ValueError, match=problem):
        build_settings("x", rows)


def test_the_mark_the_journal_carries():
    settings = get("napcat").settings
    assert settings.mark("auth_missing_status", "403") == \
        "profile napcat: 403 where the spec says 401 (communication/http.md)"
    assert Profile("x").settings is SPEC


@pytest.mark.parametrize("mapping, problem", [
    ({"profile": "gocqhttp"}, "profile: expected one of spec, go-cqhttp, napcat, llonebot, "
                              "lagrange, got 'gocqhttp' (did you mean 'go-cqhttp'?)"),
    ({"report_self_message": True}, "report_self_message: profile spec reports no events"),
    ({"report_self_message": "maybe"}, "report_self_message: expected a boolean"),
])
def test_bad_profile_keys_name_the_key(mapping, problem):
    with pytest.raises(ConfigError) as info:
        from_mapping(mapping)
    assert any(p.startswith(problem) for p in info.value.problems), info.value.problems


@pytest.mark.parametrize("name", NAMES[1:])
def test_report_self_message_with_a_profile_that_has_self_messages(name):
    assert from_mapping({"profile": name, "report_self_message": True}).report_self_message


def test_settings_of_a_config_without_the_key_is_the_spec():
    assert profiles.settings_of(object()) is SPEC


def test_the_readme_table_is_the_tables():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Compat profiles"):]
    section = section[:section.index("\n## ")]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows == profiles.markdown_rows(), \
        "README's profile table is out of date: paste profiles.markdown_rows() there"
