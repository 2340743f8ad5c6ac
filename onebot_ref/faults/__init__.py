"""Fault injection: onebot_ref misbehaving on demand, the way real implementations and networks
do, so that a bot's reconnect, timeout and dedupe code can be tested (FAULT-*; README
"Faults"; docs/console-api.md "Faults").

- ``table``        the fault table (one row per type) and the one reading of a fault request
- ``registry``     :class:`Faults`: the active faults of a runner, matching, firing, journal
- ``connections``  every connection of the runner and how it ended; ``reconnect_delay``
- ``answers``      what the HTTP API and a WebSocket answer under an answer fault
- ``link``         close, drop, blackhole, refuse, restart: what they do to connections
- ``protocol``     heartbeat, lifecycle, duplicate_event, bad_signature
- ``timers``       the one ``faults`` thread for what happens later

The transports hold one :class:`Faults` (``Parts.faults``) and, at each point where a fault
acts, read ``faults.active`` first: while no fault is stored that is all they do. The console
(``/sim/faults``, ``/sim/connections``), the CLI (``python -m onebot_ref fault ...``) and the
library (``ob.fault(...)``) are its faces; a Runner's ``runner.faults`` is the same object.
"""

from __future__ import annotations

from .connections import http_watch
from .registry import Fault, Faults
from .table import FaultError

__all__ = ["Fault", "FaultError", "Faults", "http_watch"]
