"""What the other users do that OneBot 11 has no event for (the console plays them): rename a
group, react to a message, nudge the bot, set an essence message, upload a file, invite someone
into a group.

Built on :class:`~onebot_ref.world.core.WorldCore` and the bot's own operations (the same
checks: a user may do what the bot may do in their role), with the console's error rule: a
refusal is an ``ActionError`` naming the field (100 bad input, 102 no such group, member,
message or folder, 103 not allowed), raised before anything changes; each change is published
as a facts-only item (world/facts.py), except a group file, which is OneBot 11's group_upload.

    inject_group_name_change(group_id, operator_id, group_name)
    inject_reaction(group_id, user_id, message_seq, face_id, reaction_type="face", is_add=True)
    inject_friend_nudge(user_id, to_self=True)          a friend nudges the bot (or themself)
    inject_essence(group_id, operator_id, message_seq, is_set=True)
    inject_file_upload(user_id, file_name, file_uri, group_id=None, parent_folder_id="/")
    inject_invited_join_request(group_id, initiator_id, target_user_id) -> request facts
"""

from __future__ import annotations

from typing import Any

from ..protocol.response import ActionError, Retcode
from . import facts
from .core import WorldCore
from .file_side import FileSide
from .files import ROOT
from .group_extras import GroupExtras
from .model import Account, Request, rank

#: The longest group name (QQ's is 30 characters; onebot_ref allows a little more).
GROUP_NAME_MAX = 60


def _int(field: str, value: Any) -> int:
    if type(value) is not int or value <= 0:
        raise ActionError(Retcode.BAD_PARAMS, f"{field}: expected a positive integer, got "
                                              f"{value!r:.40}")
    return value


def _text(field: str, value: Any) -> str:
    if type(value) is not str:
        raise ActionError(Retcode.BAD_PARAMS, f"{field}: expected a string, got {value!r:.40}")
    return value


def _flag(field: str, value: Any) -> bool:
    if type(value) is not bool:
        raise ActionError(Retcode.BAD_PARAMS, f"{field}: expected true or false, got "
                                              f"{value!r:.40}")
    return value


class UserExtras(GroupExtras, FileSide, WorldCore):
    """What the other users do that OneBot 11 has no event for; see the module docstring."""

    def inject_group_name_change(self, group_id: Any, operator_id: Any,
                                 group_name: Any) -> None:
        """An admin or the owner renames the group (facts-only: group_name)."""
        with self.lock:
            group = self.group(_int("group_id", group_id), "group_id")
            operator = self.member(group, _int("operator_id", operator_id), "operator_id")
            name = _text("group_name", group_name)
            if not name.strip() or len(name) > GROUP_NAME_MAX:
                raise ActionError(Retcode.BAD_PARAMS, f"group_name: 1 to {GROUP_NAME_MAX} "
                                                      f"characters, got {len(name)}")
            if rank(operator.role) < rank("admin"):
                raise ActionError(Retcode.NOT_PERMITTED, f"operator_id: a {operator.role} "
                                                         f"cannot rename the group")
            group.group_name = name
            self.publish_facts({"kind": "group_name", "group_id": group.group_id,
                                "group_name": name, "operator_id": operator.user_id,
                                "time": self.now()})

    def inject_reaction(self, group_id: Any, user_id: Any, message_seq: Any, face_id: Any,
                        reaction_type: Any = "face", is_add: Any = True) -> None:
        """A member reacts to a group message (facts-only: reaction)."""
        self.react(_int("group_id", group_id), _int("message_seq", message_seq),
                   _text("face_id", face_id), _text("reaction_type", reaction_type),
                   _flag("is_add", is_add), user_id=self._other("user_id", user_id))

    def inject_friend_nudge(self, user_id: Any, to_self: Any = True) -> None:
        """A friend nudges the bot (``to_self``) or themself, in their chat (facts-only:
        friend_nudge)."""
        with self.lock:
            friend = self._other("user_id", user_id)
            to_self = _flag("to_self", to_self)
            if friend not in self.friends:
                self.account(friend, "user_id")
                raise ActionError(Retcode.NO_TARGET, f"user_id: user {friend} is not a friend "
                                                     f"of the bot")
            self.publish_facts({"kind": "friend_nudge", "user_id": friend, "from_self": False,
                                "to_self": to_self, "time": self.now()})

    def inject_essence(self, group_id: Any, operator_id: Any, message_seq: Any,
                       is_set: Any = True) -> None:
        """An admin or the owner sets (unsets) an essence message (facts-only: essence)."""
        self.set_essence(_int("group_id", group_id), _int("message_seq", message_seq),
                         _flag("is_set", is_set),
                         operator_id=self._other("operator_id", operator_id))

    def inject_file_upload(self, user_id: Any, file_name: Any, file_uri: Any,
                           group_id: Any = None, parent_folder_id: Any = ROOT) -> str:
        """A member uploads a group file (``group_id`` given: OneBot 11's group_upload) or a
        friend sends the bot a file (facts-only: private_file); returns its file_id."""
        user = self._other("user_id", user_id)
        name, uri = _text("file_name", file_name), _text("file_uri", file_uri)
        if group_id is None:
            return self.upload_private_file(user, uri, name, from_self=False)
        return self.upload_group_file(_int("group_id", group_id),
                                      _text("parent_folder_id", parent_folder_id), uri, name,
                                      user_id=user)

    def inject_invited_join_request(self, group_id: Any, initiator_id: Any,
                                    target_user_id: Any) -> dict:
        """A member invites a user into a group the bot is in: a pending request for an admin
        (facts-only: invited_join_request; handled with handle_group_notification)."""
        with self.lock:
            group = self.group(_int("group_id", group_id), "group_id")
            inviter = self.member(group, self._other("initiator_id", initiator_id),
                                  "initiator_id")
            target = self._other("target_user_id", target_user_id)
            if target in group.members:
                raise ActionError(Retcode.BAD_PARAMS, f"target_user_id: {target} is already a "
                                                      f"member of group {group.group_id}")
            if target in group.rejected:
                raise ActionError(Retcode.NOT_PERMITTED, f"target_user_id: {target} was kicked "
                                                         f"from group {group.group_id} with "
                                                         f"reject_add_request")
            self.accounts.setdefault(target, Account(target))
            request = self.remember_request(Request(
                self.new_flag(), "group", inviter.user_id, "invited_join", group.group_id,
                time=self.now(), target_id=target))
            out = facts.request(request)
            self.publish_facts({"kind": "invited_join_request", "request": out})
            return out

    def _other(self, field: str, user_id: Any) -> int:
        """A user of the world who is not the bot (100 otherwise)."""
        user = _int(field, user_id)
        if user == self.self_id:
            raise ActionError(Retcode.BAD_PARAMS, f"{field}: {user} is the bot itself")
        return user
