"""The strict binder (protocol/milky/params.py): MLK-2, MLK-19..27, MLK-38."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from milky_samples import body_for, json_values
from onebot_ref.protocol.milky.apis import APIS
from onebot_ref.protocol.milky.envelope import MilkyError
from onebot_ref.protocol.milky.params import MAX_DEPTH, bind


def error_of(api: str, body) -> str:
    with pytest.raises(MilkyError) as caught:
        bind(api, body)
    assert caught.value.retcode == -400
    return caught.value.message


def text(value: str) -> dict:
    return {"type": "text", "data": {"text": value}}


def test_no_parameters_take_an_empty_object_MLK_2():
    assert bind("get_login_info", {}) == {}
    assert bind("get_login_info", {"anything": 1}) == {}  # MLK-19
    for body in ([], None, "", 0, "{}"):
        assert "must be a JSON object" in error_of("get_login_info", body)


@pytest.mark.parametrize("value, said", [
    ("10001", 'got string "10001"'), (True, "got boolean true"), (10001.0, "got number 10001.0"),
    ([10001], "got an array"), ({}, "got an object"),
])
def test_no_string_coercion_nor_any_other_MLK_22(value, said):
    message = error_of("get_friend_info", {"user_id": value})
    assert message == f"user_id: expected uin, an integer 10001..4294967295, {said} (MLK-22)"


@pytest.mark.parametrize("body, problem", [
    ({"user_id": 10000}, "user_id: 10000 is out of range"),  # MLK-20: zUin starts at 10001
    ({"user_id": 4294967296}, "user_id: 4294967296 is out of range"),
    ({"user_id": -10001}, "user_id: -10001 is out of range"),
    ({"user_id": 10**100}, "user_id: an integer of 333 bits is out of range"),
])
def test_uin_range_MLK_20(body, problem):
    assert error_of("get_user_profile", body).startswith(problem)


def test_int_ranges_by_declared_width_MLK_21():
    base = {"message_scene": "group", "peer_id": 20001}
    assert bind("get_history_messages", {**base, "limit": 2**31 - 1})["limit"] == 2**31 - 1
    assert "limit: 2147483648 is out of range (expected int32" in error_of(
        "get_history_messages", {**base, "limit": 2**31})
    assert "limit: -1 is out of range" in error_of("get_history_messages", {**base, "limit": -1})
    seq = {"message_scene": "group", "peer_id": 20001, "message_seq": 2**63 - 1}
    assert bind("get_message", seq)["message_seq"] == 2**63 - 1
    assert "(expected int64, an integer 0..9223372036854775807)" in error_of(
        "get_message", {**seq, "message_seq": 2**63})


def test_booleans_and_enums_exactly_MLK_22_MLK_24():
    assert "is_pinned: expected bool, true or false, got number 1" in error_of(
        "set_peer_pin", {"message_scene": "friend", "peer_id": 10001, "is_pinned": 1})
    assert ('message_scene: expected one of "friend", "group", "temp", got string "Friend"'
            in error_of("set_peer_pin", {"message_scene": "Friend", "peer_id": 10001}))


def test_defaults_and_optionals_absent_or_null_MLK_23():
    for body in ({"user_id": 10001}, {"user_id": 10001, "no_cache": None}):
        assert bind("get_friend_info", body) == {"user_id": 10001, "no_cache": False}
    assert bind("reject_friend_request", {"initiator_uid": "u_1"}) == {
        "initiator_uid": "u_1", "is_filtered": False, "reason": None}
    assert bind("upload_group_file", {"group_id": 20001, "file_uri": "file:///a",
                                      "file_name": "a"})["parent_folder_id"] == "/"
    assert error_of("get_friend_info", {"user_id": None}) == (
        "user_id: missing (expected uin, an integer 10001..4294967295) (MLK-7)")


def test_order_and_unknown_fields_MLK_19():
    bound = bind("get_group_member_info", {"user_id": 10001, "extra": "x", "group_id": 20001})
    assert list(bound) == ["group_id", "user_id", "no_cache"]


def test_nested_segments_named_by_path_MLK_25():
    message = [text("a"), text("b"), {"type": "image", "data": {"uri": 5}}]
    assert error_of("send_group_message", {"group_id": 20001, "message": message}) == (
        "message[2].data.uri: expected string, got number 5 (MLK-22)")
    assert error_of("send_group_message", {"group_id": 20001, "message": [{"type": "at"}]}
                    ).startswith('message[0].type: expected one of "text", "mention"')
    assert error_of("send_group_message", {"group_id": 20001, "message": [
        {"type": "mention_all"}]}) == "message[0].data: expected an object, got null (MLK-22)"
    forward = {"type": "forward", "data": {"messages": [
        {"user_id": 10001, "sender_name": "A", "segments": [{"type": "face", "data": {}}]}]}}
    assert error_of("send_private_message", {"user_id": 10001, "message": [forward]}) == (
        "message[0].data.messages[0].segments[0].data.face_id: missing (expected string) "
        "(MLK-7)")
    assert error_of("send_private_message", {"user_id": 10001, "message": text("a")}) == (
        "message: expected an array, each OutgoingSegment, an object, got an object (MLK-22)")


def test_what_nonebot_adapter_milky_sends_binds_MLK_38():
    """Null for unset optional segment fields, and a `time` in forwarded messages."""
    message = [{"type": "image", "data": {"uri": "base64://AA==", "summary": None,
                                          "sub_type": "normal"}},
               {"type": "video", "data": {"uri": "file:///v.mp4", "thumb_uri": None}},
               {"type": "forward", "data": {"messages": [
                   {"user_id": 10001, "sender_name": "A", "segments": [text("x")],
                    "time": None}], "title": None, "preview": None}}]
    bound = bind("send_group_message", {"group_id": 20001, "message": message})["message"]
    assert bound[0] == {"type": "image", "data": {"uri": "base64://AA==", "sub_type": "normal",
                                                  "summary": None}}
    assert bound[2]["data"]["messages"] == [
        {"user_id": 10001, "sender_name": "A", "segments": [text("x")]}]
    assert bound[2]["data"]["title"] is None and bound[2]["data"]["prompt"] is None


def test_lone_surrogates_are_no_text_MLK_27():
    assert error_of("set_bio", json.loads('{"new_bio": "\\ud800"}')) == (
        "new_bio: the string is not valid Unicode (a lone surrogate) (MLK-27)")


def test_nesting_is_bounded_MLK_26():
    segment = text("x")
    for _ in range(MAX_DEPTH):
        segment = {"type": "forward", "data": {"messages": [
            {"user_id": 10001, "sender_name": "A", "segments": [segment]}]}}
    assert "nested more than 32 structs deep" in error_of(
        "send_group_message", {"group_id": 20001, "message": [segment]})


def test_every_api_binds_its_minimal_body():
    """A body with just the required fields binds for every API; without one it is -400."""
    sample = {"uin": 10001, "int64": 1, "int32": 1, "bool": True, "string": "s"}
    for api in APIS.values():
        body = {}
        for field in api.inputs:
            if field.required:
                body[field.name] = ([text("x")] if field.ref == "OutgoingSegment"
                                    else field.values[0] if field.kind == "enum"
                                    else sample[field.kind])
        assert list(bind(api, body)) == [f.name for f in api.inputs]
        for name in body:
            assert error_of(api.name, {k: v for k, v in body.items() if k != name}
                            ).startswith(f"{name}: missing")


#: How every message starts: the body, or the path of a field ("message[0].data.uri: ").
PATH = re.compile(r"^the request body must be a JSON object"
                  r"|^[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*: ")


@pytest.mark.parametrize("name", sorted(APIS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_json_binds_or_fails_with_400_naming_a_path(name, data):
    """For any JSON body: a dict of exactly the inputs, or MilkyError(-400) with a path."""
    body = data.draw(body_for(APIS[name]))
    try:
        bound = bind(name, body)
    except MilkyError as err:
        assert err.retcode == -400 and PATH.match(err.message), err.message
    else:
        assert list(bound) == [f.name for f in APIS[name].inputs]


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_arbitrary_json_never_raises_anything_else(body):
    for name in ("send_group_message", "get_history_messages", "accept_group_request"):
        try:
            bind(name, body)
        except MilkyError as err:
            assert err.retcode == -400
