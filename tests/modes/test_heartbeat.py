"""Heartbeat meta events on every event channel (event/meta.md#心跳, META-6..10,
A-16)."""

from __future__ import annotations

import statistics
import time

from fakebot import connect
from onebot_ref.protocol.coerce import Params

PERIOD = 200  # ms


def is_heartbeat(event) -> bool:
    return isinstance(event, dict) and event.get("meta_event_type") == "heartbeat"


def test_heartbeats_arrive_at_the_period_on_every_channel(make_runner, fakebot):
    """META-7: HTTP POST, forward /event and /, reverse Universal; A-16: every interval, the
    first one after one interval."""
    config = {"enable_heartbeat": True, "heartbeat_interval": PERIOD, "use_ws": True,
              "post_url": fakebot.post_url, "use_ws_reverse": True,
              "ws_reverse_url": fakebot.ws_url, "ws_reverse_use_universal_client": True}
    with make_runner(**config) as runner:
        started = time.time()
        forward = {path: connect(runner.url("ws") + path) for path in ("/event", "/")}
        api = connect(runner.url("ws") + "/api")
        reverse = fakebot.wait_connection("Universal")
        arrivals = {}
        for name, sock in [("/event", forward["/event"]), ("/", forward["/"]),
                           ("reverse", reverse)]:
            beats = [sock.next_event(is_heartbeat, timeout=2) for _ in range(4)]
            arrivals[name] = beats
        fakebot.wait_post(lambda _: sum(is_heartbeat(p.json) for p in fakebot.posts) >= 4)
        posts = [p for p in fakebot.posts if is_heartbeat(p.json)]
        status = runner.actions.call("get_status", Params({}))["data"]
        api.receive_nothing(0.1)  # WSF-17: /api gets none
    post_times = [p.time for p in posts]
    assert post_times[0] - started >= PERIOD / 1000 * 0.8  # not at once
    gaps = [b - a for a, b in zip(post_times, post_times[1:])]
    assert 0.7 * PERIOD / 1000 <= statistics.mean(gaps) <= 1.5 * PERIOD / 1000, gaps
    for beats in list(arrivals.values()) + [[p.json for p in posts]]:
        for beat in beats:
            assert beat["post_type"] == "meta_event" and beat["interval"] == PERIOD  # META-6
            assert "sub_type" not in beat  # META-8
            assert beat["status"].keys() == status.keys()  # META-6: get_status data
            assert isinstance(beat["status"]["online"], bool)  # META-10
            assert isinstance(beat["status"]["good"], bool)


def test_no_heartbeat_unless_enabled(make_runner):
    with make_runner(use_ws=True, heartbeat_interval=PERIOD) as runner:
        ws = connect(runner.url("ws") + "/event")
        assert ws.receive()["sub_type"] == "connect"
        ws.receive_nothing(2.5 * PERIOD / 1000)
