"""The forward WebSocket server over real sockets (communication/ws.md, WSF-*, AUTH-9,
META-4, A-8, A-12, A-25, A-46)."""

from __future__ import annotations

import base64
import logging
import os
import socket
import time

import pytest
import requests
from simple_websocket import Client
from simple_websocket import ConnectionError as HandshakeRefused

from fakebot import connect

ALICE, BOB, GROUP = 10001, 10002, 20001


@pytest.fixture
def runner(make_runner):
    with make_runner(use_ws=True) as runner:
        yield runner


def ws_url(runner, path: str = "/") -> str:
    return runner.url("ws") + path


def event_client(runner, path: str = "/event"):
    """A connection on an event path, past its lifecycle connect frame: from then on it is
    sure to receive every event."""
    ws = connect(ws_url(runner, path))
    assert ws.receive()["sub_type"] == "connect"
    return ws


def raw_handshake(runner, path: str, extra: str = "") -> tuple[socket.socket, str]:
    """A WebSocket handshake by hand; returns the socket and the HTTP response head. The socket
    is then never read: a client that cannot keep up."""
    port = runner.ports["ws"]
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\n{extra}\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "connection closed during the handshake"
        head += chunk
    return sock, head.decode("latin-1")


# --- paths (WSF-1, WSF-2, A-25) -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/api", "/api/", "/event", "/event/"])
def test_the_five_spec_paths_accept_a_websocket(runner, path):
    ws = connect(ws_url(runner, path))
    if "event" in path:
        assert ws.receive()["meta_event_type"] == "lifecycle"
    else:
        assert ws.call("get_login_info")["data"]["user_id"] == 10000
    ws.close()


@pytest.mark.parametrize("path", ["/ws", "/api/x", "/events", "/ap%69", "/onebot/v11/ws"])
def test_other_paths_are_refused_with_404(runner, path):
    """WSF-2 [REC] / A-25: only the spec paths; anything else is an HTTP 404 handshake."""
    with pytest.raises(HandshakeRefused) as refused:
        Client.connect(ws_url(runner, path))
    assert refused.value.status_code == 404


def test_plain_http_on_a_websocket_path_is_400(runner):
    answer = requests.get(runner.url("ws").replace("ws://", "http://") + "/api", timeout=5)
    assert answer.status_code == 400
    assert "WebSocket" in answer.text


# --- authentication (AUTH-2, AUTH-3, AUTH-9, A-8) ------------------------------------------------

@pytest.mark.parametrize("path, headers, status", [
    pytest.param("/api", {}, 401, id="AUTH-4-no-token-401"),
    pytest.param("/event", {"Authorization": "Bearer nope"}, 403, id="AUTH-4-wrong-token-403"),
    pytest.param("/?access_token=nope", {}, 403, id="AUTH-3-wrong-query-token-403"),
    pytest.param("/api", {"Authorization": "Basic s3cret"}, 401, id="AUTH-6-other-scheme-401"),
    pytest.param("/api?access_token=s3cret", {"Authorization": "Bearer nope"}, 403,
                 id="AUTH-5-header-wins-over-query"),
])
def test_bad_token_refuses_the_handshake_before_the_upgrade(make_runner, path, headers, status):
    """A-8 [REC]: HTTP 401/403 instead of 101, so no frame (and no action) is ever possible."""
    with make_runner(use_ws=True, access_token="s3cret") as runner:
        with pytest.raises(HandshakeRefused) as refused:
            Client.connect(ws_url(runner, path), headers=headers)
        assert refused.value.status_code == status
        journal, _ = runner.traffic.since(0)
        assert [f["verdict"].split(":")[0] for f in journal] == [str(status)]


@pytest.mark.parametrize("path, headers", [
    pytest.param("/api", {"Authorization": "Bearer s3cret"}, id="AUTH-2-bearer-header"),
    pytest.param("/api", {"Authorization": "Token s3cret"}, id="AUTH-6-token-scheme"),
    pytest.param("/api?access_token=s3cret", {}, id="AUTH-3-query"),
])
def test_good_token_connects(make_runner, path, headers):
    with make_runner(use_ws=True, access_token="s3cret") as runner:
        ws = connect(ws_url(runner, path), headers=headers)
        assert ws.call("get_login_info")["status"] == "ok"
        ws.close()


# --- the API frames (WSF-4..12, A-12, A-13, A-46) ------------------------------------------------

ECHOES = [
    pytest.param("123", id="string"), pytest.param(7, id="number"),
    pytest.param({"seq": 1}, id="object-aiocqhttp"), pytest.param([1, "a"], id="array"),
    pytest.param(None, id="null"), pytest.param(True, id="boolean"),
]


