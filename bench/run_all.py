"""Run every benchmark in bench/ one after another (each prints its own ratio table).

    make bench            # or: .venv/bin/python bench/run_all.py [name ...]

Each bench measures onebot_ref next to the bare stack (plain Flask route, plain
simple-websocket echo, plain requests) in the same run, interleaved, and prints the ratio;
copy the tables into BENCHMARKS.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    failed = 0
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        failed += subprocess.call([sys.executable, str(script)], cwd=HERE.parent) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
