"""HTTP POST to a fake bot over real sockets (communication/http-post.md, POST-*,
QOP-*, META-2/3, GEN-4, A-17, A-34)."""

from __future__ import annotations

import json
import time

import pytest
import requests

from fakebot import Answer, connect
from onebot_ref.protocol.coerce import Params
from onebot_ref.protocol.response import ActionError

ALICE, BOB, CAROL, DAVE, MALLORY = 10001, 10002, 10003, 10004, 10009
GROUP, ANON_GROUP = 20001, 20003


def is_message(post) -> bool:
    return isinstance(post.json, dict) and post.json.get("post_type") == "message"


def answered(runner, verdict_part: str, timeout: float = 5.0) -> dict:
    """The journal line of the receiver's answer whose verdict contains ``verdict_part``."""
    frame = runner.traffic.find(lambda f: f["channel"] == "http_post" and f["direction"] == "in"
                                and verdict_part in (f.get("verdict") or ""), timeout)
    assert frame is not None, f"no HTTP POST answer with verdict {verdict_part!r}: " + repr(
        [f.get("verdict") for f in runner.traffic.since(0)[0] if f["channel"] == "http_post"])
    return frame


def sent_messages(runner) -> list[dict]:
    return [m for m in runner.world.messages_since(0)[0] if m["from_self"]]


# --- the request (POST-1..7, META-2/3) -----------------------------------------------------------

def test_event_post_headers_body_and_signature(make_runner, fakebot):
    with make_runner(post_url=fakebot.post_url, secret="k3y") as runner:
        runner.world.receive_private_message(ALICE, "你好 [CQ:face,id=1] & more")
        post = fakebot.wait_post(is_message)
    event = post.json
    assert post.method == "POST" and post.path == "/"
    # POST-2 [LEGACY] exact Content-Type; X-Self-ID equals the body's self_id
    assert post.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert post.headers["X-Self-Id"] == str(event["self_id"]) == "10000"
    assert post.headers["User-Agent"] == "CQHttp/4.15.0"  # POST-3
    # POST-5: HMAC-SHA1 over the exact body bytes
    assert post.signature_ok("k3y") and not post.signature_ok("other")
    # POST-7: compact, not ASCII-escaped (what Koishi re-creates to check the signature)
    assert post.body == json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    assert "你好".encode() in post.body
    assert (event["user_id"], event["message"]) == (ALICE, "你好 [CQ:face,id=1] &amp; more")


def test_no_secret_no_signature_header(make_runner, fakebot):
    """POST-6."""
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.receive_private_message(ALICE, "hi")
        assert "X-Signature" not in fakebot.wait_post(is_message).headers


def test_lifecycle_enable_first_and_disable_on_stop_only_via_http_post(make_runner, fakebot):
    """META-2/3, A-17: enable once started, disable when stopping; never on the WebSockets."""
    with make_runner(post_url=fakebot.post_url, use_ws=True) as runner:
        ws = connect(runner.url("ws") + "/event")
        assert ws.receive()["sub_type"] == "connect"
        first = fakebot.wait_post()
        assert (first.json["meta_event_type"], first.json["sub_type"]) == ("lifecycle", "enable")
    last = fakebot.wait_post(lambda p: p.json.get("sub_type") == "disable")
    assert last is fakebot.posts[-1] and last.json["post_type"] == "meta_event"
    assert all(e.get("meta_event_type") != "lifecycle" or e["sub_type"] == "connect"
               for e in ws.received)


def test_http_post_is_on_whenever_post_url_is_set(make_runner, fakebot):
    """GEN-4: not switched by use_http / use_ws."""
    with make_runner(post_url=fakebot.post_url, use_http=False) as runner:
        assert "http" not in runner.servers
        runner.world.receive_private_message(ALICE, "hi")
        assert fakebot.wait_post(is_message).json["user_id"] == ALICE


def test_array_format_body(make_runner, fakebot):
    """EVT-5: the POST body follows post_message_format."""
    with make_runner(post_url=fakebot.post_url, post_message_format="array") as runner:
        runner.world.receive_private_message(ALICE, "hi")
        assert fakebot.wait_post(is_message).json["message"] == [
            {"type": "text", "data": {"text": "hi"}}]


# --- quick operations change the world (POST-8, QOP-*) ---------------------------------------------

def test_quick_reply_to_a_private_message(make_runner, fakebot):
    """QOP-1: the reply goes back to the sender; auto_escape sends the text as is."""
    fakebot.respond(json={"reply": "[not a code]", "auto_escape": True})
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.receive_private_message(ALICE, "hi")
        answered(runner, "quick operation applied: reply")
        [reply] = sent_messages(runner)
    assert (reply["message_type"], reply["target_id"]) == ("private", ALICE)
    assert reply["message"] == [{"type": "text", "data": {"text": "[not a code]"}}]


