"""Every benchmark in bench/ still runs: each once with ``--smoke`` (one short round, tiny sizes),
so a change that breaks a bench fails here instead of on the day someone re-measures. What it
measures is not checked (a smoke run is too short to mean anything, and speed is measured by
the benches themselves, not timed in tests); that it ran, printed its table and its verdict
lines, and left BENCHMARKS.md alone, is."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHES = sorted((ROOT / "bench").glob("bench_*.py"))  # the same glob as bench/run_all.py
SMOKE_TIMEOUT = 45  # seconds for one bench; a smoke run takes 1-5 s here
TABLE_RULE = re.compile(r"^\|(-{3,}:?\|)+$", re.MULTILINE)  # |---|---:| under a table's header
VERDICT = re.compile(r"^(ok  |MISS) .+: -?[0-9.]+ \(target .+\)$", re.MULTILINE)


def smoke(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=SMOKE_TIMEOUT)


def test_there_are_benches():
    assert len(BENCHES) >= 5, BENCHES


@pytest.mark.parametrize("script", BENCHES, ids=[s.stem for s in BENCHES])
def test_bench_smoke_run(script):
    before = (ROOT / "BENCHMARKS.md").read_bytes()
    done = smoke(str(script), "--smoke")
    assert done.returncode == 0, done.stderr[-3000:]
    assert TABLE_RULE.search(done.stdout), done.stdout
    assert VERDICT.search(done.stdout), done.stdout
    assert (ROOT / "BENCHMARKS.md").read_bytes() == before  # --smoke never writes
    assert "written to" not in done.stdout


def test_run_all_passes_smoke_on():
    """run_all.py finds the benches by name and hands ``--smoke`` to each."""
    done = smoke("bench/run_all.py", "--smoke", "message")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "=== bench_message.py ===" in done.stdout
    assert "=== bench_http.py ===" not in done.stdout
    assert TABLE_RULE.search(done.stdout) and VERDICT.search(done.stdout), done.stdout
