"""Which HTTP server under the HTTP API: the candidates serving the same HttpApi, with keep-alive
clients, next to the bare stdlib keep-alive handler, interleaved in one run.

    .venv/bin/python bench/bench_servers.py [--rounds 5] [--duration 2] [--smoke]

Candidates: onebot_ref's own ``modes/http_server.py`` (thread per connection), cheroot (a
thread pool behind a selector for idle connections) and waitress (an asyncore loop handing
requests to 4 threads), each in its own child process serving one ``HttpApi`` (Runner pieces,
default world, traffic journal on); those not installed (``pip install cheroot waitress``) are
left out. The reference: a bare ``http.server.BaseHTTPRequestHandler`` with
``protocol_version = "HTTP/1.1"`` on ``ThreadingHTTPServer`` answering a fixed envelope (the
"~7,300 req/s" of issue 10). For each of ``get_login_info`` and ``send_private_msg`` at 1, 8
and 64 connections, every server is loaded once per round, the order rotating round by round;
CPU µs per request is the server process's user + system time (``/proc/<pid>/stat``) over
the requests it answered. This is the measurement the choice of server was made on (issue 10);
it writes nothing (the figures are quoted in BENCHMARKS.md by hand).
"""

from __future__ import annotations

import json
import statistics
import sys

import harness
import load

HEADING = "## HTTP server choice"
FIXED = b'{"status":"ok","retcode":0,"data":{"user_id":10000,"nickname":"bot"}}'
SERVERS = ("ours", "cheroot", "waitress", "bare")


# --- the servers (child processes) ---------------------------------------------------------
def bare_server():
    """The reference: the standard library's handler, HTTP/1.1 keep-alive, a thread each."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The stdlib's own switch (StreamRequestHandler): without it the head and the body go
        # out as two segments and Nagle holds the second for the client's delayed ACK (40 ms).
        disable_nagle_algorithm = True

        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(FIXED)))
            self.end_headers()
            self.wfile.write(FIXED)

        do_GET = do_POST = answer

        def log_message(self, *args) -> None:  # no access log, like every server here
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address) -> None:
            pass  # wrk ends its connections mid-answer at the end of a run: not news

    server = Server(("127.0.0.1", 0), Handler)
    return server.server_address[1], server.serve_forever, server.shutdown


def candidate(kind: str, app):
    """(port, serve, stop) of one candidate server with ``app``."""
    if kind == "ours":
        from onebot_ref.modes.http_server import HttpServer

        server = HttpServer("http-api", "127.0.0.1", 0, app)
        return server.port, lambda: server.start()._thread.join(), server.stop
    if kind == "cheroot":
        from cheroot.wsgi import Server

        server = Server(("127.0.0.1", 0), app)
        server.prepare()
        return server.bind_addr[1], server.serve, server.stop
    import logging

    from waitress import create_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" lines

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    return server.effective_port, server.run, server.close


def serve(kind: str) -> None:
    """Child: one server; says its port and pid, serves until stdin closes."""
    import os
    import threading

    runner = None
    if kind == "bare":
        port, run, stop = bare_server()
    else:
        from onebot_ref.modes.http_api import HttpApi

        runner = harness.start_runner(use_http=False)
        port, run, stop = candidate(kind, HttpApi(runner.parts))
    threading.Thread(target=run, name=f"bench-{kind}", daemon=True).start()
    harness.answer_parent({"port": port, "pid": os.getpid()})
    stop()
    if runner is not None:
        runner.stop()


def available() -> list[str]:
    import importlib.util

    return [kind for kind in SERVERS
            if kind in ("ours", "bare") or importlib.util.find_spec(kind) is not None]


# --- the runs (parent) ----------------------------------------------------------------------
def cases(port: int) -> list[tuple[str, load.Request]]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/get_friend_list")
    user_id = json.loads(conn.getresponse().read())["data"][0]["user_id"]
    conn.close()
    body = json.dumps({"user_id": user_id, "message": "hello"}).encode()
    return [("get_login_info", load.Request("GET", "/get_login_info")),
            ("send_private_msg", load.Request("POST", "/send_private_msg", body,
                                              {"Content-Type": "application/json"}))]


def run(rounds: int, duration: float, conc: list[int], smoke: bool = False) -> dict:
    kinds = ["ours", "bare"] if smoke else available()  # --smoke: that it runs, quickly
    children = {kind: harness.Child(__file__, kind) for kind in kinds}
    results: dict = {}
    try:
        requests = cases(children["ours"].hello["port"])
        for _, request in requests:  # warm-up, and each must really answer 200
            for child in children.values():
                load.closing(child.hello["port"], request, 1, 0.2)
        for round_no in range(rounds):
            order = kinds[round_no % len(kinds):] + kinds[:round_no % len(kinds)]
            for name, request in requests:
                for c in conc:
                    for kind in order:
                        child = children[kind]
                        cpu = load.cpu_seconds(child.hello["pid"])
                        result = load.keepalive(child.hello["port"], request, c, duration)
                        used = load.cpu_seconds(child.hello["pid"]) - cpu
                        results.setdefault((name, c, kind), []).append(
                            (result.rate, result.p50, result.p99, used / result.requests * 1e6))
            harness.progress(f"round {round_no + 1}/{rounds} done")
    finally:
        for child in children.values():
            child.close()
    return results


def report(results: dict, conc: list[int]) -> str:
    kinds = [k for k in SERVERS if any(key[2] == k for key in results)]
    rows = []
    for name in ("get_login_info", "send_private_msg"):
        for c in conc:
            bare = [r[0] for r in results[(name, c, "bare")]]
            for kind in kinds:
                mine = results[(name, c, kind)]
                rates = [r[0] for r in mine]
                rows.append([name, c, kind, f"{statistics.median(rates):.0f}",
                             f"**{statistics.median(rates) / statistics.median(bare):.2f}**",
                             harness.per_round(rates, bare),
                             " ".join(f"{r[0]:.0f}" for r in mine),
                             f"{statistics.median(r[1] for r in mine):.2f} / "
                             f"{statistics.median(r[2] for r in mine):.2f}",
                             f"{statistics.median(r[3] for r in mine):.0f}"])
    return harness.table(["action", "conc.", "server", "median req/s", "of bare",
                          "per-round of bare", "per-round req/s", "p50 / p99 ms", "CPU µs/req"],
                         "lrlrrllrr", rows)


def main(argv: list[str] | None = None) -> int:
    args = harness.options(__doc__, rounds=5, writes=False, smoke={"duration": 1.0},
                           duration=(2.0, "seconds per server, case and round")).parse_args(argv)
    if args.child:
        serve(args.child[0])
        return 0
    conc = [1] if args.smoke else [1, 8, 64]
    results = run(args.rounds, args.duration, conc, args.smoke)
    print(f"client: {load.CLIENT}; servers: {', '.join(sorted({k[2] for k in results}))}")
    print(report(results, conc))
    ours = [statistics.median(r[0] for r in results[(n, c, "ours")]) /
            statistics.median(r[0] for r in results[(n, c, "bare")])
            for n in ("get_login_info", "send_private_msg") for c in conc]
    harness.verdict([harness.Check("ours, worst median of bare", min(ours), "(none: a choice)",
                                   True)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
