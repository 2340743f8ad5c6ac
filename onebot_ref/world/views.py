"""The world's entities as the dicts the spec's tables describe (responses and senders).

Pure functions of the dataclasses and the stored records; every key is a row of the named
table, in its order.
"""

from __future__ import annotations

from ..protocol import events
from .model import ANONYMOUS_USER_ID, Account, Group, Member


def message_event(self_id: int, record: dict) -> dict:
    """The message event of a stored message (event/message.md, EVT-6..12)."""
    common = {"sub_type": record["sub_type"], "message_id": record["seq"],
              "user_id": record["user_id"], "message": record["message"],
              "raw_message": record["raw_message"], "sender": record["sender"],
              "font": record["font"]}
    if record["message_type"] == "group":
        return events.group_message(self_id, record["time"], group_id=record["group_id"],
                                    anonymous=record["anonymous"], **common)
    return events.private_message(self_id, record["time"], **common)


def self_message_event(self_id: int, record: dict, post_type: str | None) -> dict | None:
    """The event of a message the bot sent, as a compat profile reports it with
    ``report_self_message`` (``post_type``: go-cqhttp's ``message_sent``, a private one with
    ``target_id``); None without one: OneBot 11 reports what the bot receives
    (event/README.md), and its own messages are not that."""
    if post_type is None:
        return None
    event = message_event(self_id, record)
    event["post_type"] = post_type
    if record["message_type"] == "private":
        event["target_id"] = record["target_id"]
    return event


def stranger_info(account: Account) -> dict:
    """api/public.md#get_stranger_info 响应数据 (API-21)."""
    return {"user_id": account.user_id, "nickname": account.nickname, "sex": account.sex,
            "age": account.age}


def friend(account: Account, remark: str) -> dict:
    """api/public.md#get_friend_list: "每个元素如下" user_id, nickname, remark (API-22)."""
    return {"user_id": account.user_id, "nickname": account.nickname, "remark": remark}


def group_info(group: Group) -> dict:
    """api/public.md#get_group_info 响应数据 (API-23)."""
    return {"group_id": group.group_id, "group_name": group.group_name,
            "member_count": len(group.members), "max_member_count": group.max_member_count}


def member_info(group: Group, account: Account, member: Member) -> dict:
    """api/public.md#get_group_member_info 响应数据 (API-25). ``card_changeable`` is true: the
    simulated groups do not lock cards."""
    return {"group_id": group.group_id, "user_id": account.user_id,
            "nickname": account.nickname, "card": member.card, "sex": account.sex,
            "age": account.age, "area": account.area, "join_time": member.join_time,
            "last_sent_time": member.last_sent_time, "level": member.level,
            "role": member.role, "unfriendly": member.unfriendly, "title": member.title,
            "title_expire_time": member.title_expire_time, "card_changeable": True}


def private_sender(account: Account) -> dict:
    """event/message.md#私聊消息 ``sender``: user_id, nickname, sex, age (EVT-7)."""
    return {"user_id": account.user_id, "nickname": account.nickname, "sex": account.sex,
            "age": account.age}


def group_sender(account: Account, member: Member) -> dict:
    """event/message.md#群消息 ``sender``: user_id, nickname, card, sex, age, area, level, role,
    title (EVT-12)."""
    return {"user_id": account.user_id, "nickname": account.nickname, "card": member.card,
            "sex": account.sex, "age": account.age, "area": account.area,
            "level": member.level, "role": member.role, "title": member.title}


def anonymous_sender(anonymous: dict) -> dict:
    """event/message.md: "尤其对于匿名消息，此字段不具有参考价值" — the placeholder account."""
    return {"user_id": ANONYMOUS_USER_ID, "nickname": anonymous["name"], "card": "",
            "sex": "unknown", "age": 0, "area": "", "level": "", "role": "member", "title": ""}


def sim_message(record: dict) -> dict:
    """One entry of ``GET /sim/messages`` (docs/console-api.md), from a stored
    record: group messages carry ``group_id``, private ones ``target_id`` (the bot's peer)."""
    entry = {"seq": record["seq"], "message_id": record["seq"],
             "message_type": record["message_type"], "user_id": record["user_id"]}
    if record["message_type"] == "group":
        entry["group_id"] = record["group_id"]
    else:
        entry["target_id"] = record["target_id"]
    entry.update(from_self=record["from_self"], message=record["message"],
                 raw_message=record["raw_message"], time=record["time"])
    return entry
