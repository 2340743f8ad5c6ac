"""Sustained load on all four OneBot 11 modes at once: the server's memory and threads must stay
flat (issue 15, "Sustained load").

    .venv/bin/python bench/bench_soak.py [--duration 600] [--rate 40] [--sample 60]
                                         [--warmup 2] [--no-write] [--smoke]
    .venv/bin/python bench/bench_soak.py --duration 3600      # the documented 1-hour run

onebot_ref runs in a child process with the HTTP API, the forward WebSocket, HTTP POST to the
parent's receiver, a reverse Universal client to the parent's peer, the heartbeat (every 10 s)
and the console, traffic journal on, ``history_limit: 500`` (so the bounded message history
is full within the warm-up: a store that reaches its bound is not a leak). The parent drives
``--rate`` operations per second on a fixed schedule, cycling through: an HTTP API call
(``send_private_msg`` and ``get_status`` in turn, one TCP connection each), a forward ``/api``
call, a reverse-WebSocket API call, and a user's private message through the console, which
the server pushes to HTTP POST (every 10th answered with a quick reply), the forward
``/event`` connection and the reverse connection. Each API call waits for its answer, as a bot
awaiting its call does. Every ``--sample`` seconds a row: the server's RSS and OS threads (from
/proc), what was done, the 1-minute load average (the machine is shared).

Targets: after the warm-up (``--warmup`` samples) every sample's RSS within ±10 % of the last
warm-up sample; once the load stops, the server's threads back to the idle count (measured
with the persistent connections open, before the load) within 30 s; no message event lost on
any of the three event channels, no API call failed or unanswered, get_status good at the end.
There is no bare side: flatness over time is onebot_ref's own figure, not a ratio.
The figures go into BENCHMARKS.md under "## Soak".
"""

from __future__ import annotations

import http.client
import json
import threading
import time

import harness
import soak_kit
from onebot_ref.modes import ws_transport

HEADING = "## Soak"
KINDS = ("http", "ws_api", "reverse_api", "event")
COLUMNS = ["minute", "ops done", "events POSTed / pushed / reversed", "errors", "RSS MB",
           "RSS vs warm-up", "threads", "load"]


def serve(post_url: str, reverse_url: str) -> None:
    """Child: the server under load; answers ``status`` with get_status's data."""
    runner = harness.start_runner(
        use_ws=True, use_console=True, console_host="127.0.0.1", console_port=0,
        post_url=post_url, use_ws_reverse=True, ws_reverse_url=reverse_url,
        ws_reverse_use_universal_client=True, ws_reverse_reconnect_interval=200,
        enable_heartbeat=True, heartbeat_interval=10000, history_limit=500)

    def handle(cmd: dict) -> dict:
        return runner.actions.call("get_status", {})["data"]

    harness.answer_parent(dict(runner.ports), handle)
    runner.stop()


class EventReader:
    """The forward ``/event`` connection, read by a thread of its own: counts message events."""

    def __init__(self, url: str):
        self.ws, self.messages = ws_transport.connect(url), 0
        threading.Thread(target=self._run, name="event-reader", daemon=True).start()

    def _run(self) -> None:
        try:
            while True:
                data = self.ws.receive()
                if data is not None and soak_kit.MESSAGE in data:
                    self.messages += 1
        except (ws_transport.ConnectionClosed, OSError):
            pass


