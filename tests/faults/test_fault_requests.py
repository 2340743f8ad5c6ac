"""The control plane: bad fault requests are 400 naming the problem (FAULT-1), removal and
listing, the journal of the console's changes, and no fault outliving its times or its
removal (FAULT-3, FAULT-4)."""

from __future__ import annotations

import random

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import fault, remove
from fakebot import connect
from helpers import HTTP_TIMEOUT
from onebot_ref.faults.table import TYPES


def post(runner, body) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) else None
    return requests.post(runner.url("console") + "/sim/faults", data=data,
                         json=None if data is not None else body, timeout=HTTP_TIMEOUT)


@pytest.mark.parametrize("body, error", [
    ({"type": "explode"}, "type: expected one of delay_answer, no_answer,"),
    ({}, "type: missing"),
    ([1], "body: expected a JSON object"),
    (b'{"type": "drop", "target": {"channel": NaN}}', "body: expected a JSON object:"),
    ({"type": "drop", "ms": 5}, "ms: unknown field for drop"),
    ({"type": "no_answer", "target": {"chanel": "ws"}}, "target.chanel: unknown target"),
    ({"type": "no_answer", "target": {"channel": "http_post"}},
     "target.channel: no_answer acts on http, ws, ws_reverse, not 'http_post'"),
    ({"type": "restart", "target": {"channel": "ws"}}, "target.channel: restart does not take"),
    ({"type": "refuse", "target": {"action": "get_msg"}}, "target.action: refuse does not take"),
    ({"type": "drop", "target": {"role": "Admin"}}, "target.role: expected API, Event,"),
    ({"type": "drop", "target": {"channel": "http", "role": "API"}},
     "target.role: only WebSocket connections have roles, not http"),
    ({"type": "close", "target": {"role": "/api", "channel": "ws_reverse"}},
     "target.role: '/api' is a forward WebSocket path"),
    ({"type": "drop", "target": {"connection": "3"}}, "target.connection: expected a connection"),
    ({"type": "no_answer", "target": {"action": []}}, "target.action: expected an action name"),
    ({"type": "delay_answer"}, "ms: missing (milliseconds)"),
    ({"type": "delay_answer", "ms": "100"}, "ms: expected an integer, got '100'"),
    ({"type": "delay_answer", "ms": -1}, "ms: expected 0 to 2147483647, got -1"),
    ({"type": "delay_answer", "ms": True}, "ms: expected an integer, got True"),
    ({"type": "close", "code": 1006}, "code: 1006 cannot be sent in a close frame"),
    ({"type": "close", "code": 1005}, "code: 1005 cannot be sent in a close frame"),
    ({"type": "close", "code": 999}, "code: expected 1000 to 4999, got 999"),
    ({"type": "close", "reason": "x" * 124}, "reason: at most 123 bytes"),
    ({"type": "http_status", "status": 200}, "status: expected 400 to 599, got 200"),
    ({"type": "bad_answer", "kind": "rude"}, "kind: expected one of not_json, wrong_echo,"),
    ({"type": "bad_answer", "kind": "no_echo", "target": {"channel": "http"}},
     "kind: no_echo needs an echo"),
    ({"type": "retcode", "status": "meh"}, "status: expected one of ok, async, failed"),
    ({"type": "heartbeat"}, "skip: heartbeat takes exactly one of skip, stop, interval_field, "
                            "got 0"),
    ({"type": "heartbeat", "skip": 1, "stop": True}, "skip: heartbeat takes exactly one of"),
    ({"type": "heartbeat", "stop": "yes"}, "stop: expected true or false"),
    ({"type": "lifecycle"}, "skip_connect: lifecycle takes exactly one of skip_connect, twice"),
    ({"type": "duplicate_event", "copies": 1}, "copies: expected 2 to 100, got 1"),
    ({"type": "drop", "times": 2}, "times: drop does not take it (it acts once"),
    ({"type": "blackhole", "times": 2}, "times: blackhole does not take it (it lasts"),
    ({"type": "no_answer", "times": 0}, "times: expected an integer from 1 to 1000000000"),
    ({"type": "no_answer", "probability": 1.5}, "probability: expected a number from 0 to 1"),
    ({"type": "no_answer", "probability": "half"}, "probability: expected a number from 0"),
    ({"type": "no_answer", "seed": 1.5}, "seed: expected an integer (int64) or null"),
    ({"type": "restart", "how": "crash"}, "how: expected one of close, drop"),
])
def test_a_bad_fault_request_is_400_naming_the_problem(stack, body, error):
    runner, _ = stack
    response = post(runner, body)
    assert response.status_code == 400, response.text
    assert response.json()["error"].startswith(error), response.json()["error"]
    assert runner.faults.list() == [] and not runner.faults.active  # nothing applied
    frame = runner.traffic.since(runner.traffic.cursor - 1)[0][0]
    assert (frame["channel"], frame["verdict"]) == ("console", f"400: {response.json()['error']}")


