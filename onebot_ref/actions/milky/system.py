"""Milky 1.2 system APIs (``protocol/src/ir.json`` apiCategories "system", 系统 API): the bot's
account, who it knows, pins, its profile, credentials.

One function per API, named after it, ``fn(ctx, **inputs) -> data``: ``inputs`` are what
``protocol/milky/params.bind`` read (every IR field, defaults applied), ``data`` the API's
responseFields (``{}`` when it has none: MLK-8). A refusal is the world's ``ActionError`` or a
``MilkyError``; MilkyActions.call makes the envelope.
"""

from __future__ import annotations

from ... import __version__
from ...protocol.milky.segments_out import check_uri
from ..system import _cookies, _csrf_token, _skey
from . import views
from .views import Context

#: get_impl_info: "协议端实现的 Milky 协议版本，目前为 "1.2"" (MLK-35).
MILKY_VERSION = "1.2"
#: The simulated QQ speaks no real QQ protocol: a name that says so, on the platform type the
#: IR lists for a server ("linux").
QQ_PROTOCOL_VERSION, QQ_PROTOCOL_TYPE = "simulated", "linux"


def get_login_info(ctx: Context) -> dict:
    """ir.json system get_login_info (获取登录信息): "登录 QQ 号", "登录昵称"."""
    login = ctx.world.login_info()
    return {"uin": login["user_id"], "nickname": login["nickname"]}


def get_impl_info(ctx: Context) -> dict:
    """ir.json system get_impl_info (获取协议端信息)."""
    return {"impl_name": "onebot_ref", "impl_version": __version__,
            "qq_protocol_version": QQ_PROTOCOL_VERSION, "qq_protocol_type": QQ_PROTOCOL_TYPE,
            "milky_version": MILKY_VERSION}


def get_user_profile(ctx: Context, user_id: int) -> dict:
    """ir.json system get_user_profile (获取用户个人信息): anyone the world knows (-404
    otherwise); "QQ 等级" is the account's, not a group's; the city the account's, else its
    OneBot 11 ``area``."""
    found = ctx.world.profile(user_id)
    return {"nickname": found["nickname"], "qid": found["qid"], "age": found["age"],
            "sex": found["sex"], "remark": found["remark"], "bio": found["bio"],
            "level": found["qq_level"], "country": found["country"],
            "city": found["city"] or found["area"], "school": found["school"]}


def get_friend_list(ctx: Context, no_cache: bool) -> dict:
    """ir.json system get_friend_list (获取好友列表); ``no_cache``: "是否强制不使用缓存" (the
    simulated QQ has no cache: always fresh)."""
    return {"friends": [views.friend(f) for f in ctx.world.friends_facts()]}


def get_friend_info(ctx: Context, user_id: int, no_cache: bool) -> dict:
    """ir.json system get_friend_info (获取好友信息): -404 for one who is no friend (the spec's
    own example of a -404: "user_id 对应的好友不存在")."""
    return {"friend": views.friend(ctx.world.friend_facts(user_id))}


def get_group_list(ctx: Context, no_cache: bool) -> dict:
    """ir.json system get_group_list (获取群列表)."""
    return {"groups": [views.group(g) for g in ctx.world.groups_facts()]}


def get_group_info(ctx: Context, group_id: int, no_cache: bool) -> dict:
    """ir.json system get_group_info (获取群信息)."""
    return {"group": views.group(ctx.world.group_facts(group_id))}


def get_group_member_list(ctx: Context, group_id: int, no_cache: bool) -> dict:
    """ir.json system get_group_member_list (获取群成员列表)."""
    return {"members": [views.member(m) for m in ctx.world.members_facts(group_id)]}


def get_group_member_info(ctx: Context, group_id: int, user_id: int, no_cache: bool) -> dict:
    """ir.json system get_group_member_info (获取群成员信息)."""
    return {"member": views.member(ctx.world.member_facts(group_id, user_id))}


def get_peer_pins(ctx: Context) -> dict:
    """ir.json system get_peer_pins (获取置顶的好友和群列表): "置顶的好友列表", "置顶的群列表"."""
    pinned = ctx.world.pinned()
    return {"friends": [views.friend(f) for f in pinned["friend"]],
            "groups": [views.group(g) for g in pinned["group"]]}


def set_peer_pin(ctx: Context, message_scene: str, peer_id: int, is_pinned: bool) -> dict:
    """ir.json system set_peer_pin (设置好友或群的置顶状态): "是否置顶, `false` 表示取消置顶"; a
    temporary chat cannot be pinned (-400: the answer lists friends and groups only)."""
    ctx.world.set_pin(message_scene, peer_id, is_pinned)
    return {}


def set_avatar(ctx: Context, uri: str) -> dict:
    """ir.json system set_avatar (设置 QQ 账号头像)."""
    # "头像文件 URI，支持 `file://` `http(s)://` `base64://` 三种格式" (MLK-30)
    ctx.world.set_avatar(check_uri("uri", uri))
    return {}


def set_nickname(ctx: Context, new_nickname: str) -> dict:
    """ir.json system set_nickname (设置 QQ 账号昵称): not empty, at most 64 characters."""
    ctx.world.set_nickname(new_nickname)
    return {}


def set_bio(ctx: Context, new_bio: str) -> dict:
    """ir.json system set_bio (设置 QQ 账号个性签名): at most 255 characters ("" clears it)."""
    ctx.world.set_bio(new_bio)
    return {}


def get_custom_face_url_list(ctx: Context) -> dict:
    """ir.json system get_custom_face_url_list (获取自定义表情 URL 列表): the simulated bot has
    saved none."""
    return {"urls": []}


def get_cookies(ctx: Context, domain: str) -> dict:
    """ir.json system get_cookies (获取 Cookies): "域名对应的 Cookies 字符串", the same simulated
    cookies as OneBot 11's get_cookies."""
    return {"cookies": _cookies(ctx.world.self_id, domain)}


def get_csrf_token(ctx: Context) -> dict:
    """ir.json system get_csrf_token (获取 CSRF Token): OneBot 11's token, as Milky's string."""
    return {"csrf_token": str(_csrf_token(_skey(ctx.world.self_id)))}


#: In the IR's order.
FUNCTIONS = (get_login_info, get_impl_info, get_user_profile, get_friend_list, get_friend_info,
             get_group_list, get_group_info, get_group_member_list, get_group_member_info,
             get_peer_pins, set_peer_pin, set_avatar, set_nickname, set_bio,
             get_custom_face_url_list, get_cookies, get_csrf_token)
