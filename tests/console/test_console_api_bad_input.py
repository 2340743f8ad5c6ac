"""The console's JSON API (docs/console-api.md) refusing bad input over a real socket: 400
{"error"} naming the problem and nothing half-applied (no world change, no message, nothing
published), malformed integer strings read as action parameters are (PARAM-3), unknown
endpoints and methods answered in JSON."""

from __future__ import annotations

import pytest
import requests

from console_api_kit import (
    TIMEOUT,
    fixture_console,  # noqa: F401 (the fixture console)
    get,
    post,
)
from helpers import start_runner


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One runner for the tests that must not change anything (the 400 table)."""
    with start_runner(tmp_path_factory.mktemp("shared"), use_console=True) as runner:
        runner.base = runner.url("console")
        yield runner


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

