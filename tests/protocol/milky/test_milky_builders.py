"""Envelope, struct and event builders, SSE framing: MLK-6..9, MLK-13/14/18, MLK-28/41."""

from __future__ import annotations

import inspect
import json

import pytest

from milky_samples import ENTITIES, EVENTS, MESSAGES, NOTIFICATIONS, SELF, T
from onebot_ref.protocol.milky import conform, entities, envelope, events, sse
from onebot_ref.protocol.milky.envelope import MilkyError
from onebot_ref.protocol.milky.structs import STRUCTS
from onebot_ref.protocol.response import ActionError, Retcode


def test_ok_always_carries_an_object_MLK_6_8():
    assert envelope.ok() == {"status": "ok", "retcode": 0, "data": {}}
    assert envelope.ok({"message_seq": 1, "time": T}) == {
        "status": "ok", "retcode": 0, "data": {"message_seq": 1, "time": T}}


def test_failed_has_no_data_MLK_7_41():
    assert envelope.failed(-404, "user_id 对应的好友不存在") == {
        "status": "failed", "retcode": -404, "message": "user_id 对应的好友不存在"}
    assert envelope.from_error(MilkyError(-400, "user_id: missing")) == {
        "status": "failed", "retcode": -400, "message": "user_id: missing"}


@pytest.mark.parametrize("world, milky", [
    (Retcode.BAD_PARAMS, -400), (Retcode.NO_TARGET, -404), (Retcode.NOT_PERMITTED, -403),
    (Retcode.ASYNC, -500), (1404, -500), (42, -500),
])
def test_world_retcodes_as_a_table_MLK_9(world, milky):
    answer = envelope.from_world_error(ActionError(world, "why"))
    assert answer["retcode"] == milky and answer["status"] == "failed"
    assert answer["message"] == "why" or (milky == -500 and answer["message"].endswith("why"))


def test_an_internal_fault_is_500_without_its_details_MLK_9():
    answer = envelope.internal_error(KeyError("secret path /etc"))
    assert answer == {"status": "failed", "retcode": -500,
                      "message": "internal error (KeyError); the server log has details"}


def test_is_envelope():
    assert envelope.is_envelope(envelope.ok())
    assert envelope.is_envelope(envelope.failed(-400, "x"))
    for bad in ({"status": "ok", "retcode": 0, "data": None}, {"status": "failed", "retcode": 0,
                                                                "message": ""}, [], None):
        assert not envelope.is_envelope(bad)


def test_the_three_status_codes():
    assert envelope.HTTP_STATUS == {"unauthorized": 401, "unknown_api": 404,
                                    "unsupported_content_type": 415}


@pytest.mark.parametrize("name", sorted(ENTITIES))
def test_entities_conform_to_the_ir(name):
    value = ENTITIES[name]
    assert conform.problems(name, value) == []
    assert list(value) == [f.name for f in STRUCTS[name].fields]  # the IR's order


def test_notifications_conform_to_the_ir():
    assert [n["type"] for n in NOTIFICATIONS] == list(STRUCTS["GroupNotification"].tags)
    for notification in NOTIFICATIONS:
        assert conform.problems("GroupNotification", notification) == []


def test_nullable_fields_are_written_as_null_MLK_28():
    assert ENTITIES["GroupAnnouncementEntity"]["image_url"] is None
    assert entities.group_member(**{**ENTITIES["GroupMemberEntity"],
                                    "shut_up_end_time": None})["shut_up_end_time"] is None
    increase = events.group_member_increase(T, SELF, group_id=20001, user_id=10003)
    assert increase["data"] == {"group_id": 20001, "user_id": 10003, "operator_id": None,
                                "invitor_id": None}


def test_incoming_message_scenes():
    assert [m["message_scene"] for m in MESSAGES] == ["friend", "group", "temp", "temp"]
    assert "friend" in MESSAGES[0] and "group" not in MESSAGES[0]
    assert MESSAGES[3]["group"] is None  # temp without a known group: null (MLK-28)
    for message in MESSAGES:
        assert conform.problems("IncomingMessage", message) == []
    base = dict(peer_id=10001, message_seq=1, sender_id=10001, time=T, segments=[])
    for bad in (dict(message_scene="friend"), dict(message_scene="group", group={}),
                dict(message_scene="friend", friend={}, group={}), dict(message_scene="x")):
        with pytest.raises(ValueError):
            entities.incoming_message(**base, **bad)


def test_every_event_type_has_a_builder_MLK_18():
    assert list(events.BUILDERS) == list(STRUCTS["Event"].tags)
    for name, builder in events.BUILDERS.items():
        variant = STRUCTS["Event"].variant(name)
        params = list(inspect.signature(builder).parameters)
        if variant.ref:
            assert params == ["time", "self_id", "message"]
        else:  # exactly the variant's fields, the optional ones optional
            assert params == ["time", "self_id", *(f.name for f in variant.fields)]
            for field in variant.fields:
                default = inspect.signature(builder).parameters[field.name].default
                assert (default is None) == field.optional


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e["event_type"])
def test_events_conform_to_the_ir_MLK_18(event):
    assert list(event) == ["time", "self_id", "event_type", "data"]
    assert conform.problems("Event", event) == []


def test_conformance_check_can_fail():
    bad = events.group_mute(T, 10000, group_id=20001, user_id="10003", operator_id=10004,
                            duration=-1)
    bad["data"]["extra"] = 1
    assert conform.problems("Event", bad) == [
        "Event.data.user_id: '10003' is not uin (10001..4294967295)",
        "Event.data.duration: -1 is not int32 (0..2147483647)",
        "Event.data: unexpected key 'extra'",
        "Event.self_id: 10000 is not uin (10001..4294967295)"]
    assert conform.output_problems("get_login_info", {"uin": 10001}) == [
        "data.nickname: missing"]
    assert conform.output_problems("set_bio", {}) == []
    assert conform.output_problems("get_history_messages", {"messages": []}) == [
        "data.next_message_seq: missing"]


def test_sse_frame_MLK_13():
    event = EVENTS[4]
    text = sse.encode(event)
    assert "\n" not in text and json.loads(text) == event
    assert sse.frame(text) == f"event: milky_event\ndata: {text}\n\n".encode()
    message = sse.encode(EVENTS[1])
    assert "测试群" in message  # UTF-8 as it is (MLK-17)
    with pytest.raises(ValueError):
        sse.frame("a\nb")


def test_sse_keepalive_is_a_comment_MLK_14():
    assert sse.KEEPALIVE.startswith(b":") and sse.KEEPALIVE.endswith(b"\n\n")
    assert sse.KEEPALIVE_SECONDS == 15.0 and sse.CONTENT_TYPE.startswith("text/event-stream")
