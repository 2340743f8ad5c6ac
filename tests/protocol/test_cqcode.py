"""CQ strings: every example of message/string.md, array.md and segment.md, the MSG-* rules,
and round-trip properties (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onebot_ref.protocol.cqcode import escape, parse, render, unescape


def seg(kind: str, **data: str) -> dict:
    return {"type": kind, "data": data}


def text(s: str) -> dict:
    return seg("text", text=s)


# (CQ string, segment array) pairs that are exact both ways: parse(cq) == array and
# render(array) == cq. Every example of message/*.md, plus the MSG rules' own examples.
SPEC_PAIRS = [
    pytest.param("[CQ:face,id=178]看看我刚拍的照片[CQ:image,file=123.jpg]",
                 [seg("face", id="178"), text("看看我刚拍的照片"), seg("image", file="123.jpg")],
                 id="string.md-intro-MSG-1"),
    pytest.param("[CQ:shake]", [seg("shake")], id="string.md-MSG-6-shake"),
    pytest.param("[CQ:face,id=178]", [seg("face", id="178")], id="string.md-MSG-6-face"),
    pytest.param("[CQ:share,title=标题,url=http://baidu.com]",
                 [seg("share", title="标题", url="http://baidu.com")], id="string.md-MSG-6-share"),
    pytest.param("[CQ:share,title=标题中有=等号,url=http://baidu.com]",
                 [seg("share", title="标题中有=等号", url="http://baidu.com")],
                 id="string.md-MSG-7-equals-in-value"),
    pytest.param("- &#91;x&#93; 使用 `&amp;data` 获取地址",
                 [text("- [x] 使用 `&data` 获取地址")], id="string.md-MSG-9-MSG-11-text-escape"),
    pytest.param("[CQ:share,title=震惊&#44;小伙睡觉前居然...,url=http://baidu.com/?a=1&amp;b=2]",
                 [seg("share", title="震惊,小伙睡觉前居然...", url="http://baidu.com/?a=1&b=2")],
                 id="string.md-MSG-10-MSG-11-value-escape"),
    pytest.param("&#91;第一部分&#93;[CQ:image,file=123.jpg]图片之后的部分，表情：[CQ:face,id=123]",
                 [text("[第一部分]"), seg("image", file="123.jpg"), text("图片之后的部分，表情："),
                  seg("face", id="123")], id="array.md-MSG-13"),
    pytest.param("这是一段纯文本", [text("这是一段纯文本")], id="array.md-MSG-5-text"),
    pytest.param("a,b=c", [text("a,b=c")], id="MSG-9-comma-not-escaped-in-text"),
    # message/segment.md: every JSON / CQ pair, in order (SEG-2..20).
    pytest.param("纯文本内容", [text("纯文本内容")], id="segment.md-SEG-2-text"),
    pytest.param("[CQ:face,id=123]", [seg("face", id="123")], id="segment.md-SEG-3-face"),
    pytest.param("[CQ:image,file=http://baidu.com/1.jpg]",
                 [seg("image", file="http://baidu.com/1.jpg")], id="segment.md-SEG-4-image"),
    pytest.param("[CQ:record,file=http://baidu.com/1.mp3]",
                 [seg("record", file="http://baidu.com/1.mp3")], id="segment.md-SEG-5-record"),
    pytest.param("[CQ:video,file=http://baidu.com/1.mp4]",
                 [seg("video", file="http://baidu.com/1.mp4")], id="segment.md-SEG-6-video"),
    pytest.param("[CQ:at,qq=10001000]", [seg("at", qq="10001000")], id="segment.md-SEG-7-at"),
    pytest.param("[CQ:rps]", [seg("rps")], id="segment.md-SEG-8-rps"),
    pytest.param("[CQ:dice]", [seg("dice")], id="segment.md-SEG-8-dice"),
    pytest.param("[CQ:shake]", [seg("shake")], id="segment.md-SEG-9-shake"),
    pytest.param("[CQ:poke,type=126,id=2003]", [seg("poke", type="126", id="2003")],
                 id="segment.md-SEG-10-poke"),
    pytest.param("[CQ:anonymous]", [seg("anonymous")], id="segment.md-SEG-11-anonymous"),
    pytest.param("[CQ:share,url=http://baidu.com,title=百度]",
                 [seg("share", url="http://baidu.com", title="百度")], id="segment.md-SEG-12-share"),
    pytest.param("[CQ:contact,type=qq,id=10001000]", [seg("contact", type="qq", id="10001000")],
                 id="segment.md-SEG-13-contact-qq"),
    pytest.param("[CQ:contact,type=group,id=100100]", [seg("contact", type="group", id="100100")],
                 id="segment.md-SEG-13-contact-group"),
    pytest.param("[CQ:location,lat=39.8969426,lon=116.3109099]",
                 [seg("location", lat="39.8969426", lon="116.3109099")],
                 id="segment.md-SEG-14-location"),
    pytest.param("[CQ:music,type=163,id=28949129]", [seg("music", type="163", id="28949129")],
                 id="segment.md-SEG-15-music"),
    pytest.param("[CQ:music,type=custom,url=http://baidu.com,audio=http://baidu.com/1.mp3,title=音乐标题]",
                 [seg("music", type="custom", url="http://baidu.com",
                      audio="http://baidu.com/1.mp3", title="音乐标题")],
                 id="segment.md-SEG-15-music-custom"),
    pytest.param("[CQ:reply,id=123456]", [seg("reply", id="123456")], id="segment.md-SEG-16-reply"),
    pytest.param("[CQ:forward,id=123456]", [seg("forward", id="123456")],
                 id="segment.md-SEG-17-forward"),
    pytest.param("[CQ:node,id=123456]", [seg("node", id="123456")], id="segment.md-SEG-18-node"),
    pytest.param("[CQ:node,user_id=10001000,nickname=某人,content=&#91;CQ:face&#44;id=123&#93;哈喽～]",
                 [seg("node", user_id="10001000", nickname="某人", content="[CQ:face,id=123]哈喽～")],
                 id="segment.md-SEG-19-node-custom-example-1"),
    pytest.param("[CQ:xml,data=<?xml ...]", [seg("xml", data="<?xml ...")], id="segment.md-SEG-20-xml"),
    pytest.param('[CQ:json,data={"app": ...]', [seg("json", data='{"app": ...')],
                 id="segment.md-SEG-20-json"),
]


@pytest.mark.parametrize("cq, array", SPEC_PAIRS)
def test_parse_spec_example(cq, array):
    assert parse(cq) == array


@pytest.mark.parametrize("cq, array", SPEC_PAIRS)
def test_render_spec_example(cq, array):
    assert render(array) == cq


def test_render_node_content_array_is_nested_escaped_string_SEG_19():
    # message/segment.md 合并转发自定义节点 例 2 (content as an array) renders like 例 1.
    node = {"type": "node", "data": {"user_id": "10001000", "nickname": "某人", "content": [
        {"type": "face", "data": {"id": "123"}}, {"type": "text", "data": {"text": "哈喽～"}}]}}
    assert render([node]) == \
        "[CQ:node,user_id=10001000,nickname=某人,content=&#91;CQ:face&#44;id=123&#93;哈喽～]"


@pytest.mark.parametrize("raw, comma, escaped", [
    ("- [x] 使用 `&data` 获取地址", False, "- &#91;x&#93; 使用 `&amp;data` 获取地址"),
    ("震惊,小伙睡觉前居然...", True, "震惊&#44;小伙睡觉前居然..."),
    ("http://baidu.com/?a=1&b=2", True, "http://baidu.com/?a=1&amp;b=2"),
    ("a,b", False, "a,b"),
    ("&#91;", False, "&amp;#91;"),
    ("[&],", True, "&#91;&amp;&#93;&#44;"),
], ids=["MSG-11-text", "MSG-11-value-comma", "MSG-11-value-amp", "MSG-9-no-comma-in-text",
        "MSG-9-amp-first", "MSG-10-all-four"])
def test_escape(raw, comma, escaped):
    assert escape(raw, comma) == escaped
    assert unescape(escaped) == raw


@pytest.mark.parametrize("escaped, raw", [
    ("&amp;#91;", "&#91;"),
    ("&amp;amp;", "&amp;"),
    ("&#44;&#91;&#93;&amp;", ",[]&"),
    ("a&#44;b", "a,b"),
    ("&#92;&lt;", "&#92;&lt;"),
], ids=["MSG-12-amp-last", "MSG-12-amp-once", "MSG-12-all", "MSG-12-comma-in-text-too",
        "MSG-12-other-entities-untouched"])
def test_unescape(escaped, raw):
    assert unescape(escaped) == raw


# (input, expected segments): malformed or unusual CQ strings. parse never raises.
PARSE_RULES = [
    pytest.param("", [], id="MSG-14-empty-string"),
    pytest.param("[CQ:face,id=1", [text("[CQ:face,id=1")], id="MSG-15-unterminated"),
    pytest.param("[CQ:]", [text("[CQ:]")], id="MSG-15-empty-name"),
    pytest.param("a[CQ:]b[CQ:at,qq=1]", [text("a[CQ:]b"), seg("at", qq="1")],
                 id="MSG-15-A-26-rest-kept"),
    pytest.param("[CQ:face id=1]", [text("[CQ:face id=1]")], id="MSG-15-space-in-name"),
    pytest.param("[CQ:face,id=[1]]", [text("[CQ:face,id=[1]]")], id="MSG-15-raw-bracket-in-value"),
    pytest.param("[CQ:face,id=1 [CQ:at,qq=2]x", [text("[CQ:face,id=1 "), seg("at", qq="2"),
                                                  text("x")], id="MSG-15-A-26-next-code-parsed"),
    pytest.param("[CQ:face, id=178]", [seg("face", id="178")], id="MSG-8-A-28-key-trimmed"),
    pytest.param("[CQ:share,title= a ]", [seg("share", title=" a ")], id="A-28-value-untouched"),
    pytest.param("[CQ:face,id,x=1]", [seg("face", x="1")], id="MSG-16-part-without-equals"),
    pytest.param("[CQ:face,id=]", [seg("face", id="")], id="MSG-16-empty-value"),
    pytest.param("[CQ:face,id=1,id=2]", [seg("face", id="2")], id="MSG-16-last-key-wins"),
    pytest.param("[CQ:face,]", [seg("face")], id="MSG-6-trailing-comma"),
    pytest.param("a&#91;b[CQ:text,text=c&#44;]d", [text("a[bc,d")], id="MSG-18-cq-text-merged"),
    pytest.param("[CQ:rps][CQ:dice]", [seg("rps"), seg("dice")], id="MSG-14-no-empty-text"),
    pytest.param("[CQ:a&b,x=1]", [text("[CQ:a&b,x=1]")], id="MSG-15-amp-in-name"),
    pytest.param("[CQ:my_type,k=v]", [seg("my_type", k="v")], id="A-27-underscore-name"),
    pytest.param("x]y[z", [text("x]y[z")], id="MSG-15-stray-brackets"),
]


@pytest.mark.parametrize("cq, array", PARSE_RULES)
def test_parse_rules(cq, array):
    assert parse(cq) == array


@pytest.mark.parametrize("array, cq", [
    ([seg("face")], "[CQ:face]"),
    ([{"type": "face", "data": None}], "[CQ:face]"),
    ([{"type": "", "data": {"a": "b"}}, text("x")], "x"),
    ([seg("share", url="u", title="t")], "[CQ:share,url=u,title=t]"),
    ([seg("share", title="t", url="u")], "[CQ:share,title=t,url=u]"),
    ([text("[,]&")], "&#91;,&#93;&amp;"),
], ids=["MSG-17-no-data", "MSG-17-MSG-22-null-data", "MSG-17-empty-type-skipped",
        "MSG-17-A-31-insertion-order-1", "MSG-17-A-31-insertion-order-2", "MSG-17-MSG-9-text"])
def test_render_rules(array, cq):
    assert render(array) == cq


# ---- properties -----------------------------------------------------------------------------

# Text full of the characters that matter: CQ syntax, entities, CJK, emoji, whitespace.
TRICKY = st.lists(st.sampled_from(list("[]&,=:;#CQ ab19\n\t中文😀")
                                  + ["&amp;", "&#91;", "&#93;", "&#44;", "[CQ:", "[CQ:at,qq=1]"]),
                  max_size=20).map("".join)
ANY_TEXT = st.one_of(TRICKY, st.text())
NAMES = st.one_of(st.sampled_from(["face", "image", "at", "share", "node", "music"]),
                  st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)).filter(lambda n: n != "text")
KEYS = ANY_TEXT.filter(lambda k: k and "=" not in k and k == k.strip())


@st.composite
def segment_arrays(draw) -> list[dict]:
    """Canonical arrays: no empty text, no two text segments side by side, string values."""
    items = draw(st.lists(st.one_of(
        ANY_TEXT.filter(bool).map(text),
        st.builds(lambda n, d: {"type": n, "data": d}, NAMES,
                  st.dictionaries(KEYS, ANY_TEXT, max_size=4))), max_size=8))
    out: list[dict] = []
    for item in items:
        if item["type"] == "text" and out and out[-1]["type"] == "text":
            out[-1] = text(out[-1]["data"]["text"] + item["data"]["text"])
        else:
            out.append(item)
    return out


@settings(max_examples=200, deadline=None)
@given(segment_arrays())
def test_property_parse_inverts_render_MSG_1(array):
    assert parse(render(array)) == array


@settings(max_examples=100, deadline=None)
@given(segment_arrays())
def test_property_render_is_stable_MSG_1(array):
    rendered = render(array)
    assert render(parse(rendered)) == rendered


@settings(max_examples=300, deadline=None)
@given(st.one_of(TRICKY, st.text()))
def test_property_parse_never_raises_and_is_idempotent_MSG_15(cq):
    segments = parse(cq)
    assert parse(render(segments)) == segments


@given(ANY_TEXT, st.booleans())
def test_property_unescape_inverts_escape_MSG_12(s, comma):
    escaped = escape(s, comma)
    assert unescape(escaped) == s
    assert "[" not in escaped and "]" not in escaped
    assert not comma or "," not in escaped
