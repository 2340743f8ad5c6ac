"""Cases of the Milky API test (test_milky_apis.py), the categories "group" and "file" of the
IR: one function ``c_<api>(world, milky)`` per API (see api_cases_a.py)."""

from __future__ import annotations

from milky_world import ADMINED, ALICE, BOB, BOT, CAROL, MEMBER_OF, OWNED, PNG, TEXT_FILE, group_message, ok


def _join_request(world, user_id=20099, group_id=OWNED):
    return world.inject_event({"post_type": "request", "request_type": "group",
                               "sub_type": "add", "group_id": group_id, "user_id": user_id,
                               "comment": "hi"})


def _invitation(world, group_id=29999):
    return world.inject_event({"post_type": "request", "request_type": "group",
                               "sub_type": "invite", "group_id": group_id, "user_id": ALICE,
                               "comment": ""})


# --- group -------------------------------------------------------------------------------------

def c_set_group_name(world, milky):
    ok(milky, "set_group_name", group_id=OWNED, new_group_name="新群名")
    assert world.groups[OWNED].group_name == "新群名"


def c_set_group_avatar(world, milky):
    ok(milky, "set_group_avatar", group_id=ADMINED, image_uri="https://example.org/a.png")
    assert world.groups[ADMINED].avatar == "https://example.org/a.png"  # recorded, not fetched


def c_set_group_member_card(world, milky):
    ok(milky, "set_group_member_card", group_id=OWNED, user_id=BOB, card="B")
    assert world.groups[OWNED].members[BOB].card == "B"


def c_set_group_member_special_title(world, milky):
    ok(milky, "set_group_member_special_title", group_id=OWNED, user_id=BOB, special_title="T")
    assert world.groups[OWNED].members[BOB].title == "T"


def c_set_group_member_admin(world, milky):
    ok(milky, "set_group_member_admin", group_id=OWNED, user_id=BOB)
    assert world.groups[OWNED].members[BOB].role == "admin"


def c_set_group_member_mute(world, milky):
    ok(milky, "set_group_member_mute", group_id=OWNED, user_id=BOB, duration=600)
    assert world.groups[OWNED].members[BOB].banned(world.now())


def c_set_group_whole_mute(world, milky):
    ok(milky, "set_group_whole_mute", group_id=OWNED)
    assert world.groups[OWNED].whole_ban


def c_kick_group_member(world, milky):
    ok(milky, "kick_group_member", group_id=OWNED, user_id=BOB, reject_add_request=True)
    assert BOB not in world.groups[OWNED].members and BOB in world.groups[OWNED].rejected


def c_get_group_announcements(world, milky):
    ok(milky, "send_group_announcement", group_id=OWNED, content="first", image_uri=PNG)
    ok(milky, "send_group_announcement", group_id=OWNED, content="second")
    found = ok(milky, "get_group_announcements", group_id=OWNED)["announcements"]
    assert [a["content"] for a in found] == ["second", "first"]
    assert found[0]["image_url"] is None and found[1]["image_url"].startswith("http://")
    assert ok(milky, "get_group_info", group_id=OWNED)["group"]["announcement"] == "second"


def c_send_group_announcement(world, milky):
    assert ok(milky, "send_group_announcement", group_id=ADMINED, content="公告") == {}
    assert world.groups[ADMINED].announcements[0].user_id == BOT


def c_delete_group_announcement(world, milky):
    ok(milky, "send_group_announcement", group_id=OWNED, content="x")
    found = ok(milky, "get_group_announcements", group_id=OWNED)["announcements"][0]
    ok(milky, "delete_group_announcement", group_id=OWNED,
       announcement_id=found["announcement_id"])
    assert world.groups[OWNED].announcements == []


def c_get_group_essence_messages(world, milky):
    seqs = [group_message(world, f"e{n}") for n in range(3)]
    for seq in seqs:
        ok(milky, "set_group_essence_message", group_id=OWNED, message_seq=seq)
    page = ok(milky, "get_group_essence_messages", group_id=OWNED, page_index=0, page_size=2)
    assert [m["message_seq"] for m in page["messages"]] == seqs[:0:-1] and not page["is_end"]
    last = ok(milky, "get_group_essence_messages", group_id=OWNED, page_index=1, page_size=2)
    assert [m["message_seq"] for m in last["messages"]] == seqs[:1] and last["is_end"]
    assert last["messages"][0]["sender_name"] == "Alice (admin)"


def c_set_group_essence_message(world, milky):
    seq = group_message(world)
    ok(milky, "set_group_essence_message", group_id=OWNED, message_seq=seq)
    ok(milky, "set_group_essence_message", group_id=OWNED, message_seq=seq, is_set=False)
    assert world.groups[OWNED].essence == {}


def c_quit_group(world, milky):
    ok(milky, "quit_group", group_id=MEMBER_OF)
    assert MEMBER_OF not in world.groups


def c_send_group_message_reaction(world, milky):
    seq = group_message(world)
    ok(milky, "send_group_message_reaction", group_id=OWNED, message_seq=seq, reaction="76")
    assert world.groups[OWNED].reactions == {(seq, BOT): {("76", "face")}}


def c_send_group_nudge(world, milky):
    assert ok(milky, "send_group_nudge", group_id=OWNED, user_id=ALICE) == {}


def c_get_group_notifications(world, milky):
    _join_request(world)
    ok(milky, "set_group_member_admin", group_id=OWNED, user_id=BOB)
    ok(milky, "kick_group_member", group_id=OWNED, user_id=CAROL)
    found = ok(milky, "get_group_notifications", limit=2)
    assert [n["type"] for n in found["notifications"]] == ["kick", "admin_change"]
    rest = ok(milky, "get_group_notifications", start_notification_seq=found[
        "next_notification_seq"])
    assert [n["type"] for n in rest["notifications"]] == ["join_request"]
    assert rest["next_notification_seq"] is None


