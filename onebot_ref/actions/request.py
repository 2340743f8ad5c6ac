"""Request actions: answer friend and group requests (api/public.md, API-18/19,
EVT-29: a flag is valid until it is handled once)."""

from __future__ import annotations

from ..protocol.response import ActionError, Retcode
from .context import Context


def _check_flag(flag: str) -> None:
    # API-18 [LEGACY]: "Empty flag → 100"
    if not flag:
        raise ActionError(Retcode.BAD_PARAMS, "parameter 'flag': must not be empty (take it "
                                              "from the request event)")


def set_friend_add_request(ctx: Context, flag: str, approve: bool = True, remark: str = "") -> None:
    """api/public.md#set_friend_add_request: remark "添加后的好友备注（仅在同意时有效）"; approving
    publishes friend_add (API-39)."""
    _check_flag(flag)
    ctx.world.handle_friend_request(flag, approve, remark)


def set_group_add_request(ctx: Context, flag: str, sub_type: str | None = None, type: str | None = None,
                          approve: bool = True, reason: str = "") -> None:
    """api/public.md#set_group_add_request: "`sub_type` 或 `type`" — ``add`` or ``invite``,
    "需要和上报消息中的 sub_type 字段相符"; sub_type wins over type, anything else → 100 (API-19).
    Approving publishes group_increase (API-39)."""
    _check_flag(flag)
    kind = sub_type if sub_type is not None else type
    if kind not in ("add", "invite"):
        raise ActionError(Retcode.BAD_PARAMS, f"parameter 'sub_type' (or 'type'): expected add "
                                              f"or invite, got {kind!r}")
    ctx.world.handle_group_request(flag, kind, approve, reason)
