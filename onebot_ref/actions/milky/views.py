"""The world's facts (world/facts.py) as Milky 1.2 structs, and what the Milky functions share.

Pure shaping over ``protocol/milky/entities.py``'s builders, plus the look-ups a stored message
needs to become an IncomingMessage (``protocol/src/ir.json`` IncomingMessage, IncomingSegment):
names for mentions, quoted messages, media URLs, merged forwards, read from the world when the
message is shaped. ``Context`` is what every Milky function gets as ``ctx``.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...protocol.milky import entities
from ...protocol.milky.segments_in import Lookups, to_milky
from ...protocol.response import ActionError
from ...world.info import avatar

if TYPE_CHECKING:  # types only: the world is what the functions call
    from ...world import World

#: The path under which the Milky server serves the files a temp or download URL names:
#: ``<base_url>/res/<kind>/<name>`` (kind image, record, video or file); what answers it is
#: ``MilkyActions.resource_path(kind, name)``.
RESOURCE_PATH = "/res"
#: A uid of the simulated QQ: ``u_<QQ number>`` (world/model.py Account.uid).
UID_PREFIX = "u_"


@dataclass
class Context:
    """What a Milky function may use: the world, and the URL the Milky server answers at."""

    world: World
    base_url: str = "http://127.0.0.1:3000"

    def resource_url(self, kind: str, stored: str) -> str:
        """The URL of a stored file value (world/media.py): an http(s) one as it is (the world
        never fetched it: the client may); anything else through the Milky server (MLK-50)."""
        if stored.startswith(("http://", "https://")):
            return stored
        return f"{self.base_url}{RESOURCE_PATH}/{kind}/{urllib.parse.quote(stored, safe='')}"


def uid(user_id: int) -> str:
    return f"{UID_PREFIX}{user_id}"


def level(value: Any) -> int:
    """A member's group level as the world keeps it (OneBot 11's string, "10") as Milky's
    int32: "群等级，注意和 QQ 等级区分"; 0 when it is no number."""
    text = str(value)
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0
    return min(number, 2**31 - 1)


def friend(f: dict) -> dict:
    """FriendEntity from friend facts (account facts of one who is no friend any more: no
    remark, the default category)."""
    return entities.friend(
        user_id=f["user_id"], nickname=f["nickname"], sex=f["sex"], qid=f["qid"],
        remark=f.get("remark", ""),
        category=entities.friend_category(category_id=f.get("category_id", 0),
                                          category_name=f.get("category_name", "我的好友")))


def group(g: dict) -> dict:
    """GroupEntity from group facts."""
    return entities.group(
        group_id=g["group_id"], group_name=g["group_name"], member_count=g["member_count"],
        max_member_count=g["max_member_count"], remark=g["remark"],
        created_time=g["created_time"], description=g["description"], question=g["question"],
        announcement=g["announcement"])


def group_of(group_id: int) -> dict:
    """GroupEntity of a group the bot is no longer in (only its number is known)."""
    return entities.group(group_id=group_id, group_name=f"Group {group_id}", member_count=0,
                          max_member_count=0, remark="", created_time=0, description="",
                          question="", announcement="")


def member(m: dict) -> dict:
    """GroupMemberEntity from member facts; "禁言结束时间" null when not banned (MLK-28)."""
    return entities.group_member(
        user_id=m["user_id"], nickname=m["nickname"], sex=m["sex"], group_id=m["group_id"],
        card=m["card"], title=m["title"], level=level(m["level"]), role=m["role"],
        join_time=m["join_time"], last_sent_time=m["last_sent_time"],
        shut_up_end_time=m["banned_until"] or None)


def display_name(ctx: Context, user_id: int, group_id: int | None) -> str | None:
    """The name QQ shows for a user: the group card, else the nickname; None if unknown."""
    try:
        if group_id is not None:
            found = ctx.world.member_facts(group_id, user_id)
            return found["card"] or found["nickname"]
        return ctx.world.profile(user_id)["nickname"]
    except ActionError:
        return None if group_id is None else display_name(ctx, user_id, None)


def lookups(ctx: Context, group_id: int | None) -> Lookups:
    """What segments_in.to_milky needs, for a message of ``group_id``'s chat (None: private)."""
    def reply(message_id: int) -> dict | None:
        quoted = ctx.world.message_record(message_id)
        if quoted is None:
            return None
        return {"message_seq": quoted["peer_seq"], "sender_id": quoted["user_id"],
                "time": quoted["time"], "segments": quoted["message"]}

    def media(kind: str, data: dict) -> dict:
        stored = str(data.get("file", ""))
        return {"resource_id": f"{kind}:{stored}", "temp_url": ctx.resource_url(kind, stored)}

    def forward(forward_id: str) -> list[dict] | None:
        try:
            return ctx.world.get_forward(forward_id)
        except ActionError:
            return None

    return Lookups(mention_name=lambda user_id: display_name(ctx, user_id, group_id),
                   reply=reply, media=media, forward=forward)


def incoming_message(ctx: Context, facts: dict) -> dict:
    """IncomingMessage from message facts: "friend" for a friend's chat, "temp" for any other
    private one (a temporary chat: its group when the bot is in it), "group" (MLK-49)."""
    record = facts["record"]
    is_group = record["message_type"] == "group"
    segments = to_milky(record["message"], lookups(ctx, record["group_id"] if is_group else None))
    common = {"message_seq": record["peer_seq"], "sender_id": record["user_id"],
              "time": record["time"], "segments": segments}
    if is_group:
        group_entity = group(facts["group"]) if facts["group"] else group_of(record["group_id"])
        return entities.incoming_message(message_scene="group", peer_id=record["group_id"],
                                         group=group_entity, group_member=member(facts["member"]),
                                         **common)
    peer = facts["peer"] or {"user_id": record["target_id"], "nickname": "", "sex": "unknown",
                             "qid": ""}
    if record["sub_type"] == "friend":
        return entities.incoming_message(message_scene="friend", peer_id=record["target_id"],
                                         friend=friend(peer), **common)
    return entities.incoming_message(message_scene="temp", peer_id=record["target_id"],
                                     group=group(facts["group"]) if facts["group"] else None,
                                     **common)


def avatar_url(user_id: Any) -> str:
    """The usual QQ avatar URL (world/info.py), for a forwarded message's sender."""
    text = str(user_id)
    return avatar(int(text)) if text.isascii() and text.isdigit() and len(text) < 20 else ""