def test_listing_removing_and_the_journal_of_changes(stack):
    runner, _ = stack
    console = runner.url("console")
    held = fault(runner, type="no_answer", target={"action": "get_msg", "channel": "ws"})
    assert held["target"] == {"action": ["get_msg"], "channel": "ws"}
    listed = requests.get(console + "/sim/faults", timeout=HTTP_TIMEOUT).json()["faults"]
    assert [(f["id"], f["fired"]) for f in listed] == [(held["id"], 0)]
    assert requests.delete(f"{console}/sim/faults/{held['id']}", timeout=HTTP_TIMEOUT).json()[
        "removed"]["id"] == held["id"]
    missing = requests.delete(f"{console}/sim/faults/{held['id']}", timeout=HTTP_TIMEOUT)
    assert missing.status_code == 404 and held["id"] in missing.json()["error"]
    refuse, signature = fault(runner, type="refuse"), fault(runner, type="bad_signature")
    assert requests.delete(console + "/sim/faults", timeout=HTTP_TIMEOUT).json() == {"removed": 2}
    verdicts = [f["verdict"] for f in runner.traffic.since(0, 10**6)[0]
                if f["channel"] == "console" and f.get("path", "").startswith("/sim/faults")]
    assert verdicts[-5:] == [f"removed {held['id']}", f"404: no active fault {held['id']} "
                             "(active: none) (SIM-9)", f"added {refuse['id']}: refuse (everywhere)",
                             f"added {signature['id']}: bad_signature (everywhere)",
                             "removed 2 fault(s)"]
    types = requests.get(console + "/sim/faults/types", timeout=HTTP_TIMEOUT).json()["types"]
    assert [t["type"] for t in types] == list(TYPES)
    assert types[0]["attributes"]["ms"] == {"kind": "int", "default": None, "required": True,
                                            "min": 0, "max": 2147483647, "doc": "milliseconds"}


def test_a_thousand_faults_leave_nothing_behind(stack):
    """FAULT-3/4: 1,000 faults of every stored type added and removed, half of them used up
    by requests: none is left, and the hot paths answer as if there had never been one."""
    runner, bot = stack
    sock = connect(runner.url("ws") + "/")
    sock.next_event()
    rng = random.Random(14)
    stored = [name for name, row in TYPES.items() if not row.once and name not in (
        "restart", "blackhole", "heartbeat")]
    try:
        for n in range(1000):
            console = n % 10 < 2  # a fifth through the console, the rest in-process (faster)
            if n % 2:  # used up by its one firing
                body = {"type": "retcode", "retcode": 100 + n % 7, "times": 1,
                        "target": {"channel": "ws", "action": "get_status"}}
                fault(runner, **body) if console else runner.faults.add(body)
                assert sock.call("get_status")["retcode"] == 100 + n % 7
                continue
            name = rng.choice(stored)
            body = {"type": name, **_attributes(name)}
            added = fault(runner, **body) if console else runner.faults.add(body)
            removed = remove(runner, added["id"]).json().get("removed") if console else \
                runner.faults.remove(added["id"])
            assert removed and removed["id"] == added["id"], (n, body, added, removed)
        assert runner.faults.list() == [] and not runner.faults.active
        assert runner.faults.timers.pending == 0  # the refusals' ends went with them
        cursor = runner.traffic.cursor
        assert sock.call("get_status")["retcode"] == 0
        assert requests.get(runner.url("http") + "/get_status", timeout=5).json()["retcode"] == 0
        assert bot.connections[-1].call("get_status")["retcode"] == 0
        runner.world.receive_private_message(10001, "after the thousand")
        sock.next_event(lambda e: e.get("raw_message") == "after the thousand")
        assert [f for f in runner.traffic.since(cursor, 10**6)[0] if f["channel"] == "fault"] \
            == []
    finally:
        sock.close()


def _attributes(name: str) -> dict:
    return {"delay_answer": {"ms": 1}, "bad_answer": {"kind": "twice"},
            "lifecycle": {"twice": True}, "refuse": {"ms": 600000}}.get(name, {})


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**64, 2**64) | st.floats(allow_nan=False,
                                                                        allow_infinity=False)
    | st.text(max_size=8) | st.sampled_from(["ws", "http", "API", "/api", "get_msg", "\ud800"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3), max_leaves=6)
#: the types a random body may apply without disturbing the module's other tests
_HARMLESS = [name for name in TYPES if name not in ("close", "drop", "blackhole", "restart",
                                                     "refuse")]
_KEYS = sorted({"target", "times", "probability", "seed", "x"} | {
    key for row in TYPES.values() for key in row.attrs})


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(_HARMLESS + ["nope", None]),
       st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=4),
       st.dictionaries(st.sampled_from(["channel", "role", "connection", "action", "who"]),
                       _VALUES, max_size=3))
def test_any_fault_body_is_201_or_a_400_naming_a_field(stack, name, body, target):
    """FAULT-1, BAD-1/2: whatever the body, a stored fault or a 400 whose error starts with a
    field of the body; never a 5xx; after removal nothing is left."""
    runner, _ = stack
    body = {"type": name, **body} | ({"target": target} if target else {})
    response = post(runner, body)
    assert response.status_code in (201, 400), response.text
    if response.status_code == 400:
        field = response.json()["error"].split(":")[0].split(".")[0]
        assert field in body or field in ("body", "type") or field in TYPES[name].attrs, (
            body, response.json())
    runner.faults.clear()
    assert not runner.faults.active
