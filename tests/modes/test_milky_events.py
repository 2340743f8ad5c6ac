"""The Milky face's ``GET /event`` over real sockets: WebSocket or SSE by the Upgrade header
(MLK-11), the token by header or query, refused before anything else (MLK-12), the SSE framing
and keep-alive (MLK-13/14), one text for every receiver (MLK-15), a slow SSE client cut
(MLK-55), the bot's own messages (MLK-57), bot_offline and a stop within 2 s (MLK-58)."""

from __future__ import annotations

import socket
import time

import pytest

from fakebot import HandshakeError
from milky_client import ALICE, BOT, GROUP, SseReader, data, joined, milky_runner, ws_events

TOKEN = "ev-token"


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    with milky_runner(tmp_path_factory.mktemp("milky-events"), milky_access_token=TOKEN,
                      milky_sse_keepalive_interval=200, ws_send_queue_size=20) as runner:
        yield runner


def test_websocket_and_sse_carry_the_same_text_MLK_11_MLK_13_MLK_15(runner):
    ws = ws_events(runner, TOKEN)
    with SseReader(runner, TOKEN) as sse, SseReader(runner, TOKEN, query=True,
                                                   extra="Upgrade: none\r\n") as sse_none:
        assert sse.status() == 200 and sse_none.status() == 200
        assert b"Content-Type: text/event-stream" in sse.head
        assert joined(runner, ws, sse, sse_none)
        runner.world.receive_private_message(ALICE, "hi")
        from_ws = ws.receive()
        from_sse, from_none = sse.next_event(), sse_none.next_event()
    assert from_ws == from_sse == from_none
    assert from_ws["event_type"] == "message_receive" and from_ws["self_id"] == BOT
    assert from_ws["data"]["segments"] == [{"type": "text", "data": {"text": "hi"}}]
    ws.close()


@pytest.mark.parametrize("how", ["header", "query"])
def test_the_token_by_header_or_query_MLK_12(runner, how):
    ws = ws_events(runner, TOKEN, query=how == "query")
    assert ws.connected
    ws.close()
    with SseReader(runner, TOKEN, query=how == "query") as sse:
        assert sse.status() == 200


@pytest.mark.parametrize("token", [None, "wrong"])
def test_a_bad_token_is_401_before_the_upgrade_MLK_12(runner, token):
    with pytest.raises(HandshakeError) as refused:
        ws_events(runner, token)
    assert refused.value.status_code == 401
    with SseReader(runner, token) as sse:
        assert sse.status() == 401 and sse.ended.wait(5)
        assert b"access token" in sse.raw
    # the header wins over the query: a wrong header with a right query is refused
    with SseReader(runner, "wrong", extra="") as _:
        pass
    port = runner.ports["milky"]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET /event?access_token={TOKEN} HTTP/1.1\r\nHost: x\r\n"
                     f"Authorization: Bearer wrong\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 401")


def test_sse_keepalive_comments_when_idle_MLK_14(runner):
    with SseReader(runner, TOKEN) as sse:
        deadline = time.monotonic() + 5
        while sse.comments < 2 and time.monotonic() < deadline:
            sse.ended.wait(0.05)
        assert sse.comments >= 2
        assert b": keepalive\n\n" in sse.raw


def test_a_websocket_client_s_frames_are_ignored_MLK_15(runner):
    ws = ws_events(runner, TOKEN)
    ws.send({"action": "get_login_info", "params": {}, "echo": 1})
    ws.receive_nothing(0.3)
    assert ws.connected
    ws.close()


def test_facts_only_changes_reach_milky_clients_MLK_46(runner):
    with SseReader(runner, TOKEN) as sse:
        assert joined(runner, sse)
        runner.world.inject_group_name_change(GROUP, ALICE, "Milky!")
        event = sse.next_event()
    assert event["event_type"] == "group_name_change"
    assert event["data"] == {"group_id": GROUP, "new_group_name": "Milky!",
                             "operator_id": 10001}


def test_the_bot_s_own_messages_are_not_sent_by_default_MLK_57(runner):
    with SseReader(runner, TOKEN) as sse:
        assert joined(runner, sse)
        data(runner, "send_private_message", token=TOKEN, user_id=ALICE,
             message=[{"type": "text", "data": {"text": "mine"}}])
        runner.world.receive_private_message(ALICE, "theirs")
        event = sse.next_event()
    assert event["data"]["segments"][0]["data"]["text"] == "theirs"


def test_a_slow_sse_client_is_cut_and_the_others_go_on_MLK_55(runner):
    """The slow client never reads: its socket fills, then its queue (ws_send_queue_size 20),
    and it is disconnected; the fast one, reading each event, gets every one."""
    slow = SseReader(runner, TOKEN, read=False)
    slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    cut = None
    with SseReader(runner, TOKEN) as fast:
        assert joined(runner, slow, fast)
        big = "x" * 100000
        for _ in range(300):
            runner.world.receive_private_message(ALICE, big)
            assert fast.next_event()["data"]["segments"][0]["data"]["text"] == big
            cut = runner.traffic.find(lambda f: f["channel"] == "milky_event"
                                      and "cannot keep up" in (f.get("verdict") or ""), 0)
            if cut is not None:
                break
        assert cut is not None, "the slow client was never cut"
        runner.world.receive_private_message(ALICE, "after")
        assert fast.next_event()["data"]["segments"][0]["data"]["text"] == "after"
    slow.close()


def test_bot_offline_then_a_stop_within_2_s_MLK_58(tmp_path):
    with milky_runner(tmp_path) as runner:
        ws = ws_events(runner)
        sse = SseReader(runner)
        stuck = SseReader(runner, read=False)
        stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        assert joined(runner, ws, sse, stuck)
        started = time.monotonic()
        runner.stop()
        took = time.monotonic() - started
    assert took < 2.0, took
    assert ws.receive()["event_type"] == "bot_offline"
    assert sse.next_event()["event_type"] == "bot_offline"
    assert sse.ended.wait(5) and sse.clean_end and ws.wait_closed(5) == 1001
    sse.close()
    stuck.close()


def test_a_bad_upgrade_is_400_and_a_post_is_405(runner):
    port = runner.ports["milky"]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET /event?access_token={TOKEN} HTTP/1.1\r\nHost: x\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n".encode())  # no key
        assert sock.recv(100).startswith(b"HTTP/1.1 400")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /event HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 405")
