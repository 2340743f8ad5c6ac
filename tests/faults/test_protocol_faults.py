"""The protocol faults (heartbeat, lifecycle, duplicate_event, bad_signature, restart) on the
channels they name, against the fake bot over real sockets (FAULT-9, FAULT-15..18)."""

from __future__ import annotations

import time

import pytest
import requests

from conftest import SECRET, connections, fault, remove, stack_config, wait_fault
from fakebot import FakeBot, HandshakeError, connect
from helpers import start_runner


def is_beat(event: dict) -> bool:
    return event.get("meta_event_type") == "heartbeat"


def message_posts(bot: FakeBot, text: str) -> list:
    return [p for p in bot.posts if (p.json or {}).get("raw_message") == text]


# --- heartbeat: a manual clock, so that each beat is one advance() -----------------------------

@pytest.fixture(scope="module")
def beating(tmp_path_factory):
    with FakeBot() as bot, start_runner(
            tmp_path_factory.mktemp("beats"), use_ws=True, use_console=True, clock="manual",
            enable_heartbeat=True, heartbeat_interval=1000, post_url=bot.post_url,
            use_ws_reverse=True, ws_reverse_use_universal_client=True,
            ws_reverse_url=bot.ws_url) as runner:
        sock = connect(runner.url("ws") + "/event")
        sock.next_event()
        bot.wait_connection("Universal").next_event()
        yield runner, bot, sock


def beats(runner, sock, count: int) -> list[dict]:
    """Advance the clock ``count`` intervals; the heartbeats the connection got."""
    runner.world.clock.advance(count)
    runner.world.receive_private_message(10001, "marker")  # after the beats, in bus order
    got = []
    while not (event := sock.next_event(timeout=3)).get("raw_message") == "marker":
        got.append(event)
    return [e for e in got if is_beat(e)]


def test_heartbeat_skip_stop_and_wrong_interval(beating):
    runner, bot, sock = beating
    after = runner.traffic.cursor
    fault(runner, type="heartbeat", skip=2)
    assert len(beats(runner, sock, 3)) == 1  # FAULT-15: two skipped, then it ends
    assert runner.faults.list() == []
    stopped = fault(runner, type="heartbeat", stop=True)
    assert beats(runner, sock, 2) == []
    remove(runner, stopped["id"])
    lying = fault(runner, type="heartbeat", interval_field="soon")
    assert [b["interval"] for b in beats(runner, sock, 1)] == ["soon"]
    bot.connections[-1].next_event(lambda e: is_beat(e) and e["interval"] == "soon")  # reverse
    remove(runner, lying["id"])
    assert [b["interval"] for b in beats(runner, sock, 1)] == [1000]
    wait_fault(runner, "heartbeat not sent (skipped 2 of 2)", after)
    wait_fault(runner, "heartbeat sent with interval 'soon' instead of 1000", after)
    bot.wait_post(lambda p: (p.json or {}).get("interval") == "soon")  # HTTP POST too


# --- the shared stack -------------------------------------------------------------------------

def test_lifecycle_twice_on_the_reverse_connection(stack):
    runner, bot = stack
    before, after = len(bot.connections), runner.traffic.cursor
    fault(runner, type="lifecycle", twice=True, target={"channel": "ws_reverse"}, times=1)
    fault(runner, type="drop", target={"channel": "ws_reverse"})
    again = bot.wait_connection("Universal", after=before)
    assert [again.receive()["sub_type"] for _ in range(2)] == ["connect", "connect"]
    wait_fault(runner, "lifecycle connect sent twice to ws_reverse connection", after)


def test_lifecycle_skip_connect_and_twice(stack):
    runner, _ = stack
    after = runner.traffic.cursor
    fault(runner, type="lifecycle", skip_connect=True, target={"channel": "ws"}, times=1)
    sock = connect(runner.url("ws") + "/")
    runner.world.receive_private_message(10001, "first")
    assert sock.next_event()["raw_message"] == "first"  # no connect before it
    sock.close()
    fault(runner, type="lifecycle", twice=True, target={"role": "Universal", "channel": "ws"},
          times=1)
    sock = connect(runner.url("ws") + "/")
    assert [sock.receive()["sub_type"] for _ in range(2)] == ["connect", "connect"]
    sock.close()
    wait_fault(runner, "no lifecycle connect for ws connection", after)
    wait_fault(runner, "lifecycle connect sent twice to ws connection", after)


def test_duplicate_event_over_http_post_with_its_quick_operation(stack):
    """FAULT-17: three POSTs of the same event, each answered with a reply: three replies."""
    runner, bot = stack
    after = runner.traffic.cursor
    bot.respond(json={"reply": "dup-reply"})
    try:
        fault(runner, type="duplicate_event", copies=3, target={"channel": "http_post"},
              times=1)
        event = runner.world.receive_private_message(10001, "posted thrice")
        bot.wait_post(lambda _: len(message_posts(bot, "posted thrice")) == 3)
        assert {p.json["message_id"] for p in message_posts(bot, "posted thrice")} == {
            event["message_id"]}
        deadline = time.monotonic() + 5
        while sum(m["raw_message"] == "dup-reply" for m in runner.world.messages_since(
                0, 5000)[0]) < 3:
            assert time.monotonic() < deadline, "the three quick replies were not all sent"
            time.sleep(0.02)
    finally:
        bot.respond()
    wait_fault(runner, f"posting message event (message_id {event['message_id']}) 3 times",
               after)
    assert len(message_posts(bot, "posted thrice")) == 3


