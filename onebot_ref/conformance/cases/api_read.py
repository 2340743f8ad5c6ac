"""api/public.md, the read-only actions: the shape of every 响应数据 table (:mod:`..shapes`),
and a failure for a missing required parameter ("默认值 -"). None of them changes anything;
they look at the bot itself, the first friend and the first group (or --user-id/--group-id).
Each 404 of the action under test is UNSUPPORTED."""

from __future__ import annotations

from typing import Any, Callable

from .. import shapes
from ..ctx import Ctx
from ..model import Case, Fail, Level, add, case
from .http import ok

P = "api/public.md"
MUST, SHOULD, IMPL = Level.MUST, Level.SHOULD, Level.IMPL
NO_FLAG = "conform-no-such-flag"

Params = Callable[[Ctx], dict]
NONE: Params = lambda ctx: {}  # noqa: E731
USER: Params = lambda ctx: {"user_id": ctx.user()}  # noqa: E731
GROUP: Params = lambda ctx: {"group_id": ctx.group()}  # noqa: E731
MEMBER: Params = lambda ctx: {"group_id": ctx.group(), "user_id": ctx.login_id()}  # noqa: E731

#: (action, n, rule, the quoted 响应数据 row, params, table, an array of them?, optional keys,
#: the fields that must echo the parameters)
SHAPES: tuple[tuple, ...] = (
    ("get_login_info", 1, "API-20", "| `nickname` | string | QQ 昵称 |", NONE,
     shapes.LOGIN_INFO, False, (), ()),
    ("get_stranger_info", 1, "API-21",
     "| `sex` | string | 性别，`male` 或 `female` 或 `unknown` |", USER, shapes.STRANGER_INFO,
     False, (), ("user_id",)),
    ("get_friend_list", 1, "API-22", "| `remark` | string | 备注名 |", NONE, shapes.FRIEND,
     True, (), ()),
    ("get_group_info", 1, "API-23", "| `max_member_count` | number (int32) | 最大成员数（群容量） |",
     GROUP, shapes.GROUP_INFO, False, (), ("group_id",)),
    ("get_group_list", 1, "API-24", "响应内容为 JSON 数组，每个元素和上面的 `get_group_info` 接口相同。",
     NONE, shapes.GROUP_INFO, True, (), ()),
    ("get_group_member_info", 1, "API-25", "| `card_changeable` | boolean | 是否允许修改群名片 |",
     MEMBER, shapes.MEMBER_INFO, False, (), ("group_id", "user_id")),
    ("get_group_member_list", 1, "API-26", "例如 `area`、`title` 等字段在获取列表时无法获得", GROUP,
     shapes.MEMBER_INFO, True, shapes.MEMBER_LIST_OPTIONAL, ()),
    ("get_cookies", 1, "API-28", "| `cookies` | string | Cookies |",
     lambda ctx: {"domain": "qun.qq.com"}, shapes.COOKIES, False, (), ()),
    ("get_csrf_token", 1, "API-29", "| `token` | number (int32) | CSRF Token |", NONE,
     shapes.CSRF, False, (), ()),
    ("get_credentials", 1, "API-30", "| `csrf_token` | number (int32) | CSRF Token |",
     lambda ctx: {"domain": "qun.qq.com"}, shapes.CREDENTIALS, False, (), ()),
    ("can_send_image", 1, "API-33", "| `yes` | boolean | 是或否 |", NONE, shapes.YES, False, (),
     ()),
    ("can_send_record", 1, "API-33", "| `yes` | boolean | 是或否 |", NONE, shapes.YES, False, (),
     ()),
    ("get_status", 1, "API-34",
     "| `good` | boolean | 状态符合预期，意味着各模块正常运行、功能正常，且 QQ 在线 |", NONE,
     shapes.STATUS, False, (), ()),
    ("get_version_info", 1, "API-35", "| `protocol_version` | string | OneBot 标准版本，如 `v11` |",
     NONE, shapes.VERSION, False, (), ()),
)


def _shape(action: str, params: Params, table: dict, many: bool, optional: tuple,
           echoed: tuple) -> Callable[[Ctx], str]:
    def check(ctx: Ctx) -> str:
        sent = params(ctx)
        data = ok(ctx, ctx.call(action, sent))["data"]
        found = (shapes.list_problems if many else shapes.problems)(data, table, "data",
                                                                    optional)
        for key in echoed:
            if isinstance(data, dict) and data.get(key) != sent[key]:
                found.append(f"data.{key} is {data.get(key)!r}, asked for {sent[key]}")
        ctx.expect(not found, "; ".join(found))
        return f"{len(data)} element(s)" if many else ""
    return check


