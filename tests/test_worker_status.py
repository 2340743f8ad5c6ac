"""get_status tells whether every worker runs (SUP-2), heartbeats say the same (META-6), every
thread is named, and stop() leaves none of them running (SUP-3). Over the real HTTP API and
WebSockets of a started runner."""

from __future__ import annotations

import queue
import re
import sys
import threading
import time

import requests

from fakebot import connect
from helpers import http_call, http_data
from milky_client import SseReader
from onebot_ref.console.tail import format_frame

WAIT = 5.0
#: every long-lived thread a runner with all modes has (SUP-1)
WORKERS = {"actions-async", "actions-rate-limited", "event-bus", "http-post",
           "ws-reverse:universal", "heartbeat", "http-api", "ws-forward", "console",
           "milky", "milky-webhook 0"}


def status(runner) -> dict:
    return http_data(runner, "get_status")


def server_frame(runner, thread: str, words: str) -> dict:
    frame = runner.traffic.find(lambda f: f["channel"] == "server" and f["peer"] == thread
                                and words in f.get("verdict", ""), timeout=WAIT)
    assert frame is not None, f"no server frame: {thread} ... {words}"
    return frame


def test_good_with_no_problems_when_everything_runs(make_runner):
    with make_runner(use_ws=True, enable_heartbeat=True) as runner:
        got = status(runner)
        assert (got["online"], got["good"], got["problems"]) == (True, True, [])
        assert {w.name for w in runner.workers} >= {"actions-async", "event-bus", "heartbeat"}


def test_a_worker_never_started_makes_good_false_until_it_runs(make_runner):
    """api/public.md: good "意味着各模块正常运行": a worker of the runner's registry that was never
    started is named in problems; heartbeats carry the same status (META-6)."""
    def is_beat(event):
        return event.get("meta_event_type") == "heartbeat"

    with make_runner(use_ws=True, enable_heartbeat=True, heartbeat_interval=100) as runner:
        jobs: queue.SimpleQueue = queue.SimpleQueue()
        probe = runner.workers.worker("probe", jobs.get, lambda job: job())
        got = status(runner)
        assert got["good"] is False and got["app_good"] is False
        assert got["problems"] == ["probe is not running: never started"]
        ws = connect(runner.url("ws") + "/event")
        beat = ws.next_event(lambda e: is_beat(e) and not e["status"]["good"])
        assert beat["status"]["problems"] == ["probe is not running: never started"]
        probe.start()
        assert status(runner)["problems"] == [] and status(runner)["good"] is True
        assert ws.next_event(lambda e: is_beat(e) and e["status"]["good"])["status"][
            "problems"] == []
        probe.stop(wake=lambda: jobs.put(None))
        assert status(runner)["good"] is True  # stopped by its owner: no longer expected
        ws.close()


def test_actions_async_stopped_by_systemexit_is_reported_and_revived_by_the_next_call(
        make_runner):
    """A SystemExit is not swallowed as a job failure: the loop stops, get_status names it,
    and the next `_async` call starts it again (its owner needs it) and runs."""
    with make_runner(use_console=True) as runner:
        runner.workers.revive_after = 60  # not by itself during this test
        runner.actions.schedule(lambda: sys.exit(3))
        frame = server_frame(runner, "actions-async", "stopped: SystemExit: 3")
        assert frame["data"]["error"] == "SystemExit: 3"
        journal = requests.get(runner.url("console") + "/sim/traffic",
                               params={"channel": "server"}, timeout=WAIT).json()
        assert [f["seq"] for f in journal["frames"]] == [frame["seq"]]
        assert "actions-async stopped: SystemExit: 3" in format_frame(journal["frames"][0])
        got = status(runner)
        assert got["good"] is False
        assert got["problems"] == ["actions-async is not running: stopped: SystemExit: 3"]
        http_call(runner, "set_group_card_async", group_id=20001, user_id=10001, card="back")
        server_frame(runner, "actions-async", "actions-async runs again")
        ran = threading.Event()
        runner.actions.schedule(ran.set)
        assert ran.wait(WAIT)
        assert http_data(runner, "get_group_member_info", group_id=20001,
                         user_id=10001)["card"] == "back"
        assert status(runner) | {"uptime": 0, "stat": {}} == {
            "online": True, "good": True, "app_initialized": True, "app_enabled": True,
            "app_good": True, "uptime": 0, "stat": {}, "problems": []}


