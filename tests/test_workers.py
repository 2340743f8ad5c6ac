"""The supervised-thread mechanism itself (onebot_ref/workers.py, SUP-1..3): real threads, a real
traffic journal; every wait bounded. The threads of the modes are poisoned through their own
entry points in tests/test_supervised_workers.py and tests/test_supervised_connections.py."""

from __future__ import annotations

import json
import logging
import queue
import sys
import threading

import pytest

from onebot_ref.traffic import Traffic
from onebot_ref.workers import STOP, Workers, clean_text, describe

WAIT = 5.0  # seconds for anything a worker thread does


class Probe:
    """A queue worker of a test's own: ``put(job)``; each job is a callable it calls."""

    def __init__(self, workers: Workers, name: str = "probe"):
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.worker = workers.worker(name, self.jobs.get, lambda job: job())

    def run_and_wait(self) -> None:
        """Queue a job that must run, and wait for it: the worker still works."""
        ran = threading.Event()
        self.jobs.put(ran.set)
        assert ran.wait(WAIT), f"{self.worker.name} did not run the next job"

    def stop(self) -> None:
        assert self.worker.stop(wake=lambda: self.jobs.put(STOP), timeout=WAIT)


def failures(traffic: Traffic, thread: str) -> list[dict]:
    return [f for f in traffic.since(0, limit=10**6)[0]
            if f["channel"] == "server" and f["peer"] == thread]


def wait_frame(traffic: Traffic, thread: str, words: str) -> dict:
    frame = traffic.find(lambda f: f["channel"] == "server" and f["peer"] == thread
                         and words in f.get("verdict", ""), timeout=WAIT)
    assert frame is not None, f"no server frame about {thread} saying {words!r}"
    return frame


def overflow() -> None:
    """What issue 15's case 3 raised inside actions-async: a wait longer than time_t."""
    threading.Event().wait(1e30)


def test_a_job_that_raises_is_reported_and_the_next_job_runs(caplog):
    """SUP-1: logged with the traceback, journalled naming thread, job and exception."""
    traffic = Traffic()
    probe = Probe(Workers(traffic))
    probe.worker.start()
    with caplog.at_level(logging.ERROR, logger="onebot_ref.workers"):
        probe.jobs.put(overflow)
        probe.run_and_wait()
    assert probe.worker.alive and probe.worker.running
    [frame] = failures(traffic, "probe")
    assert frame["direction"] == "out"
    assert frame["data"]["thread"] == "probe"
    assert frame["data"]["job"] == "overflow"
    assert frame["data"]["error"].startswith("OverflowError: ")
    assert "in overflow" in frame["data"]["traceback"]  # the frame of the job itself
    assert frame["verdict"].startswith("probe: overflow failed: OverflowError: ")
    assert frame["verdict"].endswith("the thread goes on with the next job")
    [record] = [r for r in caplog.records if "overflow failed" in r.getMessage()]
    assert record.exc_info is not None  # the traceback is in the log
    probe.stop()


def test_many_failing_jobs_never_end_the_worker():
    traffic = Traffic()
    probe = Probe(Workers(traffic))
    probe.worker.start()
    for job in (overflow, lambda: 1 / 0, lambda: {}["missing"], lambda: [][0]):
        probe.jobs.put(job)
    probe.run_and_wait()
    errors = [f["data"]["error"].split(":")[0] for f in failures(traffic, "probe")]
    assert errors == ["OverflowError", "ZeroDivisionError", "KeyError", "IndexError"]
    probe.stop()


def test_a_failing_take_is_reported_and_tried_again():
    traffic = Traffic()
    calls: queue.SimpleQueue = queue.SimpleQueue()
    ran = threading.Event()
    attempts = iter([lambda: 1 / 0, lambda: "job"])

    def take():
        if ran.is_set():
            return STOP
        return next(attempts)()

    worker = Workers(traffic).worker("taker", take, lambda job: (calls.put(job), ran.set()))
    worker.start()
    assert ran.wait(WAIT)
    assert calls.get(timeout=WAIT) == "job"
    frame = wait_frame(traffic, "taker", "waiting for the next job failed")
    assert frame["data"]["error"].startswith("ZeroDivisionError")
    worker.stop()


