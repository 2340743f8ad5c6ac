"""OneBotServer: a whole onebot_ref in the calling process, for a bot's test suite.

The class is its lifecycle and addresses; what it does comes from one mixin per concern, each
in its own module and each speaking only the console's JSON API (docs/console-api.md):

    users.py    UsersMixin     say, event, world, calls, messages, advance, now
    expect.py   ExpectMixin    wait_for_bot, expect_message, expect_no_message, expect_call (+ async)
    replay.py   SessionMixin   record, recorded, save, replay (+ async)
    faults.py   FaultsMixin    fault, faults (a method per type), connections, expect_reconnect

A new concern is one more mixin here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import yaml

from ..config import Config, from_mapping
from .client import ConsoleClient
from .expect import ExpectMixin
from .faults import FaultsMixin
from .replay import SessionMixin
from .users import UsersMixin

#: what serve() sets unless told otherwise: loopback, every port free, the forward WebSocket,
#: the HTTP API and the console on
DEFAULTS = {"host": "127.0.0.1", "port": 0, "use_http": True, "ws_host": "127.0.0.1",
            "ws_port": 0, "use_ws": True, "console_host": "127.0.0.1", "console_port": 0,
            "milky_host": "127.0.0.1", "milky_port": 0}


class OneBotServer(UsersMixin, ExpectMixin, SessionMixin, FaultsMixin):
    """A running onebot_ref: ``with serve(...) as ob`` (or ``start()`` / ``stop()``)."""

    def __init__(self, world: dict | str | os.PathLike | None = None, **config: Any):
        if config.get("use_console") in (False, "false", "no", 0):
            raise ValueError("use_console: serve() needs the console (say, expect_* and the "
                             "rest speak to it); it listens on 127.0.0.1 only")
        mapping = DEFAULTS | config | {"use_console": True}
        if world is not None:
            mapping["world"] = _world(world)
        self._own_data_dir = None
        if "data_dir" not in config:  # nothing of a test run is left behind
            self._own_data_dir = mapping["data_dir"] = tempfile.mkdtemp(prefix="onebot_ref-")
        try:
            #: the effective Config (validated; ConfigError names a bad key, did-you-mean)
            self.config: Config = from_mapping(mapping)
        except BaseException:
            self._remove_data_dir()
            raise
        self.runner = None
        self.console: ConsoleClient | None = None

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> "OneBotServer":
        from ..runner import Runner  # late: importing the library costs nothing until used

        runner = Runner(self.config)
        try:
            runner.start()
        except BaseException:
            self._remove_data_dir()
            raise
        self.runner = runner
        self.console = ConsoleClient(runner.url("console"))
        return self

    def stop(self) -> None:
        """Stop every server and thread it started (idempotent); a bot connected to it sees
        its connections close."""
        if self.console is not None:
            self.console.close()
        if self.runner is not None:
            self.runner.stop()
        self._remove_data_dir()

    def __enter__(self) -> "OneBotServer":
        return self.start() if self.runner is None else self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _remove_data_dir(self) -> None:
        if self._own_data_dir is not None:
            shutil.rmtree(self._own_data_dir, ignore_errors=True)
            self._own_data_dir = None

    # --- where it is -------------------------------------------------------------------------
    @property
    def http_url(self) -> str | None:
        """The HTTP API: ``"http://127.0.0.1:PORT"`` (None when use_http is off)."""
        return self._url("http")

    @property
    def ws_url(self) -> str | None:
        """The forward WebSocket: ``"ws://127.0.0.1:PORT"`` (None when use_ws is off); its
        paths are ``/``, ``/api`` and ``/event``."""
        return self._url("ws")

    @property
    def milky_url(self) -> str | None:
        """The Milky face (``use_milky=True``): ``"http://127.0.0.1:PORT"``, its API at
        ``/api/:api`` and its events at ``/event`` (None when use_milky is off). Its calls are
        seen by ``calls()`` and ``expect_call`` with channel ``"milky"``."""
        return self._url("milky")

    @property
    def console_url(self) -> str:
        """The console: ``"http://127.0.0.1:PORT"`` (its page at ``/``, its API at ``/sim``)."""
        return self._url("console")

    def urls(self) -> dict[str, str | None]:
        return {"HTTP API": self.http_url, "forward WebSocket": self.ws_url,
                "Milky": self.milky_url, "console": self.console_url}

    def _url(self, name: str) -> str | None:
        if self.runner is None:
            raise RuntimeError("the server is not started: use `with serve(...) as ob`")
        return self.runner.url(name) if name in self.runner.servers else None

    def __repr__(self) -> str:
        state = "stopped" if self.runner is None else ", ".join(
            f"{k}={v}" for k, v in self.urls().items() if v)
        return f"<OneBotServer {state}>"


def _world(world: dict | str | os.PathLike) -> dict:
    """``world=``: the mapping itself, or a YAML file holding it (or a config file's
    ``world:``)."""
    if isinstance(world, dict):
        return world
    with open(world, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if isinstance(data, dict) and "world" in data and not {"self", "friends", "groups"} & set(data):
        return data["world"]
    return data
