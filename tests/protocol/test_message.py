"""Message normalisation, validation for sending, and formats (MSG-*, PARAM-7/8, A-44)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onebot_ref.protocol import cqcode
from onebot_ref.protocol.message import is_forward, normalize, to_format, validate_outgoing
from onebot_ref.protocol.response import ActionError


def seg(kind: str, **data) -> dict:
    return {"type": kind, "data": data}


def text(s: str) -> dict:
    return seg("text", text=s)


FACE = seg("face", id="123")

NORMALIZE = [
    pytest.param("[CQ:face,id=123]", False, [FACE], id="PARAM-7-cq-string"),
    pytest.param([FACE], False, [FACE], id="PARAM-7-array"),
    pytest.param(FACE, False, [FACE], id="MSG-23-single-segment-object"),
    pytest.param({"type": "face", "data": None}, False, [seg("face")], id="MSG-22-data-null"),
    pytest.param({"type": "face"}, False, [seg("face")], id="MSG-22-data-missing"),
    pytest.param([{"type": "face", "data": {"id": 123}}], False, [FACE], id="MSG-21-number"),
    pytest.param([seg("record", file="a", magic=True)], False, [seg("record", file="a", magic="true")],
                 id="MSG-21-boolean"),
    pytest.param([seg("location", lat=39.5, lon=None)], False,
                 [seg("location", lat="39.5", lon="null")], id="MSG-21-float-and-null"),
    pytest.param([seg("json", data={"app": 1})], False, [seg("json", data='{"app":1}')],
                 id="MSG-21-object-value-json-text"),
    pytest.param("[CQ:face,id=1]&#91;x", True, [text("[CQ:face,id=1]&#91;x")],
                 id="MSG-20-auto-escape-no-parse-no-unescape"),
    pytest.param([FACE], True, [FACE], id="MSG-20-auto-escape-ignored-for-array"),
    pytest.param(FACE, True, [FACE], id="MSG-20-auto-escape-ignored-for-object"),
    pytest.param("", True, [], id="MSG-18-MSG-20-auto-escape-empty"),
    pytest.param("", False, [], id="MSG-19-empty-string"),
    pytest.param([], False, [], id="MSG-19-empty-array"),
    pytest.param([text("a"), text(""), text("b"), FACE, text("")], False, [text("ab"), FACE],
                 id="MSG-18-merge-and-drop-empty"),
    pytest.param([text(""), {"type": "text", "data": None}], False, [], id="MSG-18-only-empty-text"),
    pytest.param([seg("text", text=1)], False, [text("1")], id="MSG-21-text-number"),
    pytest.param([text("[CQ:face,id=1]")], False, [text("[CQ:face,id=1]")],
                 id="MSG-4-array-values-not-unescaped"),
    pytest.param("&#91;第一部分&#93;[CQ:image,file=123.jpg]图片之后的部分，表情：[CQ:face,id=123]", False,
                 [text("[第一部分]"), seg("image", file="123.jpg"), text("图片之后的部分，表情："), FACE],
                 id="array.md-MSG-13"),
    # message/segment.md 合并转发自定义节点 例 1 and 例 2 normalise to the same thing (SEG-19).
    pytest.param({"type": "node", "data": {"user_id": "10001000", "nickname": "某人",
                                            "content": "[CQ:face,id=123]哈喽～"}}, False,
                 [seg("node", user_id="10001000", nickname="某人", content=[FACE, text("哈喽～")])],
                 id="SEG-19-node-example-1-content-string"),
    pytest.param({"type": "node", "data": {"user_id": 10001000, "nickname": "某人",
                                            "content": [FACE, {"type": "text", "data": {"text": "哈喽～"}}]}},
                 False,
                 [seg("node", user_id="10001000", nickname="某人", content=[FACE, text("哈喽～")])],
                 id="SEG-19-node-example-2-content-array"),
    pytest.param("[CQ:node,user_id=10001000,nickname=某人,content=&#91;CQ:face&#44;id=123&#93;哈喽～]",
                 True, [text("[CQ:node,user_id=10001000,nickname=某人,"
                             "content=&#91;CQ:face&#44;id=123&#93;哈喽～]")],
                 id="MSG-20-auto-escape-node-string"),
    pytest.param("[CQ:node,user_id=10001000,nickname=某人,content=&#91;CQ:face&#44;id=123&#93;哈喽～]",
                 False,
                 [seg("node", user_id="10001000", nickname="某人", content=[FACE, text("哈喽～")])],
                 id="SEG-19-node-cq-content-parsed"),
    pytest.param(seg("node", user_id="1", nickname="n", content=FACE), False,
                 [seg("node", user_id="1", nickname="n", content=[FACE])],
                 id="SEG-19-content-single-segment"),
]


@pytest.mark.parametrize("value, auto_escape, expected", NORMALIZE)
def test_normalize(value, auto_escape, expected):
    assert normalize(value, auto_escape) == expected


def test_normalize_does_not_alias_input_MSG_4():
    original = [text("a"), text("b"), FACE]
    result = normalize(original)
    result[0]["data"]["text"] = "changed"
    result[1]["data"]["id"] = "9"
    assert original == [text("a"), text("b"), seg("face", id="123")]


@pytest.mark.parametrize("value, fragment", [
    (123, "not a number"),
    (None, "not null"),
    (True, "not a boolean"),
    (1.5, "not a number"),
    ([1], "segment 0 must be an object, not a number"),
    ([FACE, "x"], "segment 1 must be an object, not a string"),
    ([{"data": {}}], "segment 0 needs a non-empty string 'type'"),
    ([{"type": 5}], "segment 0 needs a non-empty string 'type'"),
    ([{"type": ""}], "segment 0 needs a non-empty string 'type'"),
    ([{"type": "face", "data": [1]}], "segment 0 (face): 'data' must be an object or null, not an array"),
    ([seg("node", user_id="1", nickname="n", content=7)],
     "segment 0 (node) field 'content': message must be a CQ string"),
    ([seg("node", user_id="1", nickname="n", content=[FACE, {"type": 1}])],
     "segment 0 (node) field 'content': segment 1 needs a non-empty string 'type'"),
], ids=["PARAM-8-number", "PARAM-8-null", "PARAM-8-boolean", "PARAM-8-float", "MSG-2-item-number",
        "MSG-2-item-string", "MSG-2-type-missing", "MSG-2-type-number", "MSG-2-type-empty",
        "MSG-2-data-array", "SEG-19-content-number", "SEG-19-content-bad-segment"])
def test_normalize_refuses_with_100(value, fragment):
    with pytest.raises(ActionError) as caught:
        normalize(value)
    assert caught.value.retcode == 100
    assert fragment in caught.value.message


@pytest.mark.parametrize("message", [
    [text("hi")],
    [FACE, text("x"), seg("at", qq="all"), seg("rps"), seg("dice"), seg("shake"), seg("anonymous")],
    [seg("image", file="a.jpg", url="http://x/a.jpg")],
    [seg("poke", type="126", id="2003", name="戳一戳")],
    [seg("image", file="a.jpg", subType="1")],
    [seg("contact", type="group", id="100100")],
    [seg("music", type="xm", id="1")],
    [seg("music", type="custom", url="u", audio="a", title="t")],
    [seg("node", id="1"), seg("node", user_id="1", nickname="n", content=[FACE])],
    [seg("reply", id="1"), text("x")],
], ids=["SEG-2-text", "SEG-3-7-8-9-11-no-required-data", "SEG-4-recv-only-url-tolerated",
        "SEG-10-recv-only-name-tolerated", "SEG-4-unlisted-field-tolerated", "SEG-13-group",
        "SEG-15-music", "SEG-15-custom", "SEG-18-19-A-44-nodes-only", "SEG-16-reply"])
def test_validate_outgoing_accepts(message):
    validate_outgoing(normalize(message))


@pytest.mark.parametrize("message, fragment", [
    ("", "message is empty"),
    ([], "message is empty"),
    ([text("")], "message is empty"),
    ([seg("nope")], "segment 0 (nope): unknown segment type"),
    ([text("x"), seg("forward", id="1")], "segment 1 (forward): a receive-only segment"),
    ([seg("face")], "segment 0 (face): missing required field 'id'"),
    ([seg("face", id="")], "segment 0 (face): missing required field 'id'"),
    ([seg("image", url="http://x")], "segment 0 (image): missing required field 'file'"),
    ([seg("share", url="u")], "segment 0 (share): missing required field 'title'"),
    ([seg("contact", type="friend", id="1")], "segment 0 (contact): field 'type' must be one of qq, group"),
    ([seg("music", id="1")], "segment 0 (music): field 'type' must be one of qq, 163, xm, custom"),
    ([seg("music", type="custom", url="u", title="t")], "segment 0 (music): missing required field 'audio'"),
    ([seg("node", user_id="1", content="x")], "segment 0 (node): missing required field 'nickname'"),
    ([seg("node", id="1"), text("x")], "segment 1 (text): node segments cannot be mixed"),
    ([text("x"), seg("node", id="1")], "segment 1 (node): node segments cannot be mixed"),
    ([seg("node", user_id="1", nickname="n", content="")],
     "segment 0 (node) field 'content': message is empty"),
    ([seg("node", user_id="1", nickname="n", content=[seg("forward", id="9")])],
     "segment 0 (node) field 'content': segment 0 (forward): a receive-only segment"),
], ids=["MSG-19-empty-string", "MSG-19-empty-array", "MSG-19-only-empty-text", "unknown-type",
        "SEG-17-forward-recv-only", "SEG-3-missing-id", "SEG-3-empty-id", "SEG-4-missing-file",
        "SEG-12-missing-title", "SEG-13-bad-contact-type", "SEG-15-no-music-type",
        "SEG-15-custom-missing-audio", "SEG-19-missing-nickname", "A-44-node-then-text",
        "A-44-text-then-node", "SEG-19-MSG-19-empty-content", "SEG-19-SEG-17-forward-in-content"])
def test_validate_outgoing_refuses_with_100(message, fragment):
    with pytest.raises(ActionError) as caught:
        validate_outgoing(normalize(message))
    assert caught.value.retcode == 100
    assert fragment in caught.value.message


# --- the numbers inside segments (BAD-3): each field's kind in protocol/segments.py ------------
@pytest.mark.parametrize("message, fragment", [
    ([seg("reply", id=str(10**30)), text("x")], "segment 0 (reply): field 'id': expected a "
     "message id within int32 (at most 2147483647), got '1000000000000000000000000000000'"),
    ([seg("reply", id="0"), text("x")], "segment 0 (reply): field 'id': expected a positive id"),
    ([seg("reply", id="1_000"), text("x")], "field 'id': expected a number, got '1_000'"),
    ([seg("reply", id="١٢"), text("x")], "field 'id': expected a number, got '١٢'"),
    ([seg("node", id=str(2**31))], "segment 0 (node): field 'id': expected a message id within "
     "int32"),
    ([seg("node", user_id=str(2**63), nickname="n", content="x")],
     "segment 0 (node): field 'user_id': expected an id within int64"),
    ([seg("at", qq=str(2**63))], "segment 0 (at): field 'qq': expected an id within int64"),
    ([seg("at", qq="alice")], "segment 0 (at): field 'qq': expected a number or all, got 'alice'"),
    ([seg("face", id="smile")], "segment 0 (face): field 'id': expected a number, got 'smile'"),
    ([seg("face", id="-1")], "segment 0 (face): field 'id': expected a face id from 0 to "
     "2147483647, got '-1'"),
    ([seg("contact", type="qq", id="0")], "segment 0 (contact): field 'id': expected a positive id"),
    ([seg("poke", type="1", id=str(2**31))], "segment 0 (poke): field 'id': expected an integer "
     "within int32"),
    ([seg("image", file="a.jpg", timeout=str(2**31))], "segment 0 (image): field 'timeout': "
     "expected at most 2147483647 seconds"),
    ([seg("image", file="a.jpg", cache="2")], "segment 0 (image): field 'cache': expected 0 or 1"),
    ([seg("record", file="a.amr", magic="maybe")], "field 'magic': expected 0 or 1"),
    ([seg("location", lat="91", lon="0")], "segment 0 (location): field 'lat': expected decimal "
     "degrees from -90 to 90, got '91'"),
    ([seg("location", lat="0", lon="nan")], "field 'lon': expected decimal degrees from -180"),
    ([seg("node", user_id="1", nickname="n", content=[seg("reply", id="x"), text("y")])],
     "segment 0 (node) field 'content': segment 0 (reply): field 'id': expected a number"),
], ids=lambda value: None if isinstance(value, list) else value[:40])
def test_numbers_inside_segments_are_checked_BAD_3(message, fragment):
    with pytest.raises(ActionError) as caught:
        validate_outgoing(normalize(message))
    assert caught.value.retcode == 100
    assert fragment in caught.value.message


@pytest.mark.parametrize("message", [
    [seg("at", qq="all")], [seg("at", qq=str(2**63 - 1))], [seg("reply", id="2147483647"), text("x")],
    [seg("face", id="0")], [seg("image", file="a.jpg", cache="true", proxy="0", timeout="30")],
    [seg("location", lat="-90", lon="180.0")], [seg("poke", type="-1", id="-1")],
])
def test_numbers_inside_segments_at_their_bounds_are_accepted_BAD_3(message):
    validate_outgoing(normalize(message))


@pytest.mark.parametrize("message, expected", [
    ([seg("node", id="1")], True),
    ([seg("node", id="1"), seg("node", id="2")], True),
    ([seg("node", id="1"), FACE], False),
    ([FACE], False),
    ([], False),
], ids=["A-44-one-node", "A-44-nodes", "A-44-mixed", "A-44-no-node", "A-44-empty"])
def test_is_forward(message, expected):
    assert is_forward(message) is expected


def test_to_format_string_renders_MSG_25():
    message = normalize([text("[x],"), seg("share", url="http://a/?b=1&c=2", title="t,")])
    assert to_format(message, "string") == "&#91;x&#93;,[CQ:share,url=http://a/?b=1&amp;c=2,title=t&#44;]"


def test_to_format_array_is_a_deep_copy_MSG_1():
    message = normalize(seg("node", user_id="1", nickname="n", content=[FACE]))
    copied = to_format(message, "array")
    assert copied == message
    copied[0]["data"]["content"][0]["data"]["id"] = "9"
    assert message[0]["data"]["content"][0]["data"]["id"] == "123"


def test_to_format_unknown_format():
    with pytest.raises(ValueError):
        to_format([FACE], "xml")


# A message with every segment type of message/segment.md (and every field of each table).
EVERY_TYPE = (
    "纯文本 &#91;a&#93;,&amp;"
    "[CQ:face,id=123]"
    "[CQ:image,file=http://baidu.com/1.jpg,type=flash,url=http://x/1.jpg?a=1&amp;b=2,cache=0,proxy=1,timeout=5]"
    "[CQ:record,file=http://baidu.com/1.mp3,magic=1,url=u,cache=1,proxy=0,timeout=3]"
    "[CQ:video,file=http://baidu.com/1.mp4,url=u,cache=0,proxy=0,timeout=1]"
    "[CQ:at,qq=10001000][CQ:at,qq=all][CQ:rps][CQ:dice][CQ:shake]"
    "[CQ:poke,type=126,id=2003,name=戳]"
    "[CQ:anonymous,ignore=1]"
    "[CQ:share,url=http://baidu.com,title=震惊&#44;小伙,content=c,image=i]"
    "[CQ:contact,type=qq,id=10001000][CQ:contact,type=group,id=100100]"
    "[CQ:location,lat=39.8969426,lon=116.3109099,title=t,content=c]"
    "[CQ:music,type=163,id=28949129]"
    "[CQ:music,type=custom,url=http://baidu.com,audio=http://baidu.com/1.mp3,title=音乐标题,content=c,image=i]"
    "[CQ:reply,id=123456][CQ:forward,id=123456][CQ:node,id=123456]"
    "[CQ:node,user_id=10001000,nickname=某人,content=&#91;CQ:face&#44;id=123&#93;哈喽～&amp;#91;]"
    "[CQ:xml,data=<?xml version=\"1.0\"?><a b=\"&#44;\"/>]"
    '[CQ:json,data={"app":"x"&#44;"n":&#91;1&#93;}]'
    "尾巴 😀"
)


def test_every_segment_type_round_trips_string_array_string_MSG_1():
    array = normalize(EVERY_TYPE)
    kinds = {s["type"] for s in array}
    assert kinds == {"text", "face", "image", "record", "video", "at", "rps", "dice", "shake",
                     "poke", "anonymous", "share", "contact", "location", "music", "reply",
                     "forward", "node", "xml", "json"}
    assert to_format(array, "string") == EVERY_TYPE
    assert cqcode.render(cqcode.parse(EVERY_TYPE)) == EVERY_TYPE
    assert normalize(to_format(array, "array")) == array


# ---- properties -----------------------------------------------------------------------------

VALUES = st.one_of(st.text(alphabet=st.sampled_from(list("[]&,=中😀 a1"))), st.integers(),
                   st.booleans(), st.none())
SEGMENTS = st.builds(lambda kind, data: {"type": kind, "data": data},
                     st.sampled_from(["text", "face", "at", "share", "image"]),
                     st.one_of(st.none(), st.dictionaries(st.sampled_from(["text", "id", "qq", "url"]),
                                                          VALUES, max_size=3)))


@settings(max_examples=150, deadline=None)
@given(st.lists(SEGMENTS, max_size=6))
def test_property_normalized_array_survives_string_MSG_1_MSG_3(items):
    array = normalize(items)
    assert all(isinstance(v, str) for s in array for v in s["data"].values())  # MSG-3
    assert normalize(to_format(array, "string")) == array
    assert normalize(array) == array  # normalize is idempotent
