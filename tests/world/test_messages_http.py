"""Messages where they meet the world and the HTTP API, over real sockets (127.0.0.1, port 0):
the three input forms and auto_escape stored as a user expects, read back by get_msg in both
post_message_formats (MSG-18..24, PARAM-9, API-1..6); events through the bus in both formats with
raw_message always CQ (EVT-5, EVT-13/14, MSG-25); at qq=all, reply and node/forward against the
world (SEG-7, SEG-16..19, A-23, A-44); refused segments named in a 100 (SEG-*, MSG-19).
"""

from __future__ import annotations

import json

import pytest

from helpers import HOWS, http_call, http_data, start_runner
from onebot_ref.protocol.response import ActionError
from onebot_ref.runner import Runner

GROUP_OWNED, GROUP_AS_MEMBER, GROUP_AS_ADMIN = 20001, 20002, 20003  # the default world's roles
FRIEND = 10001


@pytest.fixture(scope="module", params=["string", "array"])
def runner(request, tmp_path_factory):
    """One server per post_message_format (CFG: post_message_format, MSG-24)."""
    with start_runner(tmp_path_factory.mktemp(f"data-{request.param}"),
                      post_message_format=request.param) as started:
        yield started


def stored(runner: Runner, message_id: int):
    """``message`` of get_msg, in the runner's post_message_format."""
    return http_data(runner, "get_msg", message_id=message_id)["message"]


def text(value: str) -> dict:
    return {"type": "text", "data": {"text": value}}


FACE = {"type": "face", "data": {"id": "178"}}
LITERAL = "[CQ:face,id=178]&amp;,"

# (id, params of send_msg besides the target, stored segments, the same as a CQ string)
SENDS = [
    ("MSG-13-cq-string", {"message": "hi [CQ:face,id=178] &#91;x&#93;"},
     [text("hi "), FACE, text(" [x]")], "hi [CQ:face,id=178] &#91;x&#93;"),
    ("MSG-1-array", {"message": [text("hi "), FACE, text(" [x]")]},
     [text("hi "), FACE, text(" [x]")], "hi [CQ:face,id=178] &#91;x&#93;"),
    ("MSG-23-single-segment", {"message": FACE}, [FACE], "[CQ:face,id=178]"),
    ("MSG-20-auto_escape-bool", {"message": LITERAL, "auto_escape": True},
     [text(LITERAL)], "&#91;CQ:face,id=178&#93;&amp;amp;,"),
    ("MSG-20-auto_escape-yes", {"message": LITERAL, "auto_escape": "yes"},
     [text(LITERAL)], "&#91;CQ:face,id=178&#93;&amp;amp;,"),
    ("MSG-20-auto_escape-ignored-for-array", {"message": [FACE], "auto_escape": True},
     [FACE], "[CQ:face,id=178]"),
    ("MSG-18-adjacent-text-merged", {"message": [text("a"), text(""), text("b")]},
     [text("ab")], "ab"),
]


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("params, segments, cq", [s[1:] for s in SENDS],
                         ids=[s[0] for s in SENDS])
def test_send_msg_stores_what_the_user_meant(runner, how, params, segments, cq):
    """API-3 + MSG-24: every input form is read back by get_msg in the configured format."""
    sent = http_data(runner, "send_msg", how=how, group_id=GROUP_OWNED, **params)
    expected = cq if runner.config.post_message_format == "string" else segments
    assert stored(runner, sent["message_id"]) == expected
    data = http_data(runner, "get_msg", how=how, message_id=sent["message_id"])
    assert data["message_type"] == "group" and data["group_id"] == GROUP_OWNED


@pytest.mark.parametrize("how", HOWS)
def test_send_private_msg_round_trip(runner, how):
    """API-1, API-5: a private message is read back with message_type private."""
    mid = http_data(runner, "send_private_msg", how=how, user_id=FRIEND,
                    message=[FACE])["message_id"]
    data = http_data(runner, "get_msg", how=how, message_id=mid)
    assert data["message_type"] == "private" and "group_id" not in data
    assert data["message"] == ("[CQ:face,id=178]" if runner.config.post_message_format ==
                               "string" else [FACE])


