"""HTTP load for the benches: keep-alive clients (``wrk`` when installed, else Python threads),
closing clients (one TCP connection per request), and a server process's CPU time.

    result = load.keepalive(port, load.Request("GET", "/get_login_info"), 8, 2.0)
    result.rate, result.p50, result.p99          # requests/s, ms
    load.cpu_seconds(pid)                        # user + system, from /proc/<pid>/stat

``wrk`` (Debian: ``apt-get install wrk``) is a C client: it leaves the CPU the server needs
where a Python client at 64 connections would compete for it (and for the GIL). Without it the
Python client still measures, more slowly; the bench says which one ran.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

import harness

WRK = shutil.which("wrk")
CLIENT = "wrk" if WRK else "Python http.client threads"
_TICK = os.sysconf("SC_CLK_TCK")

# wrk's Lua hook: the figures as one JSON line (latency in µs).
_WRK_SCRIPT = """
wrk.method = "{method}"
wrk.body = {body}
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{{"requests":%d,"duration":%d,"non2xx":%d,"errors":%d,'
    .. '"p50":%d,"p99":%d}}\\n', summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Request:
    """One request a load sends again and again."""

    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    requests: int
    seconds: float
    p50: float  # ms
    p99: float  # ms
    latencies: list[float] = field(default_factory=list)  # ms, each request (Python clients)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (fields 14 and 15 of /proc/<pid>/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def keepalive(port: int, request: Request, concurrency: int, duration: float,
              use_wrk: bool = True) -> Result:
    """``concurrency`` keep-alive connections sending ``request`` for ``duration`` s."""
    if WRK and use_wrk:
        return _wrk(port, request, concurrency, duration)
    return _threads(port, request, concurrency, duration, keep=True)


def closing(port: int, request: Request, concurrency: int, duration: float) -> Result:
    """The same with a new TCP connection per request (``Connection: close``)."""
    return _threads(port, request, concurrency, duration, keep=False)


def _wrk(port: int, request: Request, concurrency: int, duration: float) -> Result:
    headers = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in request.headers.items())
    body = "nil" if request.body is None else json.dumps(request.body.decode())
    script = _WRK_SCRIPT.format(method=request.method, body=body, headers=headers)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=harness.data_dir(),
                                     delete=False) as lua:
        lua.write(script)
    done = subprocess.run(
        [WRK, "-t1", f"-c{concurrency}", f"-d{max(1, round(duration))}s", "-s", lua.name,
         f"http://127.0.0.1:{port}{request.path}"],
        capture_output=True, text=True, timeout=duration + 60)
    line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode != 0 or not line.startswith("{"):
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    figures = json.loads(line)
    if figures["non2xx"] or figures["errors"]:
        raise RuntimeError(f"{request.path}: {figures['non2xx']} non-2xx answers, "
                           f"{figures['errors']} errors (wrk)")
    return Result(figures["requests"], figures["duration"] / 1e6, figures["p50"] / 1000,
                  figures["p99"] / 1000)


def _threads(port: int, request: Request, concurrency: int, duration: float,
             keep: bool) -> Result:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors: list[BaseException] = []
    gate = threading.Barrier(concurrency + 1)
    headers = dict(request.headers, **({} if keep else {"Connection": "close"}))

    def client(mine: list[float]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        gate.wait()
        deadline = time.perf_counter() + duration
        try:
            while (began := time.perf_counter()) < deadline:
                conn.request(request.method, request.path, request.body, headers)
                response = conn.getresponse()
                data = response.read()
                if response.status != 200:
                    raise RuntimeError(f"{request.path}: HTTP {response.status} {data[:200]!r}")
                if not keep:
                    conn.close()
                mine.append((time.perf_counter() - began) * 1000)
        except BaseException as err:  # reported below: a bench must not hide failures
            errors.append(err)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(latencies[i],), name=f"load-{i}")
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    gate.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(duration + 30)
    seconds = time.perf_counter() - began
    if errors:
        raise errors[0]
    merged = [ms for mine in latencies for ms in mine]
    return Result(len(merged), seconds, statistics.median(merged) if merged else 0.0,
                  harness.percentile(merged, 99) if merged else 0.0, merged)
