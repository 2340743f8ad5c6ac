"""What the world grew for the second face: requests kept with their state and seq, the groups'
notification log, announcements, essence messages, reactions, the group file tree and private
files, nudges, the bot's profile, and the facts each change is published with (the console's
operations: test_world_injected_more.py). MLK-44/45 (requests, notifications), MLK-51 (files),
MLK-52 (twice changes nothing)."""

from __future__ import annotations

import pytest

from onebot_ref.world.core import LOG_KEPT
from world_extras_kit import (  # noqa: F401 (the fixture)
    ADMINED,
    ALICE,
    BOB,
    CAROL,
    DAVE,
    MALLORY,
    MEMBER_OF,
    OWNED,
    TEXT_FILE,
    fixture_world,
    kinds,
    refused,
)


def _request(world, **fields):
    return world.inject_event({"post_type": "request", "comment": "hi", **fields})


# --- requests and notifications ----------------------------------------------------------------

def test_a_request_is_kept_after_it_is_handled_with_its_state(world):
    first = _request(world, request_type="friend", user_id=MALLORY)
    second = _request(world, request_type="friend", user_id=20050)
    world.handle_friend_request(first["flag"], True, "")  # OneBot 11's way, by flag
    world.handle_friend_request_from("u_20050", False, False, "no thanks")  # by uid
    listed = world.friend_requests(10, False)
    assert [(r["user_id"], r["state"], r["operator_id"], r["reason"]) for r in listed] == [
        (20050, "rejected", world.self_id, "no thanks"), (MALLORY, "accepted", world.self_id, "")]
    assert listed[1]["seq"] < listed[0]["seq"] and world.requests == {}
    assert refused(102, world.handle_friend_request, second["flag"], True, "")  # EVT-29
    assert world.friend_requests(10, True) == []  # the simulated QQ filters none


def test_join_requests_and_member_changes_are_the_groups_notifications(world):
    join = _request(world, request_type="group", sub_type="add", group_id=OWNED, user_id=20050)
    world.set_admin(OWNED, BOB, True)
    world.kick(OWNED, CAROL, False)
    world.inject_event({"post_type": "notice", "notice_type": "group_decrease",
                        "sub_type": "leave", "group_id": OWNED, "user_id": MALLORY,
                        "operator_id": MALLORY})
    invited = world.inject_invited_join_request(OWNED, ALICE, 20051)
    found, following = world.group_notifications(None, False, 10)
    assert [n["kind"] for n in found] == ["invited_join_request", "quit", "kick",
                                          "admin_change", "join_request"]
    assert following is None and found[0]["seq"] == invited["seq"]
    assert found[-1]["request"]["flag"] == join["flag"]  # one seq names request and notice
    page, following = world.group_notifications(found[1]["seq"], False, 2)
    assert ([n["kind"] for n in page], following) == (["quit", "kick"], found[3]["seq"])
    world.handle_group_notification(found[-1]["seq"], "join_request", OWNED, False, True)
    assert 20050 in world.groups[OWNED].members
    assert world.group_notifications(None, False, 10)[0][-1]["request"]["state"] == "accepted"


def test_handling_by_seq_checks_every_part_of_the_reference(world):
    _request(world, request_type="group", sub_type="add", group_id=OWNED, user_id=20050)
    seq = next(iter(world.request_log))
    for args in ((seq + 1, "join_request", OWNED), (seq, "invited_join_request", OWNED),
                 (seq, "join_request", ADMINED)):
        refused(102, world.handle_group_notification, *args, False, True)
    assert "is unfiltered" in refused(102, world.handle_group_notification, seq,
                                       "join_request", OWNED, True, True)
    world.handle_group_notification(seq, "join_request", OWNED, False, False, "full")
    assert "already handled (rejected)" in refused(
        102, world.handle_group_notification, seq, "join_request", OWNED, False, True)


