"""Profiles and people: the world's facts of users, friends, groups and members, the bot's own
profile, friends removed, nudges.

Built on :class:`~onebot_ref.world.core.WorldCore`. The read operations answer with the neutral
dicts of world/facts.py (what another face shapes into its own entities); an unknown user,
friend, group or member is 102 (RESP-9).

    profile(user_id) -> account facts + remark      friend_facts(user_id) friends_facts()
    group_facts(group_id) groups_facts()             member_facts(gid, uid) members_facts(gid)
    set_nickname(nickname) set_bio(bio) set_avatar(uri)   facts-only items (profile)
    delete_friend(user_id)
    nudge_friend(user_id, itself)                    facts-only (friend_nudge)
    nudge_member(group_id, user_id)                  OneBot 11's poke notice (event/notice.md
                                                     #群内戳一戳), the bot as its user_id
"""

from __future__ import annotations

from ..protocol import events
from ..protocol.response import ActionError, Retcode
from . import facts, media
from .core import WorldCore

#: The longest nickname and signature QQ takes, in characters (QQ's own limits are in bytes;
#: onebot_ref bounds characters so that a request cannot store a megabyte of name).
NICKNAME_MAX, BIO_MAX = 64, 255


class ProfileSide(WorldCore):
    """People as facts, and the bot's profile; see the module docstring."""

    # --- reading ------------------------------------------------------------------------------
    def profile(self, user_id: int) -> dict:
        """Anyone's profile; ``remark`` is the bot's remark when they are its friend, else ""."""
        with self.lock:
            return facts.account(self.account(user_id)) | {
                "remark": self.friends.get(user_id, "")}

    def _friend(self, user_id: int) -> dict:
        if user_id not in self.friends:
            self.account(user_id)
            raise ActionError(Retcode.NO_TARGET, f"user {user_id} is not a friend of the bot")
        return facts.friend(self.accounts[user_id], self.friends[user_id])

    def friend_facts(self, user_id: int) -> dict:
        with self.lock:
            return self._friend(user_id)

    def friends_facts(self) -> list[dict]:
        with self.lock:
            return [facts.friend(self.accounts[uid], remark)
                    for uid, remark in self.friends.items()]

    def group_facts(self, group_id: int) -> dict:
        with self.lock:
            return facts.group(self.group(group_id))

    def groups_facts(self) -> list[dict]:
        with self.lock:
            return [facts.group(group) for group in self.groups.values()]

    def member_facts(self, group_id: int, user_id: int) -> dict:
        with self.lock:
            group = self.group(group_id)
            member = self.member(group, user_id)
            return facts.member(group, self.accounts[user_id], member, self.now())

    def members_facts(self, group_id: int) -> list[dict]:
        with self.lock:
            group, now = self.group(group_id), self.now()
            return [facts.member(group, self.accounts[m.user_id], m, now)
                    for m in group.members.values()]

    # --- the bot's own profile ------------------------------------------------------------
    def set_nickname(self, nickname: str) -> None:
        """The bot's nickname (get_login_info and every sender object show it from now on)."""
        _check_text("new_nickname", nickname, NICKNAME_MAX, empty=False)
        with self.lock:
            self.nickname = self.accounts[self.self_id].nickname = nickname
            self._profile_changed("nickname", nickname)

    def set_bio(self, bio: str) -> None:
        _check_text("new_bio", bio, BIO_MAX, empty=True)
        with self.lock:
            self.accounts[self.self_id].bio = bio
            self._profile_changed("bio", bio)

    def set_avatar(self, uri: str) -> None:
        """The bot's avatar: an image URI kept as a message's image is (world/media.py)."""
        with self.lock:
            stored = media.keep_image("uri", uri, self.data_dir)
            self.accounts[self.self_id].avatar = stored
            self._profile_changed("avatar", stored)

    def _profile_changed(self, field: str, value: str) -> None:
        self.publish_facts({"kind": "profile", "field": field, "value": value,
                            "time": self.now()})

    # --- friends and nudges ---------------------------------------------------------------
    def delete_friend(self, user_id: int) -> None:
        """The user stops being a friend (and a pinned friend chat is unpinned); OneBot 11 has no
        notice for it, nor has anything else: nothing is published."""
        with self.lock:
            self._friend(user_id)
            del self.friends[user_id]
            if user_id in self.pins["friend"]:
                self.pins["friend"].remove(user_id)

    def nudge_friend(self, user_id: int, itself: bool) -> None:
        """The bot nudges a friend (``itself``: nudges itself in the friend's chat)."""
        with self.lock:
            self._friend(user_id)
            self.publish_facts({"kind": "friend_nudge", "user_id": user_id, "from_self": True,
                                "to_self": itself, "time": self.now()})

    def nudge_member(self, group_id: int, user_id: int) -> None:
        """The bot nudges a member of a group (itself too: QQ allows it)."""
        with self.lock:
            group = self.group(group_id)
            self.member(group, user_id)
            self.publish(events.poke(self.self_id, self.now(), group_id=group_id,
                                     user_id=self.self_id, target_id=user_id), {"kind": "poke"})


def _check_text(field: str, value: str, longest: int, *, empty: bool) -> None:
    if not isinstance(value, str):
        raise ActionError(Retcode.BAD_PARAMS, f"{field}: expected a string, got {value!r}")
    if not empty and not value.strip():
        raise ActionError(Retcode.BAD_PARAMS, f"{field}: must not be empty")
    if len(value) > longest:
        raise ActionError(Retcode.BAD_PARAMS, f"{field}: at most {longest} characters, got "
                                              f"{len(value)}")
