"""HTTP POST events/s: onebot_ref's HTTP POST pipeline next to a bare ``requests`` loop, measured
interleaved in the same run.

    .venv/bin/python bench/bench_post.py [--rounds 3] [--events 1000] [--no-write]

Target (the "Event delivery" issue): events/s ≥ 0.9 of bare ``requests.Session().post`` in a
loop. Both post the same event body to the same receiver (a Flask route on werkzeug's threaded
server answering 204, in its own process); the sender (bare loop, or a Runner with ``post_url``
publishing events on its bus, traffic journal on, signature on) runs in another process. A run
is timed from the command to the moment the receiver has counted all its POSTs.
The figures go into BENCHMARKS.md under "## HTTP POST" (other sections are left alone).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from benchmarks_md import replace_section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADING = "## HTTP POST"
SECRET = "bench-secret"
EVENT = {"time": 1700000000, "self_id": 10000, "post_type": "message", "message_type": "private",
         "sub_type": "friend", "message_id": 4242, "user_id": 10001,
         "message": [{"type": "text", "data": {"text": "hello, a benchmark message"}}],
         "raw_message": "hello, a benchmark message", "font": 0,
         "sender": {"user_id": 10001, "nickname": "Alice", "sex": "female", "age": 20}}


# --- the receiver (child process) -------------------------------------------------------------
def receive() -> int:
    from flask import Flask, Response, jsonify, request

    from onebot_ref.runner import ServerThread

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

    server = ServerThread("receiver", "port", "127.0.0.1", 0, app)
    server.start()
    print(json.dumps({"port": server.port}), flush=True)
    sys.stdin.read()
    server.stop()
    return 0


# --- the sender (child process) ----------------------------------------------------------------
def send(url: str) -> int:
    from onebot_ref.bus import Published
    from onebot_ref.config import from_mapping
    from onebot_ref.protocol.auth import signature
    from onebot_ref.runner import Runner

    runner = Runner(from_mapping({"use_http": False, "use_console": False, "post_url": url,
                                  "secret": SECRET,
                                  "data_dir": "/tmp/onebot_ref_bench_data"})).start()
    body = Published(dict(EVENT)).body("string")  # the same bytes onebot_ref posts
    headers = {"Content-Type": "application/json; charset=UTF-8", "X-Self-ID": "10000",
               "X-Signature": signature(body, SECRET)}
    session = requests.Session()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["cmd"] == "bare":
            for _ in range(cmd["count"]):
                session.post(url, data=body, headers=headers).raise_for_status()
        else:
            for _ in range(cmd["count"]):
                runner.bus.publish(dict(EVENT))
        print(json.dumps({"done": cmd["cmd"]}), flush=True)
    runner.stop()
    return 0


# --- the runs (parent) -------------------------------------------------------------------------
def child(*args: str) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen([sys.executable, __file__, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return proc, json.loads(proc.stdout.readline())


def run(rounds: int, events: int) -> dict[str, list[float]]:
    receiver, hello = child("--receive")
    url = f"http://127.0.0.1:{hello['port']}"
    sender, _ = child("--send", url + "/")
    rates: dict[str, list[float]] = {"ours": [], "bare": []}

    def timed(kind: str, count: int) -> float:
        requests.get(url + "/reset", timeout=10)
        began = time.perf_counter()
        sender.stdin.write(json.dumps({"cmd": kind, "count": count}) + "\n")
        sender.stdin.flush()
        got = requests.get(url + "/wait", params={"n": count, "timeout": 60}, timeout=70).json()
        elapsed = time.perf_counter() - began
        sender.stdout.readline()
        if got["count"] < count:
            raise RuntimeError(f"{kind}: the receiver got {got['count']} of {count} POSTs")
        return count / elapsed

    try:
        timed("bare", 200)  # warm-up
        timed("ours", 200)
        for r in range(rounds):
            for kind in (("ours", "bare") if r % 2 == 0 else ("bare", "ours")):
                rates[kind].append(timed(kind, events))
    finally:
        sender.stdin.close()
        sender.wait(30)
        receiver.stdin.close()
        receiver.wait(30)
    return rates


def table(rates: dict[str, list[float]]) -> tuple[str, float]:
    ours, bare = statistics.mean(rates["ours"]), statistics.mean(rates["bare"])
    per = " ".join(f"{o / b:.2f}" for o, b in zip(rates["ours"], rates["bare"]))
    text = ("| case | onebot_ref events/s | bare requests POSTs/s | ratio | per-round ratios | "
            "target |\n|---|---:|---:|---:|---|---|\n"
            f"| HTTP POST, one receiver answering 204 | {ours:.0f} | {bare:.0f} | "
            f"**{ours / bare:.2f}** | {per} | ≥ 0.9 |")
    return text, ours / bare


def write_markdown(text: str, ratio: float, rounds: int, events: int) -> None:
    section = (
        f"{HEADING}\n\n"
        "`bench/bench_post.py`: onebot_ref posting events published on its bus (HTTP POST "
        "worker, signature and traffic journal on, the bus waiting for each POST as the "
        "ordering rule wants) next to a bare `requests.Session().post` loop sending the same "
        "signed body; the receiver is a Flask route answering 204 on werkzeug's threaded "
        "server (which closes every connection), each side in its own process. "
        f"{rounds} rounds of {events} events, alternating "
        f"({time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs).\n\n"
        f"{text}\n\n"
        f"{'Meets' if ratio >= 0.9 else 'Misses'} the 0.9 target.\n")
    replace_section(HEADING, section)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--events", type=int, default=1000, help="events per round and side")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    parser.add_argument("--receive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--send", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receive:
        return receive()
    if args.send:
        return send(args.send)
    began = time.monotonic()
    rates = run(args.rounds, args.events)
    text, ratio = table(rates)
    print(text)
    print(f"{'ok  ' if ratio >= 0.9 else 'MISS'} HTTP POST events/s: {ratio:.2f} (target 0.9)")
    print(f"took {time.monotonic() - began:.0f} s")
    if not args.no_write:
        write_markdown(text, ratio, args.rounds, args.events)
        print(f"written to BENCHMARKS.md ({HEADING})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
