"""Every long-lived thread survives a job that raises (SUP-1, SUP-4; issue 15 case 3 at the
worker level): each is poisoned through its own entry point over real sockets (an `_async`
call, a bus sink, a POST receiver's answer, a reverse-WebSocket peer, a WebSocket frame), and
the next job must run on the same, still living thread.

Several poisons are a wait the platform cannot do (``Event.wait(1e27)`` raises OverflowError:
what case 3's ``set_restart`` delay did): the parameter and config layers are to refuse such
values (issue 15's strict boundary), so the tests set them on the running parts, as a value
nothing checked would arrive.
"""

from __future__ import annotations

import base64
import os
import socket
import struct
import threading
import time

from fakebot import connect
from helpers import http_call, http_data

GROUP, MEMBER, ALICE = 20001, 10001, 10001
WAIT = 5.0
HUGE = 10**30  # ms: beyond what threading can wait


def thread_names() -> set[str]:
    return {t.name for t in threading.enumerate()}


def eventually(check, what: str, timeout: float = WAIT):
    """Poll ``check()`` until it is truthy (bounded): for state with no event to await."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


def failure(runner, thread: str, words: str = "failed") -> dict:
    frame = runner.traffic.find(lambda f: f["channel"] == "server" and f["peer"] == thread
                                and words in f.get("verdict", ""), timeout=WAIT)
    assert frame is not None, f"no server frame: {thread} ... {words}"
    return frame


def card(runner) -> str:
    return http_data(runner, "get_group_member_info", group_id=GROUP, user_id=MEMBER)["card"]


# --- the action workers ---------------------------------------------------------------------

def test_set_restart_with_a_huge_delay_never_ends_actions_async(make_runner):
    """Case 3 over the HTTP API: whether the delay is refused (100) or reaches the worker and
    raises there, every later `_async` call still runs."""
    with make_runner() as runner:
        envelope = http_call(runner, "set_restart", delay=HUGE)
        assert envelope["retcode"] in (1, 100), envelope
        http_call(runner, "set_group_card_async", group_id=GROUP, user_id=MEMBER, card="after")
        eventually(lambda: card(runner) == "after", "the _async call after set_restart ran")
        assert "actions-async" in thread_names()


def test_a_scheduled_job_that_raises_is_reported_and_the_next_async_call_runs(make_runner):
    def restart_too_late():
        threading.Event().wait(HUGE / 1000)

    with make_runner() as runner:
        runner.actions.schedule(restart_too_late)
        frame = failure(runner, "actions-async")
        assert frame["data"]["job"].endswith("restart_too_late")
        assert frame["data"]["error"].startswith("OverflowError")
        assert http_call(runner, "set_group_card_async", group_id=GROUP, user_id=MEMBER,
                         card="next")["status"] == "async"
        eventually(lambda: card(runner) == "next", "the next _async call ran")
        assert "actions-async" in thread_names()


def test_the_rate_limited_worker_survives_a_wait_that_raises(make_runner):
    """ACT-8's interval is waited after each call; a wait that raises is that job's failure."""
    with make_runner(rate_limit_interval=0) as runner:
        runner.config.rate_limit_interval = HUGE
        http_call(runner, "set_group_card_rate_limited", group_id=GROUP, user_id=MEMBER,
                  card="one")
        frame = failure(runner, "actions-rate-limited")
        assert (frame["data"]["job"], frame["data"]["error"][:13]) == (
            "set_group_card", "OverflowError")
        runner.config.rate_limit_interval = 0
        assert card(runner) == "one"
        http_call(runner, "set_group_card_rate_limited", group_id=GROUP, user_id=MEMBER,
                  card="two")
        eventually(lambda: card(runner) == "two", "the next rate-limited call ran")
        assert "actions-rate-limited" in thread_names()


# --- the event bus and HTTP POST -------------------------------------------------------------

def test_a_sink_that_raises_is_reported_and_every_event_still_reaches_the_others(make_runner):
    def broken_sink(published):
        raise KeyError("no such field")

    with make_runner(use_ws=True) as runner:
        ws = connect(runner.url("ws") + "/event")
        ws.next_event()  # lifecycle connect
        runner.bus.add_sink(broken_sink, stage="post")  # before the WebSocket push
        for text in ("one", "two"):
            runner.world.receive_private_message(ALICE, text)
            assert ws.next_event(lambda e: e["post_type"] == "message")["raw_message"] == text
        frame = failure(runner, "event-bus")
        assert frame["data"]["job"].endswith("broken_sink")
        assert frame["verdict"].endswith("the thread goes on with the next job")
        assert "event-bus" in thread_names()
        ws.close()


def test_http_post_survives_a_failed_job_and_posts_the_next_event(make_runner, fakebot):
    """The receiver answers 500, so the worker waits ``post_retry_interval``; that wait raises
    (the job fails, reported). The next event is POSTed and its quick operation applied."""
    with make_runner(post_url=fakebot.post_url, post_max_retries=1) as runner:
        fakebot.wait_event_post(lambda e: e.get("sub_type") == "enable")
        fakebot.respond(500)
        runner.config.post_retry_interval = HUGE
        runner.world.receive_private_message(ALICE, "poison")
        frame = failure(runner, "http-post")
        assert frame["data"]["job"] == "the POST of event message.private.friend"
        assert frame["data"]["error"].startswith("OverflowError")
        runner.config.post_retry_interval = 0
        fakebot.respond(json={"reply": "pong"})
        runner.world.receive_private_message(ALICE, "next")
        fakebot.wait_event_post(lambda e: e.get("raw_message") == "next")
        assert runner.traffic.find(lambda f: f["channel"] == "http_post" and "quick operation "
                                   "applied: reply" in f.get("verdict", ""), timeout=WAIT)
        assert "http-post" in thread_names()


def test_http_post_survives_a_receiver_answer_nested_beyond_recursion(make_runner, fakebot):
    """A quick-operation answer 100,000 arrays deep (json's RecursionError, or a refusal)."""
    with make_runner(post_url=fakebot.post_url) as runner:
        fakebot.respond(200, body=b"[" * 100_000 + b"]" * 100_000)
        runner.world.receive_private_message(ALICE, "deep")
        fakebot.wait_event_post(lambda e: e.get("raw_message") == "deep")
        fakebot.respond(204)
        runner.world.receive_private_message(ALICE, "after")
        fakebot.wait_event_post(lambda e: e.get("raw_message") == "after")
        assert "http-post" in thread_names()


# --- the reverse WebSocket clients and the heartbeat -----------------------------------------

def reverse_config(fakebot, **keys) -> dict:
    return {"use_ws_reverse": True, "ws_reverse_url": fakebot.ws_url,
            "ws_reverse_use_universal_client": True, "ws_reverse_reconnect_interval": 50, **keys}


def test_a_reverse_client_survives_a_wait_that_raises_and_reconnects(make_runner, fakebot):
    with make_runner(**reverse_config(fakebot)) as runner:
        first = fakebot.wait_connection("Universal")
        runner.modes["ws_reverse"].interval_ms = HUGE
        first.close(1001)  # the client waits one interval before reconnecting: it raises
        frame = failure(runner, "ws-reverse:universal", "waiting for the next job failed")
        assert frame["data"]["error"].startswith("OverflowError")
        runner.modes["ws_reverse"].interval_ms = 50
        again = fakebot.wait_connection("Universal", after=1)
        assert again.call("get_login_info")["retcode"] == 0
        assert "ws-reverse:universal" in thread_names()


def send_poison(runner, channel: str, ws) -> None:
    """The lone-surrogate echo, alone (not pipelined: answered in the connection's own thread),
    then wait until it was answered or its failure journalled."""
    after = runner.traffic.cursor
    ws.send_raw('{"action": "get_login_info", "echo": "\\ud800"}')
    assert runner.traffic.find(lambda f: f["channel"] == channel and f["direction"] == "out",
                               timeout=WAIT, after=after)


def test_a_reverse_peer_sending_a_lone_surrogate_echo_does_not_end_the_client(make_runner,
                                                                              fakebot):
    """The echo ``"\\ud800"`` cannot be written back as UTF-8 (case 1): refused at the
    boundary, or the request's failure reported; either way the same connection serves on."""
    with make_runner(**reverse_config(fakebot)) as runner:
        conn = fakebot.wait_connection("Universal")
        send_poison(runner, "ws_reverse", conn)
        assert conn.call("get_login_info")["retcode"] == 0
        assert conn.connected and len(fakebot.connections) == 1
        assert "ws-reverse:universal" in thread_names()


def test_a_forward_api_request_that_fails_leaves_the_connection_serving(make_runner):
    with make_runner(use_ws=True) as runner:
        ws = connect(runner.url("ws") + "/api")
        send_poison(runner, "ws", ws)
        assert ws.call("get_login_info")["retcode"] == 0
        assert ws.connected
        ws.close()


def test_the_heartbeat_survives_a_wait_that_raises_and_beats_again(make_runner):
    def is_beat(event):
        return event.get("meta_event_type") == "heartbeat"

    with make_runner(use_ws=True, enable_heartbeat=True, heartbeat_interval=100) as runner:
        ws = connect(runner.url("ws") + "/event")
        ws.next_event(is_beat)
        runner.modes["heartbeat"].interval_ms = HUGE  # (a beat may fail first: interval int64)
        frame = failure(runner, "heartbeat", "waiting for the next job failed")
        assert frame["data"]["error"].startswith("OverflowError")
        runner.modes["heartbeat"].interval_ms = 100
        after = runner.traffic.cursor
        ws.next_event(lambda e: is_beat(e) and e["interval"] == 100)
        assert runner.traffic.find(lambda f: f["channel"] == "ws" and f["direction"] == "out"
                                   and f["data"].get("meta_event_type") == "heartbeat",
                                   timeout=WAIT, after=after)
        assert "heartbeat" in thread_names()
        ws.close()


# --- a connection's own sender thread (SUP-4) ------------------------------------------------

def stuck_client(runner):
    """A raw /event connection that never reads, with a small receive buffer: the server's
    writes to it soon stop going through, and its ws-send thread takes over."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(WAIT)
    sock.connect(("127.0.0.1", runner.ports["ws"]))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /event HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b'"connect"' not in head:  # the 101, then the lifecycle connect: in the fan-out
        chunk = sock.recv(4096)
        assert chunk, "closed during the handshake"
        head += chunk
    return sock


def test_a_sender_that_fails_drops_its_own_connection_only(make_runner):
    """The stuck client resets its connection while its ws-send thread has a backlog: the send
    fails, that connection is dropped and journalled, the thread ends, and the other client
    gets every event."""
    with make_runner(use_ws=True, ws_send_queue_size=100_000) as runner:
        good = connect(runner.url("ws") + "/event")
        good.next_event()
        stuck = stuck_client(runner)
        pad = "x" * 100_000
        for n in range(200):
            runner.bus.publish({"time": 1, "self_id": 10000, "post_type": "notice",
                                "notice_type": "test", "n": n, "pad": pad})
            assert good.next_event(lambda e: e.get("notice_type") == "test")["n"] == n
            if any(name.startswith("ws-send ws event") for name in thread_names()):
                break
        senders = [t for t in threading.enumerate() if t.name.startswith("ws-send ws event")]
        assert senders, "no sender thread: the stuck client's socket never filled"
        after = runner.traffic.cursor
        # an RST: SO_LINGER on with a zero timeout, then close
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        stuck.close()
        runner.bus.publish({"time": 1, "self_id": 10000, "post_type": "notice",
                            "notice_type": "test", "n": -1, "pad": pad})
        assert good.next_event(lambda e: e.get("notice_type") == "test")["n"] == -1
        assert runner.traffic.find(lambda f: f["channel"] == "ws" and (
            "disconnected" in f.get("verdict", "") or "1006" in f.get("verdict", "")),
            timeout=WAIT, after=after)
        for sender in senders:
            sender.join(WAIT)
            assert not sender.is_alive()
        eventually(lambda: len(runner.modes["ws"].fanout.sessions) == 1, "the stuck one left")
        assert http_data(runner, "get_status")["good"] is True
        good.close()


# --- the HTTP server under every port --------------------------------------------------------

def test_the_http_server_reports_an_app_that_raises_and_serves_the_next_request():
    """SUP-4: the app's exception is a 500 for that request, reported with the connection's
    thread; the accept thread is a registry worker and goes on admitting clients."""
    import http.client

    from onebot_ref.modes.http_server import HttpServer
    from onebot_ref.traffic import Traffic
    from onebot_ref.workers import Workers

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/boom":
            raise LookupError("no such thing")
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    traffic = Traffic()
    workers = Workers(traffic)
    server = HttpServer("test-http", "127.0.0.1", 0, app, workers=workers).start()
    workers.open()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        conn.request("GET", "/boom")
        assert conn.getresponse().status == 500
        frame = traffic.find(lambda f: f["channel"] == "server", timeout=WAIT)
        assert frame["peer"].startswith("test-http 127.0.0.1:")  # the connection's thread
        assert frame["data"]["job"] == "the application"
        assert frame["data"]["error"] == "LookupError: no such thing"
        again = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        again.request("GET", "/fine")
        assert again.getresponse().read() == b"ok"
        assert [w.name for w in workers] == ["test-http"] and workers.problems() == []
        conn.close()
        again.close()
    finally:
        server.stop()
    assert workers.problems() == [] and not workers.get("test-http").alive
