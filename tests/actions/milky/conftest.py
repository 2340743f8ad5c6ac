"""Makes the shared helpers of this folder importable (``import milky_world``), and the Milky
protocol tests' samples and strategies (``import milky_samples``, tests/protocol/milky)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent / "protocol" / "milky"))
