"""What the simulated QQ checks in a message before storing it, whoever sends it (the bot or a
user of the console): the targets of ``at`` and ``reply``, then the media files (world/media.py).

The segment table checks (types, required fields, the numbers' kinds and ranges: SEG-*,
A-44, BAD-3) are pure and done before, by protocol.message.validate_outgoing, so a number here
is a number in range. onebot_ref's reading of QQ (README decisions):

    at qq=all      @全体成员: in a group only an admin or the owner may (103 otherwise); in a
                   private message it is kept as given (QQ shows it as text)
    at qq=NUMBER   a positive int64 QQ number (100 otherwise, validate_outgoing); not checked
                   against the members (QQ shows an @ of a non-member as text)
    reply id=ID    quotes a stored message: an unknown, dropped or recalled id is 102, as
                   get_msg answers for it; a non-number id, or one past int32, is 100
"""

from __future__ import annotations

from ..protocol.coerce import parse_int
from ..protocol.response import ActionError, Retcode
from . import media
from .model import rank
from .store import MessageStore


def prepare(segments: list[dict], group_id: int | None, role: str, store: MessageStore,
            data_dir: str | None) -> list[dict]:
    """The message as the world stores it. ``group_id``: the group it is sent in (None for a
    private message); ``role``: the sender's role there; ``store``: the messages a reply may
    quote; ``data_dir``: where media files are saved (world/media.py). Raises ActionError
    before anything is written."""
    for index, segment in enumerate(segments):
        kind, data = segment["type"], segment.get("data") or {}
        label = f"segment {index} ({kind})"
        if kind == "at" and data.get("qq") == "all":
            _check_at_all(label, group_id, role)
        elif kind == "reply":
            _check_reply(store, label, data.get("id", ""))
    return media.keep(segments, data_dir)


def _check_at_all(label: str, group_id: int | None, role: str) -> None:
    # message/segment.md @某人: "`qq` | QQ 号、`all` | @的 QQ 号，`all` 表示全体成员"
    if group_id is not None and rank(role) < rank("admin"):
        raise ActionError(Retcode.NOT_PERMITTED,
                          f"{label}: @全体成员 (qq=all) in group {group_id} needs an admin "
                          f"or the owner; the sender is {role}")


def _check_reply(store: MessageStore, label: str, message_id: str) -> None:
    # message/segment.md 回复: "`id` | 回复时引用的消息 ID"; an int32 (validate_outgoing)
    number = parse_int(message_id)
    if number is None:  # a caller that skipped validate_outgoing: still no exception
        raise ActionError(Retcode.BAD_PARAMS,
                          f"{label}: field 'id' must be a message id, got {message_id!r}")
    record = store.get(number)
    if record is None or record["recalled"]:
        why = "was recalled" if record else "is unknown or older than the history kept"
        raise ActionError(Retcode.NO_TARGET, f"{label}: field 'id': message {number} {why}")
