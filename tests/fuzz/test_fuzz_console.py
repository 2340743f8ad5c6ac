"""Fuzzing the console's /sim/* bodies and queries: injected messages and events with edge values
in every field, bodies that are not strict JSON, page queries that are not numbers, against one
running server (BAD-1..6; docs/console-api.md: "Nothing is half applied").

Every answer is strict JSON: 200, or a 400 ``{"error": ...}``; after every example the
invariants of fuzz_kit.Probe hold.
"""

from __future__ import annotations

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from fuzz_kit import (
    FUZZ,
    INT_EDGES,
    KNOWN_IDS,
    TIMEOUT,
    Probe,
    fuzz_module_runner,
    json_text,
    json_values,
    messages,
    strict_json,
    urlencoded,
)

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    with fuzz_module_runner(tmp_path_factory, "fuzz-console") as runner:
        yield runner


@pytest.fixture(scope="module")
def probe(runner):
    return Probe(runner)


ids = st.one_of(st.sampled_from(KNOWN_IDS + INT_EDGES), json_values)
NOTICES = {"group_upload": (), "group_admin": ("set", "unset"),
           "group_decrease": ("leave", "kick", "kick_me"), "group_increase": ("approve", "invite"),
           "group_ban": ("ban", "lift_ban"), "friend_add": (), "group_recall": (),
           "friend_recall": (), "notify": ("poke", "lucky_king", "honor")}


@st.composite
def events(draw) -> dict:
    post_type = draw(st.sampled_from(["notice", "request", "message", "meta_event", "x"]))
    event: dict = {"post_type": post_type}
    if post_type == "notice":
        kind = draw(st.sampled_from(sorted(NOTICES)))
        event["notice_type"] = kind
        if NOTICES[kind]:
            event["sub_type"] = draw(st.sampled_from(NOTICES[kind]))
    elif post_type == "request":
        event["request_type"] = draw(st.sampled_from(["friend", "group"]))
        event["sub_type"] = draw(st.sampled_from(["add", "invite"]))
        event["comment"] = draw(st.one_of(st.text(max_size=10), json_values))
    elif post_type == "message":
        event["message_type"] = draw(st.sampled_from(["private", "group"]))
        event["message"] = draw(messages)
    for key in ("group_id", "user_id", "operator_id", "target_id", "message_id", "duration",
                "time"):
        if draw(st.booleans()):
            event[key] = draw(ids)
    if draw(st.integers(0, 5)) == 0:
        event["file"] = draw(json_values)
    return event


def _post(probe: Probe, path: str, body: bytes) -> requests.Response:
    return requests.post(probe.console + path, data=body, timeout=TIMEOUT)


def _check(response: requests.Response) -> bool:
    """200 or a 400 naming the problem, strict JSON either way; True when refused."""
    assert response.status_code in (200, 400), (response.status_code, response.text[:300])
    value = strict_json(response.content)
    if response.status_code == 400:
        assert isinstance(value.get("error"), str) and value["error"], value
    return response.status_code == 400


@FUZZ
@given(events())
def test_fuzz_injected_events_BAD_3(probe, event):
    before = probe.before()
    refused_call = _check(_post(probe, "/sim/event", json_text(event).encode("ascii")))
    probe.after(before, refused_call)


@FUZZ
@given(st.sampled_from(["/sim/private_message", "/sim/group_message"]),
       st.fixed_dictionaries({}, optional={"user_id": ids, "group_id": ids, "message": messages,
                                           "anonymous": json_values}))
def test_fuzz_injected_messages_BAD_3(probe, path, body):
    before = probe.before()
    refused_call = _check(_post(probe, path, json_text(body).encode("ascii")))
    probe.after(before, refused_call)


@FUZZ
@given(st.sampled_from([b"NaN", b'{"user_id": NaN, "message": "x"}', b'{"user_id": 10001, '
                        b'"message": "\\ud800"}', b'{"user_id": 1e400, "message": "x"}',
                        b"\xff", b"[" * 100_000, b'{"post_type": "notice", "x": Infinity}']),
       st.sampled_from(["/sim/private_message", "/sim/group_message", "/sim/event"]))
def test_fuzz_bodies_that_are_not_strict_json_BAD_2(probe, body, path):
    before = probe.before()
    assert _check(_post(probe, path, body))
    probe.after(before, refused_call=True)


@FUZZ
@given(st.sampled_from(["/sim/messages", "/sim/traffic"]),
       st.dictionaries(st.sampled_from(["after", "limit", "wait", "channel"]),
                       st.one_of(st.sampled_from(["1_000", "²", "nan", "inf", "-1", "1e3",
                                                  " 5 ", "0x10", "\ud800", str(2**63)]),
                                 st.integers().map(str)), max_size=3))
def test_fuzz_page_queries_BAD_4(probe, path, query):
    if query.get("wait", "").strip().isdigit():  # a valid wait holds the request: not that
        del query["wait"]
    response = requests.get(f"{probe.console}{path}?{urlencoded(query)}", timeout=TIMEOUT)
    _check(response)
