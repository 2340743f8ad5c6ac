"""The console's JSON API (docs/console-api.md) over a real socket: GET /sim/messages (paged by
seq, the bot's own messages included, long polls) and GET /sim/traffic (the console's changes
journalled but not its reading, pages, channel filters, long polls)."""

from __future__ import annotations

import threading
import time

from console_api_kit import (
    TIMEOUT,
    fixture_console,  # noqa: F401 (the fixture console)
    get,
    post,
)
from helpers import direct_call


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

