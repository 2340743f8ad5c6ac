"""The console's JSON API (docs/console-api.md) over a real socket, against the
real world, bus and actions of a Runner (no mode needed: the world is checked directly and
through ``actions.call``, the way a bot would see it): GET /sim/world, the injected messages
(EVT-5), POST /sim/event (every notice and request kind), the page, the access token (AUTH-4).
Bad input: test_console_api_bad_input.py; /sim/messages and /sim/traffic:
test_console_api_messages_traffic.py."""

from __future__ import annotations

import pytest
import requests

from console_api_kit import (
    TIMEOUT,
    fixture_console,  # noqa: F401 (the fixture console)
    get,
    post,
)
from helpers import direct_call


# --- GET /sim/world ----------------------------------------------------------------------------
def test_world_has_self_friends_groups_with_members(console):
    """docs/console-api.md: GET /sim/world -> {"self", "friends", "groups": [{..., "members"}]}."""
    world = get(console, "/sim/world").json()
    assert world["self"]["user_id"] == 10000
    assert {f["user_id"] for f in world["friends"]} >= {10001, 10002}
    group = next(g for g in world["groups"] if g["group_id"] == 20001)
    assert {m["user_id"] for m in group["members"]} >= {10000, 10001, 10002}


# --- POST /sim/private_message, /sim/group_message -------------------------------------------

def test_private_message_is_a_real_stored_message(console):
    """The injected message gets a real id that get_msg finds, and the exact pushed event."""
    answer = post(console, "/sim/private_message", {"user_id": 10001, "message": "hello"})
    assert answer.status_code == 200
    body = answer.json()
    event = body["event"]
    assert body["message_id"] == event["message_id"]
    assert (event["post_type"], event["message_type"], event["sub_type"]) == \
        ("message", "private", "friend")
    assert event["user_id"] == 10001 and event["self_id"] == 10000
    assert event["message"] == "hello"  # post_message_format string (EVT-5)
    stored = direct_call(console.actions, "get_msg", message_id=body["message_id"])
    assert stored["status"] == "ok" and stored["data"]["sender"]["user_id"] == 10001


def test_private_message_event_follows_array_format(make_runner):
    """EVT-5: the returned event is the pushed one, in post_message_format."""
    with make_runner(use_console=True, post_message_format="array") as runner:
        answer = requests.post(runner.url("console") + "/sim/private_message",
                               json={"user_id": 10001, "message": "hi [CQ:face,id=14]"},
                               timeout=TIMEOUT).json()
    assert answer["event"]["message"] == [{"type": "text", "data": {"text": "hi "}},
                                          {"type": "face", "data": {"id": "14"}}]


def test_private_message_from_group_member_is_a_temporary_session(console):
    """event/message.md#私聊消息 sub_type group: a private message through a group."""
    event = post(console, "/sim/private_message",
                 {"user_id": 10009, "message": "hi", "group_id": 20001}).json()["event"]
    assert event["sub_type"] == "group"


def test_group_message_reaches_the_bus_with_sender(console):
    seen = []
    console.bus.add_sink(lambda p: seen.append(p.event), "push")
    answer = post(console, "/sim/group_message",
                  {"group_id": 20001, "user_id": 10002, "message": [
                      {"type": "text", "data": {"text": "hey"}}]})
    assert answer.status_code == 200
    event = answer.json()["event"]
    assert (event["message_type"], event["group_id"], event["user_id"]) == ("group", 20001, 10002)
    assert event["sender"]["role"] == "member"
    assert console.bus.wait_idle(TIMEOUT)
    assert [e["message_id"] for e in seen] == [answer.json()["message_id"]]


# --- POST /sim/event ---------------------------------------------------------------------------

def test_friend_request_gets_a_flag_that_set_friend_add_request_accepts(console):
    """/sim/event fills time, self_id and flag; the bot approves with that flag (API-39)."""
    event = post(console, "/sim/event", {"post_type": "request", "request_type": "friend",
                                         "user_id": 10009, "comment": "hi"}).json()["event"]
    assert event["self_id"] == 10000 and isinstance(event["time"], int) and event["flag"]
    answer = direct_call(console.actions, "set_friend_add_request", flag=event["flag"],
                         approve=True)
    assert answer["status"] == "ok"
    friends = {f["user_id"] for f in get(console, "/sim/world").json()["friends"]}
    assert 10009 in friends


def test_group_increase_adds_the_member(console):
    """The world change the event implies: group_increase adds the member."""
    answer = post(console, "/sim/event", {"post_type": "notice", "notice_type": "group_increase",
                                          "sub_type": "approve", "group_id": 20001,
                                          "operator_id": 10000, "user_id": 10004})
    assert answer.status_code == 200, answer.text
    members = direct_call(console.actions, "get_group_member_list", group_id=20001)["data"]
    assert 10004 in {m["user_id"] for m in members}


