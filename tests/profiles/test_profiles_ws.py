"""The profiles' forward WebSocket rows over real sockets: a refused token (before or after the
upgrade), the retcode of an unknown action, the envelope keys of an answer frame."""

from __future__ import annotations

import contextlib

import pytest

from fakebot import ConnectionClosed, HandshakeError, connect

TOKEN = "s3cret"
ALICE = 10001


@pytest.fixture
def ws_runner(make_runner):
    def make(profile, **keys):
        return make_runner(profile=profile, use_ws=True, **keys)
    return make


def url(runner, path="/api"):
    return runner.url("ws") + path


@pytest.mark.parametrize("profile, headers, status", [
    ("spec", {}, 401),
    ("spec", {"Authorization": "Bearer wrong"}, 403),
    ("go-cqhttp", {}, 401),
    ("lagrange", {}, 403),                                  # missing: 403 on the handshake
    ("lagrange", {"Authorization": "Token s3cret"}, 403),   # exactly "Bearer <t>"
])
def test_refused_before_the_upgrade(ws_runner, profile, headers, status):
    with ws_runner(profile, access_token=TOKEN) as runner:
        with pytest.raises(HandshakeError) as info:
            connect(url(runner), headers)
        assert info.value.status_code == status


@pytest.mark.parametrize("profile, keys", [
    ("napcat", ["status", "retcode", "data", "message", "wording", "stream", "echo"]),
    ("llonebot", ["status", "retcode", "data", "message", "wording"]),
])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}])
def test_napcat_and_llonebot_upgrade_answer_1403_and_close(ws_runner, profile, keys, headers):
    with ws_runner(profile, access_token=TOKEN) as runner:
        ws = connect(url(runner, "/"), headers)  # the upgrade succeeds
        # sent at once: a refused socket must not run it (LuckyLilliaBot#827 is not imitated);
        # the server's close may already be there
        with contextlib.suppress(ConnectionClosed):
            ws.send({"action": "send_private_msg", "params": {"user_id": ALICE, "message": "x"}})
        answer = ws.receive()
        assert list(answer) == keys
        assert (answer["status"], answer["retcode"], answer["data"]) == ("failed", 1403, None)
        assert ws.wait_closed() == 1005  # a close frame without a code, as ws.close() sends
        ws.close()
        assert runner.world.counters["message_sent"] == 0
        frames, _ = runner.traffic.since(0)
        marked = [f for f in frames if "verdict" in f and f"profile {profile}: upgraded, "
                  "answered retcode 1403, closed where the spec says the handshake refused"
                  in f["verdict"]]
        assert len(marked) == 2  # the handshake and the answer


def test_the_right_token_is_served_as_usual_with_a_frame_refusal_profile(ws_runner):
    with ws_runner("napcat", access_token=TOKEN) as runner:
        ws = connect(url(runner), {"Authorization": f"Bearer {TOKEN}"})
        assert ws.call("get_login_info")["data"]["user_id"] == runner.world.self_id
        ws.close()


@pytest.mark.parametrize("profile, retcode", [
    ("spec", 1404), ("go-cqhttp", 404), ("napcat", 1404), ("llonebot", 1404), ("lagrange", 404),
])
def test_unknown_action_on_a_websocket(ws_runner, profile, retcode):
    with ws_runner(profile) as runner:
        ws = connect(url(runner))
        answer = ws.call("no_such_action", echo="e1")
        assert (answer["status"], answer["retcode"], answer["echo"]) == ("failed", retcode, "e1")
        ws.close()
        if retcode != 1404:
            frames, _ = runner.traffic.since(0)
            assert any(f"profile {profile}: retcode 404 where the spec says HTTP 404 / "
                       "retcode 1404" in f.get("verdict", "") for f in frames)


@pytest.mark.parametrize("profile, echo, expected", [
    ("spec", None, {"echo": None}),          # echoed, null included
    ("napcat", None, {"echo": None, "stream": "normal-action", "wording": "", "message": ""}),
    ("llonebot", None, {"message": "", "wording": ""}),   # a null echo is not echoed
    ("llonebot", 0, {"echo": 0}),
    ("lagrange", None, {"echo": None}),
])
def test_answer_frame_keys(ws_runner, profile, echo, expected):
    with ws_runner(profile) as runner:
        ws = connect(url(runner))
        ws.send({"action": "get_login_info", "echo": echo})
        answer = ws.receive()
        assert answer["status"] == "ok"
        assert {key: answer[key] for key in expected} == expected
        assert ("echo" in answer) == ("echo" in expected)
        ws.close()


def test_a_bad_frame_gets_the_profile_keys_too(ws_runner):
    with ws_runner("napcat") as runner:
        ws = connect(url(runner))
        ws.send_raw("not json")
        answer = ws.receive()
        assert answer["retcode"] == 1400 and answer["echo"] is None
        assert answer["wording"] == answer["message"] and answer["stream"] == "normal-action"
        ws.close()
