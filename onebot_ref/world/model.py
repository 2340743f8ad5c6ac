"""The simulated QQ as plain dataclasses: accounts, friends, groups, members, pending requests.

These hold no lock and do no I/O; :class:`~onebot_ref.world.core.WorldCore` owns them and
guards them with its one RLock. Messages and merged forwards are not here: they live in the sqlite
store (world/store.py) because they persist across restarts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: api/public.md get_group_member_info: role "`owner` 或 `admin` 或 `member`", strongest first.
ROLES = ("owner", "admin", "member")
#: api/public.md get_stranger_info: sex "`male` 或 `female` 或 `unknown`"
SEXES = ("male", "female", "unknown")

#: event/message.md (EVT-11 [LEGACY]): "sub_type anonymous goes with user_id 80000000"
ANONYMOUS_USER_ID = 80000000


def rank(role: str) -> int:
    """owner 2 > admin 1 > member 0: who may act on whom."""
    return {"owner": 2, "admin": 1, "member": 0}[role]


@dataclass
class Account:
    """One QQ user (the bot itself, a friend, a group member or a stranger)."""

    user_id: int
    nickname: str = ""
    sex: str = "unknown"
    age: int = 0
    area: str = ""

    def __post_init__(self) -> None:
        if not self.nickname:
            self.nickname = f"User {self.user_id}"


@dataclass
class Member:
    """One account's membership of one group (api/public.md get_group_member_info)."""

    user_id: int
    role: str = "member"
    card: str = ""
    title: str = ""
    title_expire_time: int = 0
    join_time: int = 0
    last_sent_time: int = 0
    level: str = "1"
    unfriendly: bool = False
    banned_until: int = 0  # Unix seconds; 0 = not banned

    def banned(self, now: int) -> bool:
        return self.banned_until > now


@dataclass
class Group:
    """A group the bot is in (api/public.md get_group_info)."""

    group_id: int
    group_name: str = ""
    max_member_count: int = 200
    whole_ban: bool = False
    anonymous: bool = False  # set_group_anonymous: "是否允许匿名聊天"
    members: dict[int, Member] = field(default_factory=dict)
    # flag -> {"id", "name", "user_id", "banned_until"}: who spoke anonymously (anonymous ban)
    anonymous_users: dict[str, dict] = field(default_factory=dict)
    # set_group_kick reject_add_request: "拒绝此人的加群请求"
    rejected: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not self.group_name:
            self.group_name = f"Group {self.group_id}"


@dataclass
class Request:
    """A pending friend or group request, valid until handled once (EVT-29)."""

    flag: str
    request_type: str  # "friend" | "group"
    user_id: int
    sub_type: str = ""  # group: "add" | "invite"
    group_id: int = 0
    comment: str = ""
    time: int = 0
