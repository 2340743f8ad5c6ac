"""World: the simulated QQ, every side of it on one core.

The sides share :class:`~onebot_ref.world.core.WorldCore` (the state, its one RLock, the
look-ups, the checks, storing and publishing) and add what their caller needs; the operations
are listed in world/__init__.py.
"""

from __future__ import annotations

from .bot import BotSide
from .console_views import ConsoleViews
from .info import InfoSide
from .users import UserSide


class World(BotSide, InfoSide, UserSide, ConsoleViews):
    """The simulated QQ. Every public operation takes the one RLock; see world/__init__.py."""