def test_quick_reply_in_a_group_ats_the_sender_by_default(make_runner, fakebot):
    """QOP-2, QOP-8, A-18: at_sender defaults to true: [CQ:at,qq=X] + space + reply."""
    fakebot.respond(json={"reply": "pong"})
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.receive_group_message(GROUP, BOB, "ping")
        answered(runner, "quick operation applied: reply")
        [reply] = sent_messages(runner)
    assert (reply["group_id"], reply["raw_message"]) == (GROUP, f"[CQ:at,qq={BOB}] pong")


def test_delete_kick_and_ban_in_that_order(make_runner, fakebot):
    """QOP-11..14: delete the message, kick the sender (not rejecting later requests)."""
    fakebot.respond(json={"delete": True, "kick": True})
    with make_runner(post_url=fakebot.post_url) as runner:
        event = runner.world.receive_group_message(GROUP, BOB, "spam")
        answered(runner, "quick operation applied: delete, kick")
        call = runner.actions.call
        assert call("get_msg", Params({"message_id": event["message_id"]}))["status"] == "failed"
        members = call("get_group_member_list", Params({"group_id": GROUP}))["data"]
        assert BOB not in [m["user_id"] for m in members]


def test_ban_with_duration(make_runner, fakebot):
    """QOP-2, QOP-13: ban the sender for ban_duration seconds."""
    fakebot.respond(json={"ban": True, "ban_duration": 600})
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.receive_group_message(GROUP, BOB, "spam")
        answered(runner, "quick operation applied: ban")
        members = runner.world.snapshot()["groups"][0]["members"]
        until = next(m for m in members if m["user_id"] == BOB)["banned_until"]
    assert 590 <= until - time.time() <= 610


def test_ban_of_an_anonymous_sender(make_runner, fakebot):
    """QOP-13, A-20: the ban also works on an anonymous sender (set_group_anonymous_ban)."""
    fakebot.respond(json={"ban": True})
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.receive_group_message(ANON_GROUP, BOB, "boo", anonymous=True)
        answered(runner, "quick operation applied: ban")
        with pytest.raises(ActionError, match="banned"):
            runner.world.receive_group_message(ANON_GROUP, BOB, "again", anonymous=True)


def test_friend_request_approved_with_remark(make_runner, fakebot):
    """QOP-3, QOP-15."""
    fakebot.respond(json={"approve": True, "remark": "mal"})
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.inject_event({"post_type": "request", "request_type": "friend",
                                   "user_id": MALLORY, "comment": "add me"})
        answered(runner, "quick operation applied: approve")
        friends = runner.actions.call("get_friend_list", Params({}))["data"]
    assert {"user_id": MALLORY, "remark": "mal"}.items() <= next(
        f for f in friends if f["user_id"] == MALLORY).items()


def test_group_request_rejected_with_reason(make_runner, fakebot):
    """QOP-4, QOP-15: approve false rejects; the request is handled (no longer pending)."""
    fakebot.respond(json={"approve": False, "reason": "no"})
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.inject_event({"post_type": "request", "request_type": "group",
                                   "sub_type": "add", "group_id": GROUP, "user_id": DAVE,
                                   "comment": "let me in"})
        answered(runner, "quick operation applied: reject")
        assert runner.world.snapshot()["requests"] == []
        members = runner.actions.call("get_group_member_list", Params({"group_id": GROUP}))
        assert DAVE not in [m["user_id"] for m in members["data"]]


@pytest.mark.parametrize("answer, verdict", [
    pytest.param(Answer(204), "receiver answered 204: no quick operation", id="POST-8-204"),
    pytest.param(Answer(200), "receiver answered 200: no quick operation", id="POST-8-empty-200"),
    pytest.param(Answer(200, b"OK, thanks"), "not strict JSON (does not parse",
                 id="POST-9-not-JSON"),
    pytest.param(Answer(200, b'{"reply": NaN}'), "not strict JSON (NaN is not JSON",
                 id="BAD-2-NaN-answer"),
    pytest.param(Answer(200, b'["reply"]'), "not an object: ignored", id="POST-9-array"),
    pytest.param(Answer(404, b'{"reply": "x"}'), "receiver answered 404: ignored",
                 id="POST-9-non-2xx"),
    pytest.param(Answer(200, b"{}"), "empty quick operation", id="POST-10-empty-object"),
    pytest.param(Answer(200, b'{"reply": 5}'), "quick operation refused: ",
                 id="choice-bad-field-named"),
])
def test_answers_without_a_quick_operation(make_runner, fakebot, answer, verdict):
    """Nothing is sent; a body that is no quick operation is journalled and ignored, once."""
    fakebot.respond_with(lambda post: answer)
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.receive_private_message(ALICE, "hi")
        answered(runner, verdict)
        runner.world.receive_private_message(ALICE, "again")  # and the next event still goes
        fakebot.wait_post(lambda p: is_message(p) and p.json["raw_message"] == "again")
        assert sent_messages(runner) == []
    assert len([p for p in fakebot.posts if is_message(p)]) == 2  # no retry, no loop


