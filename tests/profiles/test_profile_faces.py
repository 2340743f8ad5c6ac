"""Where the active profile is shown: the banner, ``doctor``, ``GET /sim/world`` (and from
there the console page)."""

from __future__ import annotations

import requests

from helpers import HTTP_TIMEOUT
from onebot_ref.cli import main


def test_the_banner_names_the_profile(make_runner):
    with make_runner() as runner:
        assert "profile: spec (OneBot 11 as written)" in runner.banner().splitlines()
    with make_runner(profile="lagrange") as runner:
        assert "profile: lagrange: answers as Lagrange.OneBot (LagrangeDev/Lagrange.Core v1) " \
               "does where it departs from the spec (11 rows, each marked in the traffic " \
               "journal)" in runner.banner().splitlines()


def test_doctor_names_the_profile(capsys, tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("profile: napcat\nreport_self_message: true\n", encoding="utf-8")
    assert main(["doctor", "-c", str(path)]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines()
                if line.startswith("  profile"))
    assert line.startswith("  profile          napcat: answers as NapCatQQ (NapNeko/NapCatQQ)")
    assert line.endswith("; report_self_message on")


def test_sim_world_has_the_profile_and_its_rows(make_runner):
    with make_runner(use_console=True, profile="go-cqhttp") as runner:
        world = requests.get(runner.url("console") + "/sim/world", timeout=HTTP_TIMEOUT).json()
    profile = world["profile"]
    assert (profile["name"], profile["report_self_message"]) == ("go-cqhttp", False)
    assert profile["snapshot"] == "a5923f179b360331786a6509eb33481e775a7bd1"
    row = next(r for r in profile["rows"] if r["id"] == "go-cqhttp/reverse-auth")
    assert row["what"].startswith("the reverse WebSocket sends `Authorization: Token <token>`")
    assert row["source"].endswith("server/websocket.go#L238-L247")


def test_sim_world_of_the_spec_profile_has_no_rows(make_runner):
    with make_runner(use_console=True) as runner:
        world = requests.get(runner.url("console") + "/sim/world", timeout=HTTP_TIMEOUT).json()
    assert world["profile"]["name"] == "spec" and world["profile"]["rows"] == []
