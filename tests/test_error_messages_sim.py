"""Every refusal of the console's own ``/sim/*`` API ends with the rule it applies (issue 12:
error messages stay English and name the rule id; docs/rules.md "SIM", docs/console-api.md
"Errors"): one request per kind of refusal, sent byte for byte over a real socket to the
console of error_messages_kit's ``faces`` server (real clock, no faults active)."""

from __future__ import annotations

import json

import pytest

from error_messages_kit import HOST, JSON_TYPE, cited, exchange, fixture_faces  # noqa: F401


def console(faces, method: str, target: str, body: str | None = None) -> tuple[int, str]:
    """One console request; the answer's status and its ``error``."""
    data = (body or "").encode()
    head = f"{method} {target} HTTP/1.1\r\n{HOST}"
    if body is not None:
        head += f"{JSON_TYPE}Content-Length: {len(data)}\r\n"
    status, text = exchange(faces.ports["console"], head.encode() + b"\r\n" + data)
    return status, json.loads(text)["error"]


@pytest.mark.parametrize("method, target, body, status, ids", [
    # SIM-1: a path the console does not serve
    ("GET", "/sim/nothing", None, 404, ["SIM-1"]),
    ("POST", "/nowhere", "{}", 404, ["SIM-1"]),
    # SIM-2: a known endpoint, another method
    ("GET", "/sim/private_message", None, 405, ["SIM-2"]),
    ("DELETE", "/sim/world", None, 405, ["SIM-2"]),
    # SIM-3: the body's fields
    ("POST", "/sim/private_message", "[1]", 400, ["SIM-3"]),
    ("POST", "/sim/private_message", '{"user_id": 10001, "message": "hi", "usr": 1}', 400,
     ["SIM-3"]),
    ("POST", "/sim/private_message", '{"message": "hi"}', 400, ["SIM-3"]),
    ("POST", "/sim/group_message", '{"user_id": 10001, "message": "hi"}', 400, ["SIM-3"]),
    ("POST", "/sim/event", "[]", 400, ["SIM-3"]),
    ("POST", "/sim/event", '{"notice_type": "friend_add"}', 400, ["SIM-3"]),
    ("POST", "/sim/event", '{"kind": "no_such_kind"}', 400, ["SIM-3"]),
    ("POST", "/sim/clock", '{"advanse": 1}', 400, ["SIM-3"]),
    # SIM-4: the paging queries
    ("GET", "/sim/messages?after=1_000", None, 400, ["SIM-4"]),
    ("GET", "/sim/traffic?limit=0", None, 400, ["SIM-4"]),
    ("GET", "/sim/calls?wait=61", None, 400, ["SIM-4"]),
    ("GET", "/sim/session?wait=nan", None, 400, ["SIM-4"]),
    ("GET", "/sim/connections?after=-1", None, 400, ["SIM-4"]),
    ("GET", "/sim/connections?open=yes", None, 400, ["SIM-4"]),
    # SIM-5: a channel filter
    ("GET", "/sim/traffic?channel=smtp", None, 400, ["SIM-5"]),
    ("GET", "/sim/connections?channel=smtp", None, 400, ["SIM-5"]),
    # SIM-6: an injected message
    ("POST", "/sim/private_message", '{"user_id": 10001}', 400, ["SIM-6"]),
    ("POST", "/sim/private_message", '{"user_id": 10001, "message": 5}', 400, ["SIM-6"]),
    ("POST", "/sim/private_message", '{"user_id": 10001, "message": []}', 400, ["SIM-6"]),
    # SIM-7: an expectation
    ("POST", "/sim/expect", '{"kind": "telepathy"}', 400, ["SIM-7"]),
    ("POST", "/sim/expect", '{"kind": "bot", "text": "hi"}', 400, ["SIM-7"]),
    ("POST", "/sim/expect", '{"kind": "call"}', 400, ["SIM-7"]),
    ("POST", "/sim/expect", '{"kind": "call", "action": "send_msg", "params": []}', 400,
     ["SIM-7"]),
    ("POST", "/sim/expect", '{"kind": "message", "text": "a", "regex": "a"}', 400, ["SIM-7"]),
    ("POST", "/sim/expect", '{"kind": "message", "regex": "("}', 400, ["SIM-7"]),
    ("POST", "/sim/expect", '{"kind": "message", "timeout": 301}', 400, ["SIM-7"]),
    ("POST", "/sim/expect", '{"kind": "no_message", "within": "1"}', 400, ["SIM-7"]),
    ("POST", "/sim/expect", '{"kind": "message", "to_user": 0}', 400, ["BAD-3"]),
    # SIM-8: the clock
    ("POST", "/sim/clock", "{}", 400, ["SIM-8"]),
    ("POST", "/sim/clock", '{"advance": -1}', 400, ["SIM-8"]),
    ("POST", "/sim/clock", '{"advance": 1}', 400, ["SIM-8"]),
    # SIM-9: a fault id that is not active
    ("DELETE", "/sim/faults/f999", None, 404, ["SIM-9"]),
])
def test_console_refusals_end_with_their_rule(faces, method, target, body, status, ids):
    got, error = console(faces, method, target, body)
    assert got == status, error
    assert cited(error) == ids


@pytest.mark.parametrize("target, body", [
    ("/sim/private_message", '{"user_id": 987654321, "message": "hi"}'),
    ("/sim/group_message", '{"group_id": 1, "user_id": 10001, "message": "hi"}'),
    ("/sim/event", '{"post_type": "notice", "notice_type": "bogus"}'),
])
def test_an_injection_the_world_refuses_ends_with_SIM_10(faces, target, body):
    """SIM-10: the world's own refusal (an unknown sender, a group the bot is not in, a bad
    event field) carries the world's message and the console's id."""
    status, error = console(faces, "POST", target, body)
    assert status == 400, error
    assert cited(error) == ["SIM-10"]


def test_the_text_before_the_id_is_unchanged(faces):
    """The id is added after the message, which still starts with the field at fault."""
    _, error = console(faces, "GET", "/sim/messages?after=1_000")
    assert error == "after: expected an integer, got '1_000' (SIM-4)"
    _, error = console(faces, "GET", "/sim/nothing")
    assert error == ("no such console endpoint: GET /sim/nothing (see GET /sim/world, "
                     "POST /sim/private_message, ...) (SIM-1)")