# --- ordering (POST-14, A-34) and a slow or dead receiver -----------------------------------------

def test_quick_operation_is_done_before_the_websocket_push(make_runner, fakebot):
    """POST-14 / WSF-20: when a /event client sees the event, the quick reply already exists."""
    fakebot.respond(json={"reply": "first"}, delay=0.2)
    with make_runner(post_url=fakebot.post_url, use_ws=True) as runner:
        ws = connect(runner.url("ws") + "/event")
        assert ws.receive()["sub_type"] == "connect"
        runner.world.receive_private_message(ALICE, "hi")
        ws.next_event(lambda e: e["post_type"] == "message")
        assert [m["raw_message"] for m in sent_messages(runner)] == ["first"]
        journal, _ = runner.traffic.since(0)
        applied = next(f["seq"] for f in journal if "applied" in (f.get("verdict") or ""))
        pushed = next(f["seq"] for f in journal if f["channel"] == "ws"
                      and f["data"].get("post_type") == "message")
        assert applied < pushed


def test_a_dead_receiver_does_not_hold_up_websockets_or_the_api(make_runner, fakebot):
    """The bus waits at most min(post_timeout, 2 s) for one POST, then stops waiting while the
    receiver lags: the next events reach the WebSocket at once."""
    fakebot.respond(delay=30)  # never answers in time
    with make_runner(post_url=fakebot.post_url, post_timeout=1, use_ws=True) as runner:
        ws = connect(runner.url("ws") + "/event")
        assert ws.receive()["sub_type"] == "connect"
        began = time.monotonic()
        for n in range(5):
            runner.world.receive_private_message(ALICE, f"m{n}")
        got = [ws.next_event(lambda e: e["post_type"] == "message")["raw_message"]
               for _ in range(5)]
        assert got == ["m0", "m1", "m2", "m3", "m4"]
        assert time.monotonic() - began < 2.0  # the first waited <= 1 s, the others not at all
        api = requests.get(runner.url("http") + "/get_login_info", timeout=2)
        assert api.json()["status"] == "ok"
        answered(runner, "timeout after 1 s")


def test_retries_after_5xx_then_delivered(make_runner, fakebot):
    """post_max_retries / post_retry_interval: a 5xx answer is retried; the journal says so."""
    answers = iter([Answer(500), Answer(503), Answer(200, b'{"reply": "ok"}')])
    fakebot.respond_with(lambda post: next(answers) if is_message(post) else Answer(204))
    with make_runner(post_url=fakebot.post_url, post_max_retries=2,
                     post_retry_interval=50) as runner:
        runner.world.receive_private_message(ALICE, "hi")
        answered(runner, "quick operation applied: reply")
        assert answered(runner, "receiver answered 500; retrying in 50 ms")
        assert len([p for p in fakebot.posts if is_message(p)]) == 3
        assert len({p.body for p in fakebot.posts if is_message(p)}) == 1  # the same event


def test_event_is_dropped_after_the_last_attempt(make_runner, fakebot):
    """POST-12 [LEGACY] default: one attempt; the journal says the event was not delivered."""
    fakebot.respond(500)  # to the lifecycle event too: its answer is journalled the same way
    with make_runner(post_url=fakebot.post_url) as runner:
        runner.world.receive_private_message(ALICE, "hi")
        fakebot.wait_post(is_message)
        sent = runner.traffic.find(lambda f: f["channel"] == "http_post" and f["direction"] ==
                                   "out" and (f.get("data") or {}).get("post_type") == "message", 5)
        assert runner.traffic.find(lambda f: f["seq"] > sent["seq"] and f["direction"] == "in" and
                                   "receiver answered 500; event not delivered by HTTP POST" in
                                   (f.get("verdict") or ""), 5)
    assert len([p for p in fakebot.posts if is_message(p)]) == 1


def test_receiver_down_is_journalled_as_connection_failed(make_runner, fakebot):
    url = fakebot.post_url
    fakebot.stop()
    with make_runner(post_url=url) as runner:
        runner.world.receive_private_message(ALICE, "hi")
        frame = answered(runner, "connection failed")
        assert frame["peer"] == url


def test_every_attempt_and_answer_is_journalled_with_masked_signature(make_runner, fakebot):
    with make_runner(post_url=fakebot.post_url, secret="k3y") as runner:
        runner.world.receive_private_message(ALICE, "hi")
        answered(runner, "receiver answered 204")
        out = runner.traffic.find(lambda f: f["channel"] == "http_post" and f["direction"] ==
                                  "out" and f["data"].get("post_type") == "message", 2)
    assert out["peer"] == fakebot.post_url
    assert out["headers"]["X-Signature"].endswith("****")
    assert out["headers"]["X-Self-ID"] == "10000"
