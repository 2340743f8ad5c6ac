"""``python -m onebot_ref``: see cli.py."""

from .cli import main

raise SystemExit(main())
