"""World: the simulated QQ, every side of it on one core.

The sides share :class:`~onebot_ref.world.core.WorldCore` (the state, its one RLock, the
look-ups, the checks, storing and publishing) and add what their caller needs; the operations
are listed in world/__init__.py.
"""

from __future__ import annotations

from .bot import BotSide
from .chats import ChatSide
from .console_views import ConsoleViews
from .info import InfoSide
from .injected_more import UserExtras
from .profile import ProfileSide
from .requests import RequestSide
from .users import UserSide


class World(BotSide, InfoSide, RequestSide, ChatSide, ProfileSide, UserExtras, UserSide,
            ConsoleViews):
    """The simulated QQ. Every public operation takes the one RLock; see world/__init__.py.
    (UserExtras brings GroupExtras and FileSide, the group extras and the files.)"""
