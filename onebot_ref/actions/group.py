"""Group management actions (api/public.md, API-8..17). The world decides what the
bot's role allows (103) and publishes the notices the change implies (API-39)."""

from __future__ import annotations

from ..protocol.coerce import Id, Int32, Seconds
from ..protocol.ranges import INT32
from ..protocol.response import ActionError, Retcode
from .context import Context


def set_group_kick(ctx: Context, group_id: Id, user_id: Id, reject_add_request: bool = False) -> None:
    """api/public.md#set_group_kick (API-8); publishes group_decrease kick."""
    ctx.world.kick(group_id, user_id, reject_add_request)


def set_group_ban(ctx: Context, group_id: Id, user_id: Id, duration: Seconds = 30 * 60) -> None:
    """api/public.md#set_group_ban (API-9): "禁言时长，单位秒，0 表示取消禁言"; PARAM-15
    [LEGACY]: "duration < 0 → 100 (ban actions)" (and BAD-3: at most what Seconds allows)."""
    ctx.world.ban(group_id, user_id, duration)


def set_group_anonymous_ban(ctx: Context, group_id: Id, anonymous: dict | None = None,
                            anonymous_flag: str | None = None, flag: str | None = None,
                            duration: Seconds = 30 * 60) -> None:
    """api/public.md#set_group_anonymous_ban (API-10): "上面的 anonymous 和 anonymous_flag
    两者任选其一传入即可，若都传入，则使用 anonymous"; among the flags ``flag`` wins (legacy)."""
    if anonymous is not None:
        chosen = anonymous.get("flag")
        if not isinstance(chosen, str) or not chosen:
            raise ActionError(Retcode.BAD_PARAMS, "parameter 'anonymous': expected the "
                                                  "anonymous object of a group message (with "
                                                  "its 'flag')")
    else:
        chosen = flag if flag is not None else anonymous_flag
        if not chosen:
            raise ActionError(Retcode.BAD_PARAMS, "set_group_anonymous_ban needs 'anonymous', "
                                                  "'anonymous_flag' or 'flag'")
    ctx.world.anonymous_ban(group_id, chosen, duration)


def set_group_whole_ban(ctx: Context, group_id: Id, enable: bool = True) -> None:
    """api/public.md#set_group_whole_ban (API-11); publishes group_ban with user_id 0 (A-36)."""
    ctx.world.whole_ban(group_id, enable)


def set_group_admin(ctx: Context, group_id: Id, user_id: Id, enable: bool = True) -> None:
    """api/public.md#set_group_admin (API-12): "true 为设置，false 为取消"; owner only."""
    ctx.world.set_admin(group_id, user_id, enable)


def set_group_anonymous(ctx: Context, group_id: Id, enable: bool = True) -> None:
    """api/public.md#set_group_anonymous (API-13): "是否允许匿名聊天"."""
    ctx.world.set_anonymous(group_id, enable)


def set_group_card(ctx: Context, group_id: Id, user_id: Id, card: str = "") -> None:
    """api/public.md#set_group_card (API-14): "不填或空字符串表示删除群名片"."""
    ctx.world.set_card(group_id, user_id, card)


def set_group_name(ctx: Context, group_id: Id, group_name: str) -> None:
    """api/public.md#set_group_name (API-15): both parameters required; an empty name is 100."""
    if not group_name.strip():
        raise ActionError(Retcode.BAD_PARAMS, "parameter 'group_name': must not be empty")
    ctx.world.set_group_name(group_id, group_name)


def set_group_leave(ctx: Context, group_id: Id, is_dismiss: bool = False) -> None:
    """api/public.md#set_group_leave (API-16): "如果登录号是群主，则仅在此项为 true 时能够解散"."""
    ctx.world.leave(group_id, is_dismiss)


def set_group_special_title(ctx: Context, group_id: Id, user_id: Id, special_title: str = "",
                            duration: Int32 = -1) -> None:
    """api/public.md#set_group_special_title (API-17): "-1 表示永久"; owner only. BAD-3: the
    expiry is get_group_member_info's ``title_expire_time`` "number (int32)", so now + duration
    must stay an int32 timestamp."""
    longest = INT32[1] - ctx.world.now()
    if duration < -1 or duration > longest:
        raise ActionError(Retcode.BAD_PARAMS, f"parameter 'duration': expected seconds from 0 "
                                              f"to {longest} (the int32 timestamps' end) or -1 "
                                              f"(permanent), got {duration}")
    ctx.world.set_special_title(group_id, user_id, special_title, duration)
