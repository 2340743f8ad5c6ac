"""The event bus: ordering (POST-14 / WSF-20), isolation of sinks, one encoding per format."""

from __future__ import annotations

import json
import threading

from onebot_ref.bus import Bus
from onebot_ref.traffic import Traffic, mask_headers, mask_url

EVENT = {"time": 1, "self_id": 10000, "post_type": "message", "message_type": "private",
         "sub_type": "friend", "message_id": 1, "user_id": 10001,
         "message": [{"type": "text", "data": {"text": "hi [x]"}},
                     {"type": "face", "data": {"id": "1"}}],
         "raw_message": "hi &#91;x&#93;[CQ:face,id=1]", "font": 0, "sender": {"user_id": 10001}}


def test_post14_post_sinks_finish_before_push_sinks_start():
    """POST-14: "事件先通过 HTTP POST 上报，处理完快速操作后，再推送给 WebSocket 客户端"."""
    bus, order, done = Bus(), [], threading.Event()
    release = threading.Event()

    def post(p):
        release.wait(5)  # a slow receiver: the push must still wait for it
        order.append("post")

    bus.add_sink(lambda p: (order.append("push"), done.set()), "push")
    bus.add_sink(post, "post")
    bus.start()
    try:
        bus.publish(dict(EVENT))
        assert not done.wait(0.05)
        release.set()
        assert done.wait(5)
        assert order == ["post", "push"]
    finally:
        bus.stop()


def test_publish_never_blocks_on_a_slow_sink():
    bus, release = Bus(), threading.Event()
    bus.add_sink(lambda p: release.wait(5), "post")
    bus.start()
    try:
        for _ in range(100):
            bus.publish(dict(EVENT))  # returns at once though the sink is stuck
        release.set()
        assert bus.wait_idle(5)
    finally:
        bus.stop()


def test_a_failing_sink_does_not_stop_the_others():
    bus, got = Bus(), []

    def broken(p):
        raise RuntimeError("boom")

    bus.add_sink(broken, "push")
    bus.add_sink(lambda p: got.append(p.event["message_id"]), "push")
    bus.publish(dict(EVENT))  # not started: delivered inline
    assert got == [1]


def test_events_keep_publish_order():
    bus, got = Bus(), []
    bus.add_sink(lambda p: got.append(p.event["message_id"]), "push")
    bus.start()
    try:
        for i in range(200):
            bus.publish(dict(EVENT, message_id=i))
        assert bus.wait_idle(5)
    finally:
        bus.stop()
    assert got == list(range(200))


def test_each_format_is_encoded_once_and_shared_by_every_client():
    published = Bus().publish(dict(EVENT))
    body = published.body("string")
    assert published.body("string") is body  # cached: never once per client
    assert json.loads(body)["message"] == "hi &#91;x&#93;[CQ:face,id=1]"
    assert json.loads(published.body("array"))["message"] == EVENT["message"]
    # POST-7: compact and not ASCII-escaped
    assert b", " not in body and b": " not in body
    assert "hi" in published.text("array")


def test_traffic_masks_tokens_and_signatures():
    assert mask_headers({"Authorization": "Bearer secret-token", "X-Signature": "sha1=abcdef",
                         "Host": "x"}) == {"Authorization": "Bearer se****",
                                           "X-Signature": "sha1=ab****", "Host": "x"}
    assert mask_url("/send_msg?access_token=secret&x=1") == "/send_msg?access_token=se****&x=1"


def test_traffic_is_bounded_and_pages_by_cursor():
    traffic = Traffic(limit=10)
    for i in range(25):
        traffic.record("http", "in", "127.0.0.1:1", {"i": i})
    frames, cursor = traffic.since(0)
    assert [f["data"]["i"] for f in frames] == list(range(15, 25))
    assert cursor == 25
    frames, cursor = traffic.since(20, limit=2)
    assert [f["seq"] for f in frames] == [21, 22] and cursor == 22
    assert traffic.since(25) == ([], 25)


def test_traffic_wait_wakes_on_a_new_frame():
    traffic = Traffic()
    timer = threading.Timer(0.05, traffic.record, ("ws", "out", "p", {}))
    timer.start()
    assert traffic.wait(0, timeout=5)
    assert not traffic.wait(traffic.cursor, timeout=0.01)


def test_traffic_formats_and_masks_a_frame_only_when_it_is_read():
    """Recording is on every request's path (issue 10): the pieces are kept as given, the
    headers function runs and the secrets are masked when someone reads the journal."""
    traffic = Traffic()
    calls = []

    def headers():
        calls.append(1)
        return {"Authorization": "Bearer secret-token", "Host": "x"}

    traffic.record("http", "in", "127.0.0.1:1", {"a": 1}, headers=headers,
                   path="/get_status?access_token=secret", verdict="checked")
    assert calls == []
    (frame,), _ = traffic.since(0)
    assert list(frame) == ["seq", "time", "channel", "direction", "peer", "data", "path",
                           "headers", "verdict"]  # docs/console-api.md's order
    assert frame["headers"] == {"Authorization": "Bearer se****", "Host": "x"}
    assert frame["path"] == "/get_status?access_token=se****" and calls == [1]
    assert traffic.since(0)[0] == [frame]  # the same frame each time it is read


def test_a_facts_only_item_reaches_only_the_sinks_that_ask_for_it():
    """A change OneBot 11 has no event for (event None) never calls a OneBot 11 sink; an event
    reaches every sink, with its facts."""
    bus, onebot, milky = Bus(), [], []
    bus.add_sink(onebot.append, "post")
    bus.add_sink(onebot.append, "push")
    bus.add_sink(milky.append, "push", also_facts_only=True)
    bus.publish(None, {"kind": "group_name", "group_id": 20001})
    bus.publish(dict(EVENT), {"kind": "message"})
    assert [p.event["post_type"] for p in onebot] == ["message", "message"]
    assert [(p.event, p.facts["kind"]) for p in milky] == [(None, "group_name"),
                                                           (EVENT, "message")]
    bus.remove_sink(milky.append)
    bus.publish(None, {"kind": "pin"})
    assert len(milky) == 2 and len(onebot) == 2


def test_memo_computes_once_per_item_and_keeps_none():
    bus, calls = Bus(), []
    published = bus.publish(dict(EVENT))
    assert published.facts is None

    def make():
        calls.append(1)
        return None

    assert published.memo("k", make) is None and published.memo("k", make) is None
    assert calls == [1]
    # a memo may ask for another key of the same item (no lock is held while it computes)
    assert published.memo("outer", lambda: ("x", published.memo("k", make))) == ("x", None)
