"""Segments at the Milky face's boundary (segments_out.py, segments_in.py): MLK-29..34."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from milky_samples import ALICE, BOB, T
from onebot_ref.protocol.milky import conform, params
from onebot_ref.protocol.milky.envelope import MilkyError
from onebot_ref.protocol.milky.segments_in import PLACEHOLDERS, Lookups, forward_card, to_milky
from onebot_ref.protocol.milky.segments_out import check_uri, to_onebot
from onebot_ref.protocol.milky.structs import STRUCTS
from onebot_ref.protocol.segments import TYPES as ONEBOT_TYPES

#: The conversation's messages: Milky seq -> OneBot id (id = seq + 100), and back.
STORED = {103: {"message_seq": 3, "sender_id": BOB, "time": T - 5,
                "segments": [{"type": "text", "data": {"text": "quoted"}},
                             {"type": "reply", "data": {"id": "101"}}]}}


def reply_id(seq: int) -> int | None:
    return seq + 100 if seq + 100 in STORED or seq < 50 else None


def _stored(message_id: int) -> dict | None:
    return STORED.get(message_id) or (
        {"message_seq": message_id - 100, "sender_id": ALICE, "time": T, "segments": []}
        if 100 <= message_id < 150 else None)


LOOK = Lookups(mention_name=lambda user_id: {ALICE: "Alice (admin)"}.get(user_id),
               reply=_stored,
               media=lambda kind, data: {"resource_id": data["file"],
                                         "temp_url": "http://127.0.0.1:3000/res/" + kind},
               forward=lambda forward_id: [{"type": "node", "data": {
                   "user_id": str(ALICE), "nickname": "Alice",
                   "content": [{"type": "text", "data": {"text": "x"}},
                               {"type": "image", "data": {"file": "a.png"}}]}}] * 5)


def out(*segments: dict) -> list[dict]:
    """Bind like a request, then convert."""
    bound = params.bind("send_group_message", {"group_id": 20001, "message": list(segments)})
    return to_onebot(bound["message"], reply_id)


def seg(kind: str, **data) -> dict:
    return {"type": kind, "data": data}


@pytest.mark.parametrize("milky, onebot", [
    (seg("text", text="hi"), seg("text", text="hi")),
    (seg("mention", user_id=ALICE), seg("at", qq=str(ALICE))),
    (seg("mention_all"), seg("at", qq="all")),
    (seg("face", face_id="14"), seg("face", id="14")),
    (seg("face", face_id="14", is_large=True), seg("face", id="14", is_large="true")),
    (seg("reply", message_seq=3), seg("reply", id="103")),
    (seg("image", uri="https://e.org/a.png"), seg("image", file="https://e.org/a.png")),
    (seg("image", uri="base64://AA==", sub_type="sticker", summary="[动画表情]"),
     seg("image", file="base64://AA==", summary="[动画表情]", sub_type="1")),
    (seg("record", uri="file:///tmp/a.amr"), seg("record", file="file:///tmp/a.amr")),
    (seg("video", uri="http://e.org/v.mp4", thumb_uri="http://e.org/t.png"),
     seg("video", file="http://e.org/v.mp4", thumb="http://e.org/t.png")),
    (seg("light_app", json_payload='{"app":"a"}'), seg("json", data='{"app":"a"}')),
])
def test_outgoing_table_MLK_32(milky, onebot):
    assert out(milky) == [onebot]


def test_outgoing_forward_becomes_node_segments_MLK_32():
    forward = seg("forward", title="t", preview=["a"], messages=[
        {"user_id": ALICE, "sender_name": "Alice", "segments": [seg("text", text="x")]},
        {"user_id": BOB, "sender_name": "Bob", "segments": [seg("face", face_id="1")]}])
    assert out(forward) == [
        seg("node", user_id=str(ALICE), nickname="Alice", content=[seg("text", text="x")]),
        seg("node", user_id=str(BOB), nickname="Bob", content=[seg("face", id="1")])]


def test_text_is_canonical_after_conversion():
    assert out(seg("text", text="a"), seg("text", text=""), seg("text", text="b")) == [
        seg("text", text="ab")]


@pytest.mark.parametrize("segments, code, message", [
    ([seg("text", text="")], -400, "message: nothing to send"),  # MLK-34
    ([seg("image", uri="a.png")], -400,
     "message[0].data.uri: expected a file://, http(s):// or base64:// URI, got 'a.png'"),
    ([seg("video", uri="file:///v", thumb_uri="/etc/passwd")], -400,
     "message[0].data.thumb_uri: expected a file://"),  # MLK-30
    ([seg("reply", message_seq=99)], -404,
     "message[0].data.message_seq: no message 99 in this conversation"),
    ([seg("text", text="a"), seg("forward", messages=[])], -400,
     "message[1]: a forward segment must be the only segment of its message (this one has 2)"),
    ([seg("forward", messages=[])], -400,
     "message[0].data.messages: a forward needs at least one message"),
    ([seg("forward", preview=[], messages=[{"user_id": ALICE, "sender_name": "A",
                                             "segments": [seg("text", text="x")]}])],
     -400, "message[0].data.preview: 1 to 4 lines when given, got 0"),
    ([seg("forward", preview=list("abcde"), messages=[
        {"user_id": ALICE, "sender_name": "A", "segments": [seg("text", text="x")]}])],
     -400, "message[0].data.preview: 1 to 4 lines when given, got 5"),
    ([seg("forward", messages=[{"user_id": ALICE, "sender_name": "A", "segments": []}])],
     -400, "message[0].data.messages[0].segments: nothing to send"),
])
def test_outgoing_checks_MLK_30_31_34(segments, code, message):
    with pytest.raises(MilkyError) as caught:
        out(*segments)
    assert caught.value.retcode == code and caught.value.message.startswith(message)


def test_check_uri_for_the_other_uri_parameters_MLK_30():
    for good in ("file:///a", "http://a", "https://a", "base64://AA=="):
        assert check_uri("uri", good) == good
    with pytest.raises(MilkyError, match="image_uri: expected a file://"):
        check_uri("image_uri", "ftp://a")


@pytest.mark.parametrize("onebot, milky", [
    (seg("text", text="hi"), seg("text", text="hi")),
    (seg("at", qq=str(ALICE)), seg("mention", user_id=ALICE, name="Alice (admin)")),
    (seg("at", qq=str(BOB)), seg("mention", user_id=BOB, name=str(BOB))),  # no name known
    (seg("at", qq="all"), seg("mention_all")),
    (seg("at", qq="5"), seg("text", text="@5")),  # no QQ number (MLK-20)
    (seg("face", id="14"), seg("face", face_id="14", is_large=False)),
    (seg("face", id="14", is_large="true"), seg("face", face_id="14", is_large=True)),
    (seg("reply", id="103"), seg("reply", message_seq=3, sender_id=BOB, sender_name=None,
                                 time=T - 5, segments=[seg("text", text="quoted")])),
    (seg("reply", id="999"), seg("text", text="[回复]")),
    (seg("image", file="a.png", sub_type="1", summary="s"),
     seg("image", resource_id="a.png", temp_url="http://127.0.0.1:3000/res/image", width=0,
         height=0, summary="s", sub_type="sticker")),
    (seg("record", file="a.amr"), seg("record", resource_id="a.amr",
                                      temp_url="http://127.0.0.1:3000/res/record", duration=0)),
    (seg("video", file="v.mp4"), seg("video", resource_id="v.mp4", width=0, height=0,
                                     temp_url="http://127.0.0.1:3000/res/video", duration=0)),
    (seg("forward", id="F1"), seg("forward", forward_id="F1", title="群聊的聊天记录",
                                  preview=["Alice: x[图片]"] * 4, summary="查看5条转发消息")),
    (seg("json", data='{"app":"com.tencent.miniapp"}'),
     seg("light_app", app_name="com.tencent.miniapp",
         json_payload='{"app":"com.tencent.miniapp"}')),
    (seg("json", data="not json"), seg("light_app", app_name="", json_payload="not json")),
    (seg("xml", data='<msg serviceID="35"/>'), seg("xml", service_id=35,
                                                   xml_payload='<msg serviceID="35"/>')),
    (seg("file", file_id="f", file_name="a.txt", file_size="3"),
     seg("file", file_id="f", file_name="a.txt", file_size=3, file_hash=None)),
])
def test_incoming_table_MLK_33(onebot, milky):
    assert to_milky([onebot], LOOK) == [milky]
    assert conform.problems("IncomingSegment", milky) == []


MAPPED = {"text", "at", "face", "reply", "image", "record", "video", "forward", "json", "xml"}


@pytest.mark.parametrize("kind", sorted(set(ONEBOT_TYPES) - MAPPED))
def test_onebot_only_types_become_text_MLK_29(kind):
    """rps, dice, shake, poke, anonymous, share, contact, location, music, node."""
    assert kind in PLACEHOLDERS
    converted = to_milky([seg(kind, type="qq", id="1", title="t", url="u")], LOOK)
    assert converted[0]["type"] == "text" and converted[0]["data"]["text"].startswith("[")


def test_forward_card_as_qq_words_it():
    nodes = [seg("node", nickname="A", content=[seg("text", text="a\nb")])]
    assert forward_card(nodes) == {"title": "群聊的聊天记录", "preview": ["A: a b"],
                                   "summary": "查看1条转发消息"}


# ---- properties -------------------------------------------------------------------------------

SEQS = st.integers(1, 49)
OUTGOING = st.one_of(
    st.builds(lambda t: seg("text", text=t), st.text(max_size=5)),
    st.builds(lambda u: seg("mention", user_id=u), st.sampled_from([ALICE, BOB, 4294967295])),
    st.just(seg("mention_all")),
    st.builds(lambda f, large: seg("face", face_id=f, is_large=large),
              st.text("0123456789", min_size=1, max_size=3), st.booleans()),
    st.builds(lambda s: seg("reply", message_seq=s), SEQS),
    st.builds(lambda u, sticker: seg("image", uri=u, sub_type="sticker" if sticker else "normal"),
              st.sampled_from(["https://e.org/a.png", "base64://AA==", "file:///a.png"]),
              st.booleans()),
    st.builds(lambda u: seg("record", uri=u), st.sampled_from(["file:///a.amr", "http://e/a"])),
    st.builds(lambda u: seg("video", uri=u), st.sampled_from(["file:///a.mp4", "http://e/v"])),
    st.builds(lambda j: seg("light_app", json_payload=j), st.text(max_size=6)),
)


def _project(segments: list[dict], incoming: bool) -> list[tuple]:
    """What must survive the round trip: adjacent text merged, empty text dropped."""
    out: list[tuple] = []
    for s in segments:
        kind, d = s["type"], s["data"]
        if kind == "text":
            if d["text"]:
                if out and out[-1][0] == "text":
                    out[-1] = ("text", out[-1][1] + d["text"])
                else:
                    out.append(("text", d["text"]))
            continue
        key = {"mention": "user_id", "face": "face_id", "reply": "message_seq",
               "light_app": "json_payload", "mention_all": None}.get(kind)
        if kind in ("image", "record", "video"):
            value = d["resource_id"] if incoming else d["uri"]
            out.append((kind, value, d.get("sub_type", "normal")))
        elif kind == "face":
            out.append((kind, d["face_id"], d["is_large"]))
        else:
            out.append((kind, d[key] if key else None))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(OUTGOING, min_size=1, max_size=6))
def test_round_trip_keeps_every_segment(message):
    """Milky outgoing -> OneBot 11 (the world) -> Milky incoming keeps what a client sent."""
    try:
        onebot = out(*message)
    except MilkyError as err:  # only an all-empty-text message may fail
        assert err.retcode == -400 and not _project(message, False)
        return
    incoming = to_milky(onebot, LOOK)
    assert _project(incoming, True) == _project(message, False)
    for segment in incoming:
        assert conform.problems("IncomingSegment", segment) == []


STORED_TYPES = st.sampled_from(list(ONEBOT_TYPES) + ["file", "mface", "markdown", ""])
STORED_DATA = st.dictionaries(st.sampled_from(["text", "qq", "id", "file", "data", "type",
                                               "resid", "file_size", "is_large", "sub_type"]),
                              st.text(max_size=6), max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(lambda kind, data: {"type": kind, "data": data}, STORED_TYPES,
                          STORED_DATA), max_size=6))
def test_any_stored_message_converts_to_known_types_MLK_29(stored):
    """Whatever the store holds, every segment sent is one of the IR's 13 types and conforms."""
    look = Lookups(mention_name=LOOK.mention_name, reply=_stored, forward=lambda i: None,
                   media=lambda kind, data: {"resource_id": data.get("file", ""),
                                             "temp_url": "http://127.0.0.1/r"})
    converted = to_milky(stored, look)
    assert len(converted) == len(stored)  # nothing dropped outside a quote
    for segment in converted:
        assert segment["type"] in STRUCTS["IncomingSegment"].tags
        assert conform.problems("IncomingSegment", segment) == []
