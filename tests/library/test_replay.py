"""Record and replay (onebot_ref/console/session.py, onebot_ref/testing/replay.py): a
conversation recorded once is played again against the bot, and a change in the bot's calls
(action, params; message_id, time, echo, flag, seq ignored) fails with a diff."""

from __future__ import annotations

import pytest
import requests
import yaml

from onebot_ref.console.session import SessionError
from onebot_ref.testing import serve
from scripted_bot import ScriptedBot


def record_conversation(path, style: str = "string") -> list[dict]:
    with serve() as ob, ScriptedBot(ob.ws_url, style=style):
        ob.wait_for_bot()
        requests.get(ob.http_url + "/get_login_info", timeout=5)  # before record(): left out
        ob.record()
        ob.say(10001, "/echo hi")
        ob.expect_message("hi")
        ob.say(10002, "/ban 10003", group_id=20001)
        ob.expect_message("banned 10003")
        flag = ob.event("friend_request", user_id=10009, comment="hi")["flag"]
        ob.expect_call("set_friend_add_request", flag=flag)
        ob.say(10001, "nothing to answer")
        return ob.save(path)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    path = tmp_path_factory.mktemp("session") / "session.yaml"
    record_conversation(path)
    return path


def test_save_writes_each_injection_with_the_calls_after_it(recorded):
    data = yaml.safe_load(recorded.read_text(encoding="utf-8"))
    assert data["onebot_ref_session"] == 1
    steps = data["steps"]
    assert [next(iter(s)) for s in steps] == ["private_message", "group_message", "event",
                                              "private_message"]
    assert steps[0]["private_message"] == {"user_id": 10001, "message": "/echo hi"}
    assert [[c["action"] for c in s["calls"]] for s in steps] == [
        ["send_msg"], ["set_group_ban", "send_msg"], ["set_friend_add_request"], []]
    ban = steps[1]["calls"][0]
    assert ban["params"] == {"group_id": 20001, "user_id": 10003, "duration": 600}
    assert ban["channel"] == "ws" and ban["response"]["status"] == "ok"


@pytest.mark.parametrize("style", ["string", "array"])
def test_replay_against_the_same_bot_passes(recorded, style):
    """A bot that now sends arrays where it sent CQ strings says the same thing."""
    with serve() as ob, ScriptedBot(ob.ws_url, style=style):
        ob.wait_for_bot()
        played = ob.replay(recorded, settle=0.1)
    assert [len(s["calls"]) for s in played] == [1, 2, 1, 0]


def test_a_changed_answer_fails_with_a_diff_of_that_step(recorded, tmp_path):
    data = yaml.safe_load(recorded.read_text(encoding="utf-8"))
    data["steps"][1]["calls"][1]["params"]["message"] = "banned 10003 for good"
    data["steps"][0]["calls"].append({"action": "delete_msg", "params": {"message_id": 1}})
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with serve() as ob, ScriptedBot(ob.ws_url):
        ob.wait_for_bot()
        with pytest.raises(AssertionError) as info:
            ob.replay(changed, settle=0.1, timeout=0.5)
        text = str(info.value)
    lines = text.splitlines()
    assert lines[0] == (f"replay of {changed}: the bot's calls differ in 2 of 4 step(s) "
                        "(ignoring message_id, time, echo, flag, seq)")
    assert lines[1] == 'step 1: private_message from 10001: "/echo hi"'
    assert '  -delete_msg {}' in lines
    assert 'step 2: group_message from 10002 in 20001: "/ban 10003"' in lines
    assert '  -send_msg {"group_id": 20001, "message": "banned 10003 for good", ' \
           '"message_type": "group"}' in lines
    assert '  +send_msg {"group_id": 20001, "message": "banned 10003", ' \
           '"message_type": "group"}' in lines
    assert '   set_group_ban {"duration": 600, "group_id": 20001, "user_id": 10003}' in lines


def test_ignore_is_configurable(recorded, tmp_path):
    data = yaml.safe_load(recorded.read_text(encoding="utf-8"))
    data["steps"][1]["calls"][0]["params"]["duration"] = 60
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data), encoding="utf-8")
    with serve() as ob, ScriptedBot(ob.ws_url):
        ob.wait_for_bot()
        ob.replay(changed, settle=0.1, ignore=("duration", "flag"))
        with pytest.raises(ValueError, match=r"step 3 \(event request friend\): the console "
                                             r"refused it: user_id: 10009 is already a friend"):
            ob.replay(changed, settle=0.1)  # the world is no longer the recorded one
    with serve() as ob, ScriptedBot(ob.ws_url):
        ob.wait_for_bot()
        with pytest.raises(AssertionError, match="ignoring nothing"):
            ob.replay(changed, settle=0.1, ignore=())


@pytest.mark.parametrize("text, error", [
    ("just: text\n", "not an onebot_ref session file"),
    ("onebot_ref_session: 1\nsteps: {}\n", "steps: expected a list"),
    ("onebot_ref_session: 1\nsteps:\n- calls: []\n", "steps[0]: expected one of"),
    ("onebot_ref_session: 1\nsteps:\n- event: {post_type: notice}\n  call: []\n",
     "steps[0]: unknown key 'call'"),
    ("onebot_ref_session: 1\nsteps:\n- event: {}\n  calls: [1]\n", "steps[0].calls: expected"),
    ("onebot_ref_session: [\n", "not valid YAML"),
])
def test_a_bad_session_file_names_the_problem(quiet_server, tmp_path, text, error):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SessionError, match=error.replace("[", r"\[").replace("]", r"\]")):
        quiet_server.replay(path)


@pytest.fixture(scope="module")
def quiet_server():
    with serve(use_http=False, use_ws=False) as ob:
        yield ob
