"""What every benchmark in bench/ needs, written once: the options, A/B rounds interleaved,
percentiles, markdown tables, the ok/MISS verdict lines, the BENCHMARKS.md section writer,
servers in child processes and a temporary data_dir.

A new benchmark (each runs as ``python bench/<name>.py``, so this folder is on sys.path)::

    import harness

    def main(argv=None) -> int:
        args = harness.options(__doc__, rounds=5, smoke={"n": 10}, n=1000).parse_args(argv)
        ours, bare = harness.interleave(args.rounds, {"ours": ..., "bare": ...})
        ...

``bench/bench_startup.py`` is the shortest real one. The rules every bench keeps: onebot_ref
next to the bare stack in the same run, interleaved (this 2-core machine is noisy), the
per-round values printed, servers in their own process (so the clients' Python does not
compete for the servers' GIL), ``--smoke`` (one short round, tiny sizes, nothing written) so
``tests/test_bench.py`` runs it in ``make test`` and it cannot rot.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
sys.path.insert(0, str(ROOT))  # onebot_ref from this tree, installed or not


# --- options ----------------------------------------------------------------------------------
def options(doc: str, rounds: int, smoke: dict[str, Any] | None = None, writes: bool = True,
            **sizes: float | tuple[float, str]) -> _Parser:
    """The parser every bench shares: ``--rounds``, ``--no-write``, ``--smoke``, one option per
    keyword of ``sizes`` (``duration=2.0`` or ``duration=(2.0, "seconds per cell")`` gives
    ``--duration``, typed like its default), and the hidden ``--child ROLE [ARG...]`` a
    bench's server processes are started with.
    ``--smoke`` means one round, ``smoke``'s sizes and no writing. ``writes=False``: the bench
    writes no BENCHMARKS.md section (``--no-write`` is then accepted and changes nothing)."""
    parser = _Parser(description=doc.split("\n\n")[0])
    parser.smoke = dict(smoke or {})
    parser.add_argument("--rounds", type=int, default=rounds, help=f"(default {rounds})")
    for name, size in sizes.items():
        default, what = size if isinstance(size, tuple) else (size, "")
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default,
                            help=f"{what} (default {default:g})".lstrip())
    parser.add_argument("--no-write", action="store_true",
                        help="do not update BENCHMARKS.md" if writes else argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true",
                        help="one short round with tiny sizes, to see that the bench runs "
                             "(writes nothing)")
    parser.add_argument("--child", nargs="+", metavar="ROLE", help=argparse.SUPPRESS)
    return parser


class _Parser(argparse.ArgumentParser):
    smoke: dict[str, Any]

    def parse_args(self, args=None, namespace=None):  # noqa: D102
        parsed = super().parse_args(args, namespace)
        if parsed.smoke:
            vars(parsed).update({"rounds": 1, **self.smoke, "no_write": True})
        return parsed


# --- rounds, figures, tables ------------------------------------------------------------------
def order(round_no: int, sides: Sequence[str] = ("ours", "bare")) -> Sequence[str]:
    """A B, then B A, ...: the side that goes first alternates, so neither always meets the
    machine warmer (or busier)."""
    return sides if round_no % 2 == 0 else tuple(reversed(sides))


def interleave(rounds: int, measure: dict[str, Callable[[], float]],
               alternate: bool = True) -> dict[str, list[float]]:
    """``rounds`` rounds, each side measured once per round (``order`` when ``alternate``):
    every side's values, one per round."""
    values: dict[str, list[float]] = {side: [] for side in measure}
    for round_no in range(rounds):
        for side in order(round_no, tuple(measure)) if alternate else tuple(measure):
            values[side].append(measure[side]())
    return values


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (p in 0..100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ratio(ours: Sequence[float], bare: Sequence[float]) -> float:
    """Mean over mean: onebot_ref's rate as a share of the bare stack's."""
    return statistics.mean(ours) / statistics.mean(bare)


def per_round(ours: Iterable[float], bare: Iterable[float]) -> str:
    """The ratio of each round, as the tables print them: ``0.95 0.96 0.94``."""
    return " ".join(f"{o / b:.2f}" for o, b in zip(ours, bare))


def table(columns: Sequence[str], align: str, rows: Iterable[Sequence[Any]]) -> str:
    """A markdown table; ``align`` has one letter per column, ``l`` or ``r``."""
    def line(cells: Sequence[Any]) -> str:
        return "|" + "|".join(f" {cell} " if cell != "" else " " for cell in cells) + "|"

    rule = "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"
    return "\n".join([line(columns), rule, *(line(row) for row in rows)])


@dataclass
class Check:
    """One target of a bench and whether this run met it."""

    what: str
    value: float
    target: float | str
    ok: bool

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'MISS'} {self.what}: {self.value:.2f} (target {self.target})"