@pytest.mark.parametrize("frame_action", ["get_login_info", "no_such_action"],
                         ids=["ok", "WSF-7-1404"])
@pytest.mark.parametrize("echo", ECHOES)
def test_echo_comes_back_verbatim_on_every_path(runner, echo, frame_action):
    """WSF-9, COMPAT-3: any JSON type, the same value back, on success and on error; A-12:
    ``"echo": null`` was given, so it comes back."""
    ws = connect(ws_url(runner, "/api"))
    ws.send({"action": frame_action, "echo": echo})
    answer = ws.receive()
    assert "echo" in answer and answer["echo"] == echo and type(answer["echo"]) is type(echo)
    assert answer["retcode"] == (0 if frame_action == "get_login_info" else 1404)
    ws.close()


def test_no_echo_key_means_no_echo_in_the_answer(runner):
    """A-12: the echo key is present iff the request had it."""
    ws = connect(ws_url(runner, "/api"))
    ws.send({"action": "get_login_info"})
    assert "echo" not in ws.receive()
    ws.close()


@pytest.mark.parametrize("frame, echoed", [
    pytest.param("not json", False, id="WSF-6-not-JSON"),
    pytest.param("[1, 2]", False, id="WSF-6-not-an-object"),
    pytest.param('{"params": {}, "echo": "e"}', True, id="WSF-6-no-action-echo-kept"),
    pytest.param('{"action": 5, "echo": {"k": 1}}', True, id="WSF-6-action-not-a-string"),
    pytest.param('{"action": "", "echo": 0}', True, id="WSF-6-empty-action"),
])
def test_malformed_frames_get_1400(runner, frame, echoed):
    ws = connect(ws_url(runner, "/api"))
    ws.send_raw(frame)
    answer = ws.receive()
    assert (answer["status"], answer["retcode"], answer["data"]) == ("failed", 1400, None)
    assert ("echo" in answer) is echoed
    ws.call("get_login_info")  # the connection survives a bad frame
    ws.close()


@pytest.mark.parametrize("params", [None, [1], "x", 3], ids=["null", "array", "string", "number"])
def test_params_that_is_not_an_object_counts_as_empty(runner, params):
    """WSF-8 / A-13: legacy reads a non-object params as {}."""
    ws = connect(ws_url(runner, "/api"))
    ws.send({"action": "get_login_info", "params": params, "echo": 1})
    assert ws.receive()["retcode"] == 0
    ws.close()


def test_binary_frame_is_read_as_json_and_answers_are_text(runner):
    """A-46: binary frames are decoded as UTF-8 JSON; we always send text frames."""
    ws = connect(ws_url(runner, "/api"))
    ws.send_raw(b'{"action": "get_login_info", "echo": "b"}')
    raw = ws.ws.receive(timeout=5)
    assert isinstance(raw, str) and '"echo":"b"' in raw
    ws.close()


def test_parameters_follow_the_http_coercion_rules(runner):
    """WSF-12: the same typed-parameter rules as a JSON body (string ids coerced)."""
    ws = connect(ws_url(runner, "/api"))
    answer = ws.call("send_private_msg", {"user_id": str(ALICE), "message": "hi"})
    assert answer["status"] == "ok" and isinstance(answer["data"]["message_id"], int)
    ws.close()


def test_handle_quick_operation_over_websocket_changes_the_world(runner):
    """HID-1, HID-2, HID-6: the quick operation, reachable over WS, also with _async."""
    ws = connect(ws_url(runner, "/"))
    event = runner.world.receive_group_message(GROUP, BOB, "spam")
    context = {k: v for k, v in event.items() if k not in ("message", "raw_message", "sender")}
    answer = ws.call(".handle_quick_operation", {"context": context,
                                                 "operation": {"ban": True, "ban_duration": 600}})
    assert (answer["status"], answer["data"]) == ("ok", None)
    banned = runner.world.snapshot()["groups"][0]["members"]
    assert next(m for m in banned if m["user_id"] == BOB)["banned_until"] > time.time() + 500
    assert ws.call(".handle_quick_operation_async", {"context": context, "operation": {}})[
        "status"] == "async"
    ws.close()


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


# --- a slow client (WSF-21) and compression -------------------------------------------------------

