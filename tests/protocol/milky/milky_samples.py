"""Samples and hypothesis strategies shared by the Milky protocol tests.

- ENTITIES: one value per response struct builder of entities.py; EVENTS: at least one event
  of each of the 20 types (message_receive once per scene and once with every IncomingSegment
  type), all built by the builders under test from plain facts.
- json_values(): any JSON value; body_for(api): a request body for one API whose every field
  is a valid value, an arbitrary JSON value or absent, nested structs included, so that binding
  fails (or succeeds) at every depth.
"""

from __future__ import annotations

from hypothesis import strategies as st

from onebot_ref.protocol.milky import entities, events
from onebot_ref.protocol.milky.schema import INT_RANGES, Field, Struct
from onebot_ref.protocol.milky.structs import STRUCTS

SELF, ALICE, BOB, GROUP, OTHER_GROUP = 10086, 10001, 10003, 20001, 20002
T = 1_700_000_000

CATEGORY = entities.friend_category(category_id=0, category_name="我的好友")
FRIEND = entities.friend(user_id=ALICE, nickname="Alice", sex="female", qid="alice",
                         remark="", category=CATEGORY)
GROUP_ENTITY = entities.group(group_id=GROUP, group_name="测试群", member_count=3,
                              max_member_count=200, remark="", created_time=T - 86400,
                              description="", question="", announcement="")
MEMBER = entities.group_member(user_id=ALICE, nickname="Alice", sex="female", group_id=GROUP,
                               card="Alice (admin)", title="", level=5, role="admin",
                               join_time=T - 3600, last_sent_time=T)
MUTED = entities.group_member(user_id=BOB, nickname="Bob", sex="unknown", group_id=GROUP,
                              card="", title="头衔", level=1, role="member", join_time=T,
                              last_sent_time=0, shut_up_end_time=T + 60)

#: Every IncomingSegment type (13), as segments_in.to_milky writes them.
EVERY_SEGMENT = [
    {"type": "text", "data": {"text": "hi "}},
    {"type": "mention", "data": {"user_id": ALICE, "name": "Alice (admin)"}},
    {"type": "mention_all", "data": {}},
    {"type": "face", "data": {"face_id": "14", "is_large": False}},
    {"type": "reply", "data": {"message_seq": 3, "sender_id": BOB, "sender_name": None,
                               "time": T - 5, "segments": [{"type": "text",
                                                            "data": {"text": "quoted"}}]}},
    {"type": "image", "data": {"resource_id": "image/a.png", "temp_url": "http://127.0.0.1/r/a",
                               "width": 0, "height": 0, "summary": "", "sub_type": "normal"}},
    {"type": "record", "data": {"resource_id": "record/a.amr", "temp_url": "http://127.0.0.1/r",
                                "duration": 0}},
    {"type": "video", "data": {"resource_id": "video/a.mp4", "temp_url": "http://127.0.0.1/r",
                               "width": 0, "height": 0, "duration": 0}},
    {"type": "file", "data": {"file_id": "f1", "file_name": "a.txt", "file_size": 3,
                              "file_hash": None}},
    {"type": "forward", "data": {"forward_id": "F1", "title": "群聊的聊天记录",
                                 "preview": ["Alice: x"], "summary": "查看1条转发消息"}},
    {"type": "market_face", "data": {"emoji_package_id": 1, "emoji_id": "e", "key": "k",
                                     "summary": "[表情]", "url": "http://127.0.0.1/m"}},
    {"type": "light_app", "data": {"app_name": "com.tencent.x", "json_payload": "{}"}},
    {"type": "xml", "data": {"service_id": 35, "xml_payload": "<msg/>"}},
]

