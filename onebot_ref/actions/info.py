"""Look-up actions: the bot's account, friends, strangers, groups, members, honors
(api/public.md, API-20..27). ``no_cache`` is accepted and has nothing to bypass: the
simulated world is always current."""

from __future__ import annotations

from ..protocol.coerce import Id
from ..world.info import check_honor_type
from .context import Context


def get_login_info(ctx: Context) -> dict:
    """api/public.md#get_login_info → {user_id, nickname} (API-20)."""
    return ctx.world.login_info()


def get_stranger_info(ctx: Context, user_id: Id, no_cache: bool = False) -> dict:
    """api/public.md#get_stranger_info → {user_id, nickname, sex, age} (API-21)."""
    return ctx.world.stranger_info(user_id)


def get_friend_list(ctx: Context) -> list[dict]:
    """api/public.md#get_friend_list → [{user_id, nickname, remark}] (API-22)."""
    return ctx.world.friend_list()


def get_group_info(ctx: Context, group_id: Id, no_cache: bool = False) -> dict:
    """api/public.md#get_group_info → {group_id, group_name, member_count, max_member_count}
    (API-23)."""
    return ctx.world.group_info(group_id)


def get_group_list(ctx: Context) -> list[dict]:
    """api/public.md#get_group_list: "每个元素和上面的 get_group_info 接口相同" (API-24)."""
    return ctx.world.group_list()


def get_group_member_info(ctx: Context, group_id: Id, user_id: Id, no_cache: bool = False) -> dict:
    """api/public.md#get_group_member_info (API-25)."""
    return ctx.world.member_info(group_id, user_id)


def get_group_member_list(ctx: Context, group_id: Id) -> list[dict]:
    """api/public.md#get_group_member_list (API-26): the same objects as get_group_member_info
    (the simulated world knows every field, so none is left out of the list)."""
    return ctx.world.member_list(group_id)


def get_group_honor_info(ctx: Context, group_id: Id, type: str) -> dict:
    """api/public.md#get_group_honor_info (API-27): type "talkative performer legend
    strong_newbie emotion ... 或传入 all"."""
    check_honor_type(type)
    return ctx.world.honor_info(group_id, type)
