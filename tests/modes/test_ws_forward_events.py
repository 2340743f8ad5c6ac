"""The forward WebSocket server's events over real sockets (communication/ws.md; WSF-13..18,
WSF-23, META-4, A-14, A-15, A-24, A-47, EVT-5, EVT-13): the lifecycle connect first and only to
the new connection, events on /event and / but not /api, nothing kept for later clients."""

from __future__ import annotations

import pytest

from fakebot import connect
from ws_forward_kit import (
    ALICE,
    event_client,
    fixture_runner,  # noqa: F401 (the fixture runner)
    ws_url,
)


# --- events (WSF-13..18, META-4, WSF-23) ---------------------------------------------------------
@pytest.mark.parametrize("path", ["/event", "/event/", "/"])
def test_connect_is_the_first_frame_of_an_event_connection(runner, path):
    """META-4 / WSF-18 / WSF-23: lifecycle connect, first, with the bot's self_id."""
    ws = connect(ws_url(runner, path))
    first = ws.receive()
    assert {k: first[k] for k in ("post_type", "meta_event_type", "sub_type", "self_id")} == {
        "post_type": "meta_event", "meta_event_type": "lifecycle", "sub_type": "connect",
        "self_id": 10000}
    assert isinstance(first["time"], int) and "_post_method" not in first
    ws.close()


def test_connect_goes_only_to_the_new_connection_and_never_to_api(runner):
    """META-4 [REC] / A-14: not broadcast; WSF-18: /api gets none."""
    old = connect(ws_url(runner, "/event"))
    assert old.receive()["sub_type"] == "connect"
    api = connect(ws_url(runner, "/api"))
    new = connect(ws_url(runner, "/"))
    assert new.receive()["sub_type"] == "connect"
    old.receive_nothing(0.3)
    api.receive_nothing(0.1)
    for ws in (old, api, new):
        ws.close()


def test_events_reach_event_and_universal_but_not_api(runner):
    """WSF-13, WSF-16, WSF-17: /event and / get every event; /api none."""
    clients = {path: event_client(runner, path) for path in ("/event", "/")}
    clients["/api"] = connect(ws_url(runner, "/api"))
    runner.world.receive_private_message(ALICE, "hello [x]")
    for path in ("/event", "/"):
        event = clients[path].next_event(lambda e: e["post_type"] == "message")
        assert (event["user_id"], event["message"]) == (ALICE, "hello &#91;x&#93;")
    clients["/api"].receive_nothing(0.3)
    for ws in clients.values():
        ws.close()


def test_event_connections_ignore_api_frames(runner):
    """WSF-15 / A-24: a request sent on /event gets no answer."""
    ws = connect(ws_url(runner, "/event"))
    ws.receive()  # connect
    ws.send({"action": "get_login_info", "echo": 1})
    ws.receive_nothing(0.3)
    ws.close()


def test_events_published_before_a_connection_are_not_kept(runner):
    """A-47: events are not buffered for clients that connect later."""
    runner.world.receive_private_message(ALICE, "too early")
    runner.bus.wait_idle(2)
    ws = connect(ws_url(runner, "/event"))
    assert ws.receive()["sub_type"] == "connect"
    ws.receive_nothing(0.3)
    ws.close()


def test_array_message_format(make_runner):
    """EVT-5: events follow post_message_format."""
    with make_runner(use_ws=True, post_message_format="array") as runner:
        ws = event_client(runner)
        runner.world.receive_private_message(ALICE, "hi")
        event = ws.next_event(lambda e: e["post_type"] == "message")
        assert event["message"] == [{"type": "text", "data": {"text": "hi"}}]
        assert event["raw_message"] == "hi"  # EVT-13
        ws.close()
