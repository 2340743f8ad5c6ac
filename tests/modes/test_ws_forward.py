"""The forward WebSocket server over real sockets (communication/ws.md): the paths (WSF-1,
WSF-2, A-25), authentication before the upgrade (AUTH-2..9, A-8), the API frames (WSF-4..12,
A-12, A-13, A-46, HID-*). Events: test_ws_forward_events.py; slow clients, compression, pings,
the journal and stopping: test_ws_forward_session.py."""

from __future__ import annotations

import time

import pytest
import requests
from simple_websocket import Client
from simple_websocket import ConnectionError as HandshakeRefused

from fakebot import connect
from ws_forward_kit import (
    ALICE,
    BOB,
    GROUP,
    fixture_runner,  # noqa: F401 (the fixture runner)
    ws_url,
)


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
