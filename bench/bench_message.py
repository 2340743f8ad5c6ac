"""Parse + render a ~10 KB CQ message of 500 segments; the bare reference is a JSON round trip.

    .venv/bin/python bench/bench_message.py [runs]

Target (the "Messages" issue): parse + render under 5 ms. The reference,
``json.loads(json.dumps(segments))`` on the same segment array, is measured in the same run,
interleaved, so the ratio says what the CQ layer costs next to plain (C-accelerated) JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from onebot_ref.protocol import cqcode  # noqa: E402


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


def main(runs: int = 300) -> int:
    segments = build_message()
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
    blocks: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(10):
        for name, fn in cases.items():
            blocks[name].append(median_ms(fn, max(runs // 10, 1)))
    medians = {name: statistics.median(values) for name, values in blocks.items()}
    bare_med = medians["json.loads(json.dumps(segments)) (bare)"]
    ours_med = medians["cqcode.parse + cqcode.render"]

    print(f"message: {len(segments)} segments, a CQ string of {len(cq)} characters "
          f"({len(cq.encode())} bytes UTF-8), "
          f"median of {runs} runs")
    print(f"| {'operation':<40} | {'median ms':>9} | {'ratio to bare':>13} |")
    print(f"|{'-' * 42}|{'-' * 11}|{'-' * 15}|")
    for name, med in medians.items():
        print(f"| {name:<40} | {med:>9.3f} | {med / bare_med:>13.2f} |")
    verdict = "OK" if ours_med < 5 else "OVER"
    print(f"target parse + render < 5 ms: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
