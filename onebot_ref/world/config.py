"""The ``world:`` config section: the embedded default, validation, and building the entities.

The section is re-applied on every start (a restart with the same ``database`` file keeps the
message history and forwards, not changes made to friends/groups at runtime): the config file
stays the one description of who exists. Pending requests are not kept either.
"""

from __future__ import annotations

from typing import Any

from .model import ROLES, SEXES, Account, Group, Member

#: Used when no ``world:`` is configured: the bot, four friends, a stranger and three groups in
#: which the bot is owner, admin and plain member, so every permission path can be tried.
DEFAULT_WORLD: dict = {
    "self": {"user_id": 10000, "nickname": "onebot-ref"},
    "friends": [
        {"user_id": 10001, "nickname": "Alice", "sex": "female", "age": 20, "area": "Shanghai"},
        {"user_id": 10002, "nickname": "Bob", "sex": "male", "age": 25, "area": "Beijing"},
        {"user_id": 10003, "nickname": "Carol", "remark": "Carol (work)", "sex": "female",
         "age": 31},
        {"user_id": 10004, "nickname": "Dave", "sex": "male", "age": 40},
    ],
    "strangers": [
        {"user_id": 10009, "nickname": "Mallory", "sex": "unknown", "age": 0},
    ],
    "groups": [
        {"group_id": 20001, "group_name": "Test Group", "max_member_count": 200, "members": [
            {"user_id": 10000, "role": "owner", "level": "10"},
            {"user_id": 10001, "role": "admin", "card": "Alice (admin)", "level": "5"},
            {"user_id": 10002, "role": "member", "title": "Bobby"},
            {"user_id": 10003, "role": "member"},
            {"user_id": 10009, "role": "member"},
        ]},
        {"group_id": 20002, "group_name": "Bob's Group", "max_member_count": 500, "members": [
            {"user_id": 10002, "role": "owner"},
            {"user_id": 10001, "role": "admin"},
            {"user_id": 10000, "role": "member", "card": "the bot"},
            {"user_id": 10004, "role": "member"},
        ]},
        {"group_id": 20003, "group_name": "Carol's Group", "anonymous": True, "members": [
            {"user_id": 10003, "role": "owner"},
            {"user_id": 10000, "role": "admin"},
            {"user_id": 10001, "role": "admin"},
            {"user_id": 10002, "role": "member"},
        ]},
    ],
}


