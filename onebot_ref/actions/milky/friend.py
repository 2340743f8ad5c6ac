"""Milky 1.2 friend APIs (``protocol/src/ir.json`` apiCategories "friend", 好友 API): nudges, likes,
removing a friend, friend requests (kept with their state: world/requests.py).
"""

from __future__ import annotations

from ...protocol.milky import entities
from ...protocol.milky.envelope import BAD_REQUEST, MilkyError
from . import views
from .views import Context


def send_friend_nudge(ctx: Context, user_id: int, is_self: bool) -> dict:
    """ir.json friend send_friend_nudge (发送好友戳一戳); ``is_self``: "是否戳自己"."""
    ctx.world.nudge_friend(user_id, is_self)
    return {}


def send_profile_like(ctx: Context, user_id: int, count: int) -> dict:
    """ir.json friend send_profile_like (发送名片点赞): "点赞数量", 1 or more; at most 10 a day for
    each friend, as OneBot 11's send_like (-403 beyond)."""
    if count < 1:
        raise MilkyError(BAD_REQUEST, f"count: at least 1 like, got {count}")
    ctx.world.send_like(user_id, count)
    return {}


def delete_friend(ctx: Context, user_id: int) -> dict:
    """ir.json friend delete_friend (删除好友)."""
    ctx.world.delete_friend(user_id)
    return {}


def get_friend_requests(ctx: Context, limit: int, is_filtered: bool) -> dict:
    """ir.json friend get_friend_requests (获取好友请求列表): the newest ``limit`` ("获取的最大请求
    数量"), in any state; ``is_filtered``: "`true` 表示只获取被过滤（由风险账号发起）的通知，`false`
    表示只获取未被过滤的通知"."""
    me = ctx.world.self_id
    return {"requests": [entities.friend_request(
        time=r["time"], initiator_id=r["user_id"], initiator_uid=views.uid(r["user_id"]),
        target_user_id=me, target_user_uid=views.uid(me), state=r["state"],
        comment=r["comment"], via=r["via"], is_filtered=r["is_filtered"])
        for r in ctx.world.friend_requests(limit, is_filtered)]}


def accept_friend_request(ctx: Context, initiator_uid: str, is_filtered: bool) -> dict:
    """ir.json friend accept_friend_request (同意好友请求): the newest pending request of the user
    whose "请求发起者 UID" this is (-404 when there is none)."""
    ctx.world.handle_friend_request_from(initiator_uid, is_filtered, True)
    return {}


def reject_friend_request(ctx: Context, initiator_uid: str, is_filtered: bool,
                          reason: str | None) -> dict:
    """ir.json friend reject_friend_request (拒绝好友请求); ``reason``: "拒绝理由", kept with the
    request."""
    ctx.world.handle_friend_request_from(initiator_uid, is_filtered, False, reason or "")
    return {}


#: In the IR's order.
FUNCTIONS = (send_friend_nudge, send_profile_like, delete_friend, get_friend_requests,
             accept_friend_request, reject_friend_request)
