"""The Milky face's threads are supervised like OneBot 11's (SUP-1..4): its server, its WebHook
workers and the connection threads that carry its SSE streams and WebSockets are named, a job
that raises is reported on the ``server`` channel and the thread goes on, a failure in one
stream drops that stream only, and stop() leaves no thread running (SUP-3). Real sockets."""

from __future__ import annotations

import re
import threading
import time

import pytest

from fakebot import FakeBot
from milky_client import ALICE, SseReader, joined, milky_runner, ws_events

WAIT = 5.0
HUGE = 10**30  # ms: beyond what threading can wait (the wait raises OverflowError)


def server_frame(runner, thread: str, words: str) -> dict:
    frame = runner.traffic.find(lambda f: f["channel"] == "server" and f["peer"] == thread
                                and words in f.get("verdict", ""), timeout=WAIT)
    assert frame is not None, f"no server frame: {thread} ... {words}"
    return frame


@pytest.mark.parametrize("revision", ["1.2", "seed"])
def test_every_milky_thread_is_named_and_none_is_left_after_stop(tmp_path, revision):
    """A WebHook to a dead port (it keeps failing), an SSE stream and a WebSocket open (1.2),
    or the seed's WebSocket at ``/``: every thread is named, the registry has no problem, and
    after stop() nothing of it runs."""
    dead = FakeBot().start()
    dead_url = dead.post_url
    dead.stop()  # nobody listens there now
    before = set(threading.enumerate())
    with milky_runner(tmp_path, milky_revision=revision, milky_webhook_urls=[dead_url],
                      post_timeout=1) as runner:
        ws = ws_events(runner, path="/event" if revision == "1.2" else "/")
        clients = [ws]
        sse = SseReader(runner) if revision == "1.2" else None
        if sse is not None:
            assert sse.status() == 200
            clients.append(sse)
        assert joined(runner, *clients)
        runner.world.receive_private_message(ALICE, "hello")
        ws.receive()
        ours = set(threading.enumerate()) - before
        names = {t.name for t in ours if not t.name.startswith(("fakebot", "test-"))}
        assert {"milky", "milky-webhook 0", "event-bus"} <= names, names
        assert {"milky", "milky-webhook 0"} <= {w.name for w in runner.workers}
        assert any(re.fullmatch(r"milky 127\.0\.0\.1:\d+", n) for n in names), names
        unnamed = [n for n in names if re.fullmatch(r"Thread-\d+( \(.*\))?", n)]
        assert not unnamed, unnamed
        assert runner.workers.problems() == []
    if sse is not None:
        sse.close()
    deadline = time.monotonic() + WAIT
    for thread in ours:
        thread.join(max(0.0, deadline - time.monotonic()))
    left = sorted(t.name for t in ours if t.is_alive() and not t.name.startswith("test-"))
    assert not left, left


def test_a_webhook_job_that_fails_is_reported_and_the_next_event_is_posted(tmp_path, fakebot):
    """The receiver answers 500, so the worker waits ``post_retry_interval`` before retrying;
    that wait raises (the job fails, reported, SUP-1). The next event is POSTed."""
    with milky_runner(tmp_path, milky_webhook_urls=[fakebot.post_url],
                      post_max_retries=1) as runner:
        fakebot.respond(500)
        runner.config.post_retry_interval = HUGE
        runner.world.receive_private_message(ALICE, "poison")
        frame = server_frame(runner, "milky-webhook 0", "failed")
        assert frame["data"]["job"] == "the POST of event message_receive"
        assert frame["data"]["error"].startswith("OverflowError")
        assert frame["verdict"].endswith("the thread goes on with the next job")
        runner.config.post_retry_interval = 0
        fakebot.respond(204)
        runner.world.receive_private_message(ALICE, "next")
        post = fakebot.wait_event_post(lambda e: e.get("event_type") == "message_receive" and
                                       e["data"]["segments"][0]["data"]["text"] == "next")
        assert post.headers["Content-Type"] == "application/json"
        assert runner.workers.problems() == []


def test_a_failing_sse_stream_is_dropped_alone_and_the_others_go_on_SUP_4(tmp_path):
    """One stream's thread fails (its keep-alive wait raises): that stream is reported and
    dropped; a WebSocket and a later stream still get every event."""
    with milky_runner(tmp_path) as runner:
        ws = ws_events(runner)
        assert joined(runner, ws)
        streams = runner.modes["milky"].streams
        streams.keepalive = HUGE / 1000
        with SseReader(runner) as broken:
            assert broken.status() == 200
            frame = server_frame(runner, "milky 127.0.0.1:" + str(broken.sock.getsockname()[1]),
                                 "failed")
            assert frame["data"]["job"].startswith("the SSE stream of 127.0.0.1:")
            assert broken.ended.wait(WAIT)
        streams.keepalive = 1.0
        with SseReader(runner) as sse:
            assert sse.status() == 200 and joined(runner, ws, sse)
            runner.world.receive_private_message(ALICE, "still here")
            assert sse.next_event()["data"]["segments"][0]["data"]["text"] == "still here"
        assert ws.receive()["data"]["segments"][0]["data"]["text"] == "still here"
        assert runner.workers.problems() == []
        ws.close()