def test_a_client_that_cannot_keep_up_is_dropped_and_the_others_keep_receiving(make_runner,
                                                                               caplog):
    """WSF-21: the stuck client fills its own outbox and is disconnected with a log line; the
    good one (read in lockstep) gets every event."""
    with make_runner(use_ws=True, ws_send_queue_size=8) as runner:
        good = event_client(runner)
        stuck, head = raw_handshake(runner, "/event")  # never reads: its buffers fill up
        assert head.startswith("HTTP/1.1 101")
        assert b'"connect"' in stuck.recv(4096)  # it is in the fan-out once connect is sent
        assert len(runner.modes["ws"].fanout.sessions) == 2
        pad = "x" * 200_000
        with caplog.at_level(logging.WARNING, logger="onebot_ref.modes.ws_session"):
            for n in range(400):
                runner.bus.publish({"time": 1, "self_id": 10000, "post_type": "notice",
                                    "notice_type": "test", "n": n, "pad": pad})
                assert good.next_event(lambda e: e["post_type"] == "notice")["n"] == n
                if len(runner.modes["ws"].fanout.sessions) == 1:
                    break
        assert len(runner.modes["ws"].fanout.sessions) == 1, "the stuck client was never dropped"
        assert "cannot keep up" in caplog.text
        assert runner.traffic.find(lambda f: "cannot keep up" in (f.get("verdict") or ""), 1)
        runner.bus.publish({"time": 1, "self_id": 10000, "post_type": "notice", "n": -1})
        assert good.next_event()["n"] == -1
        stuck.close()
        good.close()


@pytest.mark.parametrize("enabled", [False, True], ids=["off-by-default", "ws_compression"])
def test_permessage_deflate_only_when_configured(make_runner, enabled):
    with make_runner(use_ws=True, ws_compression=enabled) as runner:
        sock, head = raw_handshake(runner, "/api",
                                   "Sec-WebSocket-Extensions: permessage-deflate\r\n")
        assert head.startswith("HTTP/1.1 101")
        assert ("permessage-deflate" in head.lower()) is enabled
        sock.close()


# --- the journal and stopping ----------------------------------------------------------------------

def test_traffic_records_frames_both_ways_and_the_close_code(runner):
    ws = connect(ws_url(runner, "/api"))
    ws.call("get_login_info", echo="j")
    ws.close(1000)
    closed = runner.traffic.find(lambda f: f.get("verdict") == "closed by peer: 1000", 2)
    assert closed is not None and closed["channel"] == "ws" and closed["peer"].startswith("127.")
    journal, _ = runner.traffic.since(0)
    frames = [(f["direction"], f["data"].get("echo") if isinstance(f["data"], dict) else None)
              for f in journal]
    assert ("in", "j") in frames and ("out", "j") in frames


def test_stop_closes_every_connection_with_1001(make_runner):
    with make_runner(use_ws=True) as runner:
        clients = [event_client(runner, "/"), connect(ws_url(runner, "/api")),
                   event_client(runner, "/event")]
        began = time.monotonic()
        runner.stop()
        assert time.monotonic() - began < 2
    assert [c.wait_closed(2) for c in clients] == [1001, 1001, 1001]


def test_a_ping_is_answered_through_the_session_lock(runner):
    """RFC 6455 5.5.2/5.5.3: a ping gets a pong. simple-websocket's reader thread writes it;
    the session routes that write through its own lock and backlog (every send under a lock),
    so the pong arrives as a whole frame after the connect event, not inside another frame."""
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, Ping, Pong, Request, TextMessage

    port = runner.ports["ws"]
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    client = WSConnection(ConnectionType.CLIENT)
    sock.sendall(client.send(Request(host=f"127.0.0.1:{port}", target="/event")))
    seen: list = []
    deadline = time.monotonic() + 5
    while not any(isinstance(e, Pong) for e in seen) and time.monotonic() < deadline:
        client.receive_data(sock.recv(65536))
        for event in client.events():
            seen.append(event)
            if isinstance(event, TextMessage):  # the session exists: ping it
                sock.sendall(client.send(Ping(payload=b"are-you-there")))
    sock.close()
    kinds = [type(e) for e in seen]
    assert kinds[0] is AcceptConnection
    assert kinds[1] is TextMessage, "the lifecycle connect frame comes whole, first"
    pong = next(e for e in seen if isinstance(e, Pong))
    assert pong.payload == b"are-you-there"


def test_a_deflate_bomb_closes_with_1009_and_others_are_served(make_runner):
    """ws_compression on: a compressed message that inflates past max_body_bytes closes its
    connection with 1009 (RFC 6455 7.4.1), like an uncompressed one; the server serves on."""
    from wsproto.events import TextMessage

    from helpers import close_code_sent_to, deflate_client

    with make_runner(use_ws=True, ws_compression=True, max_body_bytes=4096) as runner:
        sock, client = deflate_client(runner.ports["ws"])
        sock.sendall(client.send(TextMessage('{"action": "get_status", "echo": "%s"}'
                                             % ("a" * 20_000_000))))
        assert close_code_sent_to(sock, client) == 1009
        sock.close()
        assert connect(ws_url(runner, "/api")).call("get_status")["status"] == "ok"
