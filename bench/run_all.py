"""Run every benchmark in bench/ one after another (each prints its own ratio table).

    make bench            # or: .venv/bin/python bench/run_all.py [--smoke] [--no-write] [name ...]

Each bench measures onebot_ref next to the bare stack (plain Flask route, plain
simple-websocket echo, plain requests) in the same run, interleaved, and prints the ratio; the
HTTP API, WebSocket and HTTP POST benches write their section of BENCHMARKS.md (not with
``--no-write`` or ``--smoke``), the Messages, Startup and server-choice (``bench_servers``)
figures are copied there by hand.
``--smoke``: each bench once, one short round with tiny sizes (what ``make test`` checks).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import harness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only the benches whose name contains one")
    parser.add_argument("--smoke", action="store_true", help="one short round each, no writing")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    args = parser.parse_args(argv)
    flags = [flag for flag, on in (("--smoke", args.smoke), ("--no-write", args.no_write)) if on]
    failed = []
    for script in harness.scripts(args.names):
        print(f"\n=== {script.name} ===", flush=True)
        if subprocess.call([sys.executable, str(script), *flags], cwd=harness.ROOT) != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {' '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
