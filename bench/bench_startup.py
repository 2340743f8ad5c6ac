"""Startup: time from process start until the HTTP API port accepts connections.

    .venv/bin/python bench/bench_startup.py [--rounds 7] [--smoke]

Targets: `serve` is ready (port accepting) within 0.5 s of process start, and within 1.5x a
bare Flask process (issue 10): a Python process that imports Flask and serves one route on
werkzeug's make_server, measured next to it in the same run, interleaved. Prints the median
over the rounds and the ratio. (`python -X importtime -m onebot_ref serve -c FILE` shows what
the difference is made of.)
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time

import harness

BARE = """
import sys
from flask import Flask
from werkzeug.serving import make_server
app = Flask("bare")
app.route("/get_login_info")(lambda: {"status": "ok", "retcode": 0, "data": None})
make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
"""


def time_until_accepting(cmd: list[str], port: int) -> float:
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=harness.ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - began < 10:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.05).close()
                return time.perf_counter() - began
            except OSError:
                time.sleep(0.002)
        raise RuntimeError(f"{cmd[:3]} did not accept within 10 s")
    finally:
        proc.terminate()
        proc.wait(5)


def ours() -> float:
    port = harness.free_port()
    cfg = os.path.join(harness.data_dir(), "c.yaml")
    with open(cfg, "w") as fh:
        fh.write(f"host: 127.0.0.1\nport: {port}\nuse_console: false\n"
                 f"data_dir: {harness.data_dir()}/data\n")
    return time_until_accepting([sys.executable, "-m", "onebot_ref", "serve", "-c", cfg], port)


def bare() -> float:
    port = harness.free_port()
    return time_until_accepting([sys.executable, "-c", BARE, str(port)], port)


def main(argv: list[str] | None = None) -> int:
    args = harness.options(__doc__, rounds=7, writes=False).parse_args(argv)
    # interleaved, A B A B ...: each process starts right after the other one
    runs = harness.interleave(args.rounds, {"ours": ours, "bare": bare}, alternate=False)
    o, b = statistics.median(runs["ours"]), statistics.median(runs["bare"])
    print(harness.table(["process", "median ms to accepting", "rounds (ms)"], "lrl", [
        ["onebot_ref serve", f"{o * 1000:.0f}", " ".join(f"{x * 1000:.0f}" for x in runs["ours"])],
        ["bare Flask + make_server", f"{b * 1000:.0f}",
         " ".join(f"{x * 1000:.0f}" for x in runs["bare"])]]))
    print(f"\nonebot_ref / bare: {o / b:.2f}x")
    harness.verdict([harness.Check("ready within (s)", o, "< 0.5", o < 0.5),
                     harness.Check("times the bare Flask process", o / b, "<= 1.5", o / b <= 1.5)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
