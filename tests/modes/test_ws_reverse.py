"""Reverse WebSocket clients against the fake bot's WS server (communication/ws-reverse.md,
WSR-*, AUTH-10, A-32, A-33)."""

from __future__ import annotations

import time

import pytest

INTERVAL = 200  # ms: ws_reverse_reconnect_interval in these tests


def reverse(fakebot, **overrides) -> dict:
    return {"use_ws_reverse": True, "ws_reverse_url": fakebot.ws_url,
            "ws_reverse_reconnect_interval": INTERVAL, **overrides}


def verdicts(runner) -> list[str]:
    return [f.get("verdict") or "" for f in runner.traffic.since(0)[0]
            if f["channel"] == "ws_reverse"]


# --- handshake headers (WSR-4..7, AUTH-10, A-32) -------------------------------------------------

@pytest.mark.parametrize("config, expected", [
    pytest.param({"ws_reverse_use_universal_client": True},
                 {"Universal": None}, id="WSR-7-universal-no-token"),
    pytest.param({"access_token": "t0k"}, {"API": "Bearer t0k", "Event": "Bearer t0k"},
                 id="WSR-3-api-and-event-AUTH-10-bearer"),
    pytest.param({"ws_reverse_use_universal_client": True, "access_token": "t0k",
                  "ws_reverse_auth_scheme": "Token"}, {"Universal": "Token t0k"},
                 id="A-32-legacy-token-scheme"),
])
def test_handshake_headers_for_each_role_and_scheme(make_runner, fakebot, config, expected):
    with make_runner(**reverse(fakebot, **config)):
        conns = {role: fakebot.wait_connection(role) for role in expected}
    for role, authorization in expected.items():
        headers = conns[role].headers
        assert headers["X-Self-Id"] == "10000"  # WSR-4
        assert headers["X-Client-Role"] == role  # exact spelling
        assert headers["User-Agent"] == "CQHttp/4.15.0"  # WSR-6
        assert headers.get("Authorization") == authorization
    assert sorted(c.role for c in fakebot.connections) == sorted(expected)  # no extra client


def test_api_and_event_urls_fall_back_to_ws_reverse_url(make_runner, fakebot):
    """WSR-7: ws_reverse_api_url set, the Event client uses ws_reverse_url."""
    with make_runner(**reverse(fakebot, ws_reverse_api_url=fakebot.ws_url + "/api")):
        api, event = fakebot.wait_connection("API"), fakebot.wait_connection("Event")
    assert (api.path, event.path) == ("/ws/api", "/ws")


# --- what each role does (WSR-8..10) --------------------------------------------------------------

def test_universal_client_serves_api_and_events_connect_first(make_runner, fakebot):
    with make_runner(**reverse(fakebot, ws_reverse_use_universal_client=True)) as runner:
        conn = fakebot.wait_connection("Universal")
        first = conn.receive()
        assert (first["meta_event_type"], first["sub_type"]) == ("lifecycle", "connect")  # WSR-9
        answer = conn.call("get_login_info", echo={"seq": 9})
        assert (answer["data"]["user_id"], answer["echo"]) == (10000, {"seq": 9})  # WSR-8
        runner.world.receive_private_message(10001, "hi")
        assert conn.next_event(lambda e: e["post_type"] == "message")["user_id"] == 10001


def test_api_client_gets_no_events_and_event_client_answers_nothing(make_runner, fakebot):
    with make_runner(**reverse(fakebot)) as runner:
        api, event = fakebot.wait_connection("API"), fakebot.wait_connection("Event")
        assert event.receive()["sub_type"] == "connect"
        assert api.call("get_login_info")["status"] == "ok"
        runner.world.receive_private_message(10001, "hi")
        assert event.next_event()["post_type"] == "message"
        event.send({"action": "get_login_info", "echo": 1})  # WSR-10: ignored
        event.receive_nothing(0.3)
        api.receive_nothing(0.1)  # no connect, no event on the API connection


# --- reconnecting (WSR-11..13, A-33) ------------------------------------------------------------