def test_an_invited_join_needs_an_admin_and_lets_the_user_in(world):
    request = world.inject_invited_join_request(MEMBER_OF, BOB, 20052)  # the bot: a member
    refused(103, world.handle_group_notification, request["seq"], "invited_join_request",
             MEMBER_OF, False, True)
    request = world.inject_invited_join_request(OWNED, ALICE, 20052)
    world.handle_group_notification(request["seq"], "invited_join_request", OWNED, False, True)
    increase = world.items[-1]
    assert increase.event["sub_type"] == "invite" and increase.event["user_id"] == 20052
    assert increase.facts == {"kind": "group_increase", "operator_id": world.self_id,
                              "invitor_id": ALICE}


def test_an_invitation_of_the_bot_by_seq(world):
    _request(world, request_type="group", sub_type="invite", group_id=29999, user_id=ALICE)
    seq = next(iter(world.request_log))
    refused(102, world.handle_invitation, 29998, seq, True)
    world.handle_invitation(29999, seq, True)
    assert 29999 in world.groups and world.request_log[seq].state == "accepted"


def test_the_history_of_requests_and_notifications_is_bounded(world):
    for n in range(LOG_KEPT + 5):
        world.inject_invited_join_request(OWNED, ALICE, 30000 + n)
    assert len(world.request_log) == LOG_KEPT == len(world.notifications)


# --- announcements, essence, reactions ---------------------------------------------------------

def test_announcements_newest_first_and_the_groups_preview(world):
    first = world.send_announcement(OWNED, "one", None)
    world.send_announcement(OWNED, "two", "https://example.org/a.png")
    listed = world.announcements(OWNED)
    assert [(a["content"], a["image"]) for a in listed] == [
        ("two", "https://example.org/a.png"), ("one", "")]
    assert world.group_facts(OWNED)["announcement"] == "two"
    world.delete_announcement(OWNED, first)
    refused(102, world.delete_announcement, OWNED, first)
    refused(103, world.send_announcement, MEMBER_OF, "x", None)


def test_essence_pages_and_who_set_them(world):
    seqs = [world.message_record(world.receive_group_message(OWNED, BOB, f"e{n}")[
        "message_id"])["peer_seq"] for n in range(3)]
    world.set_essence(OWNED, seqs[0], True)
    world.set_essence(OWNED, seqs[0], True)  # twice: nothing new
    world.inject_essence(OWNED, ALICE, seqs[1])
    world.inject_essence(OWNED, ALICE, seqs[2])
    page, is_end = world.essence_page(OWNED, 0, 2)
    assert ([e["message_seq"] for e in page], is_end) == ([seqs[2], seqs[1]], False)
    assert page[0]["operator_name"] == "Alice (admin)" and page[0]["record"]["user_id"] == BOB
    assert world.essence_page(OWNED, 1, 2)[1] is True
    assert kinds(world).count((False, "essence")) == 3
    refused(103, world.inject_essence, OWNED, BOB, seqs[0])  # a plain member


def test_reactions_are_given_once_and_taken_back(world):
    seq = world.message_record(world.receive_group_message(OWNED, ALICE, "x")["message_id"])[
        "peer_seq"]
    world.react(OWNED, seq, "76", "face", True)
    world.react(OWNED, seq, "76", "face", True)
    world.inject_reaction(OWNED, BOB, seq, "128077", "emoji")
    world.react(OWNED, seq, "76", "face", False)
    world.react(OWNED, seq, "76", "face", False)
    assert world.groups[OWNED].reactions == {(seq, BOB): {("128077", "emoji")}}
    facts = [i.facts for i in world.items if i.facts["kind"] == "reaction"]
    assert [(f["user_id"], f["is_add"]) for f in facts] == [
        (world.self_id, True), (BOB, True), (world.self_id, False)]
    refused(100, world.react, OWNED, seq, "76", "sticker", True)
    refused(102, world.react, OWNED, seq + 9, "76", "face", True)


# --- files ----------------------------------------------------------------------------------------

