"""The dependency rule of the layout: transports → actions → world → protocol (pure).

Checked on the source with ast, so a new import that points the wrong way fails here first."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "onebot_ref"

#: what each layer must not import (other onebot_ref parts, and the I/O libraries for protocol/
#: and profiles/)
FORBIDDEN = {
    "protocol": {"world", "actions", "modes", "console", "runner", "bus", "traffic", "cli",
                 "flask", "werkzeug", "requests", "simple_websocket", "threading", "socket",
                 "sqlite3"},
    "world": {"actions", "modes", "console", "runner", "cli", "flask", "requests",
              "simple_websocket"},
    "actions": {"modes", "console", "runner", "cli", "flask", "requests", "simple_websocket"},
    "bus": {"world", "actions", "modes", "console", "runner"},
    "workers": {"world", "actions", "modes", "console", "runner", "bus", "protocol"},
    # compat profiles are data (a table per implementation) read by every layer: they import
    # no other part
    "profiles": {"protocol", "world", "actions", "modes", "console", "runner", "bus", "traffic",
                 "cli", "config", "flask", "werkzeug", "requests", "simple_websocket",
                 "threading", "socket", "sqlite3"},
    # fault injection sits beside the transports it acts on (modes import it); it reaches the
    # world only through them, and knows no console, runner or web library
    "faults": {"world", "actions", "console", "runner", "cli", "flask", "werkzeug", "requests",
               "simple_websocket"},
}


def imported_names(path: Path, package: Path = PACKAGE) -> set[str]:
    """Top-level names a module imports: `flask`, or the onebot_ref part (`world`, `modes`)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: the first part inside onebot_ref
                inside = path.parent.relative_to(package).parts
                base = list(inside[:len(inside) - (node.level - 1)])
                parts = base + (module.split(".") if module else [])
                if parts:
                    names.add(parts[0])
                else:
                    names |= {alias.name for alias in node.names}
            elif module.startswith("onebot_ref."):
                names.add(module.split(".")[1])
            else:
                names.add(module.split(".")[0])
    return names


def modules_of(layer: str) -> list[Path]:
    target = PACKAGE / layer
    return sorted(target.rglob("*.py")) if target.is_dir() else [PACKAGE / f"{layer}.py"]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_point_one_way(layer):
    wrong = {}
    for path in modules_of(layer):
        bad = imported_names(path) & FORBIDDEN[layer]
        if bad:
            wrong[str(path.relative_to(PACKAGE))] = sorted(bad)
    assert not wrong, f"imports against the layout rule: {wrong}"


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The checker itself can fail: a relative import of modes from protocol is caught."""
    probe = tmp_path / "onebot_ref" / "protocol" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from ..modes import http_api\nfrom . import cqcode\nimport flask\n",
                     encoding="utf-8")
    assert imported_names(probe, tmp_path / "onebot_ref") == {"modes", "protocol", "flask"}