def verdict(checks: Iterable[Check]) -> None:
    """Print the ok / MISS line of each target."""
    for check in checks:
        print(check.line())


def progress(message: str) -> None:
    """A line on stderr while a long bench runs (stdout keeps only the results)."""
    print(message, file=sys.stderr, flush=True)


_LOAD_AT_START = os.getloadavg()[0]  # this bench's start: the machine may be shared


def stamp(cpus: bool = True) -> str:
    """When and on what the figures were taken, as the sections of BENCHMARKS.md say it, with
    how busy the machine was (the 1-minute load average when the bench started and now)."""
    parts = [time.strftime("%Y-%m-%d"), f"Python {sys.version.split()[0]}"]
    load = f"load average {_LOAD_AT_START:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    return ", ".join(parts + ([f"{os.cpu_count()} CPUs"] if cpus else []) + [load])


# --- BENCHMARKS.md ----------------------------------------------------------------------------
def write_section(heading: str, section: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace the ``heading`` ("## HTTP API") section of BENCHMARKS.md with ``section`` (which
    starts with that heading), leaving the other sections alone; append it if it is new."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = section if section.endswith("\n") else section + "\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + section
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        new = "".join(lines[:start]) + section + ("\n" + "".join(lines[end:])
                                                  if end < len(lines) else "")
    path.write_text(new, encoding="utf-8")
    print(f"written to {path.name} ({heading})")


# --- servers in child processes ---------------------------------------------------------------
class Child:
    """A bench's server in its own process: ``python <script> --child <role> [args]``. The
    child prints one JSON hello line (``answer_parent``), then answers one JSON line per
    command; closing its stdin stops it."""

    def __init__(self, script: str, role: str, *args: str):
        self.role = role
        self.proc = subprocess.Popen([sys.executable, script, "--child", role, *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     cwd=ROOT)
        self.hello = self.answer()

    def send(self, **command: Any) -> None:
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.role} child exited (code {self.proc.wait(10)})")
        return json.loads(line)

    def ask(self, **command: Any) -> dict:
        self.send(**command)
        return self.answer()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def answer_parent(hello: dict, handle: Callable[[dict], dict] | None = None) -> None:
    """The child's side of :class:`Child`: say ``hello``, then answer each command with
    ``handle`` (or, without one, just wait) until the parent closes stdin."""
    print(json.dumps(hello), flush=True)
    if handle is None:
        sys.stdin.read()
        return
    for line in sys.stdin:
        print(json.dumps(handle(json.loads(line))), flush=True)


class WerkzeugServer:
    """werkzeug's threaded dev server (no access log) in a named thread: the server of the bare
    stacks the benches compare with (it closes every connection after one response: werkzeug's
    serving.py, "Always close the connection"). onebot_ref's own ports run on
    ``onebot_ref.modes.http_server``."""

    def __init__(self, name: str, app):
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Quiet(WSGIRequestHandler):
            def log_request(self, code="-", size="-") -> None:
                pass

        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
        self.server.daemon_threads = True
        self.port = self.server.port
        self.thread = threading.Thread(target=self.server.serve_forever, name=name, daemon=True,
                                       kwargs={"poll_interval": 0.1})

    def start(self) -> WerkzeugServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(2)


def start_runner(**keys: Any):
    """A started onebot_ref Runner for a bench: 127.0.0.1, port 0 everywhere, console off, the
    temporary data_dir; any config key on top."""
    from onebot_ref.config import from_mapping
    from onebot_ref.runner import Runner

    return Runner(from_mapping({"host": "127.0.0.1", "port": 0, "ws_host": "127.0.0.1",
                                "ws_port": 0, "use_console": False, "data_dir": data_dir(),
                                **keys})).start()


_DATA_DIR: list[str] = []


def data_dir() -> str:
    """This process's temporary data_dir, removed at exit (no fixed path under /tmp that two
    runs, or two users, would share)."""
    if not _DATA_DIR:
        _DATA_DIR.append(tempfile.mkdtemp(prefix="onebot_ref_bench_"))
        atexit.register(shutil.rmtree, _DATA_DIR[0], True)
    return _DATA_DIR[0]


def free_port() -> int:
    """A port that was free a moment ago (for a process that must be told its port)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scripts(names: Sequence[str] = ()) -> list[Path]:
    """The benchmarks, ``bench/bench_*.py``, those whose name contains one of ``names``."""
    found = sorted(Path(__file__).resolve().parent.glob("bench_*.py"))
    return [s for s in found if not names or any(n in s.stem for n in names)]