def test_the_event_bus_stopped_by_a_sink_revives_by_itself(make_runner):
    with make_runner(use_ws=True) as runner:
        ws = connect(runner.url("ws") + "/event")
        ws.next_event()  # lifecycle connect
        runner.workers.revive_after = 60

        def exiting_sink(published):
            if published.event.get("raw_message") == "exit":
                sys.exit("sink")

        runner.bus.add_sink(exiting_sink, stage="post")
        runner.world.receive_private_message(10001, "exit")
        server_frame(runner, "event-bus", "stopped: SystemExit: sink")
        assert status(runner)["problems"] == [
            "event-bus is not running: stopped: SystemExit: sink"]
        runner.world.receive_private_message(10001, "queued meanwhile")
        runner.workers.get("event-bus").start()  # (by itself after revive_after seconds)
        assert ws.next_event(lambda e: e.get("post_type") == "message")["raw_message"] == \
            "queued meanwhile"
        assert status(runner)["good"] is True
        ws.close()


def test_every_thread_is_named_and_none_is_left_after_stop(make_runner):
    """All modes on: HTTP API, forward WebSocket (with a pipelining client: the pool threads),
    HTTP POST and a reverse client (to dead ports: they keep trying), heartbeat, console,
    both action workers, the Milky face with a WebHook (to the dead port) and an SSE stream
    (tests/modes/test_milky_workers.py has the rest of the Milky face's threads). Every thread
    started has a name that says what it is (no "Thread-N"); after stop() none is left
    (SUP-3), within a bound."""
    with socket_nobody_listens() as dead_port:
        before = set(threading.enumerate())
        config = {"use_ws": True, "use_console": True, "enable_heartbeat": True,
                  "heartbeat_interval": 50, "post_url": f"http://127.0.0.1:{dead_port}/",
                  "use_ws_reverse": True, "ws_reverse_url": f"ws://127.0.0.1:{dead_port}/",
                  "ws_reverse_use_universal_client": True,
                  "ws_reverse_reconnect_interval": 50, "use_milky": True,
                  "milky_host": "127.0.0.1", "milky_port": 0,
                  "milky_webhook_urls": [f"http://127.0.0.1:{dead_port}/"]}
        with make_runner(**config) as runner, SseReader(runner) as milky:
            assert milky.status() == 200
            ws = connect(runner.url("ws") + "/")
            ws.next_event()  # lifecycle connect
            for n in range(20):  # sent before any answer: some go to the API pool
                ws.send({"action": "get_status", "echo": n})
            echoes = set()
            while len(echoes) < 20:
                frame = ws.receive()
                if isinstance(frame, dict) and "echo" in frame:
                    echoes.add(frame["echo"])
            http_call(runner, "set_group_card_rate_limited", group_id=20001, user_id=10001,
                      card="x")
            requests.get(runner.url("console") + "/sim/world", timeout=WAIT)
            runner.world.receive_private_message(10001, "hello")
            ws.next_event(lambda e: e.get("post_type") == "message")
            ours = set(threading.enumerate()) - before
            names = {t.name for t in ours if not t.name.startswith(("fakebot", "test-"))}
            assert WORKERS <= names, WORKERS - names
            unnamed = [n for n in names if re.fullmatch(r"Thread-\d+( \(.*\))?", n)]
            assert not unnamed, unnamed
            assert status(runner)["good"] is True, status(runner)
            ws.close()
        deadline = time.monotonic() + WAIT
        for thread in ours:
            thread.join(max(0.0, deadline - time.monotonic()))
        left = sorted(t.name for t in ours if t.is_alive() and not t.name.startswith("test-"))
        assert not left, left


class socket_nobody_listens:
    """A port that refuses connections: bound, never listening, for the test's duration."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.sock.close()
