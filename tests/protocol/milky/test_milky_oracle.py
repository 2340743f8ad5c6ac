"""nonebot-adapter-milky 1.3.0 as an offline oracle (MLK-37, MLK-38).

Its strict pydantic models drop an event silently when one field is missing or mistyped, and
its Message parser drops the whole event on a segment type it does not know (MLK-29); nothing
reaches the server. So every event the builders produce goes through the adapter's own entry
point (``Adapter.json_to_event``, what its WebSocket and WebHook readers call) from the wire
text, every response struct through the adapter's API models, and every segment the adapter
itself sends through our binder and converter.

Where the adapter and the IR disagree, the IR wins (docs/milky.md lists the disagreements).
"""

from __future__ import annotations

import json

import pytest
from nonebot.adapters.milky import Adapter
from nonebot.adapters.milky.event import EVENT_CLASSES, MessageEvent
from nonebot.adapters.milky.message import Message, MessageSegment
from nonebot.adapters.milky.model import api as api_models
from nonebot.adapters.milky.model import common
from nonebot.adapters.milky.model.message import IncomingForwardedMessage, IncomingMessage
from nonebot.compat import type_validate_python
from nonebot.utils import DataclassEncoder

from milky_samples import ALICE, ENTITIES, EVENTS, MESSAGES, NOTIFICATIONS, SELF, T
from onebot_ref.protocol.milky import conform, entities, events, params, sse
from onebot_ref.protocol.milky.segments_in import Lookups, to_milky
from onebot_ref.protocol.milky.segments_out import to_onebot
from onebot_ref.protocol.milky.structs import STRUCTS
from onebot_ref.protocol.segments import TYPES as ONEBOT_TYPES


def adapter_reads(event: dict):
    """What nonebot-adapter-milky makes of the event's wire text (None: it dropped it)."""
    return Adapter.json_to_event(json.loads(sse.encode(event)))


def test_the_adapter_knows_every_event_type_of_the_ir():
    """group_disband is the adapter's own (not in the IR); every IR type has a model."""
    assert set(STRUCTS["Event"].tags) <= set(EVENT_CLASSES)
    assert set(EVENT_CLASSES) - set(STRUCTS["Event"].tags) == {"group_disband"}


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e["event_type"])
def test_every_event_validates_against_the_adapter_MLK_37(event):
    parsed = adapter_reads(event)
    assert isinstance(parsed, EVENT_CLASSES[event["event_type"]]), "the adapter dropped it"
    assert parsed.self_id == SELF and parsed.time == T
    if isinstance(parsed, MessageEvent):
        segments = event["data"]["segments"]
        assert [s.type for s in parsed.get_message()] == [s["type"] for s in segments]
        assert parsed.get_event_name() == f"message:{event['data']['message_scene']}"


def test_the_oracle_can_fail():
    """A friend without its category, or an unknown segment type: the adapter drops the event."""
    friend = {k: v for k, v in ENTITIES["FriendEntity"].items() if k != "category"}
    message = dict(MESSAGES[0], friend=friend)
    assert adapter_reads(events.message_receive(T, SELF, message=message)) is None
    message = dict(MESSAGES[0], segments=[{"type": "poke", "data": {}}])
    assert adapter_reads(events.message_receive(T, SELF, message=message)) is None


def test_a_message_of_every_incoming_segment_type_MLK_29():
    types = {s["type"] for s in MESSAGES[1]["segments"]}
    assert types == set(STRUCTS["IncomingSegment"].tags)
    parsed = adapter_reads(events.message_receive(T, SELF, message=MESSAGES[1]))
    reply = next(s for s in parsed.get_message() if s.type == "reply")
    assert reply.data["sender_id"] == 10003 and str(reply.data["segments"]) == "quoted"


