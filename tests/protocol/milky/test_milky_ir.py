"""The tables of protocol/milky/ are the Milky 1.2 IR (MLK-1).

apis.TABLE and structs.TABLE are written by hand, citing the IR. Each row is rendered here as
one canonical line (names, kinds, flags, defaults, descriptions of APIs, structs and variants)
and compared with the same rendering of ``protocol/src/ir.json`` at the commit docs/rules.md
pins: the file itself when MILKY_IR names a copy of it, else the digests recorded from it
(PINNED, sha256 of the line, first 16 hex digits), so the check runs in CI without the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from onebot_ref.protocol.milky.apis import APIS, CATEGORIES
from onebot_ref.protocol.milky.apis import TABLE as API_TABLE
from onebot_ref.protocol.milky.schema import Field, Struct
from onebot_ref.protocol.milky.structs import STRUCTS
from onebot_ref.protocol.milky.structs import TABLE as STRUCT_TABLE

#: A copy of ir.json at SaltifyDev/milky@65d6969 (milkyVersion 1.2), when one is given.
IR = Path(os.environ.get("MILKY_IR") or "/nonexistent")


def _ir_field(f: dict) -> str:
    if f["fieldType"] == "scalar":
        kind = "uin" if f.get("dataType") == "uin" else f["scalarType"]
    elif f["fieldType"] == "enum":
        kind = "enum(" + "|".join(f["values"]) + ")"
    else:
        kind = "ref(" + f["refStructName"] + ")"
    return (f"{f['name']}:{kind}{'[]' if f['isArray'] else ''}{'?' if f['isOptional'] else ''}"
            + (f"={json.dumps(f['defaultValue'])}" if "defaultValue" in f else ""))


def _field(f: Field) -> str:
    kind = {"enum": "enum(" + "|".join(f.values) + ")", "ref": f"ref({f.ref})"}.get(f.kind, f.kind)
    return (f"{f.name}:{kind}{'[]' if f.array else ''}{'?' if f.optional else ''}"
            + (f"={json.dumps(f.default)}" if f.default is not None else ""))


def ir_lines(ir: dict) -> dict[str, str]:
    """One canonical line per API ("api:<name>") and per struct ("struct:<name>") of the IR."""
    lines = {}
    for category in ir["apiCategories"]:
        for api in category["apis"]:
            lines[f"api:{api['endpoint']}"] = " ".join([
                category["key"], category["name"], api["endpoint"], api["description"], "in",
                *map(_ir_field, api.get("requestFields", [])), "out",
                *map(_ir_field, api.get("responseFields", []))])
    for struct in ir["commonStructs"]:
        words = [struct["name"], struct["description"]]
        if struct["structType"] == "simple":
            words += map(_ir_field, struct["fields"])
        else:
            words += [struct["tagFieldName"], struct["unionType"], "base",
                      *map(_ir_field, struct.get("baseFields", []))]
            for variant in struct.get("derivedTypes", []) + struct.get("derivedStructs", []):
                words += ["|", variant["tagValue"], variant["description"],
                          f"ref({variant['refStructName']})" if "refStructName" in variant
                          else "", *map(_ir_field, variant.get("fields", []))]
        lines[f"struct:{struct['name']}"] = " ".join(words)
    return lines


def table_lines() -> dict[str, str]:
    """The same lines, rendered from apis.TABLE and structs.TABLE."""
    lines = {}
    for api in API_TABLE:
        lines[f"api:{api.name}"] = " ".join([
            api.category, CATEGORIES[api.category], api.name, api.doc, "in",
            *map(_field, api.inputs), "out", *map(_field, api.outputs)])
    for struct in STRUCT_TABLE:
        words = [struct.name, struct.doc]
        if isinstance(struct, Struct):
            words += map(_field, struct.fields)
        else:
            words += [struct.tag, "withData" if struct.with_data else "plain", "base",
                      *map(_field, struct.base)]
            for variant in struct.variants:
                words += ["|", variant.tag, variant.doc,
                          f"ref({variant.ref})" if variant.ref else "",
                          *map(_field, variant.fields)]
        lines[f"struct:{struct.name}"] = " ".join(words)
    return lines


def _digest(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()[:16]


#: Recorded with MILKY_IR set: the digest of every IR line (see the module docstring). A table edit
#: that does not come from the IR fails here; update PINNED only from the IR itself.
PINNED = {
    "api:get_login_info": "673c46a8881f34ec", "api:get_impl_info": "180da64a25f71142",
    "api:get_user_profile": "326cebfcff7085d2", "api:get_friend_list": "7ce38ed83e8d7003",
    "api:get_friend_info": "a5220af8fa699b7d", "api:get_group_list": "522c45a8c188a95c",
    "api:get_group_info": "11102cc4346b8673", "api:get_group_member_list": "7a85bbc6463682c4",
    "api:get_group_member_info": "87c723d24160367d", "api:get_peer_pins": "7603ad125b15e2d7",
    "api:set_peer_pin": "1d480fd206c2e914", "api:set_avatar": "97b2d81dc3995696",
    "api:set_nickname": "4c0a9553ce4c71dd", "api:set_bio": "3c9d430676b279b3",
    "api:get_custom_face_url_list": "b6fb215006f8f1cd", "api:get_cookies": "aa9475f09665285f",
    "api:get_csrf_token": "280f691668f3cbeb", "api:send_private_message": "a40c58623b1fec85",
    "api:send_group_message": "214bc12bab1b5cc2", "api:recall_private_message": "12887b7daaf395c7",
    "api:recall_group_message": "222665d60e8d2c28", "api:get_message": "d90cd34f7f424423",
    "api:get_history_messages": "ea7ab7c9d87463a8",
    "api:get_resource_temp_url": "47aa478e1331a083",
    "api:get_forwarded_messages": "5445e06da7ac9e7b",
    "api:mark_message_as_read": "23a0bed97007646a", "api:send_friend_nudge": "480945de9c17e8e7",
    "api:send_profile_like": "68316c8553a14292", "api:delete_friend": "f396539940d4be57",
    "api:get_friend_requests": "0298eb540b0a40b6", "api:accept_friend_request": "3957abbed2845c04",
    "api:reject_friend_request": "997834383655e676", "api:set_group_name": "97d05a44dee33a2f",
    "api:set_group_avatar": "a16385e9e0fe7334", "api:set_group_member_card": "1cb2750e60425d46",
    "api:set_group_member_special_title": "5b55ed5c566d2ef7",
    "api:set_group_member_admin": "b75c471101353f4b",
    "api:set_group_member_mute": "22e59c90daba558d",
    "api:set_group_whole_mute": "7b2171f0bdb131bb", "api:kick_group_member": "13fc7c635c185871",
    "api:get_group_announcements": "b44055d5881865fe",
    "api:send_group_announcement": "37de828347e76b59",
    "api:delete_group_announcement": "89df2e896a33d579",
    "api:get_group_essence_messages": "5e848e76d6891559",
    "api:set_group_essence_message": "fb6db95454dde910", "api:quit_group": "4689c29fb005554a",
    "api:send_group_message_reaction": "3b592c991bcfa103",
    "api:send_group_nudge": "d0b2b7bf3bf0ba9c", "api:get_group_notifications": "fddab0969b0fcb53",
    "api:accept_group_request": "e82875e0d5aee887", "api:reject_group_request": "915253dc34f1d7cf",
    "api:accept_group_invitation": "a2114aef109473c9",
    "api:reject_group_invitation": "114ceea39b91c41b",
    "api:upload_private_file": "f1ec7113a64303ed", "api:upload_group_file": "61242af9c8374261",
    "api:get_private_file_download_url": "22bc76e9ed6eaddc",
    "api:get_group_file_download_url": "73ded312b5dec7ac",
    "api:get_group_files": "f4f702a77b1b03e8", "api:move_group_file": "646cfab205278c2b",
    "api:rename_group_file": "22d9c732da6b94d1", "api:delete_group_file": "22b5f5708802357e",
    "api:create_group_folder": "37c35e0befb8b97c", "api:rename_group_folder": "3fff6d588892b7c9",
    "api:delete_group_folder": "5f11cebbddb372b1", "struct:Event": "c615fdafc206f719",
    "struct:FriendEntity": "90682c1b4acf41f7", "struct:FriendCategoryEntity": "3147904da6619ae9",
    "struct:GroupEntity": "d0e05914220fd750", "struct:GroupMemberEntity": "5bac001ac3975dac",
    "struct:GroupAnnouncementEntity": "02691265ddad5421",
    "struct:GroupFileEntity": "9ec9226ba5d0dfc8", "struct:GroupFolderEntity": "44f03b1d0b34dbee",
    "struct:FriendRequest": "ea3de145f75cb321", "struct:GroupNotification": "feda461fe7835ebd",
    "struct:IncomingMessage": "499e9268008e1aff",
    "struct:IncomingForwardedMessage": "f6d6d83af53316ee",
    "struct:GroupEssenceMessage": "9ecff10825718efb", "struct:IncomingSegment": "20894ec78ec7f4d2",
    "struct:OutgoingForwardedMessage": "123b996102e02981",
    "struct:OutgoingSegment": "457e4b986a97f545",
}


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    """IR lines when the IR is at hand, else None (the digests are compared instead)."""
    return ir_lines(json.loads(IR.read_text(encoding="utf-8"))) if IR.is_file() else None


@pytest.mark.parametrize("key", sorted(PINNED), ids=lambda k: k.replace(":", "-"))
def test_each_row_equals_the_ir(key, expected):
    """MLK-1: every API and struct, field by field, as the IR has it."""
    line = table_lines().get(key)
    assert line is not None, f"{key} of the IR has no row in the tables"
    if expected is not None:
        assert line == expected[key]
    else:
        assert _digest(line) == PINNED[key], (
            f"{key} differs from ir.json at the pinned commit: compare with MILKY_IR=<ir.json> "
            "and update PINNED only from there")


def test_the_tables_have_exactly_the_ir_rows(expected):
    assert set(table_lines()) == set(expected if expected is not None else PINNED)


def test_the_counts_of_milky_1_2():
    """64 APIs (system 17, message 9, friend 6, group 21, file 11), 16 structs, 20 events."""
    per_category = {key: sum(api.category == key for api in API_TABLE) for key in CATEGORIES}
    assert per_category == {"system": 17, "message": 9, "friend": 6, "group": 21, "file": 11}
    assert len(APIS) == 64 and len(STRUCTS) == 16
    assert len(STRUCTS["Event"].variants) == 20
    assert len(STRUCTS["IncomingSegment"].variants) == 13
    assert len(STRUCTS["OutgoingSegment"].variants) == 10


def test_the_check_can_fail():
    """A one-flag change of one field changes its line's digest."""
    api = APIS["get_history_messages"]
    changed = dict(table_lines())
    assert "limit:int32=20" in changed["api:get_history_messages"]
    changed["api:get_history_messages"] = changed["api:get_history_messages"].replace(
        "limit:int32=20", "limit:int64=20")
    assert _digest(changed["api:get_history_messages"]) != PINNED["api:get_history_messages"]
    assert api.inputs[-1].name == "limit"