class Driver:
    """The load: one operation per tick, cycling through :data:`KINDS`."""

    def __init__(self, ports: dict, peer: soak_kit.ReversePeer):
        self.ports, self.peer = ports, peer
        self.api = ws_transport.connect(f"ws://127.0.0.1:{ports['ws']}/api")
        self.done = dict.fromkeys(KINDS, 0)
        self.errors = dict.fromkeys(KINDS, 0)
        self.last_error = ""
        self.echo = 0

    def step(self, n: int) -> None:
        kind = KINDS[n % len(KINDS)]
        try:
            getattr(self, kind)(n)
            self.done[kind] += 1
        except Exception as err:  # counted and shown; the soak goes on
            self.errors[kind] += 1
            self.last_error = f"{kind}: {err!r}"

    def _http(self, port: int, method: str, path: str, body: dict | None = None) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, data, {"Content-Type": "application/json"})
            response = conn.getresponse()
            answer = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status} {answer[:100]!r}")
            return json.loads(answer)
        finally:
            conn.close()

    def http(self, n: int) -> None:
        if n // len(KINDS) % 2:
            envelope = self._http(self.ports["http"], "GET", "/get_status")
        else:
            envelope = self._http(self.ports["http"], "POST", "/send_private_msg",
                                  {"user_id": 10001, "message": f"soak reply {n}"})
        if envelope.get("retcode") != 0:
            raise RuntimeError(f"HTTP API: {envelope}")

    def ws_api(self, n: int) -> None:
        self.echo += 1
        with self.api.lock:
            self.api.write(self.api.frame(json.dumps({"action": "get_login_info",
                                                      "echo": self.echo})))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            data = self.api.receive(timeout=max(0.0, deadline - time.monotonic()))
            if data is not None and json.loads(data).get("echo") == self.echo:
                return
        raise TimeoutError("forward /api: no answer within 10 s")

    def reverse_api(self, n: int) -> None:
        self.echo += 1
        frame = json.dumps({"action": "get_status", "echo": self.echo})
        if not self.peer.call(frame, self.echo):
            raise TimeoutError("reverse: no answer within 10 s")

    def event(self, n: int) -> None:
        answer = self._http(self.ports["console"], "POST", "/sim/private_message",
                            {"user_id": 10001, "message": f"soak message {n}"})
        if "message_id" not in json.dumps(answer):
            raise RuntimeError(f"console: {answer}")


def run(duration: float, rate: float, sample: float, warmup: int) -> dict:
    receiver = soak_kit.PostReceiver(
        lambda n: b'{"reply":"pong"}' if n % 10 == 0 else None)
    peer = soak_kit.ReversePeer()
    child = harness.Child(__file__, "serve", receiver.url, peer.url)
    pid, ports = child.proc.pid, child.hello
    out: dict = {"rows": [], "rss": [], "rate": rate, "duration": duration}
    try:
        events = EventReader(f"ws://127.0.0.1:{ports['ws']}/event")
        assert soak_kit.wait_for(lambda: peer.ws is not None, 30), "no reverse connection"
        driver = Driver(ports, peer)
        time.sleep(min(1.0, sample))  # every persistent connection reaches its idle read
        out["rss_idle"], out["threads_idle"] = soak_kit.proc_status(pid)
        print(harness.table(COLUMNS, "rrrrrrrr", []), flush=True)
        began = time.monotonic()
        next_sample, n = began + sample, 0
        while time.monotonic() < began + duration:
            driver.step(n)
            n += 1
            now = time.monotonic()
            if now >= next_sample:
                out["rows"].append(sample_row(out, pid, driver, receiver, events, peer,
                                              (now - began) / 60, warmup))
                print(out["rows"][-1], flush=True)
                next_sample += sample
            left = began + n / rate - time.monotonic()
            if left > 0:
                time.sleep(left)
        if len(out["rows"]) < int(duration / sample):  # the sample due at the very end
            out["rows"].append(sample_row(out, pid, driver, receiver, events, peer,
                                          (time.monotonic() - began) / 60, warmup))
            print(out["rows"][-1], flush=True)
        out["seconds"], out["ops"] = time.monotonic() - began, n
        injected = driver.done["event"]
        out["delivered"] = soak_kit.wait_for(lambda: min(
            receiver.messages, events.messages, peer.messages) >= injected, 30)
        out["lost"] = injected - min(receiver.messages, events.messages, peer.messages)
        settled = time.monotonic()
        soak_kit.wait_for(lambda: soak_kit.proc_status(pid)[1] <= out["threads_idle"], 30)
        out["settle_seconds"] = time.monotonic() - settled
        out["rss_end"], out["threads_end"] = soak_kit.proc_status(pid)
        out["errors"], out["last_error"] = sum(driver.errors.values()), driver.last_error
        out["done"], out["good"] = driver.done, child.ask(cmd="status")["good"]
    finally:
        child.close()
        receiver.close()
        peer.close()
    return out


