"""HTTP POST events/s: onebot_ref's HTTP POST pipeline next to a bare ``requests`` loop, measured
interleaved in the same run, against a closing and a keep-alive receiver.

    .venv/bin/python bench/bench_post.py [--rounds 7] [--events 1000] [--no-write] [--smoke]

Targets (the "Event delivery" issue, issue 10): events/s, the median of the per-round ratios
≥ 0.9 of bare ``requests.Session().post`` in a loop, no round below 0.8, against each of two
receivers: a Flask route answering 204 on werkzeug's threaded server (which closes every
connection) and the same route on onebot_ref's keep-alive ``modes/http_server.py`` (so both
senders keep their connection). Both senders post the same signed event body; the sender (bare
loop, or a Runner with ``post_url`` publishing events on its bus, traffic journal on, signature
on) runs in a process of its own per receiver, the receiver in another. A run is timed from the
command to the moment the receiver has counted all its POSTs; the CPU µs per event are the
sender process's (``/proc/<pid>/stat``) over the run.
The figures go into BENCHMARKS.md under "## HTTP POST" (other sections are left alone).
"""

from __future__ import annotations

import os
import statistics
import threading
import time

import requests

import harness
import load

HEADING = "## HTTP POST"
SECRET = "bench-secret"
EVENT = {"time": 1700000000, "self_id": 10000, "post_type": "message", "message_type": "private",
         "sub_type": "friend", "message_id": 4242, "user_id": 10001,
         "message": [{"type": "text", "data": {"text": "hello, a benchmark message"}}],
         "raw_message": "hello, a benchmark message", "font": 0,
         "sender": {"user_id": 10001, "nickname": "Alice", "sex": "female", "age": 20}}


# --- the receiver (child process) -------------------------------------------------------------
def receive(kind: str) -> None:
    """Child: the receiver, on werkzeug (``closing``) or on onebot_ref's server
    (``keepalive``)."""
    from flask import Flask, Response, jsonify, request

    app = Flask("receiver")
    state = {"count": 0}
    cond = threading.Condition()

    @app.post("/")
    def event():
        request.get_data()
        with cond:
            state["count"] += 1
            cond.notify_all()
        return Response(status=204)

    @app.get("/reset")
    def reset():
        with cond:
            state["count"] = 0
        return jsonify(state)

    @app.get("/wait")
    def wait():
        wanted = int(request.args["n"])
        with cond:
            cond.wait_for(lambda: state["count"] >= wanted, float(request.args["timeout"]))
            return jsonify(state)

    if kind == "closing":
        server = harness.WerkzeugServer("receiver", app).start()
    else:
        from onebot_ref.modes.http_server import HttpServer

        server = HttpServer("receiver", "127.0.0.1", 0, app).start()
    harness.answer_parent({"port": server.port})
    server.stop()


# --- the sender (child process) ----------------------------------------------------------------
def send(url: str) -> None:
    from onebot_ref.bus import Published
    from onebot_ref.protocol.auth import signature

    runner = harness.start_runner(use_http=False, post_url=url, secret=SECRET)
    body = Published(dict(EVENT)).body("string")  # the same bytes onebot_ref posts
    headers = {"Content-Type": "application/json; charset=UTF-8", "X-Self-ID": "10000",
               "X-Signature": signature(body, SECRET)}
    session = requests.Session()

    def handle(cmd: dict) -> dict:
        if cmd["cmd"] == "bare":
            for _ in range(cmd["count"]):
                session.post(url, data=body, headers=headers).raise_for_status()
        else:
            for _ in range(cmd["count"]):
                runner.bus.publish(dict(EVENT))
        return {"done": cmd["cmd"]}

    harness.answer_parent({"ready": True, "pid": os.getpid()}, handle)
    runner.stop()


# --- the runs (parent) -------------------------------------------------------------------------
RECEIVERS = {"closing": "a Flask route on werkzeug (closes every connection)",
             "keepalive": "the same route on onebot_ref's keep-alive server"}


