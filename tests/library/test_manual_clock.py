"""``clock: manual`` (onebot_ref/clock.py): event times start at start_time (EVT-1), heartbeats
come only from advance() (A-16: one interval after start, then every interval), bans expire
with world time, and two runs of the same test push byte-identical events."""

from __future__ import annotations

import json

import pytest
import requests

from fakebot import Reader
from onebot_ref.clock import ManualClock
from onebot_ref.config import ConfigError
from onebot_ref.modes import ws_transport
from onebot_ref.testing import serve

START = 1700000000


def test_manual_clock_fires_due_timers_in_time_order():
    clock = ManualClock(100)
    seen = []
    clock.every(2, lambda: seen.append(("a", clock.time())))
    b = clock.every(3, lambda: seen.append(("b", clock.time())))
    assert clock.advance(1) == 0 and clock.time() == 101
    assert clock.advance(6) == 5  # a at 102, 104, 106; b at 103, 106
    assert seen == [("a", 102), ("b", 103), ("a", 104), ("a", 106), ("b", 106)]
    b.cancel()
    clock.advance(3)
    assert seen[-2:] == [("a", 108), ("a", 110)] and clock.time() == 110
    assert clock.describe() == {"clock": "manual", "time": 110, "start_time": 100}
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.every(0, lambda: None)


def test_clock_is_a_validated_config_key():
    with pytest.raises(ConfigError, match="clock: expected one of real, manual, got 'fast'"):
        serve(clock="fast")


def raw_frames(url: str) -> Reader:
    """A forward-WS client that keeps each frame's text exactly as it came."""
    return Reader(ws_transport.connect(url + "/", timeout=5)).start("clock-test")


def receive(reader: Reader, count: int) -> list[str]:
    out = []
    for _ in range(count):
        frame = reader.receive(timeout=5)
        assert frame is not None, f"only {len(out)} of {count} frames: {out}"
        out.append(frame)
    return out


def scenario() -> list[str]:
    """One test's events, as the bytes a bot receives."""
    with serve(clock="manual", start_time=START, enable_heartbeat=True,
               heartbeat_interval=1000) as ob:
        reader = raw_frames(ob.ws_url)
        try:
            frames = receive(reader, 1)  # lifecycle connect
            ob.say(10001, "hello")
            ob.say(10002, "[CQ:face,id=1] hi all", group_id=20001)
            ob.event("friend_request", user_id=10009, comment="add me")  # a flag: named by
            assert ob.advance(3) == START + 3                            # the start_time
            ob.event("group_increase", group_id=20001, user_id=10004, operator_id=10000,
                     sub_type="approve")
            frames += receive(reader, 3 + 3 + 1)
            assert reader.receive(timeout=0.3) is None  # no heartbeat on the real clock
        finally:
            reader.close()
    return frames


def test_two_runs_push_byte_identical_events():
    first, second = scenario(), scenario()
    assert first == second
    events = [json.loads(f) for f in first]
    assert [e.get("meta_event_type") or e["post_type"] for e in events] == [
        "lifecycle", "message", "message", "request", "heartbeat", "heartbeat", "heartbeat",
        "notice"]
    assert [e["time"] for e in events] == [START] * 4 + [START + 1, START + 2, START + 3,
                                                         START + 3]


def test_heartbeats_only_on_advance_and_bans_expire_with_world_time():
    with serve(clock="manual", start_time=START, enable_heartbeat=True,
               heartbeat_interval=100) as ob:
        reader = raw_frames(ob.ws_url)
        try:
            receive(reader, 1)
            assert reader.receive(timeout=0.5) is None  # five intervals of real time: none
            ob.advance(0.25)
            assert len(receive(reader, 2)) == 2 and reader.receive(timeout=0.2) is None
        finally:
            reader.close()
        answer = requests.post(ob.http_url + "/set_group_ban", json={
            "group_id": 20001, "user_id": 10002, "duration": 60}, timeout=5).json()
        assert answer["status"] == "ok"
        with pytest.raises(ValueError, match="banned in group 20001 for 60 more seconds"):
            ob.say(10002, "let me speak", group_id=20001)
        ob.advance(60)
        assert ob.say(10002, "free", group_id=20001)["time"] == START + 60
        assert ob.now == START + 60
