"""protocol/wire.py: the one strict decoder and the strict encoder (BAD-1, BAD-2, BAD-5, GEN-3),
and the journal's safe-value rule (traffic.safe)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onebot_ref.protocol import wire
from onebot_ref.protocol.wire import MAX_DEPTH, WireError, dumps, loads
from onebot_ref.traffic import Traffic, safe


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("text, value", [
    pytest.param('{"a": [1, 2.5, "x", null, true]}', {"a": [1, 2.5, "x", None, True]},
                 id="GEN-3-plain"),
    pytest.param('"\\ud83d\\ude00"', "😀", id="BAD-2-a-surrogate-pair-is-one-character"),
    pytest.param('"\\\\ud800"', "\\ud800", id="BAD-2-an-escaped-backslash-is-no-escape"),
    pytest.param("\ufeff{}", {}, id="BAD-2-RFC-8259-8.1-bom-ignored"),
    pytest.param(nested(MAX_DEPTH), json.loads(nested(MAX_DEPTH)), id="BAD-2-64-levels"),
    pytest.param(str(10**30), 10**30, id="BAD-3-big-ints-are-read-the-parameter-layer-refuses"),
    pytest.param("1e308", 1e308, id="BAD-2-the-largest-doubles"),
])
def test_strict_json_is_read(text, value):
    assert loads(text) == value
    assert loads(text.encode("utf-8")) == value


@pytest.mark.parametrize("data, problem", [
    pytest.param(b"NaN", "NaN is not JSON (RFC 8259)", id="BAD-2-NaN"),
    pytest.param(b'{"a": Infinity}', "Infinity is not JSON (RFC 8259)", id="BAD-2-Infinity"),
    pytest.param(b"[-Infinity]", "-Infinity is not JSON (RFC 8259)", id="BAD-2-minus-Infinity"),
    pytest.param(b"1e400", "number 1e400 is out of range (RFC 8259 §6: beyond a double)",
                 id="BAD-2-beyond-a-double"),
    pytest.param(b'{"a": {"b": ["x", "\\ud800"]}}',
                 "lone surrogate \\ud800 at a.b[1] (RFC 8259 §8.2: not Unicode text)",
                 id="BAD-2-lone-high-surrogate"),
    pytest.param(b'"x\\udfff"', "lone surrogate \\udfff at the top level (RFC 8259 §8.2: not "
                 "Unicode text)", id="BAD-2-lone-low-surrogate"),
    pytest.param(b'{"\\udc00": 1}', "lone surrogate \\udc00 at a key of the top level (RFC "
                 "8259 §8.2: not Unicode text)", id="BAD-2-lone-surrogate-in-a-key"),
    pytest.param(b'"\\ude00\\ud83d"', "lone surrogate \\ude00 at the top level (RFC 8259 "
                 "§8.2: not Unicode text)", id="BAD-2-a-pair-the-wrong-way-round"),
    pytest.param(b'{"a": "\xff"}', "not valid UTF-8 (byte 0xff at offset 7)",
                 id="BAD-1-invalid-utf-8"),
    pytest.param(b'"\xed\xa0\x80"', "not valid UTF-8 (byte 0xed at offset 1)",
                 id="BAD-1-an-encoded-surrogate-is-no-utf-8"),
    pytest.param(nested(MAX_DEPTH + 1).encode(), f"nested deeper than {MAX_DEPTH} levels",
                 id="BAD-2-65-levels"),
    pytest.param(b"[" * 100_000, f"nested deeper than {MAX_DEPTH} levels",
                 id="BAD-2-deeper-than-python-recurses"),
    pytest.param(b"1" * 5000, "a number has too many digits", id="BAD-2-digits"),
    pytest.param(b"{bad", "does not parse: Expecting property name enclosed in double quotes at "
                 "line 1 column 2", id="HTTP-10-syntax"),
])
def test_what_is_not_strict_json_is_one_error_naming_the_problem(data, problem):
    with pytest.raises(WireError) as caught:
        loads(data, "frame")
    # the message ends with the rule it applies (BAD-1: UTF-8, BAD-2: strict JSON); problem
    # is without it
    rule = "BAD-1" if problem.startswith("not valid UTF-8") else "BAD-2"
    assert str(caught.value) == f"frame: {problem} ({rule})"
    assert caught.value.what == "frame" and caught.value.problem == problem
    assert caught.value.rule == rule


@pytest.mark.parametrize("text, echo", [
    pytest.param('{"action": "x", "params": {"a": NaN}, "echo": "e1"}', "e1", id="A-12-kept"),
    pytest.param('{"action": "x", "params": {"a": "\\ud800"}, "echo": [1]}', [1],
                 id="A-12-kept-past-a-surrogate"),
    pytest.param('{"action": "x", "echo": NaN}', wire.UNREAD, id="A-12-a-NaN-echo-is-not-sent"),
    pytest.param('{"action": "x", "echo": "\\udc00"}', wire.UNREAD,
                 id="A-12-a-surrogate-echo-is-not-sent"),
    pytest.param('{"echo": 1, "x": ', wire.UNREAD, id="A-12-nothing-read"),
])
def test_a_refused_object_still_gives_its_echo_when_that_is_strict(text, echo):
    with pytest.raises(WireError) as caught:
        loads(text)
    assert caught.value.field("echo") == echo or caught.value.field("echo") is echo


def test_the_encoder_refuses_what_is_not_json_BAD_5():
    for value in (float("nan"), [float("inf")], {"a": -float("inf")}):
        with pytest.raises(ValueError):
            dumps(value)
    assert wire.body({"a": "中文", "b": [1, 2.5]}) == '{"a":"中文","b":[1,2.5]}'.encode()


def test_text_is_strict_utf_8_BAD_1():
    assert wire.text("中文".encode()) == "中文"
    with pytest.raises(WireError, match=r"^path: not valid UTF-8 \(byte 0xc3 at offset 1\) \(BAD-1\)$"):
        wire.text(b"/\xc3(", "path")


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False,
                                                                 allow_infinity=False),
              st.text()),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(json_values, st.booleans())
def test_property_strict_values_read_back_as_written_BAD_2(value, ascii_escapes):
    """What any client writes of a strict value (escaped or not) reads back the same."""
    assert loads(json.dumps(value, ensure_ascii=ascii_escapes)) == value
    assert loads(wire.body(value)) == value


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from("\ud800\udbff\udc00\udfff"), st.text())
def test_property_a_lone_surrogate_anywhere_is_refused_BAD_2(before, surrogate, after):
    text = before + surrogate + after
    if wire.lone_surrogate(text) is None:  # the neighbours paired it up: no lone one left
        return
    with pytest.raises(WireError, match="lone surrogate"):
        loads(json.dumps({"message": [text]}))


# --- the journal's safe-value rule (BAD-5) ----------------------------------------------------

@pytest.mark.parametrize("data, kept", [
    pytest.param(b"\xff\xfe", "<2 bytes: b'\\xff\\xfe'>", id="bytes-described"),
    pytest.param(b"x" * 500, "<500 bytes: b'" + "x" * 200 + "'...>", id="long-bytes-cut"),
    pytest.param("a\ud800b", "a\\ud800b", id="surrogate-escaped"),
    pytest.param("中文", "中文", id="text-as-is"),
    pytest.param({"a": [1]}, {"a": [1]}, id="json-as-is"),
])
def test_the_journal_keeps_only_what_it_can_serialise(data, kept):
    assert safe(data) == kept
    journal = Traffic()
    journal.record("ws", "in", "peer", data)
    frames, _ = journal.since(0)
    assert frames[0]["data"] == kept
    wire.body(frames)  # the console can always answer /sim/traffic