def test_events_carry_both_formats_and_raw_message_is_cq(runner):
    """EVT-5/EVT-14: the bus hands each sink `message` in the format asked for; EVT-13/MSG-25:
    raw_message is the CQ string in both. The format the runner's transports use is its
    post_message_format (Bus(post_message_format))."""
    seen = []
    runner.bus.add_sink(seen.append, "push")
    try:
        event = runner.world.receive_group_message(GROUP_OWNED, FRIEND,
                                                   [text("a,[b]&"), FACE])
        assert runner.bus.wait_idle(5)
    finally:
        runner.bus.remove_sink(seen.append)
    published = next(p for p in seen if p.event["message_id"] == event["message_id"])
    cq = "a,&#91;b&#93;&amp;[CQ:face,id=178]"
    assert published.as_dict("string")["message"] == cq
    assert published.as_dict("array")["message"] == [text("a,[b]&"), FACE]
    for fmt in ("string", "array"):
        assert json.loads(published.body(fmt))["raw_message"] == cq
        assert published.as_dict(fmt)["raw_message"] == cq
    assert runner.bus.message_format == runner.config.post_message_format
    # the same message read by get_msg follows the configured format (MSG-24)
    assert stored(runner, event["message_id"]) == published.as_dict(
        runner.config.post_message_format)["message"]


# --- at, reply, node/forward against the world -----------------------------------------------

AT_ALL = {"type": "at", "data": {"qq": "all"}}


@pytest.mark.parametrize("target, retcode", [
    ({"group_id": GROUP_OWNED}, 0),
    ({"group_id": GROUP_AS_ADMIN}, 0),
    ({"group_id": GROUP_AS_MEMBER}, 103),
    ({"user_id": FRIEND}, 0),
], ids=["SEG-7-all-as-owner", "SEG-7-all-as-admin", "SEG-7-all-as-member-103",
        "SEG-7-all-in-private-kept"])
def test_at_all_needs_admin_in_a_group(runner, target, retcode):
    """@全体成员 (qq=all): in QQ only an admin or the owner may (onebot_ref: 103 otherwise)."""
    envelope = http_call(runner, "send_msg", **target, message=[AT_ALL, text(" hi")])
    assert envelope["retcode"] == retcode, envelope
    if retcode:
        assert "segment 0 (at)" in envelope["message"] and "qq=all" in envelope["message"]
    else:
        assert stored(runner, envelope["data"]["message_id"]) in (
            "[CQ:at,qq=all] hi", [AT_ALL, text(" hi")])


@pytest.mark.parametrize("qq", ["abc", "0", "-5", ""], ids=lambda q: f"SEG-7-qq-{q!r}")
def test_at_needs_a_qq_number_or_all(runner, qq):
    envelope = http_call(runner, "send_group_msg", group_id=GROUP_OWNED,
                         message=f"[CQ:at,qq={qq}]x")
    assert envelope["retcode"] == 100
    assert "segment 0 (at)" in envelope["message"] and "'qq'" in envelope["message"]


def test_at_a_member_is_stored_as_given(runner):
    mid = http_data(runner, "send_group_msg", group_id=GROUP_OWNED,
                    message="[CQ:at,qq=10002] hi")["message_id"]
    assert stored(runner, mid) in ("[CQ:at,qq=10002] hi",
                                   [{"type": "at", "data": {"qq": "10002"}}, text(" hi")])


def test_reply_quotes_a_stored_message(runner):
    """SEG-16: reply id = a message id the world knows; read back by get_msg."""
    quoted = runner.world.receive_group_message(GROUP_OWNED, FRIEND, "question")["message_id"]
    mid = http_data(runner, "send_group_msg", group_id=GROUP_OWNED,
                    message=f"[CQ:reply,id={quoted}]answer")["message_id"]
    reply = {"type": "reply", "data": {"id": str(quoted)}}
    assert stored(runner, mid) in (f"[CQ:reply,id={quoted}]answer", [reply, text("answer")])


def test_reply_to_unknown_recalled_or_bad_id_fails(runner):
    """SEG-16: an unknown or recalled id is 102 (as get_msg answers), a non-number 100; each
    names the segment and the field."""
    recalled = http_data(runner, "send_group_msg", group_id=GROUP_OWNED,
                         message="oops")["message_id"]
    http_data(runner, "delete_msg", message_id=recalled)
    for message_id, retcode in ((999999, 102), (recalled, 102), ("x", 100)):
        envelope = http_call(runner, "send_group_msg", group_id=GROUP_OWNED, message=[
            {"type": "reply", "data": {"id": message_id}}, text("hi")])
        assert envelope["retcode"] == retcode, envelope
        assert "segment 0 (reply)" in envelope["message"] and "'id'" in envelope["message"]


def node(user_id: str, nickname: str, content) -> dict:
    return {"type": "node", "data": {"user_id": user_id, "nickname": nickname,
                                     "content": content}}