def sample_row(out: dict, pid: int, driver: Driver, receiver, events, peer, minute: float,
               warmup: int) -> str:
    rss, threads = soak_kit.proc_status(pid)
    out["rss"].append(rss)
    base = out["rss"][warmup - 1] if len(out["rss"]) >= warmup else None
    versus = f"{(rss - base) / base * 100:+.1f} %" if base and len(out["rss"]) > warmup \
        else "(warm-up)"
    cells = [f"{minute:.1f}", str(sum(driver.done.values())),
             f"{receiver.messages} / {events.messages} / {peer.messages}",
             str(sum(driver.errors.values())), f"{rss / 1024:.1f}", versus, str(threads),
             f"{soak_kit.load_average():.1f}"]
    return "|" + "|".join(f" {cell} " for cell in cells) + "|"


def checks(r: dict, warmup: int) -> list[harness.Check]:
    after = r["rss"][warmup:]
    base = r["rss"][warmup - 1] if len(r["rss"]) >= warmup else r["rss_idle"]
    worst = max((abs(rss - base) / base * 100 for rss in after), default=0.0)
    return [
        harness.Check("RSS after warm-up, largest deviation from the warm-up's end (%)", worst,
                      "within ±10", bool(after) and worst <= 10),
        harness.Check(f"threads once the load stopped, above the idle {r['threads_idle']}",
                      r["threads_end"] - r["threads_idle"], 0,
                      r["threads_end"] <= r["threads_idle"]),
        harness.Check("message events lost on the slowest channel", r["lost"], 0,
                      r["lost"] == 0),
        harness.Check("operations failed or unanswered", r["errors"], 0, r["errors"] == 0),
        harness.Check("get_status good at the end (1 = true)", int(r["good"]), 1,
                      r["good"] is True),
    ]


def write_markdown(r: dict, found: list[harness.Check], args) -> None:
    table = harness.table(COLUMNS, "rrrrrrrr", []) + "\n" + "\n".join(r["rows"])
    missed = [check.what for check in found if not check.ok]
    section = (
        f"{HEADING}\n\n"
        f"`bench/bench_soak.py`: {r['seconds'] / 60:.0f} minutes of steady load on every "
        f"OneBot 11 mode at once, {r['ops'] / r['seconds']:.1f} operations/s (target "
        f"{args.rate:g}: HTTP API, forward `/api`, reverse API and one user message through "
        "the console in turn; each message reaches HTTP POST, forward `/event` and the reverse "
        "connection), the server in a child process sampled every "
        f"{args.sample:g} s, the first {args.warmup} samples the warm-up ({harness.stamp()}; "
        "the load column is the machine's 1-minute load average: other developers were using "
        "it, so the rates are what it allowed, while memory and threads do not depend on "
        f"it). Operations done: {', '.join(f'{k} {v}' for k, v in r['done'].items())}.\n\n"
        f"{table}\n\n"
        f"Idle (persistent connections open, before the load): {r['rss_idle'] / 1024:.1f} MB, "
        f"{r['threads_idle']} threads; {r['settle_seconds']:.1f} s after the load stopped: "
        f"{r['rss_end'] / 1024:.1f} MB, {r['threads_end']} threads.\n\n"
        + "```text\n" + "\n".join(check.line() for check in found) + "\n```\n\n"
        + ("All targets met." if not missed else f"Missed: {', '.join(missed)}.")
        + " The 1-hour run: `bench/bench_soak.py --duration 3600`.\n")
    harness.write_section(HEADING, section)


def main(argv: list[str] | None = None) -> int:
    args = harness.options(
        __doc__, rounds=1, smoke={"duration": 2.5, "sample": 0.8, "warmup": 1},
        duration=(600.0, "seconds of load"), rate=(40.0, "operations per second"),
        sample=(60.0, "seconds between samples"),
        warmup=(2, "samples of warm-up")).parse_args(argv)
    if args.child:  # ["serve", post_url, reverse_url]
        serve(*args.child[1:])
        return 0
    results = run(args.duration, args.rate, args.sample, args.warmup)
    found = checks(results, args.warmup)
    if results["last_error"]:
        print(f"last error: {results['last_error']}")
    harness.verdict(found)
    if not args.no_write:
        write_markdown(results, found, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
