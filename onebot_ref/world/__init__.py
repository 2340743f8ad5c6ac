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
                      recall its own messages, set its own card, leave (the owner: dismiss only),
                      react, nudge, upload files and manage its own
    outrank target    kick, ban, recall another's group message, set another's card
    admin or owner    whole ban, allow anonymous, anonymous ban, set the group name and avatar,
                      approve join requests and invited joins, announcements, essence messages,
                      folders, others' files
    owner only        set_group_admin, set_group_special_title

What the bot reads and does beyond OneBot 11's actions (for the Milky face; the reads answer
with the neutral dicts of world/facts.py). A chat is ``(message_type, peer_id)``, "private" or
"group"; its messages are numbered per chat (``peer_seq``: world/store.py, world/chats.py):

    chat_message(type, peer, seq) -> record    chat_message_id(type, peer, seq) -> id | None
    chat_history(type, peer, start, limit) -> (records, next)    mark_read(type, peer, seq)
    message_record(message_id) -> record | None    forward_time(forward_id)
    pinned() -> {friend, group}                set_pin(kind, peer_id, is_pinned)
    profile(uid) friend_facts(uid) friends_facts() group_facts(gid) groups_facts()
    member_facts(gid, uid) members_facts(gid)      set_nickname(n) set_bio(b) set_avatar(uri)
    delete_friend(uid)  nudge_friend(uid, itself)  nudge_member(gid, uid)
    set_group_avatar(gid, uri)   announcements(gid)   send_announcement(gid, text, image_uri)
    delete_announcement(gid, id)   essence_page(gid, index, size)   set_essence(gid, seq, on)
    react(gid, seq, face_id, type, is_add)
    friend_requests(limit, filtered)           handle_friend_request_from(uid, filtered, ok)
    group_notifications(start, filtered, limit) handle_group_notification(seq, kind, gid, ...)
    handle_invitation(gid, seq, approve)
    group_files(gid, folder) upload_group_file(gid, folder, uri, name) group_file_download(...)
    move_group_file rename_group_file delete_group_file create_group_folder
    rename_group_folder delete_group_folder    upload_private_file(uid, uri, name)
    private_file(uid, file_id, sha1)

Requests are kept after they are handled, with their state (pending, accepted, rejected), a
seq, the handler (world/requests.py); join requests, invited joins, admin changes, kicks and
quits are the groups' notifications. Every change is published with its facts (world/facts.py
lists the kinds); one OneBot 11 has no event for (the bot's own message, a group renamed, a
reaction, a pin, a nudge of a friend, an essence message, a private file, an invited join, the
bot's profile) is a facts-only item that no OneBot 11 sink sees (bus.py).

The other users' side (world/users.py, world/injected.py, world/injected_more.py; called by the
console). A banned user cannot speak either, by the same check as the bot:

    receive_private_message(user_id, message, group_id=None) -> event
    receive_group_message(group_id, user_id, message, anonymous=None) -> event
    inject_event(partial) -> event
    inject_group_name_change(gid, operator_id, name)  inject_reaction(gid, uid, seq, face_id, ...)
    inject_friend_nudge(uid, to_self)   inject_essence(gid, operator_id, seq, is_set)
    inject_file_upload(uid, name, uri, group_id=None, parent_folder_id="/")
    inject_invited_join_request(gid, initiator_id, target_user_id) -> request facts

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
    pending_request(flag, request_type) (102)  new_flag()  new_id(prefix)
    remember_request(request)  notify(kind, group_id, ...)
    bot_role(group)  require_role(group, role, what)  require_outrank(group, member, what)
    require_may_speak(group, member, now)                                            # 103
    prepare(segments, group_id, role) -> segments   store_message(...) -> record
    publish(event, facts) -> event   publish_facts(facts)   message_facts(record)
    publish_message(event | None, record)     # facts built only when bus.wants_facts

Restart: the ``world:`` config is re-applied on every start (friends, groups, members as the
file says); message history and merged forwards persist in ``database`` (a file), message ids
keep increasing and so do the numbers of each chat. Requests, notifications, pins, read marks,
announcements, essence messages, reactions and files do not survive a restart (the files'
bytes stay in data_dir).
"""

from __future__ import annotations

from .config import DEFAULT_WORLD, WorldConfigError, validate_world_config
from .state import World

__all__ = ["DEFAULT_WORLD", "World", "WorldConfigError", "validate_world_config"]
