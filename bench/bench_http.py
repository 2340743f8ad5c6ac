"""HTTP API requests/s, latency and CPU per request: with keep-alive clients next to a bare stdlib
keep-alive handler, with closing clients next to a bare Flask route on werkzeug.

    .venv/bin/python bench/bench_http.py [--rounds 5] [--duration 2] [--no-write] [--profile]
                                         [--smoke]

Targets (issue 10): with **keep-alive clients** at 1, 8 and 64 connections, ``get_login_info``
≥ 0.6 and ``send_private_msg`` ≥ 0.5 of the requests/s of a bare
``http.server.BaseHTTPRequestHandler`` (HTTP/1.1, ``ThreadingHTTPServer``, a fixed envelope:
the threaded-Python ceiling); with **closing clients** (a new TCP connection per request,
``Connection: close``) at 1 and 8, ≥ 0.9 of a bare Flask route returning a fixed envelope on
werkzeug's threaded server (which closes every connection itself). onebot_ref is a Runner with
the default world and the traffic journal on, serving on its own ``modes/http_server.py``.

Every server runs in its own child process (the clients' Python does not compete for its GIL,
and its CPU time is its own: user + system from ``/proc/<pid>/stat`` over the requests it
answered). Keep-alive clients are ``wrk`` when installed (one C thread), else Python threads;
closing clients are Python ``http.client`` threads. Each keep-alive cell is one run of
``--duration`` s per server and round, the order alternating round by round; each closing cell
alternates the two servers every ``duration / 8`` s. p50 / p99: the medians over the rounds.
``--profile`` prints where a request's time goes (``http_layers.py``) with a cProfile listing.
The figures go into BENCHMARKS.md under "## HTTP API" (other sections are left alone).
"""

from __future__ import annotations

import json
import os
import statistics
import threading

import harness
import http_layers
import load
from bench_servers import bare_server

HEADING = "## HTTP API"
SLICES = 8  # alternations of the two servers within one round of a closing cell
KEEPALIVE, CLOSING = (1, 8, 64), (1, 8)
TARGETS = {("keep-alive", "get_login_info"): 0.6, ("keep-alive", "send_private_msg"): 0.5,
           ("closing", "get_login_info"): 0.9, ("closing", "send_private_msg"): 0.9}
REFERENCE = {"keep-alive": "stdlib", "closing": "flask"}


# --- the servers (child processes) ---------------------------------------------------------
def serve(kind: str) -> None:
    """Child: one server (ours, stdlib or flask); says its port and pid, runs until stdin
    closes."""
    if kind == "ours":
        runner = harness.start_runner()  # the HTTP API alone, the default world
        harness.answer_parent({"port": runner.ports["http"], "pid": os.getpid()})
        runner.stop()
    elif kind == "stdlib":
        port, run, stop = bare_server()
        threading.Thread(target=run, name="bare-stdlib", daemon=True).start()
        harness.answer_parent({"port": port, "pid": os.getpid()})
        stop()
    else:
        server = harness.WerkzeugServer("bare-flask", http_layers.bare_app()).start()
        harness.answer_parent({"port": server.port, "pid": os.getpid()})
        server.stop()


# --- the runs (parent) ----------------------------------------------------------------------
def cases(port: int) -> dict[str, load.Request]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/get_friend_list")
    user_id = json.loads(conn.getresponse().read())["data"][0]["user_id"]
    body = json.dumps({"user_id": user_id, "message": "hello"}).encode()
    found = {"get_login_info": load.Request("GET", "/get_login_info"),
             "send_private_msg": load.Request("POST", "/send_private_msg", body,
                                              {"Content-Type": "application/json"})}
    for request in found.values():  # each must really succeed on our server
        conn.request(request.method, request.path, request.body, request.headers)
        envelope = json.loads(conn.getresponse().read())
        assert envelope["status"] == "ok", envelope
    conn.close()
    return found


class Cell:
    """One side of one cell: per round its rate, p50, p99 and CPU µs per request."""

    def __init__(self):
        self.rates, self.p50, self.p99, self.cpu = [], [], [], []

    def add(self, requests: int, seconds: float, p50: float, p99: float, cpu: float) -> None:
        self.rates.append(requests / seconds)
        self.p50.append(p50)
        self.p99.append(p99)
        self.cpu.append(cpu / max(1, requests) * 1e6)


def run(rounds: int, duration: float, keepalive: tuple, closing: tuple) -> dict:
    children = {kind: harness.Child(__file__, kind) for kind in ("ours", "stdlib", "flask")}
    cells: dict[tuple, Cell] = {}
    try:
        port = {kind: child.hello["port"] for kind, child in children.items()}
        pid = {kind: child.hello["pid"] for kind, child in children.items()}
        requests = cases(port["ours"])
        for request in requests.values():  # warm-up
            for kind in children:
                load.closing(port[kind], request, 2, 0.3)
        for round_no in range(rounds):
            for name, request in requests.items():
                for c in keepalive:
                    for kind in harness.order(round_no, ("ours", "stdlib")):
                        cpu = load.cpu_seconds(pid[kind])
                        got = load.keepalive(port[kind], request, c, duration)
                        cells.setdefault(("keep-alive", name, c, kind), Cell()).add(
                            got.requests, got.seconds, got.p50, got.p99,
                            load.cpu_seconds(pid[kind]) - cpu)
                for c in closing:
                    # closing clients' rates drift with the machine's load: the two servers
                    # alternate in short slices within the round, A B B A A B ...
                    done = {kind: [0, 0.0, [], 0.0] for kind in ("ours", "flask")}
                    for i in range(SLICES):
                        for kind in harness.order(i, ("ours", "flask")):
                            cpu = load.cpu_seconds(pid[kind])
                            got = load.closing(port[kind], request, c, duration / SLICES)
                            slot = done[kind]
                            slot[0] += got.requests
                            slot[1] += got.seconds
                            slot[2] += got.latencies
                            slot[3] += load.cpu_seconds(pid[kind]) - cpu
                    for kind, (count, seconds, lat, cpu) in done.items():
                        cells.setdefault(("closing", name, c, kind), Cell()).add(
                            count, seconds, statistics.median(lat),
                            harness.percentile(lat, 99), cpu)
            harness.progress(f"round {round_no + 1}/{rounds} done")
    finally:
        for child in children.values():
            child.close()
    return cells


