"""BENCHMARKS.md: replace one "## Heading" section with a bench's latest figures, leaving the
other sections alone. Shared by the bench scripts (each run as `python bench/<name>.py`, so this
directory is on sys.path)."""

from __future__ import annotations

from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"


def replace_section(heading: str, section: str, path: Path = PATH) -> None:
    """``section`` starts with ``heading`` and ends with a newline."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
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
