"""The console's JSON API (docs/console-api.md) over a real socket, against the
real world, bus and actions of a Runner (no mode needed: the world is checked directly and
through ``actions.call``, the way a bot would see it)."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from helpers import direct_call, start_runner

TIMEOUT = 5


@pytest.fixture
def console(make_runner):
    """A started runner with the console on; ``console.base`` is its URL."""
    with make_runner(use_console=True) as runner:
        runner.base = runner.url("console")
        yield runner


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One runner for the tests that must not change anything (the 400 table)."""
    with start_runner(tmp_path_factory.mktemp("shared"), use_console=True) as runner:
        runner.base = runner.url("console")
        yield runner


def get(runner, path, **params):
    return requests.get(runner.base + path, params=params, timeout=TIMEOUT)


def post(runner, path, body=None, **kwargs):
    return requests.post(runner.base + path, json=body, timeout=TIMEOUT, **kwargs)


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


# --- bad input: 400 {"error"}, nothing half-applied -------------------------------------------

BAD = [
    # (endpoint, body, words the error must contain)
    ("/sim/private_message", "not json", "JSON object"),
    ("/sim/private_message", [1, 2], "JSON object"),
    ("/sim/private_message", {"message": "hi"}, "user_id: missing"),
    ("/sim/private_message", {"user_id": "abc", "message": "hi"}, "user_id"),
    ("/sim/private_message", {"user_id": 99999, "message": "hi"}, "99999"),
    ("/sim/private_message", {"user_id": 10000, "message": "hi"}, "bot itself"),
    ("/sim/private_message", {"user_id": 10001}, "message: missing"),
    ("/sim/private_message", {"user_id": 10001, "message": 123}, "message"),
    ("/sim/private_message", {"user_id": 10001, "message": ""}, "message: empty"),
    ("/sim/private_message", {"user_id": 10001, "message": [{"data": {}}]}, "type"),
    ("/sim/private_message", {"user_id": 10001, "message": [{"type": "image", "data": {}}]},
     "file"),
    ("/sim/private_message", {"user_id": 10001, "message": "hi", "sender": 1}, "sender"),
    ("/sim/private_message", {"user_id": 10004, "message": "hi", "group_id": 20001},
     "not a member"),
    ("/sim/group_message", {"group_id": 29999, "user_id": 10001, "message": "hi"}, "29999"),
    ("/sim/group_message", {"group_id": 20001, "user_id": 10004, "message": "hi"},
     "not a member"),
    ("/sim/group_message", {"group_id": 20001, "user_id": 99999, "message": "hi"}, "99999"),
    ("/sim/group_message", {"group_id": 20001, "user_id": 10001, "message": {"x": 1}},
     "message"),
    ("/sim/group_message", {"group_id": 20001, "user_id": 10001}, "message: missing"),
    ("/sim/group_message", {"group_id": 20001, "user_id": 10001, "message": "hi",
                            "anonymous": True}, "anonymous"),
    ("/sim/event", "nope", "JSON object"),
    ("/sim/event", {"notice_type": "friend_add", "user_id": 10009}, "post_type: missing"),
    ("/sim/event", {"post_type": "foo"}, "post_type"),
    ("/sim/event", {"post_type": "notice", "notice_type": "bogus"}, "notice_type"),
    ("/sim/event", {"post_type": "notice", "notice_type": "group_increase",
                    "sub_type": "approve", "group_id": 20001, "operator_id": 10000,
                    "user_id": 10001}, "already a member"),
    ("/sim/event", {"post_type": "notice", "notice_type": "group_increase",
                    "sub_type": "approve", "group_id": 20001, "user_id": 10004},
     "operator_id"),
    ("/sim/event", {"post_type": "notice", "notice_type": "group_ban", "sub_type": "ban",
                    "group_id": 20001, "operator_id": 10002, "user_id": 10003,
                    "duration": 60}, "operator_id"),
    ("/sim/event", {"post_type": "request", "request_type": "friend", "user_id": 10001,
                    "comment": "hi"}, "already a friend"),
    ("/sim/event", {"post_type": "meta_event", "meta_event_type": "heartbeat"}, "meta"),
    ("/sim/event", {"post_type": "message", "message_type": "private", "user_id": 10001,
                    "message": "x", "message_id": 5}, "message_id"),
    ("/sim/event", {"post_type": "notice", "notice_type": "friend_add", "user_id": "10009"},
     "user_id"),
]


