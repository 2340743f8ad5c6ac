"""``python -m onebot_ref say | event | tail`` against a running server's console (real sockets;
``main(argv)`` is called in-process, so its output and exit code are checked directly)."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from onebot_ref.cli import main
from onebot_ref.console.tail import format_frame
from onebot_ref.protocol.coerce import Params


@pytest.fixture
def console(make_runner):
    with make_runner(use_console=True) as runner:
        runner.base = runner.url("console")
        yield runner


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def echo_replies(runner) -> None:
    """A bot inside the test: every message event is answered "echo: <raw_message>"."""
    def on_event(published) -> None:
        event = published.event
        if event.get("post_type") != "message":
            return
        target = ({"group_id": event["group_id"]} if event["message_type"] == "group"
                  else {"user_id": event["user_id"]})
        params = Params({"message_type": event["message_type"], **target,
                         "message": "echo: " + event["raw_message"]})
        threading.Thread(target=runner.actions.call, args=("send_msg", params),
                         name="echo").start()
    runner.bus.add_sink(on_event, "push")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- say ---------------------------------------------------------------------------------------

def test_say_private_prints_the_message_and_the_bots_reply(console, capsys):
    echo_replies(console)
    code, out, err = run(capsys, "say", "--console", console.base, "--user", "10001", "hello",
                         "bot")
    assert code == 0, err
    first, reply = out.splitlines()[:2]
    assert first.startswith("Alice (10001) to the bot: hello bot  [message_id ")
    assert "echo: hello bot" in reply and "(10000)" in reply
    sent, = console.world.messages_since(0, 1)[0]
    assert sent["raw_message"] == "hello bot" and sent["from_self"] is False


def test_say_in_a_group_and_as_a_temporary_session(console, capsys):
    code, out, _ = run(capsys, "say", "--console", console.base, "--group", "20001", "--user",
                       "10002", "--wait", "0", "hi all")
    assert code == 0 and "in group 20001: hi all" in out
    code, out, _ = run(capsys, "say", "--console", console.base, "--group", "20001", "--temp",
                       "--user", "10009", "--wait", "0", "psst")
    assert code == 0 and "to the bot (via group 20001): psst" in out
    kinds = [(m["message_type"], m.get("group_id")) for m in
             console.world.messages_since(0, 10)[0]]
    assert kinds == [("group", 20001), ("private", None)]


def test_say_without_reply_says_so(console, capsys):
    code, out, _ = run(capsys, "say", "--console", console.base, "--user", "10001", "--wait",
                       "0.2", "anyone?")
    assert code == 0 and "(no reply from the bot within 0.2 s)" in out


def test_say_refused_is_one_line_exit_1(console, capsys):
    code, out, err = run(capsys, "say", "--console", console.base, "--user", "99999", "hi")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: user_id: no user 99999")


def test_no_console_running_is_one_line_exit_1(capsys):
    url = f"http://127.0.0.1:{closed_port()}"
    for verb in (["say", "--user", "10001", "hi"], ["event", "friend_add", "--user", "1"],
                 ["tail"]):
        code, out, err = run(capsys, *verb, "--console", url)
        assert code == 1 and out == ""
        assert err == f"error: no onebot_ref console at {url}: start the server with " \
                      f"`python -m onebot_ref serve`, or pass --console URL\n"


def test_console_url_and_token_come_from_the_config_file(make_runner, capsys, tmp_path):
    with make_runner(use_console=True, console_host="0.0.0.0", access_token="tok") as runner:
        port = runner.ports["console"]
        config = tmp_path / "c.yaml"
        config.write_text(f"console_host: 0.0.0.0\nconsole_port: {port}\naccess_token: tok\n")
        code, out, err = run(capsys, "say", "-c", str(config), "--user", "10001", "--wait",
                             "0", "hi")
        assert code == 0, err
        code, _, err = run(capsys, "say", "--console", f"127.0.0.1:{port}", "--user", "10001",
                           "--wait", "0", "hi")
        assert code == 1 and "refused the access token (401)" in err
        code, _, err = run(capsys, "say", "--console", f"127.0.0.1:{port}", "--token", "tok",
                           "--user", "10001", "--wait", "0", "hi")
        assert code == 0, err


# --- event -------------------------------------------------------------------------------------

def test_event_friend_request_prints_the_event_with_its_flag(console, capsys):
    code, out, err = run(capsys, "event", "friend_request", "--console", console.base,
                         "--user", "10009", "--comment", "hi")
    assert code == 0, err
    event = json.loads(out)
    assert (event["post_type"], event["request_type"], event["comment"]) == \
        ("request", "friend", "hi")
    assert f"set_friend_add_request flag='{event['flag']}'" in err
    assert [r["flag"] for r in console.world.snapshot()["requests"]] == [event["flag"]]


@pytest.mark.parametrize("argv,check", [
    (["group_increase", "--group", "20001", "--user", "10004", "--operator", "10000"],
     lambda e: e["sub_type"] == "approve"),
    (["group_ban", "--group", "20001", "--user", "10002", "--operator", "10001", "--duration",
      "60", "--sub-type", "ban"], lambda e: e["duration"] == 60),
    (["poke", "--group", "20001", "--user", "10001", "--target", "10000"],
     lambda e: (e["notice_type"], e["sub_type"]) == ("notify", "poke")),
    (["honor", "--group", "20001", "--user", "10001", "--honor-type", "emotion"],
     lambda e: e["honor_type"] == "emotion"),
    (["group_upload", "--group", "20001", "--user", "10001", "--file",
      '{"id": "f", "name": "a.txt", "size": 1, "busid": 102}'], lambda e: e["file"]["size"] == 1),
    (["group_request", "--group", "20001", "--user", "10004", "--set", "comment=let me in"],
     lambda e: e["sub_type"] == "add" and e["comment"] == "let me in"),
    (["--json", '{"post_type": "notice", "notice_type": "friend_add", "user_id": 10009}'],
     lambda e: e["notice_type"] == "friend_add"),
], ids=["group_increase", "group_ban", "poke", "honor", "group_upload", "group_request", "json"])
def test_event_kinds(console, capsys, argv, check):
    code, out, err = run(capsys, "event", *argv, "--console", console.base)
    assert code == 0, err
    assert check(json.loads(out))


def test_event_refused_names_the_problem(console, capsys):
    code, out, err = run(capsys, "event", "group_increase", "--console", console.base,
                         "--group", "20001", "--user", "10001", "--operator", "10000")
    assert code == 1 and out == "" and "already a member" in err and err.count("\n") == 1
    code, _, err = run(capsys, "event", "--console", console.base)
    assert code == 1 and "give a KIND" in err


# --- tail --------------------------------------------------------------------------------------

def test_tail_prints_one_readable_line_per_frame(console, capsys):
    run(capsys, "say", "--console", console.base, "--user", "10001", "--wait", "0", "hi")
    run(capsys, "say", "--console", console.base, "--user", "99999", "--wait", "0", "hi")
    console.traffic.record("ws", "in", "127.0.0.1:4000", {"action": "send_msg", "params": {
        "user_id": 10001, "message": "yo"}, "echo": 7}, verdict="coerced user_id from \"1\"")
    code, out, _ = run(capsys, "tail", "--console", console.base, "--once", "--all")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3 and "\033[" not in out  # not a terminal: no colour
    assert " console " in lines[0] and "private_message" in lines[0] and \
        "[injected private message" in lines[0]
    assert "[400: user_id: no user 99999" in lines[1]
    assert lines[2].split()[1:5] == ["#3", "ws", "in", "127.0.0.1:4000"]
    assert 'send_msg user_id=10001 message="yo" echo=7  [coerced user_id from "1"]' in lines[2]

    code, out, _ = run(capsys, "tail", "--console", console.base, "--once", "--all",
                       "--channel", "ws", "--json")
    assert [json.loads(line)["seq"] for line in out.splitlines()] == [3]
    code, out, _ = run(capsys, "tail", "--console", console.base, "--once", "-n", "1")
    assert len(out.splitlines()) == 1 and "#3" in out


def test_tail_colours_on_a_terminal():
    frame = {"seq": 1, "time": 0, "channel": "http", "direction": "out", "peer": "p",
             "data": {"status": 401, "reason": "no token"}, "verdict": "401: no token"}
    plain, coloured = format_frame(frame), format_frame(frame, colour=True)
    assert "\033[" not in plain and "status 401 reason=no token  [401: no token]" in plain
    assert "\033[31m[401: no token]\033[0m" in coloured  # a 4xx verdict in red
