"""onebot_ref's own CPU per request, frame and event, measured in one process (process_time:
every thread of it), which a loaded machine barely changes (wall-clock ratios it does):

    .venv/bin/python bench/cpu_paths.py [--repeat 5]

- HTTP API: the WSGI app called directly (no sockets), steady state (10,000 messages already
  stored, so each send also drops one), best of ``--repeat`` batches of 2000: ``hot`` calls back
  to back, ``cold`` with a 0.2 ms sleep before each call (other processes run meanwhile and
  evict the caches, as between a keep-alive client's requests: what a request really costs in
  the server is nearer this one). Next to it the bare Flask route of http_layers.py.
- WebSocket: API round trips (get_login_info on /api, 1 connection) with the server in this
  process and a simple-websocket client in another, best of ``--repeat`` runs of 2 s.
- HTTP POST: 1000 bus events POSTed (signature and journal on) to bench_post.py's keep-alive
  receiver in another process, best of ``--repeat``; next to it a bare ``requests.Session``
  loop posting the same body from this process.

To compare two versions, run it in each tree (it measures the onebot_ref of its own tree) one
after the other, twice or more. It writes nothing (BENCHMARKS.md's "CPU per request" table is
copied by hand).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import harness

HERE = os.path.dirname(os.path.abspath(__file__))


def wsgi_caller(app):
    from werkzeug.test import EnvironBuilder

    def environ(method: str, path: str, data: bytes | None = None) -> dict:
        headers = {"Host": "127.0.0.1", "User-Agent": "bench", "Accept": "*/*"}
        if data:
            headers.update({"Content-Type": "application/json",
                            "Content-Length": str(len(data))})
        env = EnvironBuilder(path=path, method=method, data=data, headers=headers).get_environ()
        env["onebot_ref.headers"] = list(headers.items())  # as modes/http_server hands them over
        return env

    def call(env: dict) -> bytes:
        return b"".join(app(env, lambda status, headers, exc=None: None))

    return environ, call


def http(repeat: int) -> list[list[str]]:
    import http_layers

    runner = harness.start_runner()
    try:
        environ, ours = wsgi_caller(runner.modes["http"].app)
        _, bare = wsgi_caller(http_layers.bare_app())
        user = json.loads(ours(environ("GET", "/get_friend_list")))["data"][0]["user_id"]
        body = json.dumps({"user_id": user, "message": "hello"}).encode()
        for env in [environ("POST", "/send_private_msg", body) for _ in range(10500)]:
            ours(env)
        rows = []
        for name, request in (("send_private_msg", ("POST", "/send_private_msg", body)),
                              ("get_login_info", ("GET", "/get_login_info", None))):
            figures = []
            for call in (ours, bare):
                for cold in (False, True):
                    best = float("inf")
                    for _ in range(repeat):
                        envs = [environ(*request) for _ in range(2000)]
                        used = 0.0
                        began = time.process_time()
                        for env in envs:
                            if cold:
                                time.sleep(0.0002)
                                began = time.process_time()
                            call(env)
                            if cold:
                                used += time.process_time() - began
                        used = used if cold else time.process_time() - began
                        best = min(best, used / len(envs) * 1e6)
                    figures.append(f"{best:.0f}")
            rows.append([f"HTTP API {name} (WSGI app)", *figures])
        return rows
    finally:
        runner.stop()


def websocket(repeat: int) -> list[str]:
    runner = harness.start_runner(use_http=False, use_ws=True)
    client = ("import sys; sys.path.insert(0, sys.argv[1]); import ws_clients; "
              "print(ws_clients.round_trips(int(sys.argv[2]), '/api', 1, 2.0))")
    try:
        best = float("inf")
        for _ in range(repeat):
            began = time.process_time()
            done = subprocess.run([sys.executable, "-c", client, HERE, str(runner.ports["ws"])],
                                  capture_output=True, text=True, check=True, timeout=60)
            best = min(best, (time.process_time() - began) / int(done.stdout.split()[-1]) * 1e6)
        return ["WebSocket API round trip (1 connection)", f"{best:.0f}", "", "", ""]
    finally:
        runner.stop()


def post(repeat: int, events: int = 1000) -> list[str]:
    import requests

    import bench_post
    from onebot_ref.bus import Published
    from onebot_ref.protocol.auth import signature

    with harness.Child(os.path.join(HERE, "bench_post.py"), "receive", "keepalive") as receiver:
        url = f"http://127.0.0.1:{receiver.hello['port']}/"
        runner = harness.start_runner(use_http=False, post_url=url, secret=bench_post.SECRET)
        body = Published(dict(bench_post.EVENT)).body("string")
        headers = {"Content-Type": "application/json; charset=UTF-8", "X-Self-ID": "10000",
                   "X-Signature": signature(body, bench_post.SECRET)}
        session = requests.Session()
        try:
            best = {"ours": float("inf"), "bare": float("inf")}
            for _ in range(repeat):
                began = time.process_time()
                for _ in range(events):
                    runner.bus.publish(dict(bench_post.EVENT))
                assert runner.bus.wait_idle(120), "the events were not all posted"
                best["ours"] = min(best["ours"], (time.process_time() - began) / events * 1e6)
                began = time.process_time()
                for _ in range(events):
                    session.post(url, data=body, headers=headers).raise_for_status()
                best["bare"] = min(best["bare"], (time.process_time() - began) / events * 1e6)
            return ["HTTP POST per event (keep-alive receiver)", f"{best['ours']:.0f}", "",
                    f"{best['bare']:.0f}", ""]
        finally:
            runner.stop()
            session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="batches per figure (best taken)")
    args = parser.parse_args(argv)
    ws_row, post_row = websocket(args.repeat), post(args.repeat)  # before the 10,000 messages
    rows = http(args.repeat) + [ws_row, post_row]
    print(harness.stamp())
    print(harness.table(["path", "onebot_ref hot", "onebot_ref cold", "bare hot", "bare cold"],
                        "lrrrr", rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