def _state(runner) -> tuple:
    snapshot = get(runner, "/sim/world").json()
    cursor = get(runner, "/sim/messages", after=2**52).json()["cursor"]
    runner.bus.wait_idle(TIMEOUT)
    return snapshot, cursor


@pytest.mark.parametrize("path,body,words", BAD,
                         ids=[f"{p.rsplit('/', 1)[1]}-{w}" for p, _, w in BAD])
def test_bad_input_is_400_naming_the_problem_and_changes_nothing(shared, path, body, words):
    published = []
    sink = published.append
    shared.bus.add_sink(sink, "push")
    try:
        before = _state(shared)
        if isinstance(body, str):
            answer = requests.post(shared.base + path, data=body, timeout=TIMEOUT,
                                   headers={"Content-Type": "application/json"})
        else:
            answer = post(shared, path, body)
        assert answer.status_code == 400, answer.text
        assert answer.headers["Content-Type"].startswith("application/json")
        assert words in answer.json()["error"]
        assert _state(shared) == before
        assert published == []
    finally:
        shared.bus.remove_sink(sink)


@pytest.mark.parametrize("path,query,words", [
    ("/sim/messages", {"after": "abc"}, "after"),
    ("/sim/messages", {"after": "-1"}, "after"),
    ("/sim/messages", {"limit": "0"}, "limit"),
    ("/sim/messages", {"wait": "999"}, "wait"),
    ("/sim/traffic", {"after": "1.5"}, "after"),
    ("/sim/traffic", {"channel": "smtp"}, "channel"),
])
def test_bad_query_is_400(shared, path, query, words):
    answer = get(shared, path, **query)
    assert answer.status_code == 400 and words in answer.json()["error"]


