"""api/public.md, the actions that change something: run only with --destructive, and only on
--user-id / --group-id. Each undoes what it did where it can read the old state (a card, a
title, the group's name, the member's role); a ban is lifted and a whole-group ban ended.
set_group_kick, set_group_leave, set_group_anonymous(_ban) and set_restart are never called.

Every setter's answer is ``data: null`` (communication/http.md: "对于踢人、禁言等不需要返回数据的操作，
这里为 null", RESP-5)."""

from __future__ import annotations

from typing import Any

from .. import cqstring, shapes
from ..ctx import Ctx
from ..model import Level, Skip, case
from .http import ok
from .messages import marker, read, send

P = "api/public.md"
MUST = Level.MUST
MID = "| `message_id` | number (int32) | 消息 ID |"
USER = {"destructive": True, "needs": ("http", "user")}
GROUP = {"destructive": True, "needs": ("http", "group")}
MEMBER = {"destructive": True, "needs": ("http", "group", "user")}


def done(ctx: Ctx, action: str, params: dict[str, Any]) -> None:
    """``action`` succeeded with ``data: null``."""
    env = ok(ctx, ctx.call(action, params))
    ctx.expect(env.get("data") is None, f"{action}: data is {env.get('data')!r}, not null")


def member(ctx: Ctx) -> dict:
    env = ctx.envelope(ctx.call("get_group_member_info", {
        "group_id": ctx.target.group_id, "user_id": ctx.target.user_id, "no_cache": True}))
    if env.get("status") != "ok" or not isinstance(env.get("data"), dict):
        raise Skip(f"--user-id {ctx.target.user_id} is not a member of --group-id "
                   f"{ctx.target.group_id}: {ctx.actual}")
    return env["data"]


@case("api/public/send_private_msg/1", P, MUST, ("API-1", "HTTP-19"),
      "send_private_msg answers an int32 message_id", quote=MID, **USER,
      action="send_private_msg", expected="send_private_msg {user_id, message}: ok, "
                                          "data.message_id an int32")
def private_msg(ctx: Ctx) -> str:
    return f"message_id {send(ctx, marker(ctx))}"


@case("api/public/send_private_msg/2", P, MUST, ("API-1", "MSG-20"),
      "auto_escape sends a CQ string as plain text",
      quote="| `auto_escape` | boolean | `false` | 消息内容是否作为纯文本发送（即不解析 CQ 码），"
            "只在 `message` 字段是字符串时有效 |", **USER, action="send_private_msg",
      expected="send '[CQ:face,id=178] <text>' with auto_escape true: get_msg has that text, "
               "no face")
def auto_escape(ctx: Ctx) -> None:
    text = f"[CQ:face,id=178] {marker(ctx)}"
    got = read(ctx, send(ctx, text, auto_escape=True))["message"]
    wrong = cqstring.differences(cqstring.text(text), got)
    ctx.expect(not wrong, f"get_msg gave {str(got)[:200]!r}: " + "; ".join(wrong))


@case("api/public/send_group_msg/1", P, MUST, "API-2",
      "send_group_msg answers an int32 message_id; get_msg says group", quote=MID, **GROUP,
      action="send_group_msg",
      expected="send_group_msg {group_id, message}: message_id int32; get_msg message_type "
               "group")
def group_msg(ctx: Ctx) -> None:
    data = read(ctx, send(ctx, marker(ctx), group=True))
    ctx.expect(data.get("message_type") == "group", f"message_type {data.get('message_type')!r}")


def by_send_msg(ctx: Ctx, params: dict, want: str) -> None:
    data = ok(ctx, ctx.call("send_msg", {**params, "message": marker(ctx)}))["data"]
    ctx.expect(not shapes.problems(data, shapes.MESSAGE_ID), f"send_msg data: {data!r}")
    got = read(ctx, data["message_id"])
    ctx.expect(got.get("message_type") == want, f"get_msg message_type "
                                                f"{got.get('message_type')!r}, not {want}")


TYPE = ("| `message_type` | string | - | 消息类型，支持 `private`、`group`，分别对应私聊、群组，"
        "如不传入，则根据传入的 `*_id` 参数判断 |")


