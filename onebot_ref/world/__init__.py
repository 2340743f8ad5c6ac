"""The simulated QQ: accounts, friends, groups and members (dataclasses), message history and
merged forwards (sqlite3), one RLock around all of it. Changes publish their events on the bus.

    world = World(world_config, bus, database=None, history_limit=10000, message_format="string",
                  data_dir=None)

Where things are: world/core.py ``WorldCore`` holds the state, the lock, the clock (``now()``),
the look-ups, the role and ban checks, storing a message and publishing an event; each side
below inherits it and adds what its caller needs; world/state.py's ``World`` is all of them.

One error type: every refusal is ``ActionError(retcode, message)`` (RESP-9: 100 bad input, 102
no such target, 103 not permitted; for the bot: its role, owner > admin > member, does not allow
it), raised before anything changes. The actions answer it as a failed envelope, the console as
a 400 with the message (a console field's refusal starts with the field's name: "group_id: ...").

The bot's side (world/bot.py, world/info.py; called by actions/):

    send_private(user_id, segments) -> message_id      send_group(group_id, segments) -> id
    get_message(message_id) -> record                  get_forward(id) -> [node segments]
    delete_message(message_id)                          send_like(user_id, times)
    kick(group_id, user_id, reject_add_request)         ban(group_id, user_id, duration)
    anonymous_ban(group_id, flag, duration)             whole_ban(group_id, enable)
    set_admin(group_id, user_id, enable)                set_anonymous(group_id, enable)
    set_card(group_id, user_id, card)                   set_group_name(group_id, group_name)
    leave(group_id, is_dismiss)                         set_special_title(gid, uid, title, duration)
    handle_friend_request(flag, approve, remark)        handle_group_request(flag, sub_type,
                                                                             approve, reason)
    login_info() stranger_info(uid) friend_list() group_info(gid) group_list()
    member_info(gid, uid) member_list(gid) honor_info(gid, type) stats() has_media(kind, file)

Every message, the bot's or a user's, is checked by world/content.py before it is stored: an
``at`` with ``qq=all`` in a group needs an admin or the owner (103), a ``reply`` must quote a
stored, unrecalled message (102), and a ``base64://`` media file is decoded (100 when invalid)
into data_dir/<kind>/<sha1>.<ext> and stored by that name and a ``file://`` url (world/media.py);
``http(s)://`` and ``file://`` media are recorded as given, never fetched nor read.

What the bot's role allows (onebot_ref's reading of QQ; a refusal is 103 and changes nothing):

    any role          send (unless banned; a plain member not during a whole-group ban),
                      recall its own messages, set its own card, leave (the owner: dismiss only)
    outrank target    kick, ban, recall another's group message, set another's card
    admin or owner    whole ban, allow anonymous, anonymous ban, set the group name,
                      approve join requests
    owner only        set_group_admin, set_group_special_title

The other users' side (world/users.py, world/injected.py; called by the console). A banned user
cannot speak either, by the same check as the bot:

    receive_private_message(user_id, message, group_id=None) -> event
    receive_group_message(group_id, user_id, message, anonymous=None) -> event
    inject_event(partial) -> event

What the console shows (world/console_views.py):

    snapshot() -> dict                                        # GET /sim/world
    messages_since(seq, limit=500) -> (messages, cursor)     # GET /sim/messages
    wait_message(after, timeout) -> bool                      # its long poll
    media_file(kind, file) -> path | None     # the file to show for an image/record/video
    self_id, nickname

The core, for the sides (the caller holds ``lock``; ``field``: the console's field name that
starts the message, None for the bot's wording):

    lock  message_stored (a Condition)  now()  close()
    account(user_id, field) group(group_id, field) member(group, user_id, field)     # 102
    pending_request(flag, request_type) (102)  new_flag()
    bot_role(group)  require_role(group, role, what)  require_outrank(group, member, what)
    require_may_speak(group, member, now)                                            # 103
    prepare(segments, group_id, role) -> segments   store_message(...) -> record
    publish(event) -> event

Restart: the ``world:`` config is re-applied on every start (friends, groups, members as the
file says); message history and merged forwards persist in ``database`` (a file), and message
ids keep increasing. Pending requests do not survive a restart (their flags become unknown).
"""

from __future__ import annotations

from .config import DEFAULT_WORLD, WorldConfigError, validate_world_config
from .state import World

__all__ = ["DEFAULT_WORLD", "World", "WorldConfigError", "validate_world_config"]
