"""HTTP POST events/s: onebot_ref's HTTP POST pipeline next to a bare ``requests`` loop, measured
interleaved in the same run.

    .venv/bin/python bench/bench_post.py [--rounds 3] [--events 1000] [--no-write] [--smoke]

Target (the "Event delivery" issue): events/s ≥ 0.9 of bare ``requests.Session().post`` in a
loop. Both post the same event body to the same receiver (a Flask route on werkzeug's threaded
server answering 204, in its own process); the sender (bare loop, or a Runner with ``post_url``
publishing events on its bus, traffic journal on, signature on) runs in another process. A run
is timed from the command to the moment the receiver has counted all its POSTs.
The figures go into BENCHMARKS.md under "## HTTP POST" (other sections are left alone).
"""

from __future__ import annotations

import statistics
import threading
import time

import requests

import harness

HEADING = "## HTTP POST"
SECRET = "bench-secret"
EVENT = {"time": 1700000000, "self_id": 10000, "post_type": "message", "message_type": "private",
         "sub_type": "friend", "message_id": 4242, "user_id": 10001,
         "message": [{"type": "text", "data": {"text": "hello, a benchmark message"}}],
         "raw_message": "hello, a benchmark message", "font": 0,
         "sender": {"user_id": 10001, "nickname": "Alice", "sex": "female", "age": 20}}


# --- the receiver (child process) -------------------------------------------------------------
def receive() -> None:
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

    server = harness.WerkzeugServer("receiver", app).start()
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

    harness.answer_parent({"ready": True}, handle)
    runner.stop()


# --- the runs (parent) -------------------------------------------------------------------------
def run(rounds: int, events: int) -> dict[str, list[float]]:
    with harness.Child(__file__, "receive") as receiver:
        url = f"http://127.0.0.1:{receiver.hello['port']}"
        with harness.Child(__file__, "send", url + "/") as sender:

            def timed(kind: str, count: int) -> float:
                requests.get(url + "/reset", timeout=10)
                began = time.perf_counter()
                sender.send(cmd=kind, count=count)
                got = requests.get(url + "/wait", params={"n": count, "timeout": 60},
                                   timeout=70).json()
                elapsed = time.perf_counter() - began
                sender.answer()
                if got["count"] < count:
                    raise RuntimeError(f"{kind}: the receiver got {got['count']} of {count} POSTs")
                return count / elapsed

            timed("bare", min(200, events))  # warm-up
            timed("ours", min(200, events))
            return harness.interleave(rounds, {"ours": lambda: timed("ours", events),
                                               "bare": lambda: timed("bare", events)})


def table(rates: dict[str, list[float]]) -> tuple[str, float]:
    ours, bare = statistics.mean(rates["ours"]), statistics.mean(rates["bare"])
    text = harness.table(
        ["case", "onebot_ref events/s", "bare requests POSTs/s", "ratio", "per-round ratios",
         "target"], "lrrrll",
        [["HTTP POST, one receiver answering 204", f"{ours:.0f}", f"{bare:.0f}",
          f"**{ours / bare:.2f}**", harness.per_round(rates["ours"], rates["bare"]), "≥ 0.9"]])
    return text, ours / bare


def write_markdown(text: str, ratio: float, rounds: int, events: int) -> None:
    section = (
        f"{HEADING}\n\n"
        "`bench/bench_post.py`: onebot_ref posting events published on its bus (HTTP POST "
        "worker, signature and traffic journal on, the bus waiting for each POST as the "
        "ordering rule wants) next to a bare `requests.Session().post` loop sending the same "
        "signed body; the receiver is a Flask route answering 204 on werkzeug's threaded "
        "server (which closes every connection), each side in its own process. "
        f"{rounds} rounds of {events} events, alternating ({harness.stamp()}).\n\n"
        f"{text}\n\n"
        f"{'Meets' if ratio >= 0.9 else 'Misses'} the 0.9 target.\n")
    harness.write_section(HEADING, section)


def main(argv: list[str] | None = None) -> int:
    args = harness.options(__doc__, rounds=3, events=(1000, "events per round and side"),
                           smoke={"events": 20}).parse_args(argv)
    if args.child:  # ["receive"] or ["send", url]
        receive() if args.child[0] == "receive" else send(args.child[1])
        return 0
    began = time.monotonic()
    rates = run(args.rounds, args.events)
    text, ratio = table(rates)
    print(text)
    harness.verdict([harness.Check("HTTP POST events/s", ratio, 0.9, ratio >= 0.9)])
    print(f"took {time.monotonic() - began:.0f} s")
    if not args.no_write:
        write_markdown(text, ratio, args.rounds, args.events)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