@case("api/public/send_msg/1", P, MUST, "API-3", "send_msg with message_type private",
      quote=TYPE, **USER, action="send_msg",
      expected="send_msg {message_type: private, user_id}: a private message")
def send_msg_private(ctx: Ctx) -> None:
    by_send_msg(ctx, {"message_type": "private", "user_id": ctx.target.user_id}, "private")


@case("api/public/send_msg/2", P, MUST, "API-3", "send_msg with message_type group",
      quote=TYPE, **GROUP, action="send_msg",
      expected="send_msg {message_type: group, group_id}: a group message")
def send_msg_group(ctx: Ctx) -> None:
    by_send_msg(ctx, {"message_type": "group", "group_id": ctx.target.group_id}, "group")


@case("api/public/send_msg/3", P, MUST, "API-3", "send_msg without message_type reads the id given",
      quote=TYPE, **GROUP, action="send_msg",
      expected="send_msg {group_id} (no message_type, no user_id): a group message")
def send_msg_guess(ctx: Ctx) -> None:
    by_send_msg(ctx, {"group_id": ctx.target.group_id}, "group")


@case("api/public/get_msg/2", P, MUST, ("API-5", "A-37"),
      "get_msg of a message the bot sent answers the table",
      quote="| `real_id` | number (int32) | 消息真实 ID     |", **USER, action="get_msg",
      expected="get_msg of a private message just sent: time, message_type private, "
               "message_id (the same), real_id, sender (the bot), message")
def get_msg_shape(ctx: Ctx) -> None:
    message_id = send(ctx, marker(ctx))
    data = read(ctx, message_id)
    wrong = shapes.problems(data, shapes.GET_MSG)
    if data.get("message_id") != message_id:
        wrong.append(f"message_id {data.get('message_id')!r}, asked for {message_id}")
    if data.get("message_type") != "private":
        wrong.append(f"message_type {data.get('message_type')!r}")
    sender = data.get("sender") if isinstance(data.get("sender"), dict) else {}
    if sender.get("user_id") not in (None, ctx.login_id()):
        wrong.append(f"sender.user_id {sender.get('user_id')!r}, the bot is {ctx.login_id()}")
    ctx.expect(not wrong, "; ".join(wrong))


@case("api/public/delete_msg/1", P, MUST, ("API-4", "RESP-5"),
      "delete_msg recalls a message the bot sent, data null",
      quote="| `message_id` | number (int32) | - | 消息 ID |", **GROUP,
      action="delete_msg", expected="send_group_msg, then delete_msg of it: ok, data null")
def delete_msg(ctx: Ctx) -> None:
    done(ctx, "delete_msg", {"message_id": send(ctx, marker(ctx), group=True)})


@case("api/public/send_like/1", P, MUST, ("API-7", "RESP-5"), "send_like answers data null",
      quote="| `times` | number | 1 | 赞的次数，每个好友每天最多 10 次 |", **USER, action="send_like",
      expected="send_like {user_id, times: 1}: an envelope; when ok, data null")
def send_like(ctx: Ctx) -> str:
    env = ctx.envelope(ctx.call("send_like", {"user_id": ctx.target.user_id, "times": 1}))
    if env.get("status") == "ok":
        ctx.expect(env.get("data") is None, f"data is {env.get('data')!r}, not null")
    return f"status {env.get('status')}"


@case("api/public/set_group_card/1", P, MUST, ("API-14", "API-39", "RESP-5"),
      "set_group_card changes the card get_group_member_info shows; restored after",
      quote="| `card` | string | 空 | 群名片内容，不填或空字符串表示删除群名片 |", **MEMBER,
      action="set_group_card",
      expected="set_group_card to a new card: ok, null; get_group_member_info shows it")
def set_card(ctx: Ctx) -> None:
    old, new = member(ctx).get("card", ""), marker(ctx)
    ids = {"group_id": ctx.target.group_id, "user_id": ctx.target.user_id}
    done(ctx, "set_group_card", {**ids, "card": new})
    try:
        ctx.expect(member(ctx).get("card") == new, f"the card reads {member(ctx).get('card')!r}")
    finally:
        done(ctx, "set_group_card", {**ids, "card": old})