def c_accept_group_request(world, milky):
    _join_request(world)
    seq = ok(milky, "get_group_notifications")["notifications"][0]["notification_seq"]
    ok(milky, "accept_group_request", notification_seq=seq, notification_type="join_request",
       group_id=OWNED)
    assert 20099 in world.groups[OWNED].members
    accepted = ok(milky, "get_group_notifications")["notifications"][0]
    assert (accepted["state"], accepted["operator_id"]) == ("accepted", BOT)


def c_reject_group_request(world, milky):
    request = world.inject_invited_join_request(OWNED, ALICE, 20098)
    ok(milky, "reject_group_request", notification_seq=request["seq"],
       notification_type="invited_join_request", group_id=OWNED, reason="no")
    assert 20098 not in world.groups[OWNED].members
    assert world.request_log[request["seq"]].state == "rejected"


def c_accept_group_invitation(world, milky):
    _invitation(world)
    seq = next(iter(world.request_log))
    ok(milky, "accept_group_invitation", group_id=29999, invitation_seq=seq)
    assert ok(milky, "get_group_info", group_id=29999)["group"]["member_count"] == 2


def c_reject_group_invitation(world, milky):
    _invitation(world)
    ok(milky, "reject_group_invitation", group_id=29999, invitation_seq=next(iter(
        world.request_log)))
    assert 29999 not in world.groups


# --- file --------------------------------------------------------------------------------------

def c_upload_private_file(world, milky):
    file_id = ok(milky, "upload_private_file", user_id=ALICE, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    assert world.private_files[file_id].size == len("hello file")


def c_upload_group_file(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="docs")["folder_id"]
    file_id = ok(milky, "upload_group_file", group_id=OWNED, parent_folder_id=folder,
                 file_uri=TEXT_FILE, file_name="b.txt")["file_id"]
    assert world.groups[OWNED].files.files[file_id].parent_folder_id == folder


def c_get_private_file_download_url(world, milky):
    file_id = ok(milky, "upload_private_file", user_id=ALICE, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    sha1 = world.private_files[file_id].sha1
    url = ok(milky, "get_private_file_download_url", user_id=ALICE, file_id=file_id,
             file_hash=sha1)["download_url"]
    path = milky.resource_path("file", url.rsplit("/", 1)[1])
    assert open(path, "rb").read() == b"hello file"


def c_get_group_file_download_url(world, milky):
    file_id = ok(milky, "upload_group_file", group_id=OWNED, file_uri="https://e.org/x.zip",
                 file_name="x.zip")["file_id"]
    assert ok(milky, "get_group_file_download_url", group_id=OWNED,
              file_id=file_id)["download_url"] == "https://e.org/x.zip"
    assert world.groups[OWNED].files.files[file_id].downloaded_times == 1


def c_get_group_files(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="docs")["folder_id"]
    ok(milky, "upload_group_file", group_id=OWNED, file_uri=TEXT_FILE, file_name="root.txt")
    ok(milky, "upload_group_file", group_id=OWNED, parent_folder_id=folder, file_uri=TEXT_FILE,
       file_name="in.txt")
    root = ok(milky, "get_group_files", group_id=OWNED)
    assert [f["file_name"] for f in root["files"]] == ["root.txt"]
    assert [(d["folder_name"], d["file_count"]) for d in root["folders"]] == [("docs", 1)]
    inside = ok(milky, "get_group_files", group_id=OWNED, parent_folder_id=folder)
    assert [f["file_name"] for f in inside["files"]] == ["in.txt"] and inside["folders"] == []


def c_move_group_file(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="docs")["folder_id"]
    file_id = ok(milky, "upload_group_file", group_id=OWNED, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    ok(milky, "move_group_file", group_id=OWNED, file_id=file_id, target_folder_id=folder)
    assert world.groups[OWNED].files.files[file_id].parent_folder_id == folder


def c_rename_group_file(world, milky):
    file_id = ok(milky, "upload_group_file", group_id=OWNED, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    ok(milky, "rename_group_file", group_id=OWNED, file_id=file_id, new_file_name="b.txt")
    assert world.groups[OWNED].files.files[file_id].file_name == "b.txt"


def c_delete_group_file(world, milky):
    file_id = ok(milky, "upload_group_file", group_id=OWNED, file_uri=TEXT_FILE,
                 file_name="a.txt")["file_id"]
    ok(milky, "delete_group_file", group_id=OWNED, file_id=file_id)
    assert world.groups[OWNED].files.files == {}


def c_create_group_folder(world, milky):
    folder = ok(milky, "create_group_folder", group_id=ADMINED, folder_name="x")["folder_id"]
    assert world.groups[ADMINED].files.folders[folder].creator_id == BOT


def c_rename_group_folder(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="x")["folder_id"]
    ok(milky, "rename_group_folder", group_id=OWNED, folder_id=folder, new_folder_name="y")
    assert world.groups[OWNED].files.folders[folder].folder_name == "y"


def c_delete_group_folder(world, milky):
    folder = ok(milky, "create_group_folder", group_id=OWNED, folder_name="x")["folder_id"]
    ok(milky, "upload_group_file", group_id=OWNED, parent_folder_id=folder,
       file_uri=TEXT_FILE, file_name="a.txt")
    ok(milky, "delete_group_folder", group_id=OWNED, folder_id=folder)
    assert world.groups[OWNED].files.folders == {} == world.groups[OWNED].files.files
