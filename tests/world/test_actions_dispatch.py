"""Actions.call's dispatch: unknown actions (1404), the _async and _rate_limited suffixes, hidden
actions, set_restart, a bug in an action (ACT-*, RESP-6, A-9..11, PARAM-12)."""

from __future__ import annotations

import threading
import time

import pytest

from actions_kit import (  # the fixtures config, world, actions
    fixture_actions,  # noqa: F401
    fixture_config,  # noqa: F401
    fixture_world,  # noqa: F401
)
from helpers import direct_call as call  # the envelope of Actions.call, no transport
from onebot_ref.actions import Actions
from onebot_ref.config import Config


# --- dispatch: unknown, _async, _rate_limited, hidden (ACT-*) -------------------------------
@pytest.mark.parametrize("action", ["no_such_action", "no_such_action_async",
                                    "get_status_async_async", "get_status_rate_limited_async",
                                    "send_msg_Async"],
                         ids=["A-9", "A-10", "ACT-3", "ACT-3-mixed", "PARAM-12-case"])
def test_unknown_actions_are_1404(actions, action):
    assert call(actions, action) == {"status": "failed", "retcode": 1404, "data": None,
                                     "message": f"unknown action '{action}' (HTTP-11, WSF-7)"}
    assert not actions.exists(action)


class Probe:
    """An action that records when and where it ran (added to the table, like a hidden one)."""

    def __init__(self, expected: int = 1):
        self.runs: list[tuple[int, float, str]] = []
        self.done = threading.Event()
        self.expected = expected

        def probe(ctx, n: int) -> dict:
            self.runs.append((n, time.monotonic(), threading.current_thread().name))
            if len(self.runs) >= self.expected:
                self.done.set()
            return {"n": n}

        self.action = probe


@pytest.fixture
def probe(actions):
    probe = Probe()
    actions.table["probe"] = actions.table[".probe"] = probe.action
    return probe


def test_act2_async_answers_at_once_and_runs_on_a_worker(actions, probe):
    """ACT-1/2, RESP-6: {"status": "async", "retcode": 1, "data": null}; the call runs on the
    named worker thread and its result is discarded."""
    assert call(actions, "probe_async", n=1) == {"status": "async", "retcode": 1, "data": None}
    assert probe.done.wait(5)
    assert probe.runs[0][0] == 1 and probe.runs[0][2] == "actions-async"


def test_act12_suffixes_work_on_hidden_actions(actions, probe):
    assert actions.exists(".probe_async")
    assert call(actions, ".probe_async", n=2)["status"] == "async"
    assert probe.done.wait(5) and probe.runs[0][0] == 2


def test_act6_rate_limited_runs_fifo_one_per_interval(actions, probe, config):
    """ACT-6/7/8: answered async at once; executed in order, consecutive executions at least
    rate_limit_interval apart (measured by the execution timestamps)."""
    probe.expected = 3
    answers = [call(actions, "probe_rate_limited", n=n) for n in range(3)]
    assert all(a["status"] == "async" for a in answers)
    assert probe.done.wait(5)
    assert [n for n, _, _ in probe.runs] == [0, 1, 2]
    gaps = [b[1] - a[1] for a, b in zip(probe.runs, probe.runs[1:])]
    assert min(gaps) >= config.rate_limit_interval / 1000 * 0.95, gaps
    assert probe.runs[0][2] == "actions-rate-limited"


def test_a11_rate_limited_is_always_available(world, tmp_path):
    actions = Actions(world, Config(enable_rate_limited_actions=False, data_dir=str(tmp_path)))
    try:
        assert call(actions, "send_private_msg_rate_limited", user_id=10001,
                    message="x")["status"] == "async"
    finally:
        actions.stop()


def test_api36_set_restart_is_async_and_calls_the_hook(actions):
    restarted = threading.Event()
    actions.on_restart = restarted.set
    assert call(actions, "set_restart", delay=10) == {"status": "async", "retcode": 1,
                                                      "data": None}
    assert restarted.wait(5)


def test_a_bug_in_an_action_is_a_failed_envelope_not_an_exception(actions, caplog):
    def broken(ctx):
        raise KeyError("oops")

    actions.table["broken"] = broken
    envelope = call(actions, "broken")
    assert envelope["status"] == "failed" and envelope["retcode"] == 103
    assert "internal error in broken: KeyError" in envelope["message"]
    assert "action broken failed unexpectedly" in caplog.text

