"""Every guided demo runs to completion against a real server (real sockets on 127.0.0.1, no
pause between steps), and its journal holds the frames its steps announce: each step's note on
channel ``demo``, then, before the next step's note, a frame for every expectation of the step.
The demo bot uses only the wire (its modules import nothing of the server)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from helpers import runner_config
from onebot_ref import demo as demos
from onebot_ref.cli import main
from onebot_ref.demo.listener import Listener
from onebot_ref.demo.player import play
from onebot_ref.runner import Runner

ROOT = Path(__file__).resolve().parents[2]
RULES = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
PAGES = set(re.findall(r"^\| `([^`]+\.md)` \| https://", RULES, re.M))


def played(name: str, tmp_path) -> tuple:
    demo = demos.get(name)
    listener = Listener(demo.secret).start()
    runner = Runner(runner_config(tmp_path, use_console=True, **demo.config(listener)))
    lines: list[str] = []
    try:
        result = play(demo, runner, listener, step_delay=0, out=lines.append)
        frames = runner.traffic.since(0, 10**6)[0]
    finally:
        runner.stop()
        listener.stop()
    return demo, result, frames, lines


@pytest.mark.parametrize("name", list(demos.DEMOS))
def test_the_demo_runs_and_its_journal_holds_what_its_steps_announce(name, tmp_path):
    demo, result, frames, lines = played(name, tmp_path)
    assert result.ok, result.missing
    notes = [f for f in frames if f["channel"] == "demo"]
    assert notes[0]["data"]["demo"] == name and notes[0]["data"]["bot"].startswith(
        "onebot_ref-demo-bot/")
    assert notes[-1]["data"]["event"] == "done"
    steps = [f for f in notes if "step" in f["data"]]
    assert [f["data"]["step"] for f in steps] == list(range(1, len(demo.steps) + 1))
    bounds = [f["seq"] for f in steps] + [notes[-1]["seq"]]
    for index, (step, note) in enumerate(zip(demo.steps, steps)):
        # the note names the spec page (one docs/rules.md knows) and the rule ids
        assert note["data"]["page"] == step.page in PAGES
        assert note["data"]["rules"] == list(step.rules) and step.rules
        assert f"({step.page}; {', '.join(step.rules)})" in note["verdict"]
        assert note["data"]["expect"] == [e.what for e in step.expect]
        between = [f for f in frames if bounds[index] < f["seq"] < bounds[index + 1]]
        taken: set[int] = set()
        for expect in step.expect:
            match = next((f for f in between if expect.matches(f) and f["seq"] not in taken),
                         None)
            assert match is not None, f"step {index + 1} ({step.title}): {expect.what}"
            taken.add(match["seq"])
    # what was printed: every step with its page and rules, every announced frame ticked
    text = "\n".join(lines)
    for index, step in enumerate(demo.steps, 1):
        assert f"[{index}/{len(demo.steps)}] {step.title}" in text
        assert f"{step.page} · {' '.join(step.rules)}" in text
    assert text.count("    ✓ ") == sum(len(step.expect) for step in demo.steps)


def test_demo_list_and_an_unknown_name(capsys):
    assert main(["demo", "--list"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == list(demos.DEMOS)
    assert main(["demo", "http-api"]) == 2
    assert "no demo 'http-api'; the demos are http, quick-reply" in capsys.readouterr().err


def test_demo_from_the_command_line(capsys):
    code = main(["demo", "http", "--step-delay", "0", "--console-port", "0"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "User-Agent onebot_ref-demo-bot/" in out and "/?view=sequence" in out
    assert "[4/9] No token: 401" in out and "all 17 announced frames seen" in out


def test_a_missing_frame_is_reported_and_fails_the_demo(tmp_path):
    """The player's check can fail: a step announcing a frame that never comes."""
    from dataclasses import replace

    from onebot_ref.demo import player

    demo = demos.get("http")
    wrong = replace(demo.steps[0], expect=(player.Expect("http out: 418", "http", "out",
                                                         {"status": 418}),))
    listener = Listener().start()
    runner = Runner(runner_config(tmp_path, use_console=True, **demo.config(listener)))
    old, player.EXPECT_SECONDS = player.EXPECT_SECONDS, 0.3
    try:
        result = play(replace(demo, steps=(wrong,)), runner, listener, out=lambda line: None)
    finally:
        player.EXPECT_SECONDS = old
        runner.stop()
        listener.stop()
    assert not result.ok and result.missing == [f"{wrong.title}: http out: 418"]


BOT_SIDE = ["wire.py", "listener.py", *sorted(p.name for p in (
    ROOT / "onebot_ref" / "demo").glob("scenarios_*.py"))]


@pytest.mark.parametrize("module", BOT_SIDE)
def test_the_demo_bot_uses_only_the_wire(module):
    """The bot's modules import no part of the server: only the WebSocket seam (to dial and
    to accept), the version, and the demo's own modules."""
    tree = ast.parse((ROOT / "onebot_ref" / "demo" / module).read_text(encoding="utf-8"))
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            inside.add(("." * node.level) + (node.module or ""))
    assert inside <= {"..", "..modes.ws_transport", ".wire", ".player", ".listener"}, inside


def test_demo_modules_stay_small():
    for path in (ROOT / "onebot_ref" / "demo").glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 300, path.name