def test_the_group_file_tree(world, tmp_path):
    folder = world.create_group_folder(OWNED, "docs")
    in_root = world.upload_group_file(OWNED, "/", TEXT_FILE, "a.txt")
    inside = world.upload_group_file(OWNED, folder, "https://example.org/b.zip", "b.zip")
    files, folders = world.group_files(OWNED, "/")
    assert [f["file_name"] for f in files] == ["a.txt"]
    assert [(d["folder_name"], d["file_count"]) for d in folders] == [("docs", 1)]
    kept = world.groups[OWNED].files.files[in_root]
    assert (kept.size, (tmp_path / "data" / "file" / kept.stored).read_bytes()) \
        == (10, b"hello file")
    assert world.groups[OWNED].files.files[inside].stored == "https://example.org/b.zip"
    world.move_group_file(OWNED, in_root, "/", folder)
    refused(102, world.move_group_file, OWNED, in_root, "/", folder)  # not in / any more
    world.rename_group_file(OWNED, in_root, folder, "c.txt")
    world.rename_group_folder(OWNED, folder, "papers")
    assert [f["file_name"] for f in world.group_files(OWNED, folder)[0]] == ["c.txt", "b.zip"]
    refused(100, world.create_group_folder, OWNED, "papers")
    refused(100, world.delete_group_folder, OWNED, "/")
    world.delete_group_folder(OWNED, folder)
    assert world.group_files(OWNED, "/") == ([], [])
    upload = next(i for i in world.items if i.facts["kind"] == "group_upload")
    assert upload.event["notice_type"] == "group_upload" and upload.event["file"]["size"] == 10


def test_who_may_manage_a_group_file(world):
    mine = world.upload_group_file(MEMBER_OF, "/", TEXT_FILE, "mine.txt")
    bobs = world.inject_file_upload(BOB, "bob.txt", TEXT_FILE, group_id=MEMBER_OF)
    world.rename_group_file(MEMBER_OF, mine, "/", "still-mine.txt")  # its own: any role
    refused(103, world.delete_group_file, MEMBER_OF, bobs)  # the bot is a plain member
    refused(103, world.create_group_folder, MEMBER_OF, "x")
    assert world.groups[MEMBER_OF].files.files[bobs].uploader_id == BOB


@pytest.mark.parametrize("name", ["", " ", "a/b", "a\\b", "a\0b", "x" * 256])
def test_file_names_are_checked(world, name):
    assert refused(100, world.upload_group_file, OWNED, "/", TEXT_FILE, name)
    assert world.groups[OWNED].files.files == {}


def test_private_files_by_id_and_hash(world):
    file_id = world.upload_private_file(ALICE, TEXT_FILE, "a.txt")
    received = world.inject_file_upload(ALICE, "b.txt", "file:///etc/hosts")
    sha1 = world.private_files[file_id].sha1
    assert world.private_file(ALICE, file_id, sha1)["size"] == 10
    refused(102, world.private_file, ALICE, file_id, "0" * 40)
    refused(102, world.private_file, BOB, file_id, sha1)
    assert world.private_files[received].stored == "file:///etc/hosts"  # recorded, never read
    facts = [i.facts for i in world.items if i.facts["kind"] == "private_file"]
    assert [(f["from_self"], f["file"]["uploader_id"]) for f in facts] == [
        (True, world.self_id), (False, ALICE)]
    refused(102, world.upload_private_file, MALLORY, TEXT_FILE, "a.txt")
    refused(100, world.upload_private_file, ALICE, "ftp://x/y", "a.txt")


# --- profile, nudges ------------------------------------------------------------------------------

def test_the_bots_profile_changes_everywhere(world):
    world.set_nickname("新名字")
    world.set_bio("hello")
    assert world.login_info()["nickname"] == "新名字"
    assert world.member_info(OWNED, world.self_id)["nickname"] == "新名字"
    assert world.profile(world.self_id)["bio"] == "hello"
    assert kinds(world) == [(False, "profile"), (False, "profile")]
    refused(100, world.set_nickname, "")


def test_nudges(world):
    world.nudge_friend(ALICE, False)
    world.nudge_member(OWNED, ALICE)
    world.inject_friend_nudge(BOB, to_self=False)
    assert kinds(world) == [(False, "friend_nudge"), (True, "poke"), (False, "friend_nudge")]
    poke = world.items[1].event
    assert (poke["sub_type"], poke["user_id"], poke["target_id"]) == ("poke", world.self_id,
                                                                       ALICE)
    refused(102, world.nudge_friend, MALLORY, False)
    refused(102, world.nudge_member, OWNED, DAVE)
