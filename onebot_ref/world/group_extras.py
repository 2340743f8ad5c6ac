"""What a group has besides its members: its avatar, announcements, essence messages, and the
reactions to its messages.

Built on :class:`~onebot_ref.world.core.WorldCore`, with the bot's checks (its role: 103; no
such group, message or announcement: 102; bad input: 100), all made before anything changes.
OneBot 11 has no event for any of these: a change is a facts-only item (world/facts.py).
Doing a thing twice changes nothing and publishes nothing (MLK-52).

    set_group_avatar(group_id, uri)                               admin or owner
    announcements(group_id) -> [announcement facts]               newest first
    send_announcement(group_id, content, image_uri) -> id         admin or owner
    delete_announcement(group_id, announcement_id)                admin or owner
    essence_page(group_id, page_index, page_size) -> ([essence facts], is_end)
    set_essence(group_id, seq, is_set, operator_id=None)          admin or owner (essence)
    react(group_id, seq, face_id, reaction_type, is_add, user_id=None)   (reaction)

``operator_id`` / ``user_id`` None is the bot; the console's users pass theirs
(world/injected_more.py), the checks being the same.
"""

from __future__ import annotations

from ..protocol.response import ActionError, Retcode
from . import facts, media
from .core import WorldCore
from .model import Announcement, Essence, Group, rank
from .store import peer_key

#: The longest announcement, in characters (QQ's limit is about this).
ANNOUNCEMENT_MAX = 4000
#: At most this many announcements per group (the oldest dropped first).
ANNOUNCEMENTS_KEPT = 100
#: A reaction's face id: QQ's are short numbers or one emoji's code points.
REACTION_MAX = 16
REACTION_TYPES = ("face", "emoji")
#: How many different reactions one member may give one message.
REACTIONS_MAX = 20


