"""Typed parameters bound to an action's signature: PARAM-1..14 (communication/http.md,
api/README.md#参数). The text readers, ids (PARAM-15) and the spec's ranges (BAD-3, BAD-4) are
in test_coerce_ranges.py."""

from __future__ import annotations

from typing import Any

import pytest

from onebot_ref.protocol.coerce import (
    Message,
    Params,
    bind,
    call,
)
from onebot_ref.protocol.response import ActionError


def typed(ctx, i: int = 7, b: bool = False, s: str = "d", o: dict | None = None,
          m: Message = "", a: Any = None):
    return None


def required(ctx, user_id: int, message: Message):
    return None


def optional_none(ctx, group_id: int | None):
    return None


def bound(values, text=()):
    params = Params(values, text_keys=text)
    return bind(typed, params), params.notes


ACCEPTED = [
    # (values, text_keys, expected kwargs)
    pytest.param({"i": 10001}, (), {"i": 10001}, id="PARAM-2-json-integer"),
    pytest.param({"i": "10001"}, ("i",), {"i": 10001}, id="PARAM-1-int-from-query-text"),
    pytest.param({"i": "10001"}, (), {"i": 10001}, id="PARAM-1-int-from-json-string"),
    pytest.param({"i": " -42 "}, ("i",), {"i": -42}, id="PARAM-3-int-sign-and-spaces"),
    pytest.param({"i": "+5"}, ("i",), {"i": 5}, id="PARAM-3-int-plus-sign"),
    pytest.param({"i": 2 ** 40}, (), {"i": 2 ** 40}, id="PARAM-2-int64"),
    pytest.param({"b": True}, (), {"b": True}, id="PARAM-4-json-bool"),
    pytest.param({"b": 1}, (), {"b": True}, id="PARAM-4-REC-json-1"),
    pytest.param({"b": 0}, (), {"b": False}, id="PARAM-4-REC-json-0"),
    pytest.param({"b": "true"}, ("b",), {"b": True}, id="PARAM-5-true"),
    pytest.param({"b": "YES"}, ("b",), {"b": True}, id="PARAM-5-yes-any-case"),
    pytest.param({"b": "1"}, ("b",), {"b": True}, id="PARAM-5-string-1"),
    pytest.param({"b": "False"}, ("b",), {"b": False}, id="PARAM-5-false"),
    pytest.param({"b": "no"}, ("b",), {"b": False}, id="PARAM-5-no"),
    pytest.param({"b": "0"}, (), {"b": False}, id="PARAM-5-string-0-json"),
    pytest.param({"s": "flag"}, (), {"s": "flag"}, id="PARAM-6-string"),
    pytest.param({"s": 123}, (), {"s": "123"}, id="PARAM-6-REC-number-to-string"),
    pytest.param({"o": {"id": 1}}, (), {"o": {"id": 1}}, id="PARAM-10-json-object"),
    pytest.param({"o": '{"id": 1}'}, ("o",), {"o": {"id": 1}}, id="PARAM-10-object-from-query"),
    pytest.param({"o": '{"id": 1}'}, (), {"o": {"id": 1}}, id="PARAM-10-object-from-json-string"),
    pytest.param({"m": "hi [CQ:face,id=1]"}, (), {"m": "hi [CQ:face,id=1]"}, id="PARAM-8-cq-string"),
    pytest.param({"m": [{"type": "text", "data": {"text": "x"}}]}, (),
                 {"m": [{"type": "text", "data": {"text": "x"}}]}, id="PARAM-8-array"),
    pytest.param({"m": {"type": "face", "data": {"id": "1"}}}, (),
                 {"m": {"type": "face", "data": {"id": "1"}}}, id="PARAM-7-single-segment"),
    pytest.param({"m": '[{"type":"text","data":{"text":"x"}}]'}, ("m",),
                 {"m": [{"type": "text", "data": {"text": "x"}}]}, id="PARAM-9-array-from-query"),
    pytest.param({"m": '{"type":"face","data":{"id":"1"}}'}, ("m",),
                 {"m": {"type": "face", "data": {"id": "1"}}}, id="PARAM-9-segment-from-form"),
    pytest.param({"m": '[{"type":"text","data":{"text":"x"}}]'}, (),
                 {"m": '[{"type":"text","data":{"text":"x"}}]'}, id="PARAM-9-json-body-string-stays-cq"),
    pytest.param({"m": "[not json"}, ("m",), {"m": "[not json"}, id="PARAM-9-invalid-json-stays-cq"),
    pytest.param({"m": '"quoted"'}, ("m",), {"m": '"quoted"'}, id="PARAM-9-json-string-stays-cq"),
    pytest.param({"m": "[CQ:face,id=1]"}, ("m",), {"m": "[CQ:face,id=1]"}, id="PARAM-9-cq-code-from-query"),
    pytest.param({"a": [1, "x"]}, (), {"a": [1, "x"]}, id="any-passes-through"),
    pytest.param({"i": None, "b": None, "s": None, "m": None}, (), {}, id="PARAM-13-null-is-not-given"),
    pytest.param({"I": 5, "unknown": 1}, (), {}, id="PARAM-12-exact-keys-unknown-ignored"),
]


@pytest.mark.parametrize("values, text, expected", ACCEPTED)
def test_accepted_values(values, text, expected):
    kwargs, _ = bound(values, text)
    assert kwargs == expected
    assert all(type(kwargs[k]) is type(v) for k, v in expected.items())


