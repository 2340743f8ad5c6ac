"""The second face changes nothing a OneBot 11 bot sees: one scripted scenario (messages both
ways, replies, group management, requests, a recall, the changes OneBot 11 has no event for),
run twice over the real HTTP API, HTTP POST and reverse WebSocket, once with the Milky face on
(``use_milky``, a Milky client connected to ``/event`` over WebSocket and one over SSE) and once
without, gives byte-identical OneBot 11 answers, POST bodies, WebSocket frames and OneBot 11
traffic journal (times, ports and the run's random flag prefix normalised; MLK-46). The Milky
clients, meanwhile, saw every change, facts-only items included."""

from __future__ import annotations

import json
import re

import requests

from helpers import HTTP_TIMEOUT, start_runner
from milky_client import SseReader, joined, ws_events
from milky_world import ALICE, BOB, CAROL, OWNED, WORLD
from onebot_ref.protocol.milky import conform
from onebot_ref.traffic import CHANNELS

#: the OneBot 11 face's channels of the journal (and the console's)
ONEBOT_CHANNELS = [c for c in CHANNELS if not c.startswith("milky")]

#: What differs between two runs by nature: clocks, ports, the random part of a flag.
_VARYING = [(re.compile(r'"(\w*time)": ?[0-9.]+'), r'"\1": 0'),
            (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
            (re.compile(r"\b[0-9a-f]{8}-(\d+)\b"), r"FLAG-\1")]


def _normal(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           sort_keys=True)
    for pattern, replacement in _VARYING:
        text = pattern.sub(replacement, text)
    return text


def _scenario(runner, fakebot, connections: int) -> dict:
    """The script; returns every OneBot 11 byte it produced, in order, per channel
    (``connections``: the fakebot's reverse WebSockets of earlier runs; its POSTs are cleared
    after each run)."""
    world, seen = runner.world, {"api": [], "ws": []}
    conn = fakebot.wait_connection(role="Universal", after=connections)
    seen["ws"].append(conn.next_event())  # lifecycle connect

    def api(action, **params):
        response = requests.post(f"{runner.url('http')}/{action}", json=params,
                                 timeout=HTTP_TIMEOUT)
        seen["api"].append(response.content.decode())
        return response.json()

    def events(count, change):
        result = change()
        runner.bus.wait_idle(5)
        seen["ws"].extend(conn.next_event() for _ in range(count))
        return result

    private = events(1, lambda: world.receive_private_message(ALICE, "hi [x] &"))
    api("send_private_msg", user_id=ALICE, message="hello")
    group = events(1, lambda: world.receive_group_message(OWNED, ALICE, "[CQ:at,qq=10002] hey"))
    api("send_group_msg", group_id=OWNED,
        message=[{"type": "reply", "data": {"id": str(group["message_id"])}},
                 {"type": "text", "data": {"text": "quoting"}}])
    api("set_group_name", group_id=OWNED, group_name="renamed")  # facts-only in the world
    seen["ws"].append(conn.call("set_group_card", {"group_id": OWNED, "user_id": BOB,
                                                   "card": "B"}, echo="card"))
    events(1, lambda: api("set_group_ban", group_id=OWNED, user_id=BOB, duration=60))
    events(1, lambda: api("set_group_admin", group_id=OWNED, user_id=BOB, enable=True))
    request = events(1, lambda: world.inject_event({
        "post_type": "request", "request_type": "friend", "user_id": 10009, "comment": "hi"}))
    events(1, lambda: api("set_friend_add_request", flag=request["flag"], approve=True))
    join = events(1, lambda: world.inject_event({
        "post_type": "request", "request_type": "group", "sub_type": "add", "group_id": OWNED,
        "user_id": 20050, "comment": "let me in"}))
    events(1, lambda: api("set_group_add_request", flag=join["flag"], sub_type="add",
                          approve=True))
    events(1, lambda: api("delete_msg", message_id=group["message_id"]))
    events(1, lambda: world.inject_event({"post_type": "notice", "notice_type": "notify",
                                          "sub_type": "poke", "group_id": OWNED,
                                          "user_id": ALICE, "target_id": world.self_id}))
    api("get_msg", message_id=private["message_id"])
    api("get_group_info", group_id=OWNED)
    api("get_group_member_list", group_id=OWNED)
    # the world's counter counts OneBot 11's events only, not its facts-only items
    stat = api("get_status")["data"]["stat"]
    assert stat["event_published"] == sum(
        1 for post in fakebot.posts if post.json["post_type"] != "meta_event")
    events(1, lambda: api("set_group_kick", group_id=OWNED, user_id=CAROL))
    seen["posts"] = [post.body.decode() for post in fakebot.posts]
    frames, _ = runner.traffic.since(0, 10**6)
    for channel in {frame["channel"] for frame in frames} & set(ONEBOT_CHANNELS):
        seen[f"journal {channel}"] = [{k: v for k, v in frame.items() if k != "seq"}
                                      for frame in frames if frame["channel"] == channel]
    return {name: [_normal(item) for item in items] for name, items in seen.items()}


def _run(tmp_path, fakebot, with_milky: bool):
    config = {"world": WORLD, "post_url": fakebot.post_url, "use_ws_reverse": True,
              "ws_reverse_url": fakebot.ws_url, "ws_reverse_use_universal_client": True}
    if with_milky:
        config |= {"use_milky": True, "milky_host": "127.0.0.1", "milky_port": 0,
                   "milky_report_self_message": True}
    connections = len(fakebot.connections)
    rendered, streamed = [], []
    with start_runner(tmp_path, **config) as runner:
        if with_milky:
            ws, sse = ws_events(runner), SseReader(runner)
            assert joined(runner, ws, sse)
        seen = _scenario(runner, fakebot, connections)
        if with_milky:
            runner.bus.wait_idle(5)
            count = sum(1 for f in runner.traffic.since(0, 10**6)[0]
                        if f["channel"] == "milky_event" and f["direction"] == "out"
                        and f.get("verdict", "").startswith("event pushed"))
            rendered = [ws.receive() for _ in range(count)]
            streamed = [sse.next_event() for _ in range(count)]
            sse.close()
    fakebot.posts.clear()
    assert rendered == streamed
    return seen, rendered


def test_onebot_11_bytes_are_the_same_with_the_milky_face_on_and_off(tmp_path, fakebot):
    without, _ = _run(tmp_path / "off", fakebot, with_milky=False)
    with_milky, rendered = _run(tmp_path / "on", fakebot, with_milky=True)
    assert without.keys() == with_milky.keys()
    for channel in without:
        assert with_milky[channel] == without[channel], channel
    assert len(without["posts"]) == 12 and len(without["api"]) == 13
    # the Milky side saw it all, the changes OneBot 11 has no event for too
    types = [event["event_type"] for event in rendered]
    assert types.count("message_receive") == 4  # two received, two the bot sent
    assert "group_name_change" in types and "message_recall" in types
    assert all(conform.problems("Event", event) == [] for event in rendered)
