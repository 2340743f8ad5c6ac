"""Every Milky 1.2 event type, made by a real change of the world (the bot's API calls, the
other users' console operations), rendered from the bus item by MilkyActions.render, checked
against the IR (conform.problems, MLK-18/28) and read by nonebot-adapter-milky 1.3.0's own entry
point from the wire text (MLK-37: its strict models silently drop an event that fails).
The mapping: MLK-47..49."""

from __future__ import annotations

import json

import pytest
from nonebot.adapters.milky import Adapter
from nonebot.adapters.milky.event import EVENT_CLASSES

from milky_world import (
    ADMINED,
    ALICE,
    BOB,
    BOT,
    CAROL,
    OWNED,
    TEXT_FILE,
    group_message,
    make,
    ok,
)
from onebot_ref.bus import Published
from onebot_ref.protocol import events as onebot_events
from onebot_ref.protocol.milky import conform, sse
from onebot_ref.protocol.milky.structs import STRUCTS

HELLO = [{"type": "text", "data": {"text": "hello"}}]


def _request(world, **fields):
    return world.inject_event({"post_type": "request", "comment": "hi", **fields})


def _notice(world, **fields):
    return world.inject_event({"post_type": "notice", **fields})


# scenario name -> (the event_type it must end with, what it does)
SCENARIOS = {
    "group message": ("message_receive", lambda w, m: group_message(w, "hi [CQ:face,id=14]")),
    "friend message": ("message_receive", lambda w, m: w.receive_private_message(ALICE, "hi")),
    "temp message": ("message_receive",
                     lambda w, m: w.receive_private_message(10009, "hi", group_id=OWNED)),
    "the bot's own message": ("message_receive", lambda w, m: ok(
        m, "send_group_message", group_id=OWNED, message=HELLO)),
    "group recall": ("message_recall", lambda w, m: ok(
        m, "recall_group_message", group_id=OWNED, message_seq=group_message(w, user_id=BOB))),
    "friend recall": ("message_recall", lambda w, m: _notice(
        w, notice_type="friend_recall", user_id=ALICE,
        message_id=w.receive_private_message(ALICE, "oops")["message_id"])),
    "pin": ("peer_pin_change", lambda w, m: ok(m, "set_peer_pin", message_scene="group",
                                               peer_id=OWNED)),
    "friend request": ("friend_request", lambda w, m: _request(
        w, request_type="friend", user_id=10009)),
    "join request": ("group_join_request", lambda w, m: _request(
        w, request_type="group", sub_type="add", group_id=OWNED, user_id=10099)),
    "invited join": ("group_invited_join_request", lambda w, m: w.inject_invited_join_request(
        OWNED, ALICE, 10098)),
    "invitation": ("group_invitation", lambda w, m: _request(
        w, request_type="group", sub_type="invite", group_id=29999, user_id=ALICE)),
    "friend nudges the bot": ("friend_nudge", lambda w, m: w.inject_friend_nudge(ALICE)),
    "the bot nudges a friend": ("friend_nudge", lambda w, m: ok(m, "send_friend_nudge",
                                                                user_id=BOB)),
    "private file": ("friend_file_upload", lambda w, m: w.inject_file_upload(
        ALICE, "a.txt", TEXT_FILE)),
    "admin set": ("group_admin_change", lambda w, m: ok(m, "set_group_member_admin",
                                                        group_id=OWNED, user_id=BOB)),
    "admin unset by the owner": ("group_admin_change", lambda w, m: _notice(
        w, notice_type="group_admin", sub_type="unset", group_id=OWNED, user_id=ALICE)),
    "essence": ("group_essence_message_change", lambda w, m: w.inject_essence(
        OWNED, ALICE, group_message(w))),
    "member approved": ("group_member_increase", lambda w, m: ok(
        m, "accept_group_request", notification_type="join_request", group_id=OWNED,
        notification_seq=_request(w, request_type="group", sub_type="add", group_id=OWNED,
                                  user_id=10099) and next(reversed(w.request_log)))),
    "member invited": ("group_member_increase", lambda w, m: ok(
        m, "accept_group_request", notification_type="invited_join_request", group_id=OWNED,
        notification_seq=w.inject_invited_join_request(OWNED, ALICE, 10098)["seq"])),
    "member left": ("group_member_decrease", lambda w, m: _notice(
        w, notice_type="group_decrease", sub_type="leave", group_id=OWNED, user_id=CAROL,
        operator_id=CAROL)),
    "member kicked": ("group_member_decrease", lambda w, m: ok(
        m, "kick_group_member", group_id=OWNED, user_id=CAROL)),
    "group renamed by the bot": ("group_name_change", lambda w, m: ok(
        m, "set_group_name", group_id=ADMINED, new_group_name="新")),
    "group renamed by a member": ("group_name_change", lambda w, m: w.inject_group_name_change(
        OWNED, ALICE, "Alice's")),
    "reaction": ("group_message_reaction", lambda w, m: w.inject_reaction(
        OWNED, BOB, group_message(w), "76")),
    "mute": ("group_mute", lambda w, m: ok(m, "set_group_member_mute", group_id=OWNED,
                                            user_id=BOB, duration=60)),
    "unmute": ("group_mute", lambda w, m: ok(m, "set_group_member_mute", group_id=OWNED,
                                              user_id=BOB, duration=0)),
    "whole mute": ("group_whole_mute", lambda w, m: ok(m, "set_group_whole_mute",
                                                       group_id=OWNED)),
    "group nudge": ("group_nudge", lambda w, m: ok(m, "send_group_nudge", group_id=OWNED,
                                                   user_id=ALICE)),
    "injected poke": ("group_nudge", lambda w, m: _notice(
        w, notice_type="notify", sub_type="poke", group_id=OWNED, user_id=ALICE,
        target_id=BOT)),
    "group file": ("group_file_upload", lambda w, m: ok(
        m, "upload_group_file", group_id=OWNED, file_uri=TEXT_FILE, file_name="a.txt")),
    "injected group upload": ("group_file_upload", lambda w, m: _notice(
        w, notice_type="group_upload", group_id=OWNED, user_id=ALICE,
        file={"id": "f-x", "name": "x.zip", "size": 3, "busid": 102})),
}