def rows(cells: dict) -> list[dict]:
    out = []
    for (clients, name, c, kind), ours in cells.items():
        if kind != "ours":
            continue
        bare = cells[(clients, name, c, REFERENCE[clients])]
        out.append({"clients": clients, "case": name, "c": c, "ours": ours, "bare": bare,
                    "ratio": harness.ratio(ours.rates, bare.rates),
                    "target": TARGETS[(clients, name)]})
    return out


def table(found: list[dict]) -> str:
    def ms(cell: Cell) -> str:
        return f"{statistics.median(cell.p50):.2f} / {statistics.median(cell.p99):.2f}"

    return harness.table(
        ["clients", "action", "conc.", "onebot_ref req/s", "bare req/s", "ratio", "target",
         "per-round ratios", "onebot_ref p50 / p99 ms", "bare p50 / p99 ms",
         "CPU µs/req onebot_ref / bare"], "llrrrrrlrrr",
        [[r["clients"] + (" (bare: stdlib)" if r["clients"] == "keep-alive" else
                          " (bare: Flask)"), r["case"], r["c"],
          f"{statistics.mean(r['ours'].rates):.0f}", f"{statistics.mean(r['bare'].rates):.0f}",
          f"**{r['ratio']:.2f}**", f"≥ {r['target']}",
          harness.per_round(r["ours"].rates, r["bare"].rates), ms(r["ours"]), ms(r["bare"]),
          f"{statistics.median(r['ours'].cpu):.0f} / {statistics.median(r['bare'].cpu):.0f}"]
         for r in found])


def checks(found: list[dict]) -> list[harness.Check]:
    return [harness.Check(f"{r['clients']} {r['case']} c={r['c']}", r["ratio"], r["target"],
                          r["ratio"] >= r["target"]) for r in found]


def write_markdown(text: str, found: list[dict], parts: list, rounds: int,
                   duration: float) -> None:
    missed = [c.what for c in checks(found) if not c.ok]
    section = (
        f"{HEADING}\n\n"
        "`bench/bench_http.py`: onebot_ref's HTTP API (Runner with the default world, traffic "
        "journal on, served by `modes/http_server.py`) next to the bare stacks: for keep-alive "
        "clients a bare stdlib `BaseHTTPRequestHandler` (HTTP/1.1, `ThreadingHTTPServer`, "
        "`TCP_NODELAY`, a fixed envelope), for closing clients a bare Flask route on werkzeug's "
        "threaded server (which closes every connection). Each server in its own process; "
        f"keep-alive clients: {load.CLIENT} (`-t1`), closing clients: Python `http.client` "
        f"threads sending `Connection: close`. {rounds} rounds of {duration:g} s per server and "
        f"cell, the order alternating ({harness.stamp()}). CPU µs/req: the server process's "
        "user + system time (`/proc/<pid>/stat`) per request answered.\n\n"
        f"{text}\n\n"
        + ("All targets met." if not missed else f"Missed: {', '.join(missed)}.") +
        "\n\nWhere the time goes (`bench/bench_http.py --profile` adds a cProfile listing): "
        "the same requests with the WSGI apps called directly, best of 15 interleaved runs, "
        "each layer added in turn.\n\n"
        f"{http_layers.breakdown_table(parts)}\n\n"
        f"{http_layers.attribution(parts)}\n")
    harness.write_section(HEADING, section)


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, rounds=5, smoke={"duration": 1.0, "requests": 5},
                             duration=(2.0, "seconds per server, cell and round"))
    parser.add_argument("--profile", action="store_true",
                        help="only the per-layer breakdown and a cProfile listing")
    parser.set_defaults(requests=200)  # per layer and run of the breakdown
    args = parser.parse_args(argv)
    if args.child:  # ["ours" | "stdlib" | "flask"]
        serve(args.child[0])
        return 0
    if args.profile:
        print(http_layers.breakdown_table(http_layers.breakdown(with_cprofile=True)))
        return 0
    keepalive, closing = ((8,), (1,)) if args.smoke else (KEEPALIVE, CLOSING)  # smoke: it runs
    found = rows(run(args.rounds, args.duration, keepalive, closing))
    text = table(found)
    print(text)
    print()
    harness.verdict(checks(found))
    print()
    parts = http_layers.breakdown(args.requests)
    print(http_layers.breakdown_table(parts))
    if not args.no_write:
        write_markdown(text, found, parts, args.rounds, args.duration)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