def run(rounds: int, events: int, receiver: str) -> tuple[dict, dict]:
    """Per side (ours, bare): events/s per round, and the sender's CPU µs per event."""
    with harness.Child(__file__, "receive", receiver) as listening:
        url = f"http://127.0.0.1:{listening.hello['port']}"
        with harness.Child(__file__, "send", url + "/") as sender:
            cpu: dict[str, list[float]] = {"ours": [], "bare": []}
            session = requests.Session()

            def timed(kind: str, count: int) -> float:
                session.get(url + "/reset", timeout=10)
                before = load.cpu_seconds(sender.hello["pid"])
                began = time.perf_counter()
                sender.send(cmd=kind, count=count)
                got = session.get(url + "/wait", params={"n": count, "timeout": 60},
                                  timeout=70).json()
                elapsed = time.perf_counter() - began
                sender.answer()
                cpu[kind].append((load.cpu_seconds(sender.hello["pid"]) - before) / count * 1e6)
                if got["count"] < count:
                    raise RuntimeError(f"{kind}: the receiver got {got['count']} of {count} POSTs")
                return count / elapsed

            timed("bare", min(200, events))  # warm-up
            timed("ours", min(200, events))
            cpu = {"ours": [], "bare": []}
            rates = harness.interleave(rounds, {"ours": lambda: timed("ours", events),
                                                "bare": lambda: timed("bare", events)})
            return rates, cpu


def table(results: dict) -> tuple[str, list[harness.Check]]:
    rows, checks = [], []
    for receiver, (rates, cpu) in results.items():
        each = [o / b for o, b in zip(rates["ours"], rates["bare"])]
        median, lowest = statistics.median(each), min(each)
        rows.append([f"HTTP POST to {RECEIVERS[receiver]}", f"{statistics.mean(rates['ours']):.0f}",
                     f"{statistics.mean(rates['bare']):.0f}", f"**{median:.2f}**",
                     f"{lowest:.2f}", harness.per_round(rates["ours"], rates["bare"]),
                     f"{statistics.median(cpu['ours']):.0f} / {statistics.median(cpu['bare']):.0f}",
                     "median ≥ 0.9, each ≥ 0.8"])
        checks += [harness.Check(f"HTTP POST events/s, {receiver} receiver, median", median,
                                 0.9, median >= 0.9),
                   harness.Check(f"HTTP POST events/s, {receiver} receiver, lowest round",
                                 lowest, 0.8, lowest >= 0.8)]
    text = harness.table(
        ["case", "onebot_ref events/s", "bare requests POSTs/s", "median ratio", "lowest",
         "per-round ratios", "sender CPU µs/event onebot_ref / bare", "target"], "lrrrrlrl", rows)
    return text, checks


def write_markdown(text: str, checks: list[harness.Check], rounds: int, events: int) -> None:
    missed = [check.what for check in checks if not check.ok]
    section = (
        f"{HEADING}\n\n"
        "`bench/bench_post.py`: onebot_ref posting events published on its bus (HTTP POST "
        "worker, signature and traffic journal on, the bus waiting for each POST as the "
        "ordering rule wants) next to a bare `requests.Session().post` loop sending the same "
        "signed body, against two receivers: a Flask route answering 204 on werkzeug's "
        "threaded server (which closes every connection) and the same route on onebot_ref's "
        "keep-alive server; sender and receiver each in their own process. "
        f"{rounds} rounds of {events} events per receiver, alternating ({harness.stamp()}).\n\n"
        f"{text}\n\n"
        + ("All targets met." if not missed else f"Missed: {', '.join(missed)}.") + "\n")
    harness.write_section(HEADING, section)


def main(argv: list[str] | None = None) -> int:
    args = harness.options(__doc__, rounds=7, events=(1000, "events per round and side"),
                           smoke={"events": 20}).parse_args(argv)
    if args.child:  # ["receive", kind] or ["send", url]
        receive(args.child[1]) if args.child[0] == "receive" else send(args.child[1])
        return 0
    began = time.monotonic()
    results = {receiver: run(args.rounds, args.events, receiver) for receiver in RECEIVERS}
    text, checks = table(results)
    print(text)
    harness.verdict(checks)
    print(f"took {time.monotonic() - began:.0f} s")
    if not args.no_write:
        write_markdown(text, checks, args.rounds, args.events)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
