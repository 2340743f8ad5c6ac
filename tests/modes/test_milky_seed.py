"""``milky_revision: seed``: the seed document's draft transport over the same API table
(MLK-54): ``POST /:api`` with 401/403/406/400, the WebSocket ``/`` carrying ``{action, params,
echo}`` answered as ``action_response`` and events as ``post_type: event``, the query token,
``X-Self-ID`` on WebHooks. No public client speaks it: the fake bot's sockets do."""

from __future__ import annotations

import pytest
import requests

from fakebot import HandshakeError
from milky_client import ALICE, BOT, joined, milky_runner, post, ws_events

TOKEN = "seed-token"


@pytest.fixture(scope="module")
def runner(tmp_path_factory, request):
    bot = request.getfixturevalue("module_fakebot")
    with milky_runner(tmp_path_factory.mktemp("seed"), milky_revision="seed",
                      milky_access_token=TOKEN, milky_webhook_urls=[bot.post_url]) as runner:
        yield runner


@pytest.fixture(scope="module")
def module_fakebot():
    from fakebot import FakeBot

    with FakeBot() as bot:
        yield bot


def test_post_api_at_the_root(runner):
    response = post(runner, "", path="/get_login_info", token=TOKEN)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "retcode": 0,
                               "data": {"uin": BOT, "nickname": "onebot-ref"}}


@pytest.mark.parametrize("args,status", [
    ({}, 401), ({"token": "wrong"}, 403), ({"token": TOKEN, "content_type": "text/plain"}, 406),
    ({"token": TOKEN, "body": b'{"user_id": "10001"}'}, 400),
    ({"token": TOKEN, "path": "/nope"}, 404), ({"token": TOKEN, "path": "/api/get_login_info"},
                                                404)],
    ids=["no-token-401", "wrong-token-403", "type-406", "params-400", "unknown-404",
         "1.2-path-404"])
def test_the_seed_statuses(runner, args, status):
    args = dict(args)
    path, body = args.pop("path", "/get_user_profile"), args.pop("body", b'{"user_id": 10001}')
    response = post(runner, "", body, path=path, **args)
    assert response.status_code == status, response.text
    if status == 400:  # "参数格式不正确": the envelope still says which field
        assert response.json()["retcode"] == -400 and "user_id" in response.json()["message"]


def test_there_is_no_1_2_event_endpoint(runner):
    with pytest.raises(HandshakeError):
        ws_events(runner, TOKEN, query=True)


@pytest.mark.parametrize("token,status", [(None, 401), ("wrong", 403)])
def test_the_websocket_token_is_the_query_s_checked_before_the_upgrade(runner, token, status):
    with pytest.raises(HandshakeError) as refused:
        ws_events(runner, token, query=True, path="/")
    assert refused.value.status_code == status
    with pytest.raises(HandshakeError):  # the header is not how the draft passes it
        ws_events(runner, TOKEN, path="/")


def test_the_websocket_answers_actions_and_pushes_events(runner, module_fakebot):
    ws = ws_events(runner, TOKEN, query=True, path="/")
    ws.send({"action": "get_login_info", "params": {}, "echo": "e1"})
    assert ws.receive() == {"post_type": "action_response", "self_id": BOT, "data": {
        "status": "ok", "retcode": 0, "data": {"uin": BOT, "nickname": "onebot-ref"},
        "echo": "e1"}}
    ws.send({"action": "get_login_info"})  # no echo: none in the answer; params absent: {}
    assert "echo" not in ws.receive()["data"]
    ws.send({"action": "nope", "params": {}, "echo": 2})
    answer = ws.receive()["data"]
    assert answer["retcode"] == -404 and answer["echo"] == 2
    ws.send_raw('{"action": "get_login_info", "echo": 3, "params": {}')  # broken JSON
    answer = ws.receive()
    assert answer["post_type"] == "action_response" and answer["data"]["retcode"] == -400
    assert joined(runner, ws)
    runner.world.receive_private_message(ALICE, "seed hi")
    event = ws.receive()
    assert event["post_type"] == "event" and event["self_id"] == BOT
    assert event["data"]["event_type"] == "message_receive"
    assert event["data"]["data"]["segments"] == [{"type": "text", "data": {"text": "seed hi"}}]
    hook = module_fakebot.wait_event_post(lambda e: e.get("event_type") == "message_receive")
    assert hook.headers["X-Self-Id"] == str(BOT)  # "每个 POST 请求都会携带 X-Self-ID 的请求头"
    assert hook.headers["Authorization"] == f"Bearer {TOKEN}"
    assert hook.json == event["data"]
    calls = [f for f in runner.traffic.since(0, 10**6)[0] if f["channel"] == "milky_event"
             and f["direction"] == "out" and isinstance(f["data"], dict)
             and f["data"].get("post_type") == "action_response"]
    assert len(calls) == 4
    ws.close()


@pytest.mark.parametrize("args", [
    {}, {"token": "wrong"}, {"token": TOKEN, "content_type": "text/plain"},
    {"token": TOKEN, "path": "/nope"}, {"token": TOKEN, "path": "/x/y"}],
    ids=["401", "403", "406", "404-api", "404-path"])
def test_the_seed_refusals_name_MLK_54(runner, args):
    """Issue 12: an English refusal names its rule; the seed's transport is MLK-54's."""
    args = dict(args)
    response = post(runner, "", b"{}", path=args.pop("path", "/get_login_info"), **args)
    assert response.status_code in (401, 403, 404, 406)
    assert response.text.rstrip("\n").endswith(" (MLK-54)"), response.text


def test_the_seed_websocket_refusals_name_MLK_54(runner):
    plain = requests.get(runner.url("milky") + f"/?access_token={TOKEN}", timeout=10)
    assert plain.status_code == 426 and plain.text == (
        "the seed revision's / is a WebSocket (Upgrade: websocket) (MLK-54)\n")
    missing = requests.get(runner.url("milky") + "/", headers={"Upgrade": "websocket"},
                           timeout=10)
    assert missing.status_code == 401 and missing.text.endswith(" (MLK-54)\n")
    ws = ws_events(runner, TOKEN, query=True, path="/")
    try:
        ws.send_raw("[1]")
        assert ws.receive()["data"]["message"] == (
            'a request frame is {"action": name, "params": {...}, "echo": any} (MLK-54)')
        ws.send_raw("{bad")
        assert ws.receive()["data"]["message"].endswith(" (MLK-54)")
    finally:
        ws.close()
