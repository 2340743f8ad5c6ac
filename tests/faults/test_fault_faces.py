"""The faces of the faults: the library (``ob.fault(...)`` as a context manager, a method per
type, ``connections()``, ``expect_reconnect``), the same methods on a Runner, and the CLI
(``python -m onebot_ref fault ...``), each against a real server over real sockets."""

from __future__ import annotations

import json
import threading

import pytest

from fakebot import FakeBot, connect
from onebot_ref.cli import main
from onebot_ref.faults.table import TYPES
from onebot_ref.testing import serve


@pytest.fixture(scope="module")
def ob():
    with FakeBot() as bot, serve(use_ws_reverse=True, ws_reverse_use_universal_client=True,
                                 ws_reverse_url=bot.ws_url,
                                 ws_reverse_reconnect_interval=100) as server:
        bot.wait_connection("Universal")
        server.bot = bot
        yield server
        assert server.faults.list() == []


def test_a_fault_is_a_context_manager_that_removes_itself(ob):
    sock = connect(ob.ws_url + "/api")
    try:
        with ob.fault("no_answer", action="get_msg", channel="ws") as held:
            assert (held.id, held["type"], held["target"]) == (
                held["id"], "no_answer", {"action": ["get_msg"], "channel": "ws"})
            assert [f["id"] for f in ob.faults.list()] == [held.id]
            sock.send({"action": "get_msg", "params": {"message_id": 1}, "echo": 1})
            sock.receive_nothing(0.2)
        assert ob.faults.list() == []
        assert sock.call("get_msg", {"message_id": 1})["retcode"] == 102  # no such message
        with ob.faults.retcode(retcode=1, times=1) as used_up:
            assert sock.call("get_status")["status"] == "async"
        assert used_up.remove() is None  # already gone: used up, then removed on exit
    finally:
        sock.close()


def test_every_type_has_its_method():
    from onebot_ref.faults.methods import FaultMethods

    assert all(callable(getattr(FaultMethods, name)) for name in TYPES)


def test_expect_reconnect_after_a_drop_and_the_connections(ob):
    dropped = ob.faults.drop(channel="ws_reverse")
    assert [c["channel"] for c in dropped["connections"]] == ["ws_reverse"]
    delay = ob.expect_reconnect(after=dropped, within=5)
    assert 0.05 < delay < 5  # the reverse client waits its interval (100 ms)
    conns = ob.connections(channel="ws_reverse")
    assert conns[-2]["closed_by"] == "server" and conns[-2]["close_code"] == 1006
    assert conns[-1]["closed"] is None
    assert ob.connections(open_only=True)[-1]["id"] == conns[-1]["id"]


def test_expect_reconnect_fails_saying_so(ob):
    sock = connect(ob.ws_url + "/")
    sock.next_event()
    closed = ob.faults.close(code=1001, channel="ws")
    with pytest.raises(AssertionError, match=r"no new ws connection within 0\.3 s of fault "
                                             rf"{closed.id} \(close\)"):
        ob.expect_reconnect(after=closed, within=0.3)
    assert sock.wait_closed(3) == 1001


def test_a_bad_fault_is_a_value_error_naming_the_field(ob):
    with pytest.raises(ValueError, match="ms: expected 0 to 2147483647, got -5"):
        ob.faults.delay_answer(-5)
    with pytest.raises(ValueError, match="target.role: expected API, Event, Universal"):
        ob.fault("drop", role="admin")


def test_the_same_methods_on_a_runner(make_runner):
    with make_runner(use_ws=True) as runner:
        sock = connect(runner.url("ws") + "/")
        sock.next_event()
        reconnected = threading.Timer(0.2, lambda: connect(runner.url("ws") + "/"))
        with runner.faults.drop() as dropped:
            reconnected.start()
            assert 0.1 < runner.faults.expect_reconnect(after=dropped, within=5) < 5
        reconnected.join()
        assert runner.faults.list() == []


# --- the CLI -----------------------------------------------------------------------------------

def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_fault_verbs(ob, capsys):
    console = ("--console", ob.console_url)
    code, out, _ = run(capsys, "fault", "no-answer", "--action", "get_msg", "--times", "1",
                       *console)
    assert code == 0 and "no_answer" in out and "action=get_msg" in out and "[fired 0/1]" in out
    fid = out.split()[0]
    code, out, _ = run(capsys, "fault", "delay-answer", "--ms", "5000", "--channel", "ws",
                       "--json", *console)
    delayed = json.loads(out)
    assert code == 0 and delayed["ms"] == 5000 and delayed["target"] == {"channel": "ws"}
    code, out, _ = run(capsys, "fault", "list", *console)
    assert code == 0 and f"{fid} no_answer" in out and "ws_reverse" in out
    code, out, _ = run(capsys, "fault", "remove", fid, *console)
    assert code == 0 and out.startswith(f"removed {fid}")
    code, out, _ = run(capsys, "fault", "clear", *console)
    assert (code, out) == (0, "removed 1 fault(s)\n")
    code, out, _ = run(capsys, "fault", "drop", "--channel", "ws", *console)
    assert code == 0 and "0 connection(s) hit" in out
    code, out, _ = run(capsys, "fault", "heartbeat", "--interval-field", '"x"', "--json",
                       *console)
    assert json.loads(out)["interval_field"] == "x"
    run(capsys, "fault", "clear", *console)


def test_cli_refusals_are_one_line(ob, capsys):
    code, _, err = run(capsys, "fault", "close", "--code", "1006", "--console", ob.console_url)
    assert code == 1 and err.startswith("error: code: 1006 cannot be sent in a close frame")
    code, _, err = run(capsys, "fault", "remove", "f999", "--console", ob.console_url)
    assert code == 1 and err.startswith("error: no active fault f999")