ENTITIES = {
    "FriendCategoryEntity": CATEGORY, "FriendEntity": FRIEND, "GroupEntity": GROUP_ENTITY,
    "GroupMemberEntity": MUTED,
    "GroupAnnouncementEntity": entities.group_announcement(
        group_id=GROUP, announcement_id="a1", user_id=ALICE, time=T, content="公告"),
    "GroupFileEntity": entities.group_file(
        group_id=GROUP, file_id="f1", file_name="a.txt", parent_folder_id="/", file_size=3,
        uploaded_time=T, uploader_id=ALICE, downloaded_times=0),
    "GroupFolderEntity": entities.group_folder(
        group_id=GROUP, folder_id="d1", parent_folder_id="/", folder_name="文档",
        created_time=T, last_modified_time=T, creator_id=ALICE, file_count=1),
    "FriendRequest": entities.friend_request(
        time=T, initiator_id=BOB, initiator_uid="u_10003", target_user_id=SELF,
        target_user_uid="u_10086", state="pending", comment="hi", via="搜索", is_filtered=False),
    "IncomingForwardedMessage": entities.incoming_forwarded_message(
        message_seq=0, sender_name="Alice", avatar_url="http://127.0.0.1/a", time=T,
        segments=EVERY_SEGMENT[:1]),
    "GroupEssenceMessage": entities.group_essence_message(
        group_id=GROUP, message_seq=4, message_time=T, sender_id=ALICE, sender_name="Alice",
        operator_id=SELF, operator_name="bot", operation_time=T, segments=EVERY_SEGMENT[:1]),
}
NOTIFICATIONS = [
    entities.join_request_notification(group_id=GROUP, notification_seq=1, is_filtered=False,
                                       initiator_id=BOB, state="pending", comment="let me in"),
    entities.admin_change_notification(group_id=GROUP, notification_seq=2, target_user_id=ALICE,
                                       is_set=True, operator_id=SELF),
    entities.kick_notification(group_id=GROUP, notification_seq=3, target_user_id=BOB,
                               operator_id=ALICE),
    entities.quit_notification(group_id=GROUP, notification_seq=4, target_user_id=BOB),
    entities.invited_join_request_notification(group_id=GROUP, notification_seq=5,
                                               initiator_id=ALICE, target_user_id=BOB,
                                               state="accepted", operator_id=SELF),
]


def _message(scene: str, segments: list[dict]) -> dict:
    extra = {"friend": {"friend": FRIEND},
             "group": {"group": GROUP_ENTITY, "group_member": MEMBER},
             "temp": {"group": GROUP_ENTITY}}[scene]
    peer = GROUP if scene == "group" else ALICE
    return entities.incoming_message(message_scene=scene, peer_id=peer, message_seq=7,
                                     sender_id=ALICE, time=T, segments=segments, **extra)


MESSAGES = [_message("friend", EVERY_SEGMENT[:1]), _message("group", EVERY_SEGMENT),
            _message("temp", EVERY_SEGMENT[:3]),
            entities.incoming_message(message_scene="temp", peer_id=BOB, message_seq=1,
                                      sender_id=BOB, time=T, segments=EVERY_SEGMENT[:1])]

