"""Test your bot against onebot_ref: the whole server in your test's process, on the real wire.

    from onebot_ref.testing import serve

    with serve() as ob:                                  # every port free, loopback, console on
        start_my_bot(ws_url=ob.ws_url)                   # the bot connects as it would to QQ
        ob.wait_for_bot(timeout=10)
        ob.say(10001, "/echo hi")                        # Alice writes to the bot
        ob.expect_message("hi", to_user=10001, timeout=5)
        ob.say(10002, "/ban 10003", group_id=20001)
        ob.expect_call("set_group_ban", group_id=20001, user_id=10003)

``serve(world=None, **config)`` takes the keys of the YAML config (docs: config.example.yaml)
and ``world=`` (a mapping or a YAML file); it starts the HTTP API, the forward WebSocket and the
console on free ports of 127.0.0.1 unless told otherwise, and stops everything when the
``with`` ends, a failing test included. Several may run at once. A failed ``expect_*`` raises
AssertionError whose text shows the nearest misses, the bot's messages and calls since the last
``say()`` and the traffic journal's last frames.

A Milky bot: ``serve(world=..., use_milky=True)`` adds the Milky 1.2 face on a free port,
``ob.milky_url`` (``/api/:api``, ``/event``); ``say`` and ``event`` reach its bots as they reach
the OneBot ones, ``event("reaction", ...)`` and the other Milky-only kinds reach only them, and
``expect_call`` / ``calls`` see its calls (channel ``"milky"``, the API's own names and
parameters: ``expect_call("send_group_message", group_id=20001)``). Give the world numbers of
10001 and up: Milky clients refuse a QQ number below (the default world's bot is 10000).

With pytest, installing onebot_ref is enough: the plugin (onebot_ref/testing/plugin.py) gives
the fixtures ``onebot`` and ``onebot_factory`` and the marker ``@pytest.mark.onebot(**config)``.
The README's "Test your bot in CI" section documents this public API; it stays stable.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import OneBotServer

__all__ = ["OneBotServer", "serve"]


def serve(world: dict | str | os.PathLike | None = None, **config: Any) -> OneBotServer:
    """An onebot_ref to run with ``with serve(...) as ob:`` (or ``ob = serve(...).start()``
    and ``ob.stop()``). ``config``: any config key (``use_ws_reverse=True,
    ws_reverse_url=...``, ``post_url=...``, ``clock="manual"``, ...); a bad key raises
    ``onebot_ref.config.ConfigError`` naming it."""
    from .server import OneBotServer

    return OneBotServer(world, **config)


def __getattr__(name: str) -> Any:
    """``OneBotServer`` is imported when asked for (PEP 562): the pytest plugin lives in this
    package and is loaded by every pytest run, which must not pay for the server (~0.3 s)."""
    if name == "OneBotServer":
        from .server import OneBotServer

        return OneBotServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