class GroupExtras(WorldCore):
    """Avatars, announcements, essence messages, reactions; see the module docstring."""

    def _require_rank(self, group: Group, user_id: int | None, what: str) -> int:
        """The acting user (None: the bot) must be an admin or the owner; returns their id."""
        if user_id is None:
            self.require_role(group, "admin", what)
            return self.self_id
        member = self.member(group, user_id, "operator_id")
        if rank(member.role) < rank("admin"):
            raise ActionError(Retcode.NOT_PERMITTED, f"operator_id: a {member.role} cannot "
                                                     f"{what}; only an admin or the owner can")
        return user_id

    def _group_message(self, group: Group, seq: int) -> dict:
        """Message ``seq`` of the group's chat (102 when unknown, dropped or recalled)."""
        record = self.store.at(peer_key("group", group.group_id), seq)
        if record is None or record["recalled"]:
            why = "was recalled" if record else "is unknown or older than the history kept"
            raise ActionError(Retcode.NO_TARGET, f"message_seq: message {seq} of group "
                                                 f"{group.group_id} {why}")
        return record

    def set_group_avatar(self, group_id: int, uri: str) -> None:
        with self.lock:
            group = self.group(group_id)
            self.require_role(group, "admin", "set_group_avatar")
            group.avatar = media.keep_image("image_uri", uri, self.data_dir)

    # --- announcements ----------------------------------------------------------------------
    def announcements(self, group_id: int) -> list[dict]:
        with self.lock:
            group = self.group(group_id)
            return [facts.announcement(group_id, a) for a in reversed(group.announcements)]

    def send_announcement(self, group_id: int, content: str, image_uri: str | None) -> str:
        """Post an announcement (its text 1..ANNOUNCEMENT_MAX characters; an image by URI,
        kept as a message's image is); returns its id."""
        with self.lock:
            group = self.group(group_id)
            self.require_role(group, "admin", "send_group_announcement")
            if not content.strip():
                raise ActionError(Retcode.BAD_PARAMS, "content: an announcement needs text")
            if len(content) > ANNOUNCEMENT_MAX:
                raise ActionError(Retcode.BAD_PARAMS, f"content: at most {ANNOUNCEMENT_MAX} "
                                                      f"characters, got {len(content)}")
            image = "" if image_uri is None else media.keep_image("image_uri", image_uri,
                                                                 self.data_dir)
            announcement = Announcement(self.new_id("announcement"), self.self_id, self.now(),
                                        content, image)
            group.announcements.append(announcement)
            del group.announcements[:-ANNOUNCEMENTS_KEPT]
            return announcement.announcement_id

    def delete_announcement(self, group_id: int, announcement_id: str) -> None:
        with self.lock:
            group = self.group(group_id)
            self.require_role(group, "admin", "delete_group_announcement")
            found = next((a for a in group.announcements
                          if a.announcement_id == announcement_id), None)
            if found is None:
                shown = announcement_id[:40]
                raise ActionError(Retcode.NO_TARGET, f"announcement_id: no announcement "
                                                     f"{shown!r} in group {group_id}")
            group.announcements.remove(found)

    # --- essence messages -------------------------------------------------------------------
    def essence_page(self, group_id: int, page_index: int,
                     page_size: int) -> tuple[list[dict], bool]:
        """Page ``page_index`` (from 0) of ``page_size`` (at least 1: 100) essence messages,
        the newest set first, and whether it is the last page."""
        if page_size < 1:
            raise ActionError(Retcode.BAD_PARAMS, "page_size: at least 1")
        with self.lock:
            group = self.group(group_id)
            entries = list(reversed(group.essence.values()))
            start = page_index * page_size
            page = entries[start:start + page_size]
            return ([{"group_id": group_id, "message_seq": e.message_seq,
                      "operator_id": e.operator_id,
                      "operator_name": self._name(group, e.operator_id),
                      "operation_time": e.operation_time, "record": e.record} for e in page],
                    start + page_size >= len(entries))

    def _name(self, group: Group, user_id: int) -> str:
        """A member's card, else the account's nickname (the name QQ shows in a group)."""
        member = group.members.get(user_id)
        account = self.accounts.get(user_id)
        return (member.card if member and member.card else
                account.nickname if account else str(user_id))

    def set_essence(self, group_id: int, seq: int, is_set: bool,
                    operator_id: int | None = None) -> None:
        """Set (or unset) message ``seq`` as an essence message; doing it twice changes
        nothing; unsetting one that is not is 102."""
        with self.lock:
            group = self.group(group_id, None if operator_id is None else "group_id")
            who = self._require_rank(group, operator_id, "set an essence message")
            if is_set:
                record = self._group_message(group, seq)
                if seq in group.essence:
                    return
                group.essence[seq] = Essence(seq, who, self.now(), record)
            elif group.essence.pop(seq, None) is None:
                raise ActionError(Retcode.NO_TARGET, f"message_seq: message {seq} of group "
                                                     f"{group_id} is no essence message")
            self.publish_facts({"kind": "essence", "group_id": group_id, "message_seq": seq,
                                "operator_id": who, "is_set": is_set, "time": self.now()})

    # --- reactions --------------------------------------------------------------------------
    def react(self, group_id: int, seq: int, face_id: str, reaction_type: str, is_add: bool,
              user_id: int | None = None) -> None:
        """A member (None: the bot) adds or takes back a reaction to message ``seq``; adding
        one twice, or taking back one not given, changes nothing."""
        if reaction_type not in REACTION_TYPES:
            raise ActionError(Retcode.BAD_PARAMS, f"reaction_type: expected face or emoji, got "
                                                  f"{reaction_type!r}")
        if not isinstance(face_id, str) or not 1 <= len(face_id) <= REACTION_MAX:
            raise ActionError(Retcode.BAD_PARAMS, f"reaction: a face id of 1 to {REACTION_MAX} "
                                                  f"characters, got {face_id!r:.40}")
        with self.lock:
            group = self.group(group_id, None if user_id is None else "group_id")
            who = self.self_id if user_id is None else self.member(group, user_id,
                                                                  "user_id").user_id
            self._group_message(group, seq)
            given = group.reactions.get((seq, who), set())
            if ((face_id, reaction_type) in given) == is_add:
                return
            if is_add and len(given) >= REACTIONS_MAX:
                raise ActionError(Retcode.NOT_PERMITTED, f"reaction: at most {REACTIONS_MAX} "
                                                         f"reactions per member and message")
            given = given | {(face_id, reaction_type)} if is_add \
                else given - {(face_id, reaction_type)}
            if given:
                group.reactions[(seq, who)] = given
            else:
                del group.reactions[(seq, who)]
            self.publish_facts({"kind": "reaction", "group_id": group_id, "user_id": who,
                                "message_seq": seq, "face_id": face_id,
                                "reaction_type": reaction_type, "is_add": is_add,
                                "time": self.now()})
