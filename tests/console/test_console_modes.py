"""The console against every communication mode: a message injected through /sim reaches a bot
in each of the four modes, the bot's reply shows up in /sim/messages with ``from_self: true``,
and the traffic journal (/sim/traffic) shows the verdicts the modes record."""

from __future__ import annotations

import importlib.util

import pytest
import requests

import fakebot as fb

TIMEOUT = 5


def needs(module: str):
    present = importlib.util.find_spec(f"onebot_ref.modes.{module}") is not None
    return pytest.mark.skipif(not present, reason=f"onebot_ref.modes.{module} not written yet")


def inject(runner, text: str) -> int:
    answer = requests.post(runner.url("console") + "/sim/private_message",
                           json={"user_id": 10001, "message": text}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()["message_id"]


def reply_in_messages(runner, text: str) -> dict:
    """Long-poll /sim/messages until the bot's message ``text`` is there."""
    cursor = 0
    for _ in range(20):
        page = requests.get(runner.url("console") + "/sim/messages", timeout=TIMEOUT + 5,
                            params={"after": cursor, "wait": TIMEOUT}).json()
        for message in page["messages"]:
            if message["raw_message"] == text:
                return message
        cursor = page["cursor"]
    raise AssertionError(f"no message {text!r} in /sim/messages")


def journal(runner, channel: str | None = None) -> list[dict]:
    params = {"after": 0, "limit": 5000}
    if channel:
        params["channel"] = channel
    return requests.get(runner.url("console") + "/sim/traffic", params=params,
                        timeout=TIMEOUT).json()["frames"]


def check_reply(runner, event: dict, message_id: int, text: str) -> None:
    assert (event["message_id"], event["user_id"], event["raw_message"]) == \
        (message_id, 10001, "ping")
    reply = reply_in_messages(runner, text)
    assert reply["from_self"] is True and reply["user_id"] == 10000
    assert reply["message_type"] == "private" and reply["target_id"] == 10001


# --- an injected message reaches the bot; its reply is in /sim/messages ----------------------

@needs("http_post")
def test_http_api(make_runner, fakebot):
    """HTTP POST delivers the event; the bot answers through the HTTP API (send_msg)."""
    with make_runner(use_console=True, post_url=fakebot.post_url) as runner:
        message_id = inject(runner, "ping")
        event = fakebot.wait_event_post(lambda e: e.get("post_type") == "message").json
        answer = requests.post(runner.url("http") + "/send_msg", timeout=TIMEOUT, json={
            "user_id": event["user_id"], "message": "pong over the HTTP API"}).json()
        assert answer["status"] == "ok"
        check_reply(runner, event, message_id, "pong over the HTTP API")


@needs("http_post")
def test_http_post_quick_operation(make_runner, fakebot):
    """The bot answers the POST with a quick operation {"reply": ...} (QOP-*)."""
    fakebot.respond(json={"reply": "pong by quick operation"})
    with make_runner(use_console=True, use_http=False, post_url=fakebot.post_url) as runner:
        message_id = inject(runner, "ping")
        event = fakebot.wait_event_post(lambda e: e.get("post_type") == "message").json
        check_reply(runner, event, message_id, "pong by quick operation")
        verdicts = [f.get("verdict") or "" for f in journal(runner, "http_post")]
        assert any("quick" in v.lower() for v in verdicts), verdicts


def test_forward_websocket(make_runner):
    with make_runner(use_console=True, use_http=False, use_ws=True) as runner:
        bot = fb.connect(runner.url("ws") + "/")
        try:
            message_id = inject(runner, "ping")
            event = bot.next_event(lambda e: e["post_type"] == "message")
            assert bot.call("send_msg", {"user_id": 10001, "message": "pong over ws"})[
                "status"] == "ok"
            check_reply(runner, event, message_id, "pong over ws")
        finally:
            bot.close()


@needs("ws_reverse")
def test_reverse_websocket_and_its_reconnect_in_the_journal(make_runner, fakebot):
    with make_runner(use_console=True, use_http=False, use_ws_reverse=True,
                     ws_reverse_url=fakebot.ws_url, ws_reverse_use_universal_client=True,
                     ws_reverse_reconnect_interval=100) as runner:
        conn = fakebot.wait_connection(role="Universal")
        message_id = inject(runner, "ping")
        event = conn.next_event(lambda e: e["post_type"] == "message")
        assert conn.call("send_msg", {"user_id": 10001, "message": "pong over reverse ws"})[
            "status"] == "ok"
        check_reply(runner, event, message_id, "pong over reverse ws")
        # the bot side closes with 4001; the server reconnects and journals both, with the code
        conn.close(4001, "bye")
        fakebot.wait_connection(role="Universal", after=1)
        frames = journal(runner, "ws_reverse")
        closes = [f for f in frames if "4001" in str(f.get("data")) + str(f.get("verdict"))]
        assert closes, [(f.get("data"), f.get("verdict")) for f in frames]
        later = [f for f in frames if f["seq"] > closes[0]["seq"]]
        assert any("open" in str(f.get("data")) + str(f.get("verdict")) or
                   "connect" in str(f.get("verdict")) for f in later), later


# --- verdicts the modes record, read through /sim/traffic -------------------------------------

def test_journal_shows_the_401_of_a_bad_token_and_a_coerced_parameter(make_runner):
    with make_runner(use_console=True, access_token="tok") as runner:
        api = runner.url("http")
        assert requests.get(api + "/get_login_info", timeout=TIMEOUT).status_code == 401
        answer = requests.get(api + "/send_private_msg", timeout=TIMEOUT, params={
            "user_id": "10001", "message": "hi", "access_token": "tok"})
        assert answer.json()["status"] == "ok"
        frames = journal(runner, "http")
    verdicts = [f.get("verdict") or "" for f in frames]
    assert any(v.startswith("401") for v in verdicts), verdicts
    assert any("coerced user_id" in v for v in verdicts), verdicts
    paths = [f.get("path", "") for f in frames]
    assert any("access_token=to****" in p for p in paths), paths  # masked in the journal
    assert not any("access_token=tok" in p for p in paths)
