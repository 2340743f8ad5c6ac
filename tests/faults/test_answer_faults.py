"""The answer faults over the HTTP API and both WebSockets, against the fake bot over real
sockets, each firing seen in the journal (FAULT-10..14; targets FAULT-2, times FAULT-3)."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from conftest import connections, fault, fault_frames, remove, wait_fault
from fakebot import connect
from helpers import HTTP_TIMEOUT


def http(runner, action: str, timeout: float = HTTP_TIMEOUT, **params) -> requests.Response:
    return requests.post(f"{runner.url('http')}/{action}", json=params, timeout=timeout)


def answer_to(sock, echo, timeout: float = 3.0) -> dict:
    """The next answer frame carrying ``echo`` (events and other answers skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        frame = sock.receive(max(0.0, deadline - time.monotonic()))
        if isinstance(frame, dict) and "post_type" not in frame and frame.get("echo") == echo:
            return frame


def drain(sock) -> None:
    """Read what the connection has received so far (events of earlier tests)."""
    try:
        while True:
            sock.receive(0.05)
    except TimeoutError:
        pass


@pytest.fixture(params=["ws", "ws_reverse"])
def ws(request, stack):
    """A bot's WebSocket of either channel: a forward connection it opens, or the reverse
    connection onebot_ref dialled to it."""
    runner, bot = stack
    if request.param == "ws_reverse":
        drain(bot.connections[-1])
        yield request.param, bot.connections[-1]
        return
    sock = connect(runner.url("ws") + "/")
    sock.next_event()  # the lifecycle connect
    yield request.param, sock
    sock.close()


# --- HTTP API ----------------------------------------------------------------------------------

def test_http_delay_answer_runs_the_action_and_answers_late(stack):
    runner, _ = stack
    after = runner.traffic.cursor
    fault(runner, type="delay_answer", ms=300, target={"channel": "http",
                                                        "action": "get_login_info"}, times=1)
    began = time.monotonic()
    assert http(runner, "get_login_info").json()["status"] == "ok"
    assert time.monotonic() - began >= 0.3
    wait_fault(runner, "holding the answer to get_login_info for 300 ms", after)
    began = time.monotonic()  # FAULT-3: used up after one firing
    http(runner, "get_login_info")
    assert time.monotonic() - began < 0.3


def test_http_no_answer_holds_until_the_client_gives_up(stack):
    """FAULT-11: the request is never answered; the client's own timeout ends it."""
    runner, _ = stack
    after = runner.traffic.cursor
    fault(runner, type="no_answer", target={"action": "get_status"}, times=1)
    with pytest.raises(requests.Timeout):
        http(runner, "get_status", timeout=0.4)
    wait_fault(runner, "holding get_status unanswered", after)
    wait_fault(runner, "the client gave up on get_status after", after)
    assert runner.faults.list() == []  # used up, and no request held any more
    assert http(runner, "get_status").json()["status"] == "ok"


def test_http_no_answer_is_answered_once_the_fault_is_removed(stack):
    runner, _ = stack
    after = runner.traffic.cursor
    held = fault(runner, type="no_answer", target={"channel": "http",
                                                    "action": "send_private_msg"})
    answers = []
    thread = threading.Thread(target=lambda: answers.append(http(
        runner, "send_private_msg", user_id=10001, message="late")))
    thread.start()
    wait_fault(runner, "holding send_private_msg unanswered", after)
    assert not runner.world.messages_since(0, 5000)[0] or all(
        m["raw_message"] != "late" for m in runner.world.messages_since(0, 5000)[0])
    assert remove(runner, held["id"]).status_code == 200
    thread.join(5)
    assert answers and answers[0].json()["status"] == "ok"  # the action ran on release
    wait_fault(runner, "released send_private_msg after", after)


def test_http_retcode_does_not_run_the_action(stack):
    runner, _ = stack
    before = len(runner.world.messages_since(0, 5000)[0])
    after = runner.traffic.cursor
    fault(runner, type="retcode", retcode=103, message="no permission", times=1)
    envelope = http(runner, "send_private_msg", user_id=10001, message="x").json()
    assert envelope == {"status": "failed", "retcode": 103, "data": None,
                        "message": "no permission"}
    assert len(runner.world.messages_since(0, 5000)[0]) == before
    wait_fault(runner, "answered send_private_msg with retcode 103 without running it", after)


def test_http_status_and_not_json(stack):
    runner, _ = stack
    after = runner.traffic.cursor
    status = fault(runner, type="http_status", status=503, times=1)
    response = http(runner, "get_login_info")
    assert response.status_code == 503 and "fault" in response.text
    assert response.text == f"HTTP 503 from fault {status['id']} (FAULT-13)\n"
    broken = fault(runner, type="bad_answer", kind="not_json", target={"channel": "http"},
                   times=1)
    response = http(runner, "get_login_info")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()
    assert fault_frames(runner, after) == [
        f"answered get_login_info with HTTP 503 without running it ({status['id']} used up: "
        "fired 1 of 1)",
        f"answered get_login_info with a body that is not JSON ({broken['id']} used up: "
        "fired 1 of 1)"]


# --- WebSocket (forward and reverse) -----------------------------------------------------------

def test_ws_delay_answer_holds_one_echo_while_the_others_go_on(stack, ws):
    runner, _ = stack
    channel, sock = ws
    after = runner.traffic.cursor
    fault(runner, type="delay_answer", ms=400, target={"channel": channel, "action": "get_msg"})
    sock.send({"action": "get_msg", "params": {"message_id": 1}, "echo": 17})
    assert sock.call("get_login_info")["status"] == "ok"  # answered before the held one
    assert answer_to(sock, 17)["status"] == "ok"
    wait_fault(runner, "held echo 17 for 400 ms", after)


def test_ws_no_answer_and_retcode_keep_the_echo(stack, ws):
    runner, _ = stack
    channel, sock = ws
    after = runner.traffic.cursor
    fault(runner, type="no_answer", target={"channel": channel, "action": "get_status"},
          times=1)
    sock.send({"action": "get_status", "echo": {"seq": 5}})
    code = fault(runner, type="retcode", retcode=100, target={"channel": channel}, times=1)
    assert sock.call("get_login_info", echo={"seq": 6}) == {
        "status": "failed", "retcode": 100, "data": None,
        "message": f"injected by fault {code['id']}", "echo": {"seq": 6}}
    sock.receive_nothing(0.3)  # echo 5 never comes
    wait_fault(runner, 'held echo {"seq":5} on ' + channel, after)
    wait_fault(runner, 'answered echo {"seq":6} with retcode 100 without running it', after)


@pytest.mark.parametrize("kind", ["not_json", "wrong_echo", "no_echo", "twice"])
def test_ws_bad_answers(stack, ws, kind):
    runner, _ = stack
    channel, sock = ws
    after = runner.traffic.cursor
    fault(runner, type="bad_answer", kind=kind, target={"channel": channel}, times=1)
    sock.send({"action": "get_login_info", "echo": 41})
    if kind == "not_json":
        raw = sock.ws.receive(timeout=3)
        assert raw.startswith('{"status":"ok"') and not raw.endswith("}")
    else:
        frame = sock.receive(timeout=3)
        assert frame["status"] == "ok"
        assert frame.get("echo", "missing") == {"wrong_echo": "onebot_ref-wrong-echo",
                                                "no_echo": "missing", "twice": 41}[kind]
        if kind == "twice":
            assert sock.receive(timeout=3) == frame
    sock.receive_nothing(0.2)
    wait_fault(runner, "answered echo 41", after)


def test_targets_narrow_by_channel_action_and_connection(stack):
    """FAULT-2: an http fault leaves the WebSockets alone; a connection target only that one."""
    runner, bot = stack
    one, two = connect(runner.url("ws") + "/"), connect(runner.url("ws") + "/api")
    try:
        one.next_event()
        conns = {c["path"]: c["id"] for c in connections(runner, channel="ws", open="true")}
        fault(runner, type="retcode", retcode=102, target={"connection": conns["/api"]})
        fault(runner, type="retcode", retcode=101, target={"channel": "http",
                                                            "action": ["get_status"]})
        assert one.call("get_status")["retcode"] == 0
        assert two.call("get_status")["retcode"] == 102
        assert bot.connections[-1].call("get_status")["retcode"] == 0
        assert http(runner, "get_status").json()["retcode"] == 101
        assert http(runner, "get_login_info").json()["retcode"] == 0
        assert http(runner, "get_status_async").json()["retcode"] == 101  # suffixes too
    finally:
        one.close()
        two.close()


def test_probability_with_a_seed_fires_the_same_way_twice(stack):
    """FAULT-3: p = 0.5 with seed 7: the same requests fail the same way each time."""
    runner, _ = stack

    def pattern() -> list[int]:
        with_fault = fault(runner, type="retcode", retcode=100, probability=0.5, seed=7,
                           target={"channel": "http"})
        codes = [http(runner, "get_status").json()["retcode"] for _ in range(16)]
        assert remove(runner, with_fault["id"]).json()["removed"]["fired"] == codes.count(100)
        return codes

    first = pattern()
    assert 0 < first.count(100) < 16
    assert pattern() == first