def test_every_stored_onebot_type_reaches_the_adapter_MLK_29():
    """A message holding every OneBot 11 segment type (most have no Milky form) is not
    dropped: each OneBot-only type arrives as text."""
    stored = [{"type": kind, "data": {"id": "1", "qq": str(ALICE), "file": "a", "data": "{}",
                                      "text": "t", "type": "qq"}} for kind in ONEBOT_TYPES]
    look = Lookups(mention_name=lambda user_id: "Alice", reply=lambda message_id: None,
                   media=lambda kind, data: {"resource_id": "r", "temp_url": "http://127.0.0.1"},
                   forward=lambda forward_id: [])
    message = entities.incoming_message(
        message_scene="friend", peer_id=ALICE, message_seq=1, sender_id=ALICE, time=T,
        segments=to_milky(stored, look), friend=ENTITIES["FriendEntity"])
    parsed = adapter_reads(events.message_receive(T, SELF, message=message))
    assert parsed is not None and len(parsed.get_message()) == len(ONEBOT_TYPES)


MODELS = {
    "FriendEntity": common.Friend, "FriendCategoryEntity": common.FriendCategory,
    "GroupEntity": common.Group, "GroupMemberEntity": common.Member,
    "GroupAnnouncementEntity": api_models.Announcement, "GroupFileEntity": api_models.FileInfo,
    "GroupFolderEntity": api_models.FolderInfo, "FriendRequest": api_models.FriendRequest,
    "GroupEssenceMessage": api_models.GroupEssenceMessage,
    "IncomingForwardedMessage": IncomingForwardedMessage,
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_entity_validates_against_the_adapter_models(name):
    model = type_validate_python(MODELS[name], json.loads(json.dumps(ENTITIES[name])))
    assert model.model_dump(include=set(ENTITIES[name])).keys() == ENTITIES[name].keys()


@pytest.mark.parametrize("notification", NOTIFICATIONS, ids=lambda n: n["type"])
def test_every_group_notification_validates(notification):
    model = type_validate_python(api_models.GroupNotification, notification)
    assert model.type == notification["type"]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m["message_scene"])
def test_incoming_messages_validate_as_get_message_answers(message):
    assert type_validate_python(IncomingMessage, message).message_seq == message["message_seq"]


@pytest.mark.parametrize("api, data, model", [
    ("get_login_info", {"uin": SELF, "nickname": "bot"}, api_models.LoginInfo),
    ("get_impl_info", {"impl_name": "onebot_ref", "impl_version": "0", "milky_version": "1.2",
                       "qq_protocol_version": "0", "qq_protocol_type": "linux"},
     api_models.ImplInfo),
    ("send_group_message", {"message_seq": 1, "time": T}, api_models.MessageResponse),
    ("get_user_profile", {"nickname": "Alice", "qid": "", "age": 20, "sex": "female",
                          "remark": "", "bio": "", "level": 1, "country": "", "city": "",
                          "school": ""}, common.Profile),
    ("get_group_files", {"files": [ENTITIES["GroupFileEntity"]],
                         "folders": [ENTITIES["GroupFolderEntity"]]}, api_models.FilesInfo),
    ("get_group_essence_messages", {"messages": [ENTITIES["GroupEssenceMessage"]],
                                    "is_end": True}, api_models.GroupEssenceMessageResponse),
])
def test_api_answers_validate_against_the_adapter_models(api, data, model):
    assert conform.output_problems(api, data) == []
    type_validate_python(model, data)


def test_what_the_adapter_sends_binds_and_converts_MLK_38():
    """Every segment constructor of the adapter, dumped as its HTTP client dumps it."""
    node = MessageSegment.node(ALICE, "Alice", Message([MessageSegment.text("x")]), time=T)
    outgoing = [
        Message([MessageSegment.text("hi"), MessageSegment.mention(ALICE),
                 MessageSegment.mention_all(), MessageSegment.face("14"),
                 MessageSegment.reply(3), MessageSegment.image(url="https://e.org/a.png"),
                 MessageSegment.image(raw=b"\x89PNG", sub_type="sticker"),
                 MessageSegment.record(url="http://e.org/a.amr"),
                 MessageSegment.video(url="http://e.org/v.mp4"),
                 MessageSegment.light_app('{"app":"x"}')]),
        Message([MessageSegment.forward([node], title="t")]),
    ]
    for message in outgoing:
        wire = json.loads(json.dumps({"group_id": 20001, "message": message.to_elements()},
                                     cls=DataclassEncoder))
        bound = params.bind("send_group_message", wire)
        onebot = to_onebot(bound["message"], lambda seq: 100 + seq)
        assert onebot and all(isinstance(v, (str, list)) for s in onebot
                              for v in s["data"].values())
