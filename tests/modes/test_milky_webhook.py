"""The Milky face's WebHooks over real sockets (MLK-16, MLK-56): every event POSTed to each URL
with Bearer, the body the WebSocket's text; HTTP POST's attempts, timeout and journal; a dead
URL delays no other; bot_offline on stop (MLK-58)."""

from __future__ import annotations

import json

import pytest

from fakebot import Answer, FakeBot
from milky_client import ALICE, BOT, joined, milky_runner, ws_events

TOKEN = "hook-token"


def _events(bot: FakeBot) -> list[dict]:
    return [post.json for post in bot.posts]


def test_every_event_is_posted_with_bearer_as_the_websocket_text_MLK_16(tmp_path, fakebot):
    with milky_runner(tmp_path, milky_access_token=TOKEN,
                      milky_webhook_urls=[fakebot.post_url]) as runner:
        ws = ws_events(runner, TOKEN)
        assert joined(runner, ws)
        runner.world.receive_private_message(ALICE, "hook me")
        post = fakebot.wait_event_post(lambda e: e.get("event_type") == "message_receive")
        pushed = ws.receive()
    assert post.headers["Authorization"] == f"Bearer {TOKEN}"
    assert post.headers["Content-Type"] == "application/json"
    assert "X-Self-Id" not in post.headers  # 1.2 has none (the seed's draft had it)
    assert post.body == json.dumps(pushed, ensure_ascii=False, separators=(",", ":")).encode()
    assert post.json["self_id"] == BOT
    frames = [f for f in runner.traffic.since(0, 10**6)[0] if f["channel"] == "milky_webhook"]
    assert [f["direction"] for f in frames[:2]] == ["out", "in"]
    assert frames[0]["headers"]["Authorization"] == "Bearer ho****"
    assert frames[1]["verdict"] == "receiver answered 204"


def test_no_token_no_authorization_header(tmp_path, fakebot):
    with milky_runner(tmp_path, milky_webhook_urls=[fakebot.post_url]) as runner:
        runner.world.receive_private_message(ALICE, "x")
        post = fakebot.wait_event_post(lambda e: e.get("event_type") == "message_receive")
    assert "Authorization" not in post.headers


def test_a_5xx_is_retried_a_4xx_is_not_MLK_56(tmp_path, fakebot):
    answers = iter([Answer(503), Answer(204), Answer(401)])
    fakebot.respond_with(lambda post: next(answers, Answer(204)))
    with milky_runner(tmp_path, milky_webhook_urls=[fakebot.post_url], post_max_retries=2,
                      post_retry_interval=10) as runner:
        runner.world.receive_private_message(ALICE, "first")
        fakebot.wait_post(after=1)
        runner.world.receive_private_message(ALICE, "second")
        refused = runner.traffic.find(lambda f: f["channel"] == "milky_webhook"
                                      and "event refused" in (f.get("verdict") or ""), 5)
        assert refused is not None and refused["data"]["status"] == 401
        runner.bus.wait_idle(5)
    texts = [e["data"]["segments"][0]["data"]["text"] for e in _events(fakebot)[:3]]
    assert texts == ["first", "first", "second"]  # the 401 was not retried
    assert len([e for e in _events(fakebot) if e["event_type"] == "message_receive"]) == 3


def test_a_dead_url_delays_no_other_and_gives_up_in_the_journal(tmp_path, fakebot):
    dead = FakeBot().start()
    dead_url = dead.post_url
    dead.stop()  # nobody listens there now
    with milky_runner(tmp_path, milky_webhook_urls=[dead_url, fakebot.post_url],
                      post_timeout=1) as runner:
        runner.world.receive_private_message(ALICE, "x")
        fakebot.wait_event_post(lambda e: e.get("event_type") == "message_receive")
        gave_up = runner.traffic.find(lambda f: f["channel"] == "milky_webhook"
                                      and f["peer"] == dead_url
                                      and "not delivered by Milky WebHook" in
                                      (f.get("verdict") or ""), 5)
    assert gave_up is not None and "connection failed" in gave_up["verdict"]


def test_bot_offline_is_posted_on_stop_MLK_58(tmp_path, fakebot):
    with milky_runner(tmp_path, milky_webhook_urls=[fakebot.post_url]):
        pass
    post = fakebot.wait_event_post(lambda e: e.get("event_type") == "bot_offline")
    assert post.json["data"] == {"reason": "onebot_ref is stopping"}


@pytest.mark.parametrize("urls,problem", [
    (["ftp://x"], "milky_webhook_urls[0]: expected a URL starting with http(s)://"),
    ("http://x", None), ([1], "milky_webhook_urls: expected a list of strings")])
def test_the_urls_are_checked(urls, problem):
    from onebot_ref.config import ConfigError, from_mapping

    if problem is None:
        assert from_mapping({"use_milky": True, "milky_webhook_urls": urls}) \
            .milky_webhook_urls == ["http://x"]
        return
    with pytest.raises(ConfigError) as refused:
        from_mapping({"use_milky": True, "milky_webhook_urls": urls})
    assert any(p.startswith(problem) for p in refused.value.problems)
