"""Every long-lived thread survives a job that raises (SUP-1, SUP-4; issue 15 case 3 at the
worker level): each is poisoned through its own entry point over real sockets, and the next
job must run on the same, still living thread. Here the job queues: the action workers (an
`_async` call, a rate-limited call, a scheduled job), the event bus (a sink) and HTTP POST (a
receiver's answer); the connections' threads are in test_supervised_connections.py.

Several poisons are a wait the platform cannot do (``Event.wait(1e27)`` raises OverflowError:
what case 3's ``set_restart`` delay did): the parameter and config layers are to refuse such
values (issue 15's strict boundary), so the tests set them on the running parts, as a value
nothing checked would arrive.
"""

from __future__ import annotations

import threading

from fakebot import connect
from helpers import http_call
from supervised_kit import ALICE, GROUP, HUGE, MEMBER, WAIT, card, eventually, failure, thread_names

# --- the action workers ---------------------------------------------------------------------


def test_set_restart_with_a_huge_delay_never_ends_actions_async(make_runner):
    """Case 3 over the HTTP API: whether the delay is refused (100) or reaches the worker and
    raises there, every later `_async` call still runs."""
    with make_runner() as runner:
        envelope = http_call(runner, "set_restart", delay=HUGE)
        assert envelope["retcode"] in (1, 100), envelope
        http_call(runner, "set_group_card_async", group_id=GROUP, user_id=MEMBER, card="after")
        eventually(lambda: card(runner) == "after", "the _async call after set_restart ran")
        assert "actions-async" in thread_names()


def test_a_scheduled_job_that_raises_is_reported_and_the_next_async_call_runs(make_runner):
    def restart_too_late():
        threading.Event().wait(HUGE / 1000)

    with make_runner() as runner:
        runner.actions.schedule(restart_too_late)
        frame = failure(runner, "actions-async")
        assert frame["data"]["job"].endswith("restart_too_late")
        assert frame["data"]["error"].startswith("OverflowError")
        assert http_call(runner, "set_group_card_async", group_id=GROUP, user_id=MEMBER,
                         card="next")["status"] == "async"
        eventually(lambda: card(runner) == "next", "the next _async call ran")
        assert "actions-async" in thread_names()


def test_the_rate_limited_worker_survives_a_wait_that_raises(make_runner):
    """ACT-8's interval is waited after each call; a wait that raises is that job's failure."""
    with make_runner(rate_limit_interval=0) as runner:
        runner.config.rate_limit_interval = HUGE
        http_call(runner, "set_group_card_rate_limited", group_id=GROUP, user_id=MEMBER,
                  card="one")
        frame = failure(runner, "actions-rate-limited")
        assert (frame["data"]["job"], frame["data"]["error"][:13]) == (
            "set_group_card", "OverflowError")
        runner.config.rate_limit_interval = 0
        assert card(runner) == "one"
        http_call(runner, "set_group_card_rate_limited", group_id=GROUP, user_id=MEMBER,
                  card="two")
        eventually(lambda: card(runner) == "two", "the next rate-limited call ran")
        assert "actions-rate-limited" in thread_names()


# --- the event bus and HTTP POST -------------------------------------------------------------

def test_a_sink_that_raises_is_reported_and_every_event_still_reaches_the_others(make_runner):
    def broken_sink(published):
        raise KeyError("no such field")

    with make_runner(use_ws=True) as runner:
        ws = connect(runner.url("ws") + "/event")
        ws.next_event()  # lifecycle connect
        runner.bus.add_sink(broken_sink, stage="post")  # before the WebSocket push
        for text in ("one", "two"):
            runner.world.receive_private_message(ALICE, text)
            assert ws.next_event(lambda e: e["post_type"] == "message")["raw_message"] == text
        frame = failure(runner, "event-bus")
        assert frame["data"]["job"].endswith("broken_sink")
        assert frame["verdict"].endswith("the thread goes on with the next job")
        assert "event-bus" in thread_names()
        ws.close()


def test_http_post_survives_a_failed_job_and_posts_the_next_event(make_runner, fakebot):
    """The receiver answers 500, so the worker waits ``post_retry_interval``; that wait raises
    (the job fails, reported). The next event is POSTed and its quick operation applied."""
    with make_runner(post_url=fakebot.post_url, post_max_retries=1) as runner:
        fakebot.wait_event_post(lambda e: e.get("sub_type") == "enable")
        fakebot.respond(500)
        runner.config.post_retry_interval = HUGE
        runner.world.receive_private_message(ALICE, "poison")
        frame = failure(runner, "http-post")
        assert frame["data"]["job"] == "the POST of event message.private.friend"
        assert frame["data"]["error"].startswith("OverflowError")
        runner.config.post_retry_interval = 0
        fakebot.respond(json={"reply": "pong"})
        runner.world.receive_private_message(ALICE, "next")
        fakebot.wait_event_post(lambda e: e.get("raw_message") == "next")
        assert runner.traffic.find(lambda f: f["channel"] == "http_post" and "quick operation "
                                   "applied: reply" in f.get("verdict", ""), timeout=WAIT)
        assert "http-post" in thread_names()


def test_http_post_survives_a_receiver_answer_nested_beyond_recursion(make_runner, fakebot):
    """A quick-operation answer 100,000 arrays deep (json's RecursionError, or a refusal)."""
    with make_runner(post_url=fakebot.post_url) as runner:
        fakebot.respond(200, body=b"[" * 100_000 + b"]" * 100_000)
        runner.world.receive_private_message(ALICE, "deep")
        fakebot.wait_event_post(lambda e: e.get("raw_message") == "deep")
        fakebot.respond(204)
        runner.world.receive_private_message(ALICE, "after")
        fakebot.wait_event_post(lambda e: e.get("raw_message") == "after")
        assert "http-post" in thread_names()
