"""The 响应数据 tables of api/public.md (and the event tables the runner sees), as tables: field ->
the JSON type the spec's 数据类型 column names. :func:`problems` lists every way a value differs.

The spec's types read as JSON: ``number (int64)`` an integer (a JSON number without fraction,
never a boolean or a string) in the int64 range, ``number (int32)`` one in the int32 range,
``string``, ``boolean``, ``object``, ``array``; "可能的值" columns are the enums. Extra fields are
allowed everywhere (get_status and get_version_info say so: "OneBot 实现自行添加的其它内容").
"""

from __future__ import annotations

from typing import Any

INT32 = (-(2 ** 31), 2 ** 31 - 1)
INT64 = (-(2 ** 63), 2 ** 63 - 1)

SEX = ("male", "female", "unknown")
ROLE = ("owner", "admin", "member")


def _kind(value: Any, kind: str | tuple) -> str | None:
    """None when ``value`` is of ``kind``, else what it is instead."""
    if isinstance(kind, tuple):  # an enum of strings
        return None if value in kind else f"{value!r}, not one of {', '.join(kind)}"
    if kind.endswith("|null") and value is None:
        return None
    kind = kind.removesuffix("|null")
    if kind in ("int32", "int64", "number"):
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{type(value).__name__} {value!r}, not an integer"
        low, high = INT32 if kind == "int32" else INT64
        return None if low <= value <= high else f"{value} outside the {kind} range"
    expected = {"string": str, "boolean": bool, "object": dict, "array": list}[kind]
    return None if isinstance(value, expected) else f"{type(value).__name__} {value!r}"


def problems(value: Any, table: dict[str, Any], where: str = "data",
             optional: tuple[str, ...] = ()) -> list[str]:
    """Every field of ``table`` missing from the object ``value`` or of another type."""
    if not isinstance(value, dict):
        return [f"{where} is {type(value).__name__} {str(value)[:80]}, not an object"]
    found = []
    for key, kind in table.items():
        if key not in value:
            if key not in optional:
                found.append(f"{where}.{key} is missing")
            continue
        wrong = _kind(value[key], kind)
        if wrong:
            found.append(f"{where}.{key} is {wrong} (spec: {kind})")
    return found


def list_problems(value: Any, table: dict[str, Any], where: str = "data",
                  optional: tuple[str, ...] = ()) -> list[str]:
    """:func:`problems` of every element of the array ``value``."""
    if not isinstance(value, list):
        return [f"{where} is {type(value).__name__}, not an array"]
    found = []
    for n, item in enumerate(value):
        found += problems(item, table, f"{where}[{n}]", optional)
    return found[:20]


# --- api/public.md, 响应数据 ---------------------------------------------------------------
MESSAGE_ID = {"message_id": "int32"}
LOGIN_INFO = {"user_id": "int64", "nickname": "string"}
STRANGER_INFO = {"user_id": "int64", "nickname": "string", "sex": SEX, "age": "int32"}
FRIEND = {"user_id": "int64", "nickname": "string", "remark": "string"}
GROUP_INFO = {"group_id": "int64", "group_name": "string", "member_count": "int32",
              "max_member_count": "int32"}
MEMBER_INFO = {
    "group_id": "int64", "user_id": "int64", "nickname": "string", "card": "string",
    "sex": SEX, "age": "int32", "area": "string", "join_time": "int32",
    "last_sent_time": "int32", "level": "string", "role": ROLE, "unfriendly": "boolean",
    "title": "string", "title_expire_time": "int32", "card_changeable": "boolean",
}
#: get_group_member_list: "某些字段可能有所不同，例如 area、title 等字段在获取列表时无法获得"
MEMBER_LIST_OPTIONAL = ("area", "title")
HONOR = {"group_id": "int64"}
CURRENT_TALKATIVE = {"user_id": "int64", "nickname": "string", "avatar": "string",
                     "day_count": "int32"}
HONOR_ENTRY = {"user_id": "int64", "nickname": "string", "avatar": "string",
               "description": "string"}
HONOR_LISTS = ("talkative_list", "performer_list", "legend_list", "strong_newbie_list",
               "emotion_list")
COOKIES = {"cookies": "string"}
CSRF = {"token": "int32"}
CREDENTIALS = {"cookies": "string", "csrf_token": "int32"}
FILE = {"file": "string"}
YES = {"yes": "boolean"}
STATUS = {"online": "boolean|null", "good": "boolean"}
VERSION = {"app_name": "string", "app_version": "string", "protocol_version": "string"}
GET_MSG = {"time": "int32", "message_type": ("private", "group"), "message_id": "int32",
           "real_id": "int32", "sender": "object"}

# --- event/*.md ----------------------------------------------------------------------------
EVENT = {"time": "int64", "self_id": "int64",
         "post_type": ("message", "notice", "request", "meta_event")}
LIFECYCLE = {"time": "int64", "self_id": "int64", "post_type": ("meta_event",),
             "meta_event_type": ("lifecycle",), "sub_type": ("enable", "disable", "connect")}
HEARTBEAT = {"time": "int64", "self_id": "int64", "post_type": ("meta_event",),
             "meta_event_type": ("heartbeat",), "status": "object", "interval": "int64"}
