"""Context: what every action function gets as its first parameter, ``ctx``.

It is the one seam between the actions and everything else, typed so that an editor (and a
reader) can follow ``ctx.world.send_private`` from an action into world/bot.py. It lives in its
own module so that the action modules can import it for their ``ctx: Context`` annotation
(``coerce.call`` resolves every annotation of an action with ``typing.get_type_hints``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import Config
from ..protocol.coerce import Params

if TYPE_CHECKING:  # both import this module: types only
    from ..world import World
    from . import Actions


@dataclass
class Context:
    """What an action may use: the world, the config, the data directory, the dispatcher."""

    world: World
    config: Config
    data_dir: str
    actions: Actions
    started_at: float

    def call(self, action: str, params: dict) -> dict:
        """Run another action (quick operations call send_msg, delete_msg, ... this way)."""
        return self.actions.call(action, Params(params))