def test_a_worker_that_stops_is_a_problem_until_it_runs_again():
    """SUP-2: SystemExit is not swallowed as a job failure: the loop stops, the registry
    names it, and it runs again when its owner starts it (or after revive_after)."""
    traffic = Traffic()
    workers = Workers(traffic, revive_after=60)
    probe = Probe(workers)
    probe.worker.start()
    workers.open()
    assert workers.problems() == []
    probe.jobs.put(lambda: sys.exit(3))
    frame = wait_frame(traffic, "probe", "stopped: SystemExit: 3")
    assert "get_status answers good: false" in frame["verdict"]
    assert workers.problems() == ["probe is not running: stopped: SystemExit: 3"]
    probe.worker.start()  # the owner needs it: it runs again at once, not in 60 s
    wait_frame(traffic, "probe", "probe runs again")
    probe.run_and_wait()
    assert workers.problems() == []
    probe.stop()


def test_a_stopped_worker_revives_by_itself():
    traffic = Traffic()
    workers = Workers(traffic, revive_after=0.05)
    probe = Probe(workers)
    probe.worker.start()
    probe.jobs.put(lambda: sys.exit(1))
    wait_frame(traffic, "probe", "probe runs again")
    probe.run_and_wait()
    probe.stop()


def test_never_started_and_withdrawn():
    """A worker that should run but never started is a problem once the registry is open (the
    runner opens it after start); one its owner stopped is not; an unopened registry (parts
    used alone, in tests) expects nothing."""
    workers = Workers()
    probe = Probe(workers)
    assert workers.problems() == []
    workers.open()
    assert workers.problems() == ["probe is not running: never started"]
    probe.worker.start()
    assert workers.problems() == []
    probe.stop()
    assert workers.problems() == [] and not probe.worker.alive
    probe.worker.start()  # stopped is final
    assert not probe.worker.alive


def test_registry_stop_joins_everything_and_names_what_would_not_end():
    workers = Workers()
    release = threading.Event()
    probe, stuck = Probe(workers, "probe"), Probe(workers, "stuck")
    probe.worker.start()
    stuck.worker.start()
    started = threading.Event()
    stuck.jobs.put(lambda: (started.set(), release.wait(WAIT)))
    assert started.wait(WAIT)
    probe.jobs.put(STOP)  # its owner's way out of take(); the registry only sets stopping
    assert workers.stop(timeout=0.2) == ["stuck"]
    assert not probe.worker.alive
    release.set()
    stuck.worker.join(WAIT)
    assert not stuck.worker.alive  # it ended after its job, without being asked again


def test_draining_stop_runs_what_is_queued_first():
    workers = Workers()
    done = []
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    worker = workers.worker("drainer", jobs.get, done.append)
    for n in range(100):
        jobs.put(n)
    worker.start()
    assert worker.stop(wake=lambda: jobs.put(STOP), timeout=WAIT, drain=True)
    assert done == list(range(100))


def test_guard_reports_and_answers_false(caplog):
    traffic = Traffic()
    workers = Workers(traffic)
    assert workers.guard("a job", lambda: None) is True
    with caplog.at_level(logging.ERROR, logger="onebot_ref.workers"):
        assert workers.guard("a job", lambda: 1 / 0) is False
    [frame] = failures(traffic, threading.current_thread().name)
    assert frame["data"]["job"] == "a job"
    assert "a job failed: ZeroDivisionError" in caplog.text


def test_a_report_always_serialises():
    """Nothing we emit can fail to encode: an exception's message may carry a lone surrogate
    from bad input; the frame holds its escape, so /sim/traffic can always encode the journal."""
    traffic = Traffic()
    workers = Workers(traffic)

    def bad_text():
        raise ValueError("got \ud800 here")

    workers.guard(bad_text, bad_text)
    [frame] = failures(traffic, threading.current_thread().name)
    json.dumps(frame, ensure_ascii=False, allow_nan=False).encode("utf-8")  # never raises
    assert frame["data"]["error"] == "ValueError: got \\ud800 here"
    assert clean_text("x" * 10, limit=4) == "xxxx..."


@pytest.mark.parametrize("job, named", [
    ("a text", "a text"),
    (overflow, "overflow"),
    ((overflow, {"p": 1}), "overflow"),
    (object(), "object"),
    (Workers, "Workers"),
])
def test_describe(job, named):
    assert describe(job) == named


def test_describe_uses_an_own_repr():
    class Job:
        def __repr__(self):
            return "the POST of event message.private"

    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

    assert describe(Job()) == "the POST of event message.private"
    assert describe(Broken()) == "Broken"
