"""Facts: neutral snapshots of the world, taken under its lock, for the bus and the read views.

Every change the world publishes goes to the bus as ``publish(event, facts)`` (bus.py):
``event`` the OneBot 11 event (None when OneBot 11 has none for the change: a facts-only item,
which OneBot 11's sinks never see), ``facts`` a dict of plain values saying what happened in
the world's own words, so that another face can render the change without reading live state
after the lock is gone (MLK-46). The kinds (``facts["kind"]``) and their keys:

    kind                  event                   keys
    message               the message event;      record (the stored message, with peer_key
                          None for the bot's own  and peer_seq), peer (friend() or account()
                                                  of a private chat's peer), group (group() of
                                                  a group message or of a temporary chat's
                                                  group, when the bot is in it), member
                                                  (member() of a group message's sender)
    group_recall          OneBot 11's             record (the recalled message), operator_id
    friend_recall
    friend_request        OneBot 11's             request (request())
    group_request
    invited_join_request  None                    request: a member invites target_id
    group_admin           OneBot 11's             operator_id (the owner)
    group_increase        OneBot 11's             invitor_id, operator_id (who let them in),
                                                  each None when there was none
    group_upload          OneBot 11's             file (group_file()) or None
    group_decrease        OneBot 11's             (nothing else: the event says it all)
    group_ban, poke, friend_add, honor, lucky_king
    group_name            None                    group_id, group_name, operator_id, time
    reaction              None                    group_id, user_id, message_seq, face_id,
                                                  reaction_type (face|emoji), is_add, time
    pin                   None                    scene (friend|group), peer_id, is_pinned, time
    friend_nudge          None                    user_id (the friend), from_self (the bot
                                                  nudged), to_self (the bot was nudged), time
    essence               None                    group_id, message_seq, operator_id, is_set,
                                                  time
    private_file          None                    user_id (the bot's peer), file
                                                  (private_file()), from_self, time
    profile               None                    field (nickname|bio|avatar), value, time

While no sink asks for facts (``bus.wants_facts``: no other face listens), the world publishes
no facts-only item and a message's event goes without its facts (None), so that OneBot 11's hot
path builds nothing it does not send. The builders below are pure functions of the dataclasses
(world/model.py, world/files.py); the read operations of world/profile.py answer with the same
dicts.
"""

from __future__ import annotations

from ..protocol import cqcode
from .files import Folder, GroupFile, PrivateFile
from .model import DEFAULT_CATEGORY, Account, Announcement, Group, Member, Notification, Request


def message(record: dict, accounts: dict[int, Account], friends: dict[int, str],
            groups: dict[int, Group], now: int) -> dict:
    """Kind ``message``: a stored record with its peer, group and sender as they are now."""
    peer = group_now = sender_now = None
    if record["message_type"] == "group":
        found = groups.get(record["group_id"])
        sender = found.members.get(record["user_id"]) if found is not None else None
        if found is not None:
            group_now = group(found)
        if sender is not None and sender.user_id in accounts:
            sender_now = member(found, accounts[sender.user_id], sender, now)
        else:  # an anonymous speaker, or one who has left
            sender_now = member_of_sender(record["group_id"], record["sender"])
    else:
        user_id = record["target_id"]
        if user_id in accounts:
            peer = (friend(accounts[user_id], friends[user_id]) if user_id in friends
                    else account(accounts[user_id]))
        if record["group_id"] in groups:
            group_now = group(groups[record["group_id"]])
    return {"kind": "message", "record": record, "peer": peer, "group": group_now,
            "member": sender_now}


def account(a: Account) -> dict:
    """A user as QQ shows them to anyone."""
    return {"user_id": a.user_id, "uid": a.uid, "nickname": a.nickname, "sex": a.sex,
            "age": a.age, "area": a.area, "qid": a.qid, "bio": a.bio, "qq_level": a.qq_level,
            "country": a.country, "city": a.city, "school": a.school, "avatar": a.avatar}


