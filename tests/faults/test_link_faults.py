"""The link faults (close, drop, blackhole, refuse) on forward and reverse WebSockets and the
HTTP API's keep-alive connections, and what GET /sim/connections says of each end
(FAULT-6..8, FAULT-19), against the fake bot over real sockets."""

from __future__ import annotations

import time

import pytest
import requests

from conftest import connections, fault, remove, wait_fault
from fakebot import HandshakeError, connect


def forward(runner, path: str = "/"):
    sock = connect(runner.url("ws") + path)
    if path != "/api":
        sock.next_event()  # the lifecycle connect
    return sock


def record(runner, conn_id: int, timeout: float = 5.0) -> dict:
    """The connection's entry once it is closed."""
    deadline = time.monotonic() + timeout
    while True:
        found = next(c for c in connections(runner) if c["id"] == conn_id)
        if found["closed"] is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def newest(runner, channel: str) -> dict:
    return [c for c in connections(runner, channel=channel, open="true")][-1]


def test_close_sends_the_code_and_acts_once(stack):
    runner, _ = stack
    sock = forward(runner)
    conn = newest(runner, "ws")
    after = runner.traffic.cursor
    done = fault(runner, type="close", code=4001, reason="bye", target={"channel": "ws"})
    assert [c["id"] for c in done["connections"]] == [conn["id"]]
    assert sock.wait_closed(3) == 4001
    assert runner.faults.list() == []  # FAULT-6: not stored
    ended = record(runner, conn["id"])
    assert (ended["close_code"], ended["closed_by"], ended["clean"]) == (4001, "server", True)
    wait_fault(runner, f"closed ws connection {conn['id']} with 4001 bye", after)
    later = forward(runner)  # a later connection is not closed
    assert later.call("get_status")["status"] == "ok"
    later.close()


def test_drop_ends_tcp_without_a_close_frame(stack):
    runner, _ = stack
    sock = forward(runner, "/event")
    conn = newest(runner, "ws")
    after = runner.traffic.cursor
    done = fault(runner, type="drop", target={"role": "/event"})
    assert len(done["connections"]) == 1
    assert sock.wait_closed(3) == 1006  # RFC 6455 7.1.5: no close frame came
    ended = record(runner, conn["id"])
    assert (ended["close_code"], ended["closed_by"], ended["clean"]) == (1006, "server", False)
    wait_fault(runner, f"dropped ws connection {conn['id']} without close frame", after)


@pytest.mark.parametrize("body", [{"type": "close", "code": 1000}, {"type": "drop"}],
                         ids=["close-1000", "drop"])
def test_the_reverse_client_dials_again_after_close_or_drop(stack, body):
    """WSR-11/12: our own close, 1000 included, is followed by a reconnect."""
    runner, bot = stack
    before, after = len(bot.connections), runner.traffic.cursor
    done = fault(runner, target={"channel": "ws_reverse"}, **body)
    assert [c["channel"] for c in done["connections"]] == ["ws_reverse"]
    hit = done["connections"][0]["id"]
    wait_fault(runner, f"closed ws_reverse connection {hit} with 1000" if body["type"] == "close"
               else f"dropped ws_reverse connection {hit} without close frame", after)
    assert bot.connections[before - 1].wait_closed(3) == (1000 if body["type"] == "close"
                                                         else 1006)
    again = bot.wait_connection("Universal", after=before)
    assert again.receive()["meta_event_type"] == "lifecycle"
    assert runner.faults.expect_reconnect(done, within=5) < 5


def test_drop_cuts_the_http_api_keep_alive_connections(stack):
    runner, _ = stack
    with requests.Session() as session:
        assert session.get(runner.url("http") + "/get_status", timeout=5).status_code == 200
        conn = newest(runner, "http")
        after = runner.traffic.cursor
        done = fault(runner, type="drop", target={"channel": "http"})
        assert conn["id"] in [c["id"] for c in done["connections"]]
        wait_fault(runner, f"cut http connection {conn['id']}", after)
        ended = record(runner, conn["id"])
        assert (ended["closed_by"], ended["clean"]) == ("server", False)
        # the client's pool sees the dead connection and opens another one
        assert session.get(runner.url("http") + "/get_status", timeout=5).status_code == 200


@pytest.mark.parametrize("channel", ["ws", "ws_reverse"])
def test_blackhole_lets_nothing_through_then_flows_again(stack, channel):
    """FAULT-7: no answer, no event; once it ends the connection works again."""
    runner, bot = stack
    sock = forward(runner) if channel == "ws" else bot.connections[-1]
    conn = newest(runner, channel)
    after = runner.traffic.cursor
    fault(runner, type="blackhole", ms=400, target={"connection": conn["id"]})
    wait_fault(runner, f"blackholed {channel} connection {conn['id']} for 400 ms", after)
    sock.send({"action": "get_status", "echo": "lost"})
    text = f"while {channel} is blackholed"
    runner.world.receive_private_message(10001, text)
    with pytest.raises(TimeoutError):
        sock.next_event(lambda e: e.get("raw_message") == text, timeout=0.25)
    wait_fault(runner, f"{channel} connection {conn['id']} flows again (2 frame(s) lost", after, 3)
    assert sock.call("get_status")["status"] == "ok"
    assert newest(runner, channel)["id"] == conn["id"]  # it stayed open all along
    if channel == "ws":
        sock.close()


def test_refuse_refuses_forward_handshakes_while_it_lasts(stack):
    runner, _ = stack
    after = runner.traffic.cursor
    refusal = fault(runner, type="refuse", status=429, target={"channel": "ws"})
    with pytest.raises(HandshakeError) as refused:
        connect(runner.url("ws") + "/")
    assert refused.value.status_code == 429
    wait_fault(runner, "refused a forward WebSocket handshake on / with 429", after)
    # the refusal names its rule (issue 12), in the handshake's journal verdict
    assert runner.traffic.find(lambda f: f.get("verdict") == (
        f"429: refused by fault {refusal['id']} (FAULT-8)"), 2, after) is not None
    remove(runner, refusal["id"])
    forward(runner).close()


def test_refuse_holds_the_reverse_client(stack):
    runner, bot = stack
    before = len(bot.connections)
    after = runner.traffic.cursor
    fault(runner, type="refuse", ms=400, target={"channel": "ws_reverse"})
    fault(runner, type="drop", target={"channel": "ws_reverse"})
    wait_fault(runner, "reverse WebSocket Universal client: not dialling for", after)
    time.sleep(0.25)  # 2.5 reconnect intervals: no attempt meanwhile
    assert len(bot.connections) == before
    bot.wait_connection("Universal", after=before, timeout=3)


def test_connections_say_who_closed(stack):
    """FAULT-19: the bot's close frame is "client"; a socket gone without one "network"."""
    runner, _ = stack
    sock = forward(runner)
    conn = newest(runner, "ws")
    sock.close(1000, "done")
    ended = record(runner, conn["id"])
    assert (ended["close_code"], ended["closed_by"], ended["clean"]) == (1000, "client", True)

    sock = forward(runner)
    conn = newest(runner, "ws")
    sock.ws.ws.drop()  # the bot's TCP ends, no close frame
    ended = record(runner, conn["id"])
    assert (ended["close_code"], ended["closed_by"], ended["clean"]) == (1006, "network",
                                                                         False)
    post = [c for c in connections(runner) if c["channel"] == "http_post"]
    assert post and post[0]["closed"] is None and post[0]["peer"].startswith("http://")
