"""Parse + render a ~10 KB CQ message of 500 segments; the bare reference is a JSON round trip.

    .venv/bin/python bench/bench_message.py [runs] [--rounds 10] [--segments 500] [--smoke]

Target (the "Messages" issue): parse + render under 5 ms. The reference,
``json.loads(json.dumps(segments))`` on the same segment array, is measured in the same run,
interleaved, so the ratio says what the CQ layer costs next to plain (C-accelerated) JSON.
"""

from __future__ import annotations

import json
import statistics
import time

import harness
from onebot_ref.protocol import cqcode


def build_message(count: int = 500) -> list[dict]:
    """A mixed message: text with characters that need escaping, faces, @s, images, shares."""
    kinds = [
        lambda i: {"type": "text", "data": {"text": f"第{i}段[x],&"}},
        lambda i: {"type": "face", "data": {"id": str(i % 200)}},
        lambda i: {"type": "at", "data": {"qq": str(10000 + i)}},
        lambda i: {"type": "image", "data": {"file": f"{i}.jpg"}},
        lambda i: {"type": "share", "data": {"url": "e.cn", "title": f"震,{i}"}},
    ]
    return [kinds[i % len(kinds)](i) for i in range(count)]


def median_ms(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = harness.options(__doc__, rounds=10, writes=False, segments=500,
                             smoke={"runs": 10, "segments": 50})
    parser.add_argument("runs", nargs="?", type=int, default=300, help="(default 300)")
    args = parser.parse_args(argv)
    runs = args.runs
    segments = build_message(args.segments)
    cq = cqcode.render(segments)
    assert cqcode.parse(cq) == segments, "the benchmark message must round-trip"

    cases = {
        "cqcode.parse + cqcode.render": lambda: cqcode.render(cqcode.parse(cq)),
        "cqcode.parse": lambda: cqcode.parse(cq),
        "cqcode.render": lambda: cqcode.render(segments),
        "json.loads(json.dumps(segments)) (bare)":
            lambda: json.loads(json.dumps(segments, ensure_ascii=False)),
    }
    for fn in cases.values():  # warm up
        fn()
    # Interleave the cases, in blocks, so all of them see the same machine state.
    blocks = harness.interleave(args.rounds, {
        name: lambda fn=fn: median_ms(fn, max(runs // args.rounds, 1))
        for name, fn in cases.items()}, alternate=False)
    medians = {name: statistics.median(values) for name, values in blocks.items()}
    bare_med = medians["json.loads(json.dumps(segments)) (bare)"]
    ours_med = medians["cqcode.parse + cqcode.render"]

    print(f"message: {len(segments)} segments, a CQ string of {len(cq)} characters "
          f"({len(cq.encode())} bytes UTF-8), "
          f"median of {runs} runs")
    print(harness.table(["operation", "median ms", "ratio to bare"], "lrr", [
        [name, f"{med:.3f}", f"{med / bare_med:.2f}"] for name, med in medians.items()]))
    harness.verdict([harness.Check("parse + render (ms)", ours_med, "< 5", ours_med < 5)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
