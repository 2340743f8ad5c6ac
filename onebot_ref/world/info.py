"""What the bot can look up: its account, friends, strangers, groups, members, honors.

Built on :class:`~onebot_ref.world.core.WorldCore` (its look-ups). Each method returns the
response data of the named action of api/public.md; an unknown user, group or member is 102
(RESP-9).
"""

from __future__ import annotations

from ..protocol.response import ActionError, Retcode
from . import views
from .core import WorldCore
from .model import Group

#: api/public.md#get_group_honor_info: type "`talkative` `performer` `legend` `strong_newbie`
#: `emotion` ... 或传入 `all` 获取所有数据"
HONOR_TYPES = ("talkative", "performer", "legend", "strong_newbie", "emotion")
_HONOR_DESCRIPTIONS = {"talkative": "龙王", "performer": "群聊之火", "legend": "群聊炽焰",
                       "strong_newbie": "冒尖小春笋", "emotion": "快乐之源"}


def avatar(user_id: int) -> str:
    """The usual QQ avatar URL of an account (deterministic; nothing is fetched)."""
    return f"https://q1.qlogo.cn/g?b=qq&nk={user_id}&s=640"


class InfoSide(WorldCore):
    """The bot's read-only look-ups; see world/__init__.py."""

    def login_info(self) -> dict:
        """api/public.md#get_login_info: user_id, nickname (API-20)."""
        return {"user_id": self.self_id, "nickname": self.nickname}

    def stranger_info(self, user_id: int) -> dict:
        with self.lock:
            return views.stranger_info(self.account(user_id))

    def friend_list(self) -> list[dict]:
        with self.lock:
            return [views.friend(self.accounts[uid], remark)
                    for uid, remark in self.friends.items()]

    def group_info(self, group_id: int) -> dict:
        with self.lock:
            return views.group_info(self.group(group_id))

    def group_list(self) -> list[dict]:
        with self.lock:
            return [views.group_info(group) for group in self.groups.values()]

    def member_info(self, group_id: int, user_id: int) -> dict:
        with self.lock:
            group = self.group(group_id)
            member = self.member(group, user_id)
            return views.member_info(group, self.accounts[user_id], member)

    def member_list(self, group_id: int) -> list[dict]:
        with self.lock:
            group = self.group(group_id)
            return [views.member_info(group, self.accounts[m.user_id], m)
                    for m in group.members.values()]

    def honor_info(self, group_id: int, honor_type: str) -> dict:
        """api/public.md#get_group_honor_info: "仅 type 为 talkative 或 all 时有数据": only the
        selected lists are present. The simulated honors are deterministic: the member who
        spoke last is the current 龙王; each list names the members in id order."""
        with self.lock:
            group = self.group(group_id)
            others = sorted(uid for uid in group.members if uid != self.self_id)
            chosen = HONOR_TYPES if honor_type == "all" else (honor_type,)
            data: dict = {"group_id": group_id}
            for kind in chosen:
                if kind == "talkative":
                    data["current_talkative"] = self._current_talkative(group)
                data[f"{kind}_list"] = [
                    {"user_id": uid, "nickname": self.accounts[uid].nickname,
                     "avatar": avatar(uid), "description": _HONOR_DESCRIPTIONS[kind]}
                    for uid in others[:3]]
            return data

    def _current_talkative(self, group: Group) -> dict | None:
        speakers = [m for m in group.members.values() if m.user_id != self.self_id]
        if not speakers:
            return None
        top = max(speakers, key=lambda m: (m.last_sent_time, -m.user_id))
        return {"user_id": top.user_id, "nickname": self.accounts[top.user_id].nickname,
                "avatar": avatar(top.user_id), "day_count": 1}

    def stats(self) -> dict:
        """Counts for get_status (onebot_ref extras next to online/good)."""
        with self.lock:
            return dict(self.counters, friends=len(self.friends), groups=len(self.groups),
                        messages_stored=self.store.count())

    def has_media(self, kind: str, file: str) -> bool:
        """Whether a sent or received ``kind`` segment (image, record) named ``file`` exists."""
        with self.lock:
            return self.store.has_media(kind, file)


def check_honor_type(honor_type: str) -> None:
    if honor_type != "all" and honor_type not in HONOR_TYPES:
        raise ActionError(Retcode.BAD_PARAMS,
                          f"parameter 'type': expected one of {', '.join(HONOR_TYPES)} or all, "
                          f"got {honor_type!r}")
