"""Refusals of the Milky APIs: bad input is -400 naming the field (the binder's MLK-19..27 and
the checks the IR states in words), an unknown target -404, what the bot's role does not allow
-403 (MLK-7/9); a refused call changes nothing (the whole world compared before and after,
its data_dir included) and publishes nothing (MLK-53); a bug is -500 and logged."""

from __future__ import annotations

import logging

import pytest

from milky_world import (
    ADMINED,
    ALICE,
    BOB,
    BOT,
    MEMBER_OF,
    OWNED,
    PNG,
    TEXT_FILE,
    group_message,
    make,
    ok,
    refused,
    state,
)

HELLO = [{"type": "text", "data": {"text": "hello"}}]
BAD, MISSING, FORBIDDEN = -400, -404, -403


def _seq(world, milky):
    return {"seq": group_message(world)}


def _bob_seq(world, milky):
    return {"seq": group_message(world, group_id=MEMBER_OF, user_id=BOB)}


def _file(world, milky):
    file_id = ok(milky, "upload_group_file", group_id=MEMBER_OF, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    world.groups[MEMBER_OF].files.files[file_id].uploader_id = BOB  # Bob's, not the bot's
    return {"file": file_id}


def _folder(world, milky):
    return {"folder": ok(milky, "create_group_folder", group_id=OWNED,
                         folder_name="docs")["folder_id"]}


def _friend_request(world, milky):
    world.inject_event({"post_type": "request", "request_type": "friend", "user_id": 10009,
                        "comment": "hi"})
    return {}


# (api, body (with {seq}/{file}/{folder} from the setup), retcode, words of the message, setup)
CASES = [
    # -400: the binder names the field (MLK-22..25), the world and the actions too
    ("get_friend_info", {"user_id": "10001"}, BAD, "user_id: expected uin", None),
    ("get_friend_info", {"user_id": 10000}, BAD, "user_id: 10000 is out of range", None),
    ("send_group_message", {"group_id": OWNED, "message": [{"type": "dice", "data": {}}]}, BAD,
     "message[0].type: expected one of", None),
    ("send_group_message", {"group_id": OWNED, "message": []}, BAD, "nothing to send", None),
    ("send_group_message", {"group_id": OWNED, "message": [
        {"type": "image", "data": {"uri": "/etc/passwd"}}]}, BAD, "message[0].data.uri", None),
    ("send_group_message", {"group_id": OWNED, "message": [
        {"type": "image", "data": {"uri": "base64://!!!"}}]}, BAD, "invalid base64", None),
    ("get_history_messages", {"message_scene": "group", "peer_id": OWNED, "limit": 31}, BAD,
     "limit: 1 to 30", None),
    ("get_history_messages", {"message_scene": "group", "peer_id": OWNED, "limit": 0}, BAD,
     "limit: 1 to 30", None),
    ("get_resource_temp_url", {"resource_id": "image:" + "x" * 5000}, BAD, "resource_id", None),
    ("send_profile_like", {"user_id": ALICE, "count": 0}, BAD, "count: at least 1", None),
    ("set_peer_pin", {"message_scene": "temp", "peer_id": ALICE}, BAD, "message_scene", None),
    ("set_avatar", {"uri": "avatar.png"}, BAD, "uri: expected a file://", None),
    ("set_nickname", {"new_nickname": " "}, BAD, "new_nickname: must not be empty", None),
    ("set_bio", {"new_bio": "x" * 256}, BAD, "new_bio: at most 255", None),
    ("set_group_name", {"group_id": OWNED, "new_group_name": ""}, BAD, "new_group_name", None),
    ("send_group_announcement", {"group_id": OWNED, "content": " "}, BAD, "content", None),
    ("send_group_announcement", {"group_id": OWNED, "content": "x", "image_uri": "base64://%"},
     BAD, "image_uri: invalid base64", None),
    ("get_group_essence_messages", {"group_id": OWNED, "page_index": 0, "page_size": 0}, BAD,
     "page_size: at least 1", None),
    ("send_group_message_reaction", {"group_id": OWNED, "message_seq": "{seq}",
                                     "reaction": ""}, BAD, "reaction: a face id", _seq),
    ("upload_group_file", {"group_id": OWNED, "file_uri": TEXT_FILE, "file_name": "a/b"}, BAD,
     "file_name: a name cannot hold /", None),
    ("upload_private_file", {"user_id": ALICE, "file_uri": "base64://@@", "file_name": "a"},
     BAD, "file_uri: invalid base64", None),
    ("create_group_folder", {"group_id": OWNED, "folder_name": "docs"}, BAD,
     "folder_name: a folder named 'docs' already exists", _folder),
    ("rename_group_folder", {"group_id": OWNED, "folder_id": "/", "new_folder_name": "x"}, BAD,
     "the root folder", None),
    # -404: no such friend, group, member, message, request, file (MLK-7's example, RESP-9)
    ("get_friend_info", {"user_id": 10009}, MISSING, "not a friend", None),
    ("get_group_info", {"group_id": 29999}, MISSING, "not in group 29999", None),
    ("get_group_member_info", {"group_id": OWNED, "user_id": 10004}, MISSING,
     "not a member", None),
    ("get_message", {"message_scene": "group", "peer_id": OWNED, "message_seq": 9}, MISSING,
     "message_seq: no message 9", None),
    ("send_group_message", {"group_id": OWNED, "message": [
        {"type": "reply", "data": {"message_seq": 9}}]}, MISSING, "message[0].data.message_seq",
     None),
    ("recall_private_message", {"user_id": ALICE, "message_seq": 1}, MISSING, "no message 1",
     None),
    ("get_resource_temp_url", {"resource_id": "image:nothing.png"}, MISSING, "no resource",
     None),
    ("get_forwarded_messages", {"forward_id": "F999"}, MISSING, "no merged forward", None),
    ("accept_friend_request", {"initiator_uid": "u_10002"}, MISSING, "initiator_uid", None),
    ("accept_friend_request", {"initiator_uid": "u_10009", "is_filtered": True}, MISSING,
     "no pending filtered friend request", _friend_request),
    ("accept_group_request", {"notification_seq": 7, "notification_type": "join_request",
                              "group_id": OWNED}, MISSING, "notification_seq", None),
    ("accept_group_invitation", {"group_id": 29999, "invitation_seq": 1}, MISSING,
     "invitation_seq", None),
    ("delete_group_announcement", {"group_id": OWNED, "announcement_id": "a"}, MISSING,
     "announcement_id", None),
    ("set_group_essence_message", {"group_id": OWNED, "message_seq": "{seq}", "is_set": False},
     MISSING, "no essence message", _seq),
    ("get_group_files", {"group_id": OWNED, "parent_folder_id": "nope"}, MISSING,
     "parent_folder_id: no folder", None),
    ("move_group_file", {"group_id": MEMBER_OF, "file_id": "{file}", "parent_folder_id": "x"},
     MISSING, "parent_folder_id: file", _file),
    ("get_private_file_download_url", {"user_id": ALICE, "file_id": "file-1",
                                       "file_hash": "0"}, MISSING, "file_id", None),
    ("mark_message_as_read", {"message_scene": "friend", "peer_id": 10099, "message_seq": 1},
     MISSING, "no user 10099", None),
    ("upload_private_file", {"user_id": 10009, "file_uri": TEXT_FILE, "file_name": "a"},
     MISSING, "not a friend", None),
    # -403: the bot's role (MLK-9; world/__init__.py's table)
    ("set_group_name", {"group_id": MEMBER_OF, "new_group_name": "x"}, FORBIDDEN,
     "only an admin or the owner", None),
    ("set_group_member_admin", {"group_id": ADMINED, "user_id": BOB}, FORBIDDEN, "owner", None),
    ("kick_group_member", {"group_id": ADMINED, "user_id": ALICE}, FORBIDDEN, "outrank", None),
    ("quit_group", {"group_id": OWNED}, FORBIDDEN, "the owner can only dismiss", None),
    ("recall_group_message", {"group_id": MEMBER_OF, "message_seq": "{seq}"}, FORBIDDEN,
     "outrank", _bob_seq),
    ("send_group_announcement", {"group_id": MEMBER_OF, "content": "x"}, FORBIDDEN,
     "send_group_announcement", None),
    ("set_group_essence_message", {"group_id": MEMBER_OF, "message_seq": "{seq}"}, FORBIDDEN,
     "set an essence message", _bob_seq),
    ("delete_group_file", {"group_id": MEMBER_OF, "file_id": "{file}"}, FORBIDDEN,
     "delete_group_file", _file),
    ("create_group_folder", {"group_id": MEMBER_OF, "folder_name": "x"}, FORBIDDEN,
     "create_group_folder", None),
    ("send_group_message", {"group_id": MEMBER_OF, "message": [{"type": "mention_all",
                                                                "data": {}}]}, FORBIDDEN,
     "@全体成员", None),
    ("send_profile_like", {"user_id": ALICE, "count": 11}, FORBIDDEN, "at most 10", None),
]


def _fill(value, found: dict):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return found[value[1:-1]]
    return value


@pytest.mark.parametrize("api, body, retcode, words, setup", CASES,
                         ids=[f"{c[0]}-{c[2]}-{n}" for n, c in enumerate(CASES)])
def test_a_refusal_names_the_problem_and_changes_nothing(api, body, retcode, words, setup,
                                                         tmp_path):
    world, milky, rendered = make(tmp_path)
    found = setup(world, milky) if setup else {}
    body = {key: _fill(value, found) for key, value in body.items()}
    before, events = state(world), len(rendered)
    message = refused(milky, api, retcode, **body)
    assert words in message
    assert state(world) == before
    assert len(rendered) == events  # nothing published either
    world.close()


def test_the_refusals_cover_every_retcode_the_table_maps():
    assert {c[2] for c in CASES} == {BAD, MISSING, FORBIDDEN}


@pytest.mark.parametrize("body", [None, [], "x", 1, True])
def test_a_body_that_is_no_object_is_400_MLK_2(body, tmp_path):
    world, milky, _ = make(tmp_path)
    envelope = milky.call("get_login_info", body)
    assert (envelope["retcode"], "must be a JSON object" in envelope["message"]) == (BAD, True)
    world.close()


def test_an_unknown_api_is_404_and_exists_says_so(tmp_path):
    world, milky, _ = make(tmp_path)
    assert not milky.exists("send_msg") and milky.exists("send_group_message")
    assert refused(milky, "send_msg", MISSING) == "unknown API 'send_msg'"
    world.close()


def test_a_bug_is_500_and_logged_MLK_9(tmp_path, caplog):
    """Not a mock of our code: a world whose one method is broken the way a bug would be."""
    world, milky, _ = make(tmp_path)

    def broken(*args):
        raise ZeroDivisionError("secret detail")

    world.login_info = broken
    with caplog.at_level(logging.ERROR, logger="onebot_ref.actions.milky"):
        message = refused(milky, "get_login_info", -500)
    assert "ZeroDivisionError" in message and "secret detail" not in message
    assert "get_login_info failed unexpectedly" in caplog.text
    world.close()


def test_a_self_message_and_bot_uin_bounds(tmp_path):
    """The bot is never a peer: a chat with itself is -404, sending to itself too."""
    world, milky, _ = make(tmp_path)
    refused(milky, "get_history_messages", MISSING, message_scene="friend", peer_id=BOT)
    refused(milky, "send_private_message", MISSING, user_id=BOT, message=HELLO)
    assert ok(milky, "set_avatar", uri=PNG) == {}
    world.close()