@pytest.mark.parametrize("partial", [
    {"post_type": "notice", "notice_type": "group_admin", "sub_type": "set", "group_id": 20001,
     "user_id": 10002},
    {"post_type": "notice", "notice_type": "group_decrease", "sub_type": "leave",
     "group_id": 20001, "user_id": 10003},
    {"post_type": "notice", "notice_type": "group_ban", "sub_type": "ban", "group_id": 20001,
     "operator_id": 10001, "user_id": 10002, "duration": 60},
    {"post_type": "notice", "notice_type": "friend_add", "user_id": 10009},
    {"post_type": "notice", "notice_type": "notify", "sub_type": "poke", "group_id": 20001,
     "user_id": 10001, "target_id": 10000},
    {"post_type": "notice", "notice_type": "notify", "sub_type": "honor", "group_id": 20001,
     "user_id": 10001, "honor_type": "talkative"},
    {"post_type": "notice", "notice_type": "group_upload", "group_id": 20001, "user_id": 10001,
     "file": {"id": "f1", "name": "a.txt", "size": 3, "busid": 102}},
    {"post_type": "request", "request_type": "group", "sub_type": "add", "group_id": 20001,
     "user_id": 10004, "comment": "let me in"},
    {"post_type": "request", "request_type": "group", "sub_type": "invite", "group_id": 29999,
     "user_id": 10001, "comment": ""},
    {"post_type": "message", "message_type": "group", "group_id": 20001, "user_id": 10001,
     "message": "via /sim/event"},
], ids=["EVT-group_admin", "EVT-group_decrease", "EVT-group_ban", "EVT-friend_add",
        "EVT-poke", "EVT-honor", "EVT-group_upload", "EVT-group_request-add",
        "EVT-group_request-invite", "EVT-message"])
def test_event_kinds_are_published_whole(console, partial):
    """Each notice/request table of event/*.md: the published event has every given field plus
    time and self_id (and flag for requests)."""
    seen = []
    console.bus.add_sink(lambda p: seen.append(p.event), "push")
    answer = post(console, "/sim/event", partial)
    assert answer.status_code == 200, answer.text
    event = answer.json()["event"]
    for key, value in partial.items():
        if key != "message":
            assert event[key] == value
    assert event["self_id"] == 10000 and isinstance(event["time"], int)
    assert ("flag" in event) == (partial["post_type"] == "request")
    assert console.bus.wait_idle(TIMEOUT) and seen[-1]["post_type"] == partial["post_type"]


# --- the page ---------------------------------------------------------------------------------

def test_page_and_assets_are_served_without_a_cdn(console):
    page = get(console, "/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert '/static/app.js' in page.text and "https://" not in page.text
    for asset, kind in (("/static/app.js", "javascript"), ("/static/style.css", "css")):
        answer = get(console, asset)
        assert answer.status_code == 200 and kind in answer.headers["Content-Type"]
        assert "https://" not in answer.text
    kinds = {k["name"] for k in get(console, "/kinds.json").json()["kinds"]}
    assert {"friend_request", "group_request", "group_increase", "poke", "honor"} <= kinds


# --- access token -----------------------------------------------------------------------------

def test_non_loopback_console_checks_the_token(make_runner):
    """AUTH-4 forms on the console: 401 missing, 403 wrong, header or query accepted."""
    with make_runner(use_console=True, console_host="0.0.0.0", access_token="s3cret") as runner:
        base = f"http://127.0.0.1:{runner.ports['console']}"
        missing = requests.get(base + "/sim/world", timeout=TIMEOUT)
        assert missing.status_code == 401 and "access token missing" in missing.json()["error"]
        wrong = requests.get(base + "/sim/world", timeout=TIMEOUT,
                             headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        assert requests.get(base + "/sim/world", timeout=TIMEOUT,
                            headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert requests.get(base + "/?access_token=s3cret", timeout=TIMEOUT).status_code == 200
        assert requests.get(base + "/", timeout=TIMEOUT).status_code == 401
        assert requests.get(base + "/static/app.js", timeout=TIMEOUT).status_code == 200
        refused = [f for f in runner.traffic.since(0)[0] if f["channel"] == "console"]
        assert [f["verdict"][:3] for f in refused] == ["401", "403", "401"]
        assert refused[1]["headers"]["Authorization"] == "Bearer no****"


def test_loopback_console_is_open_even_with_a_token(make_runner):
    with make_runner(use_console=True, access_token="s3cret") as runner:
        answer = requests.get(runner.url("console") + "/sim/world", timeout=TIMEOUT)
    assert answer.status_code == 200
