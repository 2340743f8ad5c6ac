"""Makes the shared helpers of this folder importable (``import milky_world``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