REJECTED = [
    # (values, text_keys, words the error message must contain)
    pytest.param({"i": "123abc"}, ("i",), ["'i'", "an integer", '"123abc"'], id="PARAM-3-REC-trailing-junk"),
    pytest.param({"i": "12.9"}, ("i",), ["'i'", "an integer", '"12.9"'], id="PARAM-3-REC-decimal-string"),
    pytest.param({"i": ""}, ("i",), ["'i'", "an integer"], id="PARAM-3-empty-string"),
    pytest.param({"i": 1.0}, (), ["'i'", "an integer", "1.0"], id="PARAM-2-json-float"),
    pytest.param({"i": True}, (), ["'i'", "an integer", "true"], id="PARAM-2-json-bool"),
    pytest.param({"i": [1]}, (), ["'i'", "an integer"], id="PARAM-2-json-array"),
    pytest.param({"b": "maybe"}, ("b",), ["'b'", "a boolean", '"maybe"'], id="PARAM-5-unrecognised-fails"),
    pytest.param({"b": 2}, (), ["'b'", "a boolean", "2"], id="PARAM-4-json-2"),
    pytest.param({"s": [1]}, (), ["'s'", "a string"], id="PARAM-6-array-for-string"),
    pytest.param({"s": False}, (), ["'s'", "a string"], id="PARAM-6-bool-for-string"),
    pytest.param({"o": "[1]"}, ("o",), ["'o'", "a JSON object"], id="PARAM-10-array-text-not-object"),
    pytest.param({"o": "{bad"}, (), ["'o'", "a JSON object"], id="PARAM-10-invalid-json"),
    pytest.param({"o": 3}, (), ["'o'", "a JSON object"], id="PARAM-10-number"),
    pytest.param({"m": 123}, (), ["'m'", "a message"], id="PARAM-8-number-is-no-message"),
    pytest.param({"m": True}, (), ["'m'", "a message"], id="PARAM-8-bool-is-no-message"),
]


@pytest.mark.parametrize("values, text, words", REJECTED)
def test_rejected_values_fail_100_naming_param(values, text, words):
    with pytest.raises(ActionError) as caught:
        bound(values, text)
    assert caught.value.retcode == 100
    for word in words:
        assert word in caught.value.message


@pytest.mark.parametrize("values", [
    pytest.param({"message": "hi"}, id="PARAM-14-missing-user_id"),
    pytest.param({"user_id": None, "message": "hi"}, id="PARAM-13-null-required"),
])
def test_required_missing_fails_100(values):
    with pytest.raises(ActionError) as caught:
        bind(required, Params(values))
    assert caught.value.retcode == 100
    assert "missing parameter 'user_id'" in caught.value.message


def test_defaults_come_from_signature():
    """PARAM-14: parameters with a default are optional; absent ones are left to Python."""
    assert bind(typed, Params({})) == {}
    assert bind(optional_none, Params({})) == {}
    assert bind(optional_none, Params({"group_id": "5"}, ["group_id"])) == {"group_id": 5}


def test_notes_record_each_coercion():
    params = Params({"i": "10001", "b": "yes", "s": 5, "m": "[]", "a": "x"}, ["i", "b", "m"])
    bind(typed, params)
    assert params.notes == ['coerced i from "10001"', 'coerced b from "yes"',
                            "coerced s from 5", 'coerced m from "[]"']


def test_no_notes_without_coercion():
    params = Params({"i": 1, "b": True, "s": "x", "m": "[CQ:face,id=1]"}, ["m"])
    bind(typed, params)
    assert params.notes == []


def test_long_values_are_shortened_in_errors():
    with pytest.raises(ActionError) as caught:
        bind(typed, Params({"i": "x" * 500}))
    assert len(caught.value.message) < 120


def test_deep_json_in_string_is_not_an_object():
    """Python's json raises RecursionError on very deep input; it must stay a 100, not crash."""
    with pytest.raises(ActionError) as caught:
        bind(typed, Params({"o": "[" * 100000}))
    assert caught.value.retcode == 100
    kwargs = bind(typed, Params({"m": "[" * 100000}, ["m"]))
    assert kwargs["m"] == "[" * 100000


def test_unsupported_annotation_is_a_programming_error():
    def bad(ctx, x: float):
        return None

    with pytest.raises(TypeError, match="'x'"):
        bind(bad, Params({"x": 1}))


def test_methods_and_keyword_only_parameters():
    class Holder:
        def act(self, ctx, *, user_id: int, flag: bool = True):
            return None

    assert bind(Holder().act, Params({"user_id": "3", "flag": "no"})) == {"user_id": 3, "flag": False}


# --- X | None without a default --------------------------------------------------------------
def echo_optional(ctx, group_id: int | None, flag: bool | None = True):
    return {"group_id": group_id, "flag": flag}


def test_optional_without_default_is_none_when_absent():
    """The annotation promises None as the default: the action runs, it does not fail with a
    TypeError (which the dispatcher would answer 103)."""
    assert call(echo_optional, None, Params({})) == {"group_id": None, "flag": True}
    assert call(echo_optional, None, Params({"group_id": "5"}, ["group_id"])) == {
        "group_id": 5, "flag": True}
    assert call(echo_optional, None, Params({"group_id": None, "flag": "no"}, ["flag"])) == {
        "group_id": None, "flag": False}


def test_dispatcher_runs_an_optional_without_default():
    from onebot_ref.actions import Actions

    envelope = Actions(world=None).run(echo_optional, Params({}))
    assert envelope["status"] == "ok" and envelope["retcode"] == 0
    assert envelope["data"] == {"group_id": None, "flag": True}
