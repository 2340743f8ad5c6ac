"""The ``spec`` profile: OneBot 11 as written, no deviation (the default).

Every decision point keeps its spec behaviour, so ``profile: spec`` is onebot_ref as it was
before profiles existed; the whole test suite runs with it.
"""

from __future__ import annotations

from . import Profile, Row

#: No row: the spec does not deviate from itself.
ROWS: tuple[Row, ...] = ()

PROFILE = Profile("spec", ROWS, implementation="OneBot 11 (botuniverse/onebot-11)",
                  snapshot="d4456ee706f9ada9c2dfde56a2bcfc69752600e4")