for _action, _n, _rule, _quote, _params, _table, _many, _optional, _echoed in SHAPES:
    add(Case(f"api/public/{_action}/{_n}", P, _quote, MUST, (_rule,),
             f"{_action} answers the 响应数据 table" + (" (an array of it)" if _many else ""),
             f"{_action}: ok, data " + ("an array of objects" if _many else "an object") +
             " with " + ", ".join(f"{k} ({v if isinstance(v, str) else '|'.join(v)})"
                                  for k, v in _table.items()),
             _shape(_action, _params, _table, _many, _optional, _echoed), frozenset({"http"}),
             action=_action))

#: (action, n, rule, the quoted parameter row, the parameters sent: one required one missing)
REQUIRED: tuple[tuple, ...] = (
    ("get_stranger_info", 2, "API-21", "| `user_id` | number | - | QQ 号 |", NONE),
    ("get_group_info", 2, "API-23", "| `group_id` | number | - | 群号 |", NONE),
    ("get_group_member_info", 2, "API-25", "| `user_id`  | number | - | QQ 号 |", GROUP),
    ("get_msg", 1, "API-5", "| `message_id` | number (int32) | 消息 ID |", NONE),
    ("get_record", 1, "API-31", "| `out_format`  | string | - | 要转换到的格式，目前支持 `mp3`、"
     "`amr`、`wma`、`m4a`、`spx`、`ogg`、`wav`、`flac` |", lambda ctx: {"file": "conform.silk"}),
)


def _required(action: str, params: Params) -> Callable[[Ctx], None]:
    def check(ctx: Ctx) -> None:
        env = ctx.envelope(ctx.call(action, params(ctx)))
        ctx.expect(env.get("status") == "failed", f"without a required parameter: {ctx.actual}")
    return check


for _action, _n, _rule, _quote, _params in REQUIRED:
    add(Case(f"api/public/{_action}/{_n}", P, _quote, SHOULD,
             (_rule, "PARAM-14"), f"{_action} without a required parameter fails",
             f"{_action} {{...}} lacking a parameter without default: status failed",
             _required(_action, _params), frozenset({"http"}), action=_action))


@case("api/public/get_login_info/2", P, MUST, ("API-20", "EVT-2"),
      "get_login_info is the same over HTTP and the forward WebSocket",
      quote="| `user_id` | number (int64) | QQ 号 |", needs=("http", "ws"),
      action="get_login_info",
      expected="the data of get_login_info over HTTP == over /api")
def same_everywhere(ctx: Ctx) -> None:
    over_http = ok(ctx, ctx.call("get_login_info"))["data"]
    frame = ctx.ws("/api").call("get_login_info", {}, "conform-same", ctx.timeout)
    over_ws = ctx.envelope(frame, "get_login_info").get("data")
    ctx.expect(over_http == over_ws, f"HTTP {over_http!r}, WebSocket {over_ws!r}")


@case("api/public/get_group_info/3", P, MUST, ("API-23", "PARAM-5"),
      "no_cache: true is accepted",
      quote="| `no_cache` | boolean | `false` | 是否不使用缓存（使用缓存可能更新不及时，但响应更快） |",
      action="get_group_info", expected="get_group_info {group_id, no_cache: true}: ok")
def no_cache(ctx: Ctx) -> None:
    ok(ctx, ctx.call("get_group_info", {"group_id": ctx.group(), "no_cache": True}))


@case("api/public/get_group_member_list/2", P, MUST, "API-26",
      "the bot is among its group's members",
      quote="响应内容为 JSON 数组，每个元素的内容和上面的 `get_group_member_info` 接口相同",
      action="get_group_member_list",
      expected="get_group_member_list of the test group: one element has the bot's user_id")
def bot_is_member(ctx: Ctx) -> None:
    data = ok(ctx, ctx.call("get_group_member_list", {"group_id": ctx.group()}))["data"]
    me = ctx.login_id()
    ctx.expect(isinstance(data, list) and any(isinstance(m, dict) and m.get("user_id") == me
                                              for m in data), f"the bot {me} is not listed")


def _honor(ctx: Ctx, kind: str) -> dict:
    data = ok(ctx, ctx.call("get_group_honor_info", {"group_id": ctx.group(), "type": kind}))[
        "data"]
    found = shapes.problems(data, shapes.HONOR)
    for key in shapes.HONOR_LISTS:
        if isinstance(data, dict) and data.get(key) is not None:
            found += shapes.list_problems(data[key], shapes.HONOR_ENTRY, f"data.{key}")
    if isinstance(data, dict) and isinstance(data.get("current_talkative"), dict):
        found += shapes.problems(data["current_talkative"], shapes.CURRENT_TALKATIVE,
                                 "data.current_talkative")
    ctx.expect(not found, "; ".join(found[:8]))
    return data


