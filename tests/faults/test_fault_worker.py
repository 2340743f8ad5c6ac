"""The faults' own thread (``faults``: held WebSocket answers, a restart's downtime, the end of a
blackhole or a refusal) is a supervised worker of the runner's registry (SUP-1..3): there only
once something is timed, a job that raises is reported on the ``server`` channel and the next
one still runs on the same thread, get_status stays good, and the stop ends it."""

from __future__ import annotations

import threading

from helpers import http_data, start_runner


def test_the_faults_thread_is_a_supervised_worker(tmp_path):
    with start_runner(tmp_path, use_http=True, use_ws=True) as runner:
        assert runner.workers.get("faults") is None  # no fault timed yet: no thread
        runner.faults.add({"type": "refuse", "ms": 30})  # its end is the worker's first job
        worker = runner.workers.get("faults")
        assert worker is not None and worker.running
        ended = runner.traffic.find(lambda f: f["channel"] == "fault" and "ended after 30 ms"
                                    in f["verdict"], timeout=5)
        assert ended is not None and runner.faults.list() == []

        after, ran = runner.traffic.cursor, threading.Event()
        runner.faults.timers.after(0, lambda: 1 / 0)  # a job's bug: the thread must go on
        runner.faults.timers.after(0.01, ran.set)
        failed = runner.traffic.find(lambda f: f["channel"] == "server" and f["peer"] ==
                                     "faults" and "ZeroDivisionError" in f["verdict"],
                                     timeout=5, after=after)
        assert failed is not None and "the thread goes on" in failed["verdict"]
        assert ran.wait(5) and worker.running
        assert http_data(runner, "get_status")["good"] is True
        assert runner.workers.problems() == []
    assert not worker.alive and "faults" not in {t.name for t in threading.enumerate()}