@pytest.mark.parametrize("channel", ["ws", "ws_reverse"])
def test_duplicate_event_over_websocket(stack, channel):
    runner, bot = stack
    sock = connect(runner.url("ws") + "/event") if channel == "ws" else bot.connections[-1]
    if channel == "ws":
        sock.next_event()
    # Every earlier event delivered first (a connection's events arrive in order): one still on
    # its way (a previous test's, late under load) would take the fault's one time.
    runner.world.receive_private_message(10001, f"before the fault on {channel}")
    sock.next_event(lambda e: e.get("raw_message") == f"before the fault on {channel}")
    after = runner.traffic.cursor
    fault(runner, type="duplicate_event", copies=2, target={"channel": channel}, times=1)
    text = f"twice on {channel}"
    event = runner.world.receive_private_message(10001, text)
    copies = [sock.next_event(lambda e: e.get("raw_message") == text) for _ in range(2)]
    assert [c["message_id"] for c in copies] == [event["message_id"]] * 2
    wait_fault(runner, f"pushed message event (message_id {event['message_id']}) 2 times to "
                       f"{channel} connection", after)
    runner.world.receive_private_message(10001, "once")  # used up: the next one comes once
    assert sock.next_event(lambda e: e.get("raw_message") in (text, "once"))["raw_message"] \
        == "once"


def test_bad_signature_and_what_the_bot_answered(stack):
    runner, bot = stack
    after = runner.traffic.cursor
    bot.respond(401, body="bad signature")
    try:
        fault(runner, type="bad_signature", times=1)
        runner.world.receive_private_message(10001, "signed wrong")
        post = bot.wait_post(lambda p: (p.json or {}).get("raw_message") == "signed wrong")
        assert post.headers["X-Signature"].startswith("sha1=")
        assert not post.signature_ok(SECRET)
        answered = runner.traffic.find(lambda f: f["channel"] == "http_post" and "401" in (
            f.get("verdict") or ""), 5, after)
        assert answered is not None
    finally:
        bot.respond()
    wait_fault(runner, "HTTP POST with a wrong X-Signature", after)
    runner.world.receive_private_message(10001, "signed right")
    assert bot.wait_post(lambda p: (p.json or {}).get("raw_message") == "signed right") \
        .signature_ok(SECRET)


# --- restart: a stack of its own (every connection of it goes down) ----------------------------

def test_restart_closes_everything_waits_and_comes_back(tmp_path):
    """FAULT-9: disable, 1001 everywhere, 503 and no dialling while down, then enable, the
    reverse client back with its lifecycle connect."""
    with FakeBot() as bot, start_runner(tmp_path, **stack_config(bot)) as runner:
        reverse = bot.wait_connection("Universal")
        sock = connect(runner.url("ws") + "/")
        sock.next_event()
        before = len(bot.connections)
        after = runner.traffic.cursor
        restart = fault(runner, type="restart", downtime_ms=600)
        assert sorted(c["channel"] for c in restart["connections"]) == ["ws", "ws_reverse"]
        assert sock.wait_closed(3) == 1001 and reverse.wait_closed(3) == 1001
        bot.wait_post(lambda p: (p.json or {}).get("sub_type") == "disable")
        down = requests.get(runner.url("http") + "/get_status", timeout=5)
        assert down.status_code == 503
        assert down.text == f"restarting (fault {restart['id']}) (FAULT-9)\n"
        with pytest.raises(HandshakeError) as refused:
            connect(runner.url("ws") + "/")
        assert refused.value.status_code == 503
        assert runner.traffic.find(lambda f: f.get("verdict") == (
            f"503: restarting (fault {restart['id']}) (FAULT-9)"), 2, after) is not None
        assert len(bot.connections) == before  # not dialling while down
        back = bot.wait_connection("Universal", after=before, timeout=5)
        assert back.receive()["sub_type"] == "connect"
        posts = [p.json.get("sub_type") for p in bot.posts if (p.json or {}).get(
            "meta_event_type") == "lifecycle"]
        assert posts[-2:] == ["disable", "enable"]
        assert requests.get(runner.url("http") + "/get_status", timeout=5).status_code == 200
        assert 0.5 < runner.faults.expect_reconnect(restart, within=5) < 5
        assert runner.faults.list() == []
        ended = [c for c in connections(runner) if c["id"] in
                 {c["id"] for c in restart["connections"]}]
        assert {(c["close_code"], c["closed_by"]) for c in ended} == {(1001, "server")}
        wait_fault(runner, "restart: 2 connection(s) closed with 1001, down for 600 ms", after)
        wait_fault(runner, "restart: up again", after)