class WorldConfigError(ValueError):
    """The ``world:`` section is invalid; ``problems`` has one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


_ACCOUNT = {"user_id": "id", "nickname": "str", "sex": "sex", "age": "count", "area": "str"}
_KEYS = {
    "world": {"self": "map", "friends": "list", "strangers": "list", "groups": "list"},
    "self": _ACCOUNT,
    "friends": dict(_ACCOUNT, remark="str"),
    "strangers": _ACCOUNT,
    "groups": {"group_id": "id", "group_name": "str", "max_member_count": "id",
               "whole_ban": "bool", "anonymous": "bool", "members": "list"},
    "members": dict(_ACCOUNT, role="role", card="str", title="str", title_expire_time="count",
                    join_time="count", last_sent_time="count", level="level",
                    unfriendly="bool"),
}
_REQUIRED = {"self": "user_id", "friends": "user_id", "strangers": "user_id",
             "groups": "group_id", "members": "user_id"}


def _type_problem(kind: str, value: Any) -> str | None:
    """What is wrong with ``value`` for a key of ``kind``, or None."""
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if kind == "id" and not (is_int and 0 < value < 2**63):
        return f"expected a positive integer, got {value!r}"
    if kind == "count" and not (is_int and 0 <= value < 2**31):
        return f"expected an integer >= 0, got {value!r}"
    if kind == "str" and not isinstance(value, str):
        return f"expected a string, got {value!r}"
    if kind == "bool" and not isinstance(value, bool):
        return f"expected true or false, got {value!r}"
    if kind == "role" and value not in ROLES:
        return f"expected {'|'.join(ROLES)}, got {value!r}"
    if kind == "sex" and value not in SEXES:
        return f"expected {'|'.join(SEXES)}, got {value!r}"
    if kind == "level" and not (isinstance(value, str) or is_int):
        return f"expected a string or an integer, got {value!r}"
    if kind == "map" and not isinstance(value, dict):
        return f"expected a mapping, got {value!r}"
    if kind == "list" and not isinstance(value, list):
        return f"expected a list, got {value!r}"
    return None


def _check_entry(entry: Any, section: str, path: str, problems: list[str]) -> bool:
    """Check one mapping against ``_KEYS[section]``; False when it cannot be used further."""
    if not isinstance(entry, dict):
        problems.append(f"{path}: expected a mapping, got {entry!r}")
        return False
    ok = True
    for key, value in entry.items():
        kind = _KEYS[section].get(key)
        if kind is None:
            problems.append(f"{path}.{key}: unknown key (expected one of "
                            f"{', '.join(_KEYS[section])})")
            continue
        problem = _type_problem(kind, value)
        if problem:
            problems.append(f"{path}.{key}: {problem}")
            ok = ok and key not in ("user_id", "group_id", "members")
    required = _REQUIRED.get(section)
    if required and required not in entry:
        problems.append(f"{path}: missing {required}")
        ok = False
    return ok


def validate_world_config(world: Any) -> list[str]:
    """One line per problem, each naming its path (``world.groups[0].members[2].role: ...``).

    An empty or missing section is valid: the embedded :data:`DEFAULT_WORLD` is used.
    """
    if world is None or world == {}:
        return []
    problems: list[str] = []
    if not _check_entry(world, "world", "world", problems):
        return problems
    self_id = None
    if "self" not in world:
        problems.append("world.self: missing (the bot's account: {user_id, nickname})")
    elif _check_entry(world["self"], "self", "world.self", problems):
        self_id = world["self"]["user_id"]
    seen_users: dict[int, str] = {}
    for section in ("friends", "strangers"):
        for i, entry in enumerate(world.get(section) or []):
            path = f"world.{section}[{i}]"
            if not _check_entry(entry, section, path, problems):
                continue
            uid = entry["user_id"]
            if uid == self_id:
                problems.append(f"{path}.user_id: {uid} is the bot itself")
            elif uid in seen_users:
                problems.append(f"{path}.user_id: duplicate {uid} (also {seen_users[uid]})")
            seen_users[uid] = path
    seen_groups: dict[int, str] = {}
    for i, group in enumerate(world.get("groups") or []):
        path = f"world.groups[{i}]"
        if not _check_entry(group, "groups", path, problems):
            continue
        gid = group["group_id"]
        if gid in seen_groups:
            problems.append(f"{path}.group_id: duplicate {gid} (also {seen_groups[gid]})")
        seen_groups[gid] = path
        members = group.get("members") or []
        _check_members(members, path, problems)
        limit = group.get("max_member_count", 200)
        if isinstance(members, list) and isinstance(limit, int) and len(members) > limit:
            problems.append(f"{path}.max_member_count: {limit} is less than the "
                            f"{len(members)} members listed")
    return problems


def _check_members(members: list, path: str, problems: list[str]) -> None:
    seen: dict[int, str] = {}
    owners = []
    for j, member in enumerate(members):
        mpath = f"{path}.members[{j}]"
        if not _check_entry(member, "members", mpath, problems):
            continue
        uid = member["user_id"]
        if uid in seen:
            problems.append(f"{mpath}.user_id: duplicate member {uid} (also {seen[uid]})")
        seen[uid] = mpath
        if member.get("role") == "owner":
            owners.append(mpath)
    if len(owners) > 1:
        problems.append(f"{path}.members: a group has at most one owner, got {len(owners)} "
                        f"({', '.join(owners)})")


def build(world: dict | None, now: int) -> tuple[Account, dict[int, Account], dict[int, str],
                                                 dict[int, Group]]:
    """(self account, every account by id, friend remarks by id, groups by id) from a valid
    section (``None`` or ``{}``: :data:`DEFAULT_WORLD`). The bot is added as a plain member to a
    listed group that does not list it (a group the bot is not in would be invisible)."""
    world = world or DEFAULT_WORLD
    raw: dict[int, dict] = {}

    def account(entry: dict) -> int:
        # The first entry naming a field wins: a member entry may repeat a friend's nickname.
        merged = raw.setdefault(entry["user_id"], {})
        for key in _ACCOUNT:
            if key in entry:
                merged.setdefault(key, entry[key])
        return entry["user_id"]

    self_id = account(world["self"])
    friends = {account(f): f.get("remark", "") for f in world.get("friends") or []}
    for stranger in world.get("strangers") or []:
        account(stranger)
    groups: dict[int, Group] = {}
    for g in world.get("groups") or []:
        group = Group(g["group_id"], g.get("group_name", ""), g.get("max_member_count", 200),
                      g.get("whole_ban", False), g.get("anonymous", False))
        for m in (g.get("members") or []) + [{"user_id": self_id}]:
            uid = account(m)
            if uid in group.members:
                continue
            group.members[uid] = Member(
                uid, m.get("role", "member"), m.get("card", ""), m.get("title", ""),
                m.get("title_expire_time", 0), m.get("join_time", now - 86400),
                m.get("last_sent_time", 0), str(m.get("level", "1")), m.get("unfriendly", False))
        # the section has no creation time: the earliest join stands for it (QQ's first member
        # is the one who made the group)
        group.created_time = min(m.join_time for m in group.members.values())
        groups[group.group_id] = group
    accounts = {uid: Account(**fields) for uid, fields in raw.items()}
    return accounts[self_id], accounts, friends, groups
