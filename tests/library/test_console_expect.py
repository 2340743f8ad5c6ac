"""The language-neutral face of the expectations (docs/console-api.md, "Testing a bot"):
POST /sim/expect, GET /sim/calls, GET /sim/session, GET|POST /sim/clock, and the CLI verbs
``expect`` (exit 0 met, 1 not met, 2 usage) and ``record``, over real sockets."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest
import requests
import yaml

from onebot_ref.cli import main
from onebot_ref.testing import serve
from scripted_bot import ScriptedBot

TIMEOUT = 10


@pytest.fixture(scope="module")
def open_ob():
    with serve() as server, ScriptedBot(server.ws_url):
        server.wait_for_bot(timeout=5)
        yield server


def post(ob, path: str, body) -> requests.Response:
    return requests.post(ob.console_url + path, json=body, timeout=TIMEOUT)


@pytest.mark.parametrize("body, error", [
    ({"text": "hi"}, "kind: expected one of message, call, no_message, bot, got None"),
    ({"kind": "reply"}, "kind: expected one of"),
    ({"kind": "message", "within": 1}, "within: not a field of a message expectation (expected "
                                       "kind, text, regex, to_user, to_group, timeout)"),
    ({"kind": "message", "timeout": 301}, "timeout: expected 0 to 300 seconds, got 301"),
    ({"kind": "message", "timeout": "5"}, "timeout: expected a number of seconds, got '5'"),
    ({"kind": "message", "regex": "("}, "regex: not a regular expression"),
    ({"kind": "message", "text": "a", "regex": "a"}, "regex: give text or regex, not both"),
    ({"kind": "message", "to_user": "alice"}, "to_user: expected an integer"),
    ({"kind": "call"}, "action: expected the action's name"),
    ({"kind": "call", "action": "send_msg", "params": [1]}, "params: expected a JSON object"),
    ({"kind": "call", "action": "send_msg", "params": {"message": 5}}, "params.message: "),
    ([1, 2], "body: expected a JSON object"),
])
def test_bad_expectations_are_400_naming_the_field(open_ob, body, error):
    response = post(open_ob, "/sim/expect", body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)


def test_met_is_200_and_not_met_is_408_with_the_library_s_text(open_ob):
    open_ob.say(10001, "/echo over http")
    met = post(open_ob, "/sim/expect", {"kind": "message", "text": "over http"})
    assert met.status_code == 200 and met.json()["matched"]["raw_message"] == "over http"
    call = post(open_ob, "/sim/expect", {"kind": "call", "action": "send_msg",
                                         "params": {"user_id": "10001"}})
    assert call.status_code == 200 and call.json()["matched"]["action"] == "send_msg"
    quiet = post(open_ob, "/sim/expect", {"kind": "no_message", "within": 0.1})
    assert quiet.status_code == 200 and quiet.json() == {"matched": None}
    missed = post(open_ob, "/sim/expect", {"kind": "message", "text": "other", "timeout": 0.1})
    assert missed.status_code == 408
    text = missed.json()["error"]
    assert text.startswith("expected a message from the bot with text 'other' within 0.1 s")
    with pytest.raises(AssertionError) as info:
        open_ob.expect_message("other", timeout=0.1)
    assert str(info.value).splitlines()[1:3] == text.splitlines()[1:3]  # the same report
    # the journal keeps the headline as the verdict, not the whole report
    frames = requests.get(open_ob.console_url + "/sim/traffic", params={"channel": "console"},
                          timeout=TIMEOUT).json()["frames"]
    verdicts = [f.get("verdict", "") for f in frames if f.get("path") == "/sim/expect"]
    assert "met: a message from the bot with text 'over http'" in verdicts
    assert any(v.startswith("408: expected a message") and "\n" not in v for v in verdicts)


def test_calls_are_paged_filtered_and_typed(open_ob):
    open_ob.say(10001, "/echo one")
    open_ob.expect_message("one")
    page = requests.get(open_ob.console_url + "/sim/calls", params={"limit": 1},
                        timeout=TIMEOUT).json()
    assert len(page["calls"]) == 1 and page["cursor"] == page["calls"][0]["seq"]
    call = page["calls"][0]
    assert set(call) == {"seq", "time", "action", "params", "response", "channel"}
    sends = requests.get(open_ob.console_url + "/sim/calls", params={"action": "send_msg"},
                         timeout=TIMEOUT).json()["calls"]
    assert sends and {c["action"] for c in sends} == {"send_msg"}
    after = requests.get(open_ob.console_url + "/sim/calls",
                         params={"after": sends[-1]["seq"], "wait": 0.1}, timeout=TIMEOUT)
    assert after.json()["calls"] == []


def test_http_api_calls_are_logged_with_the_token_masked():
    """AUTH-3: the token may come as a query parameter; the call log shows it masked."""
    with serve(access_token="sekrit") as ob:
        requests.get(ob.http_url + "/send_private_msg",
                     params={"user_id": "10001", "message": "x", "access_token": "sekrit"},
                     timeout=TIMEOUT)
        call = ob.expect_call("send_private_msg", user_id=10001, message="x")
    assert call["channel"] == "http" and call["params"]["access_token"] == "se****"
    assert call["params"]["user_id"] == 10001  # typed as the action reads it (PARAM-3)


def test_session_entries_interleave_injections_and_calls(open_ob):
    cursor = requests.get(open_ob.console_url + "/sim/session", params={"after": 2**52},
                          timeout=TIMEOUT).json()["cursor"]
    open_ob.say(10001, "/echo s")
    open_ob.expect_call("send_msg", message="s")
    entries = requests.get(open_ob.console_url + "/sim/session", params={"after": cursor},
                           timeout=TIMEOUT).json()["entries"]
    inject = next(e for e in entries if e["kind"] == "inject")
    call = next(e for e in entries if e["kind"] == "call")
    assert inject["endpoint"] == "private_message" and inject["body"]["message"] == "/echo s"
    assert inject["event"]["post_type"] == "message" and inject["at"] < call["seq"]


def test_the_clock_endpoint(open_ob):
    clock = requests.get(open_ob.console_url + "/sim/clock", timeout=TIMEOUT).json()
    assert clock["clock"] == "real" and isinstance(clock["time"], int)
    refused = post(open_ob, "/sim/clock", {"advance": 5})
    assert refused.status_code == 400 and refused.json()["error"].startswith(
        "advance: the server runs on the real clock")
    with pytest.raises(ValueError, match="^advance: the server runs on the real clock"):
        open_ob.advance(5)
    assert post(open_ob, "/sim/clock", {"advance": -1}).json()["error"].startswith(
        "advance: expected 0 to")


# --- the CLI -------------------------------------------------------------------------------------

def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_expect_exit_codes(open_ob, capsys):
    console = ["--console", open_ob.console_url]
    open_ob.say(10002, "/ban 10003", group_id=20001)
    code, out, _ = run(capsys, "expect", "call", "set_group_ban", "group_id=20001",
                       "user_id=10003", *console)
    assert code == 0 and json.loads(out)["params"]["duration"] == 600
    code, out, _ = run(capsys, "expect", "message", "banned 10003", "--to-group", "20001",
                       *console)
    assert code == 0 and json.loads(out)["group_id"] == 20001
    code, _, err = run(capsys, "expect", "message", "--regex", "^nope$", "--timeout", "0.1",
                       *console)
    assert code == 1 and err.startswith("expected a message from the bot with text matching "
                                        "/^nope$/") and "nearest misses:" in err
    code, _, _ = run(capsys, "expect", "no_message", "--within", "0.1", *console)
    assert code == 0
    code, _, err = run(capsys, "expect", "call", "send_msg", "broken", *console)
    assert code == 2 and "expected PARAM=VALUE" in err
    code, _, err = run(capsys, "expect", "message", "--timeout", "9999", *console)
    assert code == 2 and err.startswith("error: timeout: expected 0 to 300 seconds")
    code, _, err = run(capsys, "expect", "bot", "--console", "http://127.0.0.1:9")
    assert code == 2 and "no onebot_ref console at http://127.0.0.1:9" in err
    with pytest.raises(SystemExit) as info:  # argparse: the action is required
        main(["expect", "call"])
    assert info.value.code == 2


def test_cli_record_writes_the_conversation_until_ctrl_c(open_ob, tmp_path):
    path = tmp_path / "session.yaml"
    recorder = subprocess.Popen(
        [sys.executable, "-m", "onebot_ref", "record", "-o", str(path), "--console",
         open_ob.console_url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert recorder.stdout.readline().startswith("recording " + open_ob.console_url)
        open_ob.say(10001, "/echo recorded")
        open_ob.expect_call("send_msg", message="recorded")
        recorder.send_signal(signal.SIGINT)
        out, _ = recorder.communicate(timeout=TIMEOUT)
    finally:
        recorder.kill()
    assert recorder.returncode == 0, out
    assert "wrote 1 step(s) with 1 call(s)" in out
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["onebot_ref_session"] == 1
    [step] = data["steps"]
    assert step["private_message"] == {"user_id": 10001, "message": "/echo recorded"}
    assert [c["action"] for c in step["calls"]] == ["send_msg"]
    assert step["calls"][0]["params"]["message"] == "recorded"
