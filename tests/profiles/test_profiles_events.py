"""The profiles' event-side rows over real sockets: HTTP POST (quick operations, heartbeat,
lifecycle), the reverse WebSocket (scheme, roles) and the bot's own messages
(report_self_message)."""

from __future__ import annotations

import pytest

from fakebot import connect
from helpers import http_data

ALICE, GROUP = 10001, 20001


def posted_events(bot, kind=None):
    return [p.json for p in bot.posts if isinstance(p.json, dict)
            and (kind is None or p.json.get("meta_event_type") == kind)]


def verdicts(runner):
    frames, _ = runner.traffic.since(0, limit=10**6)
    return [f.get("verdict", "") for f in frames]


# --- HTTP POST ----------------------------------------------------------------------------------

def test_lagrange_ignores_the_reply_of_an_http_post(make_runner, fakebot):
    fakebot.respond(json={"reply": "quick hello"})
    with make_runner(profile="lagrange", post_url=fakebot.post_url) as runner:
        runner.world.receive_private_message(ALICE, "hi")
        fakebot.wait_event_post(lambda e: e.get("post_type") == "message")
        assert runner.bus.wait_idle()
        assert runner.world.counters["message_sent"] == 0  # no reply was sent
        assert any("profile lagrange: receiver answered 200: the reply ignored" in v
                   for v in verdicts(runner))


def test_the_spec_applies_the_same_reply(make_runner, fakebot):
    fakebot.respond(json={"reply": "quick hello"})
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.receive_private_message(ALICE, "hi")
        fakebot.wait_event_post(lambda e: e.get("post_type") == "message")
        assert runner.bus.wait_idle() and runner.world.counters["message_sent"] == 1


@pytest.mark.parametrize("profile, posted", [
    ("spec", True), ("go-cqhttp", True), ("napcat", False), ("llonebot", False),
    ("lagrange", True),
])
def test_heartbeats_on_http_post(make_runner, fakebot, profile, posted):
    # a long interval: the beat is made by hand, then a message shows the POSTs are through
    with make_runner(profile=profile, post_url=fakebot.post_url, enable_heartbeat=True,
                     heartbeat_interval=3600000) as runner:
        runner.modes["heartbeat"].beat()
        runner.world.receive_private_message(ALICE, "after the beat")
        fakebot.wait_event_post(lambda e: e.get("post_type") == "message")
        assert bool(posted_events(fakebot, "heartbeat")) == posted
        if not posted:
            assert any(v.startswith(f"not posted: profile {profile}: no heartbeat on HTTP POST")
                       for v in verdicts(runner))


@pytest.mark.parametrize("profile, first", [
    ("spec", "enable"), ("go-cqhttp", None), ("napcat", None), ("llonebot", None),
    ("lagrange", "connect"),
])
def test_lifecycle_on_http_post(make_runner, fakebot, profile, first):
    with make_runner(profile=profile, post_url=fakebot.post_url) as runner:
        runner.world.receive_private_message(ALICE, "hi")
        fakebot.wait_event_post(lambda e: e.get("post_type") == "message")
        lifecycles = [e["sub_type"] for e in posted_events(fakebot, "lifecycle")]
        assert lifecycles == ([] if first is None else [first])
    after_stop = [e["sub_type"] for e in posted_events(fakebot, "lifecycle")]
    assert ("disable" in after_stop) == (profile == "spec")


# --- the reverse WebSocket ----------------------------------------------------------------------

@pytest.mark.parametrize("profile, token, authorization", [
    ("spec", "s3cret", "Bearer s3cret"),
    ("go-cqhttp", "s3cret", "Token s3cret"),
    ("napcat", "", "Bearer"),      # sent without a token ("Bearer ", as the peer reads it)
    ("llonebot", "", "Bearer"),
    ("lagrange", "", None),
])
def test_reverse_authorization(make_runner, fakebot, profile, token, authorization):
    with make_runner(profile=profile, access_token=token, use_ws_reverse=True,
                     ws_reverse_use_universal_client=True, ws_reverse_url=fakebot.ws_url):
        conn = fakebot.wait_connection(role="Universal")
        assert conn.headers.get("Authorization") == authorization


@pytest.mark.parametrize("profile, roles", [
    ("spec", {"API", "Event"}), ("go-cqhttp", {"API", "Event"}), ("napcat", {"Universal"}),
    ("llonebot", {"Universal"}), ("lagrange", {"API", "Event"}),
])
def test_reverse_roles_without_the_universal_switch(make_runner, fakebot, profile, roles):
    with make_runner(profile=profile, use_ws_reverse=True, ws_reverse_url=fakebot.ws_url) \
            as runner:
        for role in roles:
            fakebot.wait_connection(role=role)
        assert {c.role for c in fakebot.connections} == roles
        if profile in ("napcat", "llonebot"):
            assert any(f"profile {profile}: one Universal client" in v for v in verdicts(runner))


# --- the bot's own messages (report_self_message) ----------------------------------------------

@pytest.mark.parametrize("profile, post_type", [
    ("go-cqhttp", "message_sent"), ("napcat", "message_sent"), ("llonebot", "message_sent"),
    ("lagrange", "message"),
])
def test_report_self_message(make_runner, profile, post_type):
    with make_runner(profile=profile, use_ws=True, report_self_message=True) as runner:
        ws = connect(runner.url("ws") + "/event")
        assert ws.receive()["sub_type"] == "connect"
        message_id = http_data(runner, "send_private_msg", user_id=ALICE, message="mine")[
            "message_id"]
        event = ws.next_event()
        assert (event["post_type"], event["message_type"], event["user_id"]) == (
            post_type, "private", runner.world.self_id)
        assert (event["message_id"], event["target_id"]) == (message_id, ALICE)
        http_data(runner, "send_group_msg", group_id=GROUP, message="ours")
        event = ws.next_event()
        assert (event["post_type"], event["group_id"]) == (post_type, GROUP)
        ws.close()


def test_no_self_message_without_the_key(make_runner):
    with make_runner(profile="go-cqhttp", use_ws=True) as runner:
        ws = connect(runner.url("ws") + "/event")
        assert ws.receive()["sub_type"] == "connect"
        http_data(runner, "send_private_msg", user_id=ALICE, message="mine")
        runner.world.receive_private_message(ALICE, "theirs")
        assert ws.next_event()["raw_message"] == "theirs"  # the first event after connect
        ws.close()


@pytest.mark.parametrize("profile, key", [
    ("spec", "secret"), ("go-cqhttp", "secret"), ("napcat", "token"), ("llonebot", "token"),
    ("lagrange", "secret"),
])
def test_the_key_of_the_post_signature(make_runner, fakebot, profile, key):
    with make_runner(profile=profile, post_url=fakebot.post_url, secret="secret",
                     access_token="token") as runner:
        runner.world.receive_private_message(ALICE, "signed")
        post = fakebot.wait_event_post(lambda e: e.get("post_type") == "message")
        assert post.signature_ok(key)
        if key == "token":
            assert any(f"profile {profile}: signed with access_token where the spec says "
                       "X-Signature keyed with secret" in v for v in verdicts(runner))
