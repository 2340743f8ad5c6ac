"""The simulated QQ as plain dataclasses: accounts, friends, groups, members, requests, and what
a group keeps besides its members (announcements, essence messages, files: world/files.py).

These hold no lock and do no I/O; :class:`~onebot_ref.world.core.WorldCore` owns them and
guards them with its one RLock. Messages and merged forwards are not here: they live in the sqlite
store (world/store.py) because they persist across restarts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .files import FileTree

#: api/public.md get_group_member_info: role "`owner` 或 `admin` 或 `member`", strongest first.
ROLES = ("owner", "admin", "member")
#: api/public.md get_stranger_info: sex "`male` 或 `female` 或 `unknown`"
SEXES = ("male", "female", "unknown")

#: event/message.md (EVT-11 [LEGACY]): "sub_type anonymous goes with user_id 80000000"
ANONYMOUS_USER_ID = 80000000


def rank(role: str) -> int:
    """owner 2 > admin 1 > member 0: who may act on whom."""
    return {"owner": 2, "admin": 1, "member": 0}[role]


#: A friend's category when none is set: QQ's default group of friends.
DEFAULT_CATEGORY = (0, "我的好友")


@dataclass
class Account:
    """One QQ user (the bot itself, a friend, a group member or a stranger). The fields after
    ``area`` are QQ's profile (a user's own page), which OneBot 11 does not show."""

    user_id: int
    nickname: str = ""
    sex: str = "unknown"
    age: int = 0
    area: str = ""
    qid: str = ""  # QQ's chosen id, "" when none
    bio: str = ""  # 个性签名
    qq_level: int = 1  # the QQ level (not a group's level)
    country: str = ""
    city: str = ""
    school: str = ""
    avatar: str = ""  # "" = the usual avatar URL; else what set_avatar stored

    def __post_init__(self) -> None:
        if not self.nickname:
            self.nickname = f"User {self.user_id}"

    @property
    def uid(self) -> str:
        """QQ NT names users by an opaque uid besides the number; the simulated one is
        ``u_<number>``, stable and readable."""
        return f"u_{self.user_id}"


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
    remark: str = ""  # the bot's own note on the group
    description: str = ""  # 群简介
    question: str = ""  # the question asked of those who ask to join
    created_time: int = 0
    avatar: str = ""  # "" = the usual group avatar URL; else what set_group_avatar stored
    announcements: list[Announcement] = field(default_factory=list)  # oldest first
    essence: dict[int, Essence] = field(default_factory=dict)  # by peer_seq, in setting order
    # (peer_seq, user_id) -> the reactions that user gave that message: {(face_id, type)}
    reactions: dict[tuple[int, int], set[tuple[str, str]]] = field(default_factory=dict)
    files: FileTree = field(default_factory=FileTree)

    def __post_init__(self) -> None:
        if not self.group_name:
            self.group_name = f"Group {self.group_id}"


@dataclass
class Announcement:
    """A group announcement (群公告)."""

    announcement_id: str
    user_id: int  # who posted it
    time: int
    content: str
    image: str = ""  # the stored image file value (world/media.py), "" for none


@dataclass
class Essence:
    """A message set as an essence message (精华消息): who set it, when, and the message as it
    was then (it stays listed when the history limit drops the message)."""

    message_seq: int
    operator_id: int
    operation_time: int
    record: dict


#: A request's states: it is pending until handled once (EVT-29), then kept as handled.
REQUEST_STATES = ("pending", "accepted", "rejected", "ignored")


@dataclass
class Request:
    """A friend or group request. Pending until handled once (EVT-29); kept afterwards with its
    state, so that the bot can list the requests it had (world/requests.py)."""

    flag: str
    request_type: str  # "friend" | "group"
    user_id: int  # who asks (a join: the user; an invitation: the inviter)
    sub_type: str = ""  # group: "add" | "invite" | "invited_join" (a member invites user_id's
    #                     target_id; OneBot 11 has no event for it, so it has no flag use)
    group_id: int = 0
    comment: str = ""  # as OneBot 11 sends it: CQ-escaped
    time: int = 0
    seq: int = 0  # the request's number (unique in the world, increasing)
    state: str = "pending"
    via: str = ""  # where the user found the bot (a friend request's 申请来源)
    is_filtered: bool = False  # QQ's "from a risky account"; the simulated QQ filters none
    target_id: int = 0  # invited_join: the user invited
    source_group_id: int | None = None  # invite: the group the invitation came through
    operator_id: int | None = None  # who handled it
    reason: str = ""  # a rejection's reason


@dataclass
class Notification:
    """One entry of the groups' notification list (群通知): a join request or an invited join
    (``request``), or an admin change, kick or quit that happened."""

    seq: int
    kind: str  # "join_request" | "invited_join_request" | "admin_change" | "kick" | "quit"
    group_id: int
    time: int
    request: Request | None = None
    target_id: int = 0  # admin_change, kick, quit: the member concerned
    operator_id: int = 0  # admin_change: the owner; kick: who kicked
    is_set: bool = False  # admin_change: made admin (true) or not any more (false)