@pytest.mark.parametrize("path, body, field", [
    pytest.param("/sim/private_message", {"user_id": "+-5", "message": "hi"}, "user_id",
                 id="two-signs"),
    pytest.param("/sim/private_message", {"user_id": "\u00b2", "message": "hi"}, "user_id",
                 id="superscript-digit"),
    pytest.param("/sim/private_message", {"user_id": "9" * 5000, "message": "hi"}, "user_id",
                 id="more-digits-than-python-converts"),
    pytest.param("/sim/private_message", {"user_id": 10001, "message": "hi", "group_id": "--1"},
                 "group_id", id="optional-field"),
    pytest.param("/sim/group_message", {"group_id": "+-20001", "user_id": 10001,
                                        "message": "hi"}, "group_id", id="group-message"),
])
def test_a_malformed_integer_string_is_400_naming_the_field(shared, path, body, field):
    """An id string read the way action parameters are (PARAM-3): a JSON 400 naming the
    field, never Flask's HTML 500, and nothing changes."""
    before = _state(shared)
    answer = post(shared, path, body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"].startswith(f"{field}: expected an integer")
    assert _state(shared) == before


def test_an_integer_string_with_spaces_and_a_sign_is_accepted(console):
    answer = post(console, "/sim/private_message", {"user_id": " +10001 ", "message": "hi"})
    assert answer.status_code == 200 and answer.json()["event"]["user_id"] == 10001


def test_unknown_endpoint_and_method_answer_json(shared):
    assert get(shared, "/sim/nothing").status_code == 404
    assert "no such console endpoint" in get(shared, "/sim/nothing").json()["error"]
    wrong = get(shared, "/sim/private_message")
    assert wrong.status_code == 405 and "POST" in wrong.json()["error"]


# --- GET /sim/messages ------------------------------------------------------------------------

def test_messages_page_by_seq_and_include_the_bots_own(console):
    first = post(console, "/sim/private_message", {"user_id": 10001, "message": "one"}).json()
    sent = direct_call(console.actions, "send_private_msg", user_id=10001, message="two")
    assert sent["status"] == "ok"
    page = get(console, "/sim/messages", after=0).json()
    assert [m["raw_message"] for m in page["messages"]] == ["one", "two"]
    mine, bots = page["messages"]
    assert mine["message_id"] == first["message_id"] and mine["from_self"] is False
    assert mine["message_type"] == "private" and mine["target_id"] == 10001
    assert bots["from_self"] is True and bots["user_id"] == 10000 and bots["target_id"] == 10001
    assert bots["message"] == [{"type": "text", "data": {"text": "two"}}]
    assert page["cursor"] == bots["seq"]
    later = get(console, "/sim/messages", after=mine["seq"]).json()
    assert [m["seq"] for m in later["messages"]] == [bots["seq"]]
    assert get(console, "/sim/messages", after=0, limit=1).json()["cursor"] == mine["seq"]
    assert get(console, "/sim/messages", after=page["cursor"]).json() == \
        {"messages": [], "cursor": page["cursor"]}


def test_messages_long_poll_returns_when_a_message_arrives(console):
    cursor = get(console, "/sim/messages", after=0).json()["cursor"]
    result = {}

    def poll():
        result["page"] = get(console, "/sim/messages", after=cursor, wait=10).json()

    poller = threading.Thread(target=poll, name="poller")
    started = time.monotonic()
    poller.start()
    time.sleep(0.2)  # let the poll reach the server first: the test is that it waits
    direct_call(console.actions, "send_group_msg", group_id=20001, message="woke you")
    poller.join(TIMEOUT)
    assert not poller.is_alive() and time.monotonic() - started < 5
    assert [m["raw_message"] for m in result["page"]["messages"]] == ["woke you"]
    assert result["page"]["messages"][0]["from_self"] is True


def test_messages_long_poll_times_out_empty(console):
    started = time.monotonic()
    page = get(console, "/sim/messages", after=0, wait=0.3).json()
    assert page == {"messages": [], "cursor": 0}
    assert 0.25 <= time.monotonic() - started < 3


# --- GET /sim/traffic -------------------------------------------------------------------------

def test_traffic_journals_console_changes_but_not_its_reading(console):
    post(console, "/sim/private_message", {"user_id": 10001, "message": "hi"})
    post(console, "/sim/private_message", {"user_id": 99999, "message": "hi"})
    page = get(console, "/sim/traffic", after=0).json()
    frames = page["frames"]
    assert [f["channel"] for f in frames] == ["console", "console"]
    assert frames[0]["path"] == "/sim/private_message" and frames[0]["direction"] == "in"
    assert frames[0]["data"] == {"user_id": 10001, "message": "hi"}
    assert frames[0]["verdict"].startswith("injected private message")
    assert frames[1]["verdict"].startswith("400: ") and "99999" in frames[1]["verdict"]
    assert page["cursor"] == frames[-1]["seq"]
    for _ in range(3):  # the console's own polling is not journalled
        get(console, "/sim/traffic", after=0)
        get(console, "/sim/messages", after=0)
        get(console, "/sim/world")
    assert console.traffic.cursor == page["cursor"]


def test_traffic_pages_filters_and_long_polls(console):
    for channel in ("http", "ws", "http", "ws_reverse"):
        console.traffic.record(channel, "in", "peer", {"action": "x"})
    first = get(console, "/sim/traffic", after=0, limit=2).json()
    assert [f["seq"] for f in first["frames"]] == [1, 2] and first["cursor"] == 2
    rest = get(console, "/sim/traffic", after=first["cursor"]).json()
    assert [f["seq"] for f in rest["frames"]] == [3, 4]
    only = get(console, "/sim/traffic", after=0, channel=["ws", "ws_reverse"]).json()
    assert [f["channel"] for f in only["frames"]] == ["ws", "ws_reverse"] and only["cursor"] == 4

    threading.Timer(0.2, console.traffic.record, ("http", "out", "peer", {"ok": 1})).start()
    started = time.monotonic()
    waited = get(console, "/sim/traffic", after=4, wait=10).json()
    assert [f["seq"] for f in waited["frames"]] == [5] and time.monotonic() - started < 5


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