@pytest.mark.parametrize("how", HOWS)
def test_merged_forward_is_readable_by_get_forward_msg(runner, how):
    """SEG-18/19, API-6, A-23: custom nodes (content as CQ string or array) and a node naming a
    stored message become one forward segment; get_forward_msg gives the nodes, content as
    arrays, under `message` and `messages`."""
    quoted = runner.world.receive_private_message(FRIEND, "[CQ:face,id=178]original")
    nodes = [node("10001", "Alice", "hi [CQ:face,id=178]"),
             node("10002", "Bob", [text("yo")]),
             {"type": "node", "data": {"id": str(quoted["message_id"])}}]
    mid = http_data(runner, "send_group_msg", how=how, group_id=GROUP_OWNED,
                    message=nodes)["message_id"]
    message = stored(runner, mid)
    if runner.config.post_message_format == "string":
        assert message.startswith("[CQ:forward,id=") and message.endswith("]")
        forward_id = message[len("[CQ:forward,id="):-1]
    else:
        assert [s["type"] for s in message] == ["forward"]
        forward_id = message[0]["data"]["id"]
    data = http_data(runner, "get_forward_msg", how=how, id=forward_id)
    assert data["message"] == data["messages"] == [
        node("10001", "Alice", [text("hi "), FACE]),
        node("10002", "Bob", [text("yo")]),
        node("10001", "Alice", [FACE, text("original")])]
    assert http_call(runner, "get_forward_msg", how=how, id="F999999")["retcode"] == 102


# --- refused segments: 100 naming the segment and field, over every parameter source ---------

REFUSED = [
    ("SEG-17-forward-receive-only", "[CQ:forward,id=F1]", ["segment 0 (forward)",
                                                           "receive-only"]),
    ("SEG-unknown-type", [text("x"), {"type": "sticker", "data": {}}],
     ["segment 1 (sticker)", "unknown segment type"]),
    ("SEG-4-image-without-file", "x[CQ:image]", ["segment 1 (image)", "'file'"]),
    ("SEG-12-share-without-title", {"type": "share", "data": {"url": "http://a"}},
     ["segment 0 (share)", "'title'"]),
    ("SEG-15-music-without-id", "[CQ:music,type=163]", ["segment 0 (music)", "'id'"]),
    ("SEG-15-music-bad-type", "[CQ:music,type=spotify,id=1]", ["segment 0 (music)", "'type'"]),
    ("SEG-19-node-without-content", [{"type": "node", "data": {"user_id": "1",
                                                               "nickname": "n"}}],
     ["segment 0 (node)", "'content'"]),
    ("SEG-19-receive-only-inside-node", [node("1", "n", "[CQ:forward,id=F1]")],
     ["segment 0 (node) field 'content': segment 0 (forward)", "receive-only"]),
    ("A-44-node-mixed", [node("1", "n", "x"), text("y")], ["segment 1 (text)", "node"]),
    ("MSG-22-data-not-object", [{"type": "face", "data": "178"}],
     ["segment 0 (face)", "'data'"]),
    ("MSG-19-empty", [text("")], ["empty"]),
]


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("message, fragments", [r[1:] for r in REFUSED],
                         ids=[r[0] for r in REFUSED])
def test_refused_segments_fail_100_naming_segment_and_field(runner, how, message, fragments):
    envelope = http_call(runner, "send_msg", how=how, group_id=GROUP_OWNED, message=message)
    assert envelope["status"] == "failed" and envelope["retcode"] == 100, envelope
    for fragment in fragments:
        assert fragment in envelope["message"]


# --- the other users (console) are held to the same rules ----------------------------------

@pytest.mark.parametrize("user_id, message, problem", [
    (10002, [AT_ALL], "segment 0 (at)"),
    (10001, "[CQ:reply,id=999999]x", "segment 0 (reply)"),
    (10001, "[CQ:forward,id=F1]", "receive-only"),
], ids=["SEG-7-member-at-all", "SEG-16-unknown-reply", "SEG-17-forward"])
def test_a_user_message_is_checked_like_the_bots(runner, user_id, message, problem):
    before = runner.world.store.last_seq()
    with pytest.raises(ActionError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        runner.world.receive_group_message(GROUP_OWNED, user_id, message)
    assert runner.world.store.last_seq() == before  # nothing stored


def test_an_admin_user_may_at_all(runner):
    event = runner.world.receive_group_message(GROUP_OWNED, 10001, [AT_ALL])
    assert event["raw_message"] == "[CQ:at,qq=all]"
