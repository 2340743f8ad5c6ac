"""Startup: time from process start until the HTTP API port accepts connections.

Issue target: `serve` is ready (port accepting) within 0.5 s of process start. Measured next to
the bare stack in the same run, interleaved: a Python process that imports Flask and serves one
route on werkzeug's make_server. Prints the median over the rounds and the ratio.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 7
BARE = """
import sys
from flask import Flask
from werkzeug.serving import make_server
app = Flask("bare")
app.route("/get_login_info")(lambda: {"status": "ok", "retcode": 0, "data": None})
make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_until_accepting(cmd: list[str], port: int) -> float:
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def main() -> None:
    ours, bare = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(ROUNDS):  # interleaved: A B A B ...
            port = free_port()
            cfg = os.path.join(tmp, "c.yaml")
            with open(cfg, "w") as fh:
                fh.write(f"host: 127.0.0.1\nport: {port}\nuse_console: false\n"
                         f"data_dir: {tmp}/data\n")
            ours.append(time_until_accepting(
                [sys.executable, "-m", "onebot_ref", "serve", "-c", cfg], port))
            port = free_port()
            bare.append(time_until_accepting([sys.executable, "-c", BARE, str(port)], port))
    o, b = statistics.median(ours), statistics.median(bare)
    print("| process | median ms to accepting | rounds (ms) |")
    print("|---|---:|---|")
    print(f"| onebot_ref serve | {o * 1000:.0f} | {' '.join(f'{x * 1000:.0f}' for x in ours)} |")
    print(f"| bare Flask + make_server | {b * 1000:.0f} | "
          f"{' '.join(f'{x * 1000:.0f}' for x in bare)} |")
    print(f"\nratio (bare / onebot_ref, 1.0 = as fast as bare): {b / o:.2f}; "
          f"target: ready within 500 ms -> {'met' if o < 0.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