def friend(a: Account, remark: str) -> dict:
    """A friend: the account, the bot's remark, the category (every friend is in QQ's
    default one)."""
    category_id, category_name = DEFAULT_CATEGORY
    return account(a) | {"remark": remark, "category_id": category_id,
                         "category_name": category_name}


def group(g: Group) -> dict:
    """A group; ``announcement`` is the newest announcement's text ("" when there is none)."""
    latest = g.announcements[-1].content if g.announcements else ""
    return {"group_id": g.group_id, "group_name": g.group_name,
            "member_count": len(g.members), "max_member_count": g.max_member_count,
            "whole_ban": g.whole_ban, "remark": g.remark, "created_time": g.created_time,
            "description": g.description, "question": g.question, "announcement": latest,
            "avatar": g.avatar}


def member(g: Group, a: Account, m: Member, now: int) -> dict:
    """A membership; ``banned_until`` is 0 unless the member is banned at ``now``."""
    return {"group_id": g.group_id, "user_id": a.user_id, "nickname": a.nickname,
            "sex": a.sex, "age": a.age, "area": a.area, "card": m.card, "title": m.title,
            "level": m.level, "role": m.role, "join_time": m.join_time,
            "last_sent_time": m.last_sent_time,
            "banned_until": m.banned_until if m.banned(now) else 0}


def member_of_sender(group_id: int, sender: dict) -> dict:
    """The membership as a stored group message's ``sender`` recorded it, for a member who has
    left since (their join and ban times unknown: 0)."""
    return {"group_id": group_id, "user_id": sender.get("user_id", 0),
            "nickname": sender.get("nickname", ""), "sex": sender.get("sex", "unknown"),
            "age": sender.get("age", 0), "area": sender.get("area", ""),
            "card": sender.get("card", ""), "title": sender.get("title", ""),
            "level": sender.get("level", ""), "role": sender.get("role", "member"),
            "join_time": 0, "last_sent_time": 0, "banned_until": 0}


def request(r: Request) -> dict:
    """A request and what became of it; ``comment`` as the user wrote it (unescaped)."""
    return {"seq": r.seq, "flag": r.flag, "request_type": r.request_type,
            "sub_type": r.sub_type, "user_id": r.user_id, "uid": f"u_{r.user_id}",
            "group_id": r.group_id, "comment": cqcode.unescape(r.comment), "time": r.time,
            "state": r.state, "via": r.via, "is_filtered": r.is_filtered,
            "target_id": r.target_id, "source_group_id": r.source_group_id,
            "operator_id": r.operator_id, "reason": r.reason}


def notification(n: Notification) -> dict:
    return {"seq": n.seq, "kind": n.kind, "group_id": n.group_id, "time": n.time,
            "target_id": n.target_id, "operator_id": n.operator_id, "is_set": n.is_set,
            "request": request(n.request) if n.request is not None else None}


def announcement(group_id: int, a: Announcement) -> dict:
    return {"group_id": group_id, "announcement_id": a.announcement_id, "user_id": a.user_id,
            "time": a.time, "content": a.content, "image": a.image}


def group_file(group_id: int, f: GroupFile) -> dict:
    return {"group_id": group_id, "file_id": f.file_id, "file_name": f.file_name,
            "parent_folder_id": f.parent_folder_id, "size": f.size, "sha1": f.sha1,
            "stored": f.stored, "uploader_id": f.uploader_id,
            "uploaded_time": f.uploaded_time, "downloaded_times": f.downloaded_times}


def private_file(f: PrivateFile) -> dict:
    return {"user_id": f.user_id, "file_id": f.file_id, "file_name": f.file_name,
            "size": f.size, "sha1": f.sha1, "stored": f.stored, "uploader_id": f.uploader_id,
            "uploaded_time": f.uploaded_time}


def folder(group_id: int, tree_folder: Folder, file_count: int) -> dict:
    return {"group_id": group_id, "folder_id": tree_folder.folder_id,
            "parent_folder_id": tree_folder.parent_folder_id,
            "folder_name": tree_folder.folder_name, "created_time": tree_folder.created_time,
            "last_modified_time": tree_folder.last_modified_time,
            "creator_id": tree_folder.creator_id, "file_count": file_count}