E = events
EVENTS = [E.message_receive(T, SELF, message=m) for m in MESSAGES] + [
    E.bot_offline(T, SELF, reason="the server is stopping"),
    E.message_recall(T, SELF, message_scene="group", peer_id=GROUP, message_seq=7,
                     sender_id=ALICE, operator_id=ALICE, display_suffix=""),
    E.peer_pin_change(T, SELF, message_scene="friend", peer_id=ALICE, is_pinned=True),
    E.friend_request(T, SELF, initiator_id=BOB, initiator_uid="u_10003", comment="hi",
                     via="搜索"),
    E.group_join_request(T, SELF, group_id=GROUP, notification_seq=1, is_filtered=False,
                         initiator_id=BOB, comment="let me in"),
    E.group_invited_join_request(T, SELF, group_id=GROUP, notification_seq=5, initiator_id=ALICE,
                                 target_user_id=BOB),
    E.group_invitation(T, SELF, group_id=OTHER_GROUP, invitation_seq=6, initiator_id=ALICE),
    E.group_invitation(T, SELF, group_id=OTHER_GROUP, invitation_seq=7, initiator_id=ALICE,
                       source_group_id=GROUP),
    E.friend_nudge(T, SELF, user_id=ALICE, is_self_send=False, is_self_receive=True,
                   display_action="戳了戳", display_suffix="", display_action_img_url=""),
    E.friend_file_upload(T, SELF, user_id=ALICE, file_id="p1", file_name="a.txt", file_size=3,
                         file_hash="0" * 40, is_self=False),
    E.group_admin_change(T, SELF, group_id=GROUP, user_id=ALICE, operator_id=SELF, is_set=True),
    E.group_essence_message_change(T, SELF, group_id=GROUP, message_seq=7, operator_id=SELF,
                                   is_set=True),
    E.group_member_increase(T, SELF, group_id=GROUP, user_id=BOB, operator_id=ALICE),
    E.group_member_increase(T, SELF, group_id=GROUP, user_id=BOB, invitor_id=ALICE),
    E.group_member_decrease(T, SELF, group_id=GROUP, user_id=BOB),
    E.group_member_decrease(T, SELF, group_id=GROUP, user_id=BOB, operator_id=ALICE),
    E.group_name_change(T, SELF, group_id=GROUP, new_group_name="新群名", operator_id=ALICE),
    E.group_message_reaction(T, SELF, group_id=GROUP, user_id=ALICE, message_seq=7,
                             face_id="76", reaction_type="face", is_add=True),
    E.group_mute(T, SELF, group_id=GROUP, user_id=BOB, operator_id=ALICE, duration=60),
    E.group_mute(T, SELF, group_id=GROUP, user_id=BOB, operator_id=ALICE, duration=0),
    E.group_whole_mute(T, SELF, group_id=GROUP, operator_id=ALICE, is_mute=True),
    E.group_nudge(T, SELF, group_id=GROUP, sender_id=ALICE, receiver_id=SELF,
                  display_action="戳了戳", display_suffix="的脸", display_action_img_url=""),
    E.group_file_upload(T, SELF, group_id=GROUP, user_id=ALICE, file_id="g1",
                        file_name="a.txt", file_size=3),
]

# ---- strategies -------------------------------------------------------------------------------

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.text(max_size=8))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)


def _valid_one(field: Field, depth: int):
    if field.kind in INT_RANGES:
        low, high = INT_RANGES[field.kind]
        return st.one_of(st.integers(low, high), st.sampled_from([low, high]))
    if field.kind == "bool":
        return st.booleans()
    if field.kind == "string":
        return st.text(max_size=10)
    if field.kind == "enum":
        return st.sampled_from(field.values)
    return struct_value(field.ref, depth + 1)


def field_value(field: Field, depth: int = 0):
    """Mostly a valid value of ``field``, sometimes any JSON value."""
    one = _valid_one(field, depth)
    valid = st.lists(one, max_size=3) if field.array else one
    return st.one_of(valid, valid, valid, json_values)


def fields_object(fields: tuple[Field, ...], depth: int):
    """An object with each field valid, arbitrary or absent, plus maybe an unknown key."""
    optional = {f.name: field_value(f, depth) for f in fields}
    return st.fixed_dictionaries({}, optional=optional).flatmap(
        lambda obj: st.one_of(st.just(obj), st.builds(lambda v: {**obj, "unknown_key": v},
                                                      json_values)))


def struct_value(name: str, depth: int = 0):
    struct = STRUCTS[name]
    if depth > 3:
        return json_values
    if isinstance(struct, Struct):
        return fields_object(struct.fields, depth)
    return st.sampled_from(struct.variants).flatmap(
        lambda v: fields_object(v.fields, depth).map(lambda d: {struct.tag: v.tag, "data": d}))


def body_for(api):
    return st.one_of(fields_object(api.inputs, 0), json_values)
