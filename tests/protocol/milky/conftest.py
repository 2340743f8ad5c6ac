"""Makes the shared samples of this folder importable (``import milky_samples``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