@case("api/public/get_group_honor_info/1", P, MUST, "API-27",
      "get_group_honor_info type all answers the tables", action="get_group_honor_info",
      quote="| `description` | string | 荣誉描述 |",
      expected="type all: data.group_id, and each *_list present an array of "
               "{user_id, nickname, avatar, description}")
def honor_all(ctx: Ctx) -> None:
    _honor(ctx, "all")


@case("api/public/get_group_honor_info/2", P, MUST, "API-27",
      "get_group_honor_info type talkative answers current_talkative's table",
      quote="| `day_count` | number (int32) | 持续天数 |", action="get_group_honor_info",
      expected="type talkative: current_talkative (when present) {user_id, nickname, avatar, "
               "day_count}")
def honor_talkative(ctx: Ctx) -> None:
    _honor(ctx, "talkative")


@case("api/public/get_version_info/2", P, SHOULD, "API-35",
      'protocol_version is "v11"', quote="| `protocol_version` | string | OneBot 标准版本，如 `v11` |",
      action="get_version_info", expected='get_version_info: data.protocol_version == "v11"')
def protocol_version(ctx: Ctx) -> str:
    data = ok(ctx, ctx.call("get_version_info"))["data"]
    version = data.get("protocol_version") if isinstance(data, dict) else None
    ctx.expect(version == "v11", f"protocol_version is {version!r}")
    return f"{data.get('app_name')} {data.get('app_version')}"


def _fails(ctx: Ctx, action: str, params: dict[str, Any]) -> str:
    env = ctx.envelope(ctx.call(action, params))
    if env.get("status") == "ok":
        raise Fail(f"{action} succeeded for a made-up {', '.join(params)}: {ctx.actual}")
    return f"retcode {env.get('retcode')}"


@case("api/public/get_record/2", P, SHOULD, ("API-31", "API-38"),
      "get_record of a file nobody sent fails (HTTP 200)", action="get_record",
      quote="| `file` | string | - | 收到的语音文件名（消息段的 `file` 参数），如 "
            "`0B38145AA44505000B38145AA4450500.silk` |",
      expected="get_record {file: conform-nothing.silk, out_format: mp3}: status failed")
def record_unknown(ctx: Ctx) -> str:
    return _fails(ctx, "get_record", {"file": "conform-nothing.silk", "out_format": "mp3"})


@case("api/public/get_image/1", P, SHOULD, ("API-32", "API-38"),
      "get_image of a file nobody sent fails (HTTP 200)", action="get_image",
      quote="| `file` | string | - | 收到的图片文件名（消息段的 `file` 参数），如 "
            "`6B4DE3DFD1BD271E3297859D41C530F5.jpg` |",
      expected="get_image {file: conform-nothing.jpg}: status failed")
def image_unknown(ctx: Ctx) -> str:
    return _fails(ctx, "get_image", {"file": "conform-nothing.jpg"})


@case("api/public/get_forward_msg/1", P, SHOULD, ("API-6", "API-38"),
      "get_forward_msg of an id nobody sent fails (HTTP 200)", action="get_forward_msg",
      quote="| `id` | string | 合并转发 ID |",
      expected="get_forward_msg {id: conform-nothing}: status failed")
def forward_unknown(ctx: Ctx) -> str:
    return _fails(ctx, "get_forward_msg", {"id": "conform-nothing"})


@case("api/public/set_friend_add_request/1", P, SHOULD,
      ("API-18", "EVT-29"), "answering a friend request nobody made fails",
      quote="| `flag` | string | - | 加好友请求的 flag（需从上报的数据中获得） |",
      action="set_friend_add_request",
      expected=f"set_friend_add_request {{flag: {NO_FLAG}, approve: false}}: status failed")
def friend_flag(ctx: Ctx) -> str:
    return _fails(ctx, "set_friend_add_request", {"flag": NO_FLAG, "approve": False})


@case("api/public/set_group_add_request/1", P, SHOULD,
      ("API-19", "EVT-29"), "answering a group request nobody made fails",
      quote="| `flag` | string | - | 加群请求的 flag（需从上报的数据中获得） |",
      action="set_group_add_request",
      expected=f"set_group_add_request {{flag: {NO_FLAG}, sub_type: add, approve: false}}: "
               "status failed")
def group_flag(ctx: Ctx) -> str:
    return _fails(ctx, "set_group_add_request", {"flag": NO_FLAG, "sub_type": "add",
                                                 "approve": False})
