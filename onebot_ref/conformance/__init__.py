"""``onebot_ref conform``: a black-box conformance runner for any OneBot 11 implementation.

It is a client of the target only: it speaks HTTP to the HTTP API, WebSocket to the forward
WebSocket, and listens for the HTTP POST and the reverse WebSocket the target makes; it never
reaches into onebot_ref (its WebSocket transport aside, used as a library). The same cases
check onebot_ref itself in CI (tests/conformance/).

    from onebot_ref.conformance import Options, Target, run
    result = run(Target(http="http://127.0.0.1:5700", ws="ws://127.0.0.1:6700", token="t"),
                 Options(cases=("communication/*",)))
    result.summary            # {"PASS": 41, "NON-STRICT": 3, "FAIL": 0, ...}

Package map (a reading order):

- ``model``       — Case, Level, Verdict, the signals a check ends with, the registry
- ``cases/``      — the cases, one module per part of the spec, each quoting its sentence
- ``session``     — one run: Target, Options, the observers, and Ctx (what a check talks with)
- ``http_client`` / ``ws_client`` / ``listeners`` — the wire: requests, frames, the two
  listening ends (HTTP POST receiver, reverse WebSocket server)
- ``shapes`` / ``cqstring`` — the spec's data tables, and an independent CQ-string reader
- ``execute``     — selection, verdicts, profiles (KNOWN): the one place verdicts are made
- ``wirelog`` / ``report_text`` / ``report_json`` / ``report_html`` — the evidence and the
  reports (terminal table, JUnit, index.json and its merge, the HTML page)
- ``cli``         — ``python -m onebot_ref conform``
"""

from __future__ import annotations

from . import cases as _cases  # noqa: F401  # registers every case
from .execute import CaseResult, Result, run, select
from .model import CASES, Case, Level, Verdict
from .session import Listeners, Options, Target

__all__ = ["CASES", "Case", "CaseResult", "Level", "Listeners", "Options", "Result", "Target",
           "Verdict", "run", "select"]