def test_reconnects_after_the_peer_restarts(make_runner, fakebot):
    with make_runner(**reverse(fakebot, ws_reverse_use_universal_client=True)) as runner:
        fakebot.wait_connection("Universal")
        went_down = time.monotonic()
        fakebot.restart()  # drops the connection (close 1001) and listens again
        again = fakebot.wait_connection("Universal", after=1)
        assert time.monotonic() - went_down >= INTERVAL / 1000 * 0.9  # WSR-13: a full interval
        assert again.receive()["sub_type"] == "connect"
        assert again.call("get_status")["status"] == "ok"
        assert f"closed by peer: 1001; reconnecting in {INTERVAL} ms" in verdicts(runner)


@pytest.mark.parametrize("code, flag, reconnects", [
    pytest.param(1000, False, False, id="WSR-12-1000-and-flag-off-stays-closed"),
    pytest.param(1000, True, True, id="WSR-12-1000-and-flag-on-reconnects"),
    pytest.param(4000, False, True, id="WSR-12-other-codes-always-reconnect"),
])
def test_close_code_1000_rule(make_runner, fakebot, code, flag, reconnects):
    config = reverse(fakebot, ws_reverse_use_universal_client=True,
                     ws_reverse_reconnect_on_code_1000=flag)
    with make_runner(**config) as runner:
        fakebot.wait_connection("Universal").close(code)
        if reconnects:
            fakebot.wait_connection("Universal", after=1)
            assert f"closed by peer: {code}; reconnecting in {INTERVAL} ms" in verdicts(runner)
        else:
            with pytest.raises(TimeoutError):
                fakebot.wait_connection("Universal", after=1, timeout=3 * INTERVAL / 1000)
            assert ("closed by peer: 1000; not reconnecting "
                    "(ws_reverse_reconnect_on_code_1000 is false)") in verdicts(runner)


def test_refused_handshakes_are_retried_every_interval(make_runner, fakebot):
    """WSR-12: a refused handshake (here 403) always retries, one interval apart."""
    fakebot.refuse(403)
    with make_runner(**reverse(fakebot, ws_reverse_use_universal_client=True)) as runner:
        tries = fakebot.wait_handshakes(3)
        gaps = [b["time"] - a["time"] for a, b in zip(tries, tries[1:3])]
        assert all(gap >= INTERVAL / 1000 * 0.9 for gap in gaps), gaps
        fakebot.refuse(None)
        assert fakebot.wait_connection("Universal").receive()["sub_type"] == "connect"
        assert f"handshake refused: HTTP 403; reconnecting in {INTERVAL} ms" in verdicts(runner)


def test_keeps_trying_while_the_peer_is_down(make_runner, fakebot):
    fakebot.stop()
    with make_runner(**reverse(fakebot, ws_reverse_use_universal_client=True)) as runner:
        runner.traffic.find(lambda f: "connection failed" in (f.get("verdict") or ""), 3)
        fakebot.start()  # the same port again
        assert fakebot.wait_connection("Universal").receive()["sub_type"] == "connect"


def test_stop_closes_the_connections(make_runner, fakebot):
    with make_runner(**reverse(fakebot)) as runner:
        conns = [fakebot.wait_connection("API"), fakebot.wait_connection("Event")]
        conns[0].call("get_status")  # both are fully served before the stop
        conns[1].receive()
        began = time.monotonic()
        runner.stop()
        assert time.monotonic() - began < 2
    assert [c.wait_closed(2) for c in conns] == [1001, 1001]


def test_every_attempt_is_journalled(make_runner, fakebot):
    with make_runner(**reverse(fakebot, ws_reverse_use_universal_client=True,
                               access_token="s3cret")) as runner:
        fakebot.wait_connection("Universal").receive()
        attempt = runner.traffic.find(lambda f: f.get("verdict") == "connecting", 2)
    assert attempt["channel"] == "ws_reverse" and attempt["peer"] == fakebot.ws_url
    assert attempt["headers"]["Authorization"] == "Bearer s3****"  # masked