@case("api/public/set_group_special_title/1", P, MUST, ("API-17", "RESP-5"),
      "set_group_special_title answers data null; restored after",
      quote="| `special_title` | string | 空 | 专属头衔，不填或空字符串表示删除专属头衔 |", **MEMBER,
      action="set_group_special_title",
      expected="set_group_special_title to a new title, then back: ok, data null")
def set_title(ctx: Ctx) -> None:
    old = member(ctx).get("title", "")
    ids = {"group_id": ctx.target.group_id, "user_id": ctx.target.user_id}
    done(ctx, "set_group_special_title", {**ids, "special_title": marker(ctx)[-6:]})
    done(ctx, "set_group_special_title", {**ids, "special_title": old})


@case("api/public/set_group_ban/1", P, MUST, ("API-9", "RESP-5"),
      "set_group_ban bans, and duration 0 lifts the ban",
      quote="| `duration` | number | `30 * 60` | 禁言时长，单位秒，0 表示取消禁言 |", **MEMBER,
      action="set_group_ban", expected="set_group_ban duration 60, then 0: ok, data null")
def ban(ctx: Ctx) -> None:
    ids = {"group_id": ctx.target.group_id, "user_id": ctx.target.user_id}
    done(ctx, "set_group_ban", {**ids, "duration": 60})
    done(ctx, "set_group_ban", {**ids, "duration": 0})


@case("api/public/set_group_whole_ban/1", P, MUST, ("API-11", "RESP-5"),
      "set_group_whole_ban on and off", quote="| `enable` | boolean | `true` | 是否禁言 |",
      **GROUP, action="set_group_whole_ban",
      expected="set_group_whole_ban enable true, then false: ok, data null")
def whole_ban(ctx: Ctx) -> None:
    done(ctx, "set_group_whole_ban", {"group_id": ctx.target.group_id, "enable": True})
    done(ctx, "set_group_whole_ban", {"group_id": ctx.target.group_id, "enable": False})


@case("api/public/set_group_admin/1", P, MUST, ("API-12", "API-39", "RESP-5"),
      "set_group_admin changes the role get_group_member_info shows; restored after",
      quote="| `enable` | boolean | `true` | true 为设置，false 为取消 |", **MEMBER,
      action="set_group_admin",
      expected="set_group_admin to the other role and back: ok, null; the role reads so")
def set_admin(ctx: Ctx) -> None:
    role = member(ctx).get("role")
    if role not in ("admin", "member"):
        raise Skip(f"--user-id is the group's {role}")
    ids = {"group_id": ctx.target.group_id, "user_id": ctx.target.user_id}
    done(ctx, "set_group_admin", {**ids, "enable": role == "member"})
    try:
        now = member(ctx).get("role")
        ctx.expect(now == ("admin" if role == "member" else "member"), f"the role is {now!r}")
    finally:
        done(ctx, "set_group_admin", {**ids, "enable": role == "admin"})


@case("api/public/set_group_name/1", P, MUST, ("API-15", "API-39", "RESP-5"),
      "set_group_name changes the name get_group_info shows; restored after",
      quote="| `group_name` | string | 新群名 |", **GROUP, action="set_group_name",
      expected="set_group_name to a new name: ok, null; get_group_info (no_cache) shows it")
def set_name(ctx: Ctx) -> None:
    def name() -> Any:
        return ok(ctx, ctx.call("get_group_info", {"group_id": ctx.target.group_id,
                                                   "no_cache": True}))["data"].get("group_name")
    old, new = name(), marker(ctx)
    done(ctx, "set_group_name", {"group_id": ctx.target.group_id, "group_name": new})
    try:
        ctx.expect(name() == new, f"the name reads {name()!r}")
    finally:
        done(ctx, "set_group_name", {"group_id": ctx.target.group_id, "group_name": old})


@case("api/public/clean_cache/1", P, MUST, ("API-37", "RESP-5"), "clean_cache answers data null",
      quote="用于清理积攒了太多的缓存文件。", destructive=True, action="clean_cache",
      expected="clean_cache: ok, data null")
def clean_cache(ctx: Ctx) -> None:
    done(ctx, "clean_cache", {})