def _validate(event: dict) -> None:
    assert conform.problems("Event", event) == []
    parsed = Adapter.json_to_event(json.loads(sse.encode(event)))
    assert isinstance(parsed, EVENT_CLASSES[event["event_type"]]), "the adapter dropped it"
    assert parsed.self_id == BOT


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_event_renders_conforms_and_the_adapter_reads_it(name, tmp_path):
    event_type, scenario = SCENARIOS[name]
    world, milky, rendered = make(tmp_path)
    scenario(world, milky)
    assert rendered and rendered[-1]["event_type"] == event_type, rendered
    _validate(rendered[-1])
    world.close()


def test_bot_offline_too(tmp_path):
    world, milky, _ = make(tmp_path)
    _validate(milky.bot_offline("the server is stopping"))
    world.close()


def test_the_scenarios_cover_all_20_event_types():
    produced = {event_type for event_type, _ in SCENARIOS.values()} | {"bot_offline"}
    assert produced == set(STRUCTS["Event"].tags) and len(produced) == 20


def test_what_the_events_say(tmp_path):
    """A few fields that only a wrong mapping would get wrong."""
    world, milky, rendered = make(tmp_path)
    world.receive_private_message(ALICE, "one")
    world.receive_private_message(ALICE, "two")
    assert [e["data"]["message_seq"] for e in rendered] == [1, 2]  # per chat
    assert rendered[-1]["data"]["friend"]["remark"] == ""
    world.receive_private_message(10009, "temp", group_id=OWNED)
    assert (rendered[-1]["data"]["message_scene"], rendered[-1]["data"]["group"]["group_id"]) \
        == ("temp", OWNED)
    ok(milky, "set_group_member_mute", group_id=OWNED, user_id=BOB, duration=0)
    assert rendered[-1]["data"] == {"group_id": OWNED, "user_id": BOB, "operator_id": BOT,
                                    "duration": 0}
    _notice(world, notice_type="group_decrease", sub_type="leave", group_id=OWNED,
            user_id=CAROL, operator_id=CAROL)
    assert rendered[-1]["data"]["operator_id"] is None  # "如果是管理员踢出" only
    _request(world, request_type="friend", user_id=10009, comment="a [b] & c")
    assert rendered[-1]["data"]["comment"] == "a [b] & c"  # not CQ-escaped (A-45 is OB11's)
    assert rendered[-1]["data"]["initiator_uid"] == "u_10009"
    world.close()


def test_items_without_a_milky_form_say_why(tmp_path):
    world, milky, rendered = make(tmp_path)
    items = []
    world.bus.add_sink(items.append, "push", also_facts_only=True)
    _notice(world, notice_type="friend_add", user_id=10009)
    ok(milky, "set_nickname", new_nickname="bot")
    heartbeat = Published(onebot_events.heartbeat(BOT, 1, status={}, interval=5000))
    for item in items + [heartbeat]:
        assert milky.render(item) is None and milky.text(item) is None
    assert [milky.verdict(i) for i in items + [heartbeat]] == [
        "no Milky form: a new friend (a Milky client learns it from the request it accepted)",
        "no Milky form: the bot's own profile changed",
        "no Milky form: OneBot 11 heartbeat (published by the transport, not the world)"]
    world.close()


def test_one_rendering_and_one_text_per_item(tmp_path):
    """However many clients, an item is rendered and encoded once (Published.memo)."""
    world, milky, _ = make(tmp_path)
    items = []
    world.bus.add_sink(items.append, "push", also_facts_only=True)
    world.receive_group_message(OWNED, ALICE, "hi")
    item = items[-1]
    assert milky.render(item) is milky.render(item)
    assert milky.text(item) is milky.text(item)
    assert json.loads(milky.text(item)) == milky.render(item)
    assert milky.verdict(item) == "message_receive" and not milky.is_self_message(item)
    ok(milky, "send_private_message", user_id=ALICE, message=HELLO)
    assert milky.is_self_message(items[-1]) and items[-1].event is None
    world.close()


def test_a_renderer_bug_drops_the_item_and_is_logged(tmp_path, caplog):
    world, milky, _ = make(tmp_path)
    broken = Published(None, {"kind": "reaction", "group_id": OWNED})  # keys missing
    assert milky.render(broken) is None
    assert "rendering a Milky event failed" in caplog.text
    world.close()
