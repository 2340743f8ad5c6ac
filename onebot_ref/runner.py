"""Runner: builds the world, the bus, the actions and every enabled mode; starts and stops them.

The only module that knows all the pieces. The modes are the table :data:`MODES`: each is built
from the runner's one :class:`~.modes.Parts` and is a :class:`~.modes.Mode` (``start()``,
``stop()``, ``app``). A mode with an ``app`` is served on its port by an
:class:`~.modes.http_server.HttpServer` (keep-alive HTTP/1.1, a named thread per connection,
the ``http_*`` limits of the config); a port that cannot be bound is a :class:`ConfigError`
naming the key. Every long-lived thread is a worker of the runner's one
:class:`~.workers.Workers` registry (``runner.workers``): supervised, stopped on shutdown, and
what ``get_status`` reads (SUP-1..3).

    with Runner(config) as runner:          # port 0 in config -> runner.ports["http"] is real
        requests.get(runner.url("http") + "/get_login_info")
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

from . import __version__, clock
from .actions import Actions
from .bus import Bus
from .config import Config, ConfigError
from .faults import Faults, http_watch
from .modes import Mode, Parts
from .modes.heartbeat import Heartbeat
from .modes.http_api import HttpApi
from .modes.http_server import HttpServer, Limits
from .profiles import get as get_profile
from .traffic import Traffic
from .workers import Workers
from .world import World

log = logging.getLogger(__name__)

#: The most the servers take to stop: idle connections close at once, requests being answered
#: get what is left of it (modes/http_server.py).
STOP_SECONDS = 2.0


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)


# The modes whose module imports a library that no other part needs are imported only when the
# config turns them on: `serve` with a config that does not use them starts that much sooner
# (measured with python -X importtime, on top of the runner's own ~150 ms: the forward
# WebSocket and the console ~60 ms each for Flask, HTTP POST ~55 ms for requests, the reverse
# WebSocket ~40 ms for wsproto). The HTTP API (which imports werkzeug only for a data file),
# its server and the heartbeat (~1 ms) are imported above.

def _ws_forward(parts: Parts) -> Mode:
    from .modes.ws_forward import WsForward  # late: Flask (see above)
    return WsForward(parts)


def _http_post(parts: Parts) -> Mode:
    from .modes.http_post import HttpPoster  # late: requests (see above)
    return HttpPoster(parts)


def _ws_reverse(parts: Parts) -> Mode:
    from .modes.ws_reverse import ReverseClients  # late: wsproto (see above)
    return ReverseClients(parts)


def _milky(parts: Parts) -> Mode:
    from .modes.milky_face import MilkyFace  # late: the Milky tables (~25 ms), and requests
    return MilkyFace(parts)


def _console(parts: Parts) -> Mode:
    from .console.app import Console  # late: Flask (see above)
    return Console(parts)


@dataclass(frozen=True)
class Serves:
    """Where a mode's ``app`` listens: its server thread's name and the config keys of the
    host and the port (the key names the problem when the port is taken)."""

    thread: str
    host_key: str
    port_key: str


@dataclass(frozen=True)
class ModeRow:
    name: str  # the key in runner.modes and, for a served mode, runner.servers / runner.url()
    enabled: Callable[[Config], bool]
    build: Callable[[Parts], Mode]
    serves: Serves | None = None


#: Every mode, in the order they start (servers first, then each mode's start()) and the banner
#: lists them; they stop in the reverse order (HTTP POST posts lifecycle disable before the
#: forward WebSocket closes its connections with 1001), and the servers close after all of them.
MODES: tuple[ModeRow, ...] = (
    ModeRow("http", lambda cfg: cfg.use_http, HttpApi, Serves("http-api", "host", "port")),
    ModeRow("ws", lambda cfg: cfg.use_ws, _ws_forward, Serves("ws-forward", "ws_host", "ws_port")),
    # GEN-4: HTTP POST is on whenever post_url is set
    ModeRow("http_post", lambda cfg: bool(cfg.post_url), _http_post),
    ModeRow("ws_reverse", lambda cfg: cfg.use_ws_reverse, _ws_reverse),
    ModeRow("heartbeat", lambda cfg: cfg.enable_heartbeat, Heartbeat),
    # the Milky 1.2 face (docs/milky.md): its own port, the same world
    ModeRow("milky", lambda cfg: cfg.use_milky, _milky,
            Serves("milky", "milky_host", "milky_port")),
    ModeRow("console", lambda cfg: cfg.use_console, _console,
            Serves("console", "console_host", "console_port")),
)


class Runner:
    """Everything one ``onebot_ref serve`` runs; a context manager for tests."""

    def __init__(self, config: Config):
        self.config = config
        self.started_at = time.time()
        self.data_dir = os.path.abspath(config.data_dir)
        self.traffic = Traffic()
        #: every long-lived thread, supervised (SUP-1..3); get_status reads its problems
        self.workers = Workers(self.traffic)
        self.bus = Bus(config.post_message_format, self.workers)
        #: the compat profile (onebot_ref/profiles/): its settings are read where the spec
        #: behaviour is decided
        self.profile = get_profile(config.profile)
        self_messages = self.profile.settings.self_message_post_type
        self.world = World(config.world or None, self.bus, database=config.database or None,
                           history_limit=config.history_limit,
                           message_format=config.post_message_format,
                           data_dir=self.data_dir,
                           clock=clock.from_config(config.clock, config.start_time),
                           self_message_post_type=self_messages if config.report_self_message
                           else None)
        self.actions = Actions(self.world, config, self.workers)
        self.faults = Faults(self.traffic, self.workers)  #: fault injection; the connections
        #: the Milky face's API table and renderer; None unless use_milky (its modes and the
        #: console share it: the console observes its calls)
        self.milky = None
        if config.use_milky:
            from .actions.milky import MilkyActions  # late: only a Milky face needs it

            self.milky = MilkyActions(self.world, config)
        self.parts = Parts(config, self.world, self.bus, self.actions, self.traffic,
                           self.faults, self.workers, self.milky)
        #: the enabled modes by name ("http", "ws", "http_post", ...), in the order of MODES
        self.modes: dict[str, Mode] = {}
        #: the servers of the modes that serve an app, by the mode's name
        self.servers: dict[str, HttpServer] = {}
        self._stopped = threading.Event()
        self._listening = False

    # --- building -------------------------------------------------------------------------
    def _build(self) -> None:
        cfg = self.config
        os.makedirs(self.data_dir, exist_ok=True)
        for row in MODES:
            if not row.enabled(cfg):
                continue
            mode = self.modes[row.name] = row.build(self.parts)
            if row.serves is not None:
                assert mode.app is not None, f"mode {row.name} serves no app"
                # the HTTP API's keep-alive connections are in GET /sim/connections
                watch = http_watch(self.faults.connections) if row.name == "http" else None
                self.servers[row.name] = self._server(row.serves, mode.app, watch)
        if self.milky is not None:  # the port is known: temp and download URLs (MLK-50)
            self.milky.base_url = self.url("milky")

    def _server(self, where: Serves, app, watch=None) -> HttpServer:
        cfg = self.config
        host, port = getattr(cfg, where.host_key), getattr(cfg, where.port_key)
        limits = Limits(idle_timeout=cfg.http_idle_timeout,
                        max_connections=cfg.http_max_connections,
                        max_requests=cfg.http_max_requests_per_connection,
                        max_body_bytes=cfg.max_body_bytes)
        try:
            return HttpServer(where.thread, host, port, app, limits, self.workers, watch)
        except OSError as err:
            raise ConfigError([f"{where.port_key}: cannot listen on {host}:{port}: "
                               f"{err.strerror}"]) from None

    # --- lifecycle ------------------------------------------------------------------------
    def listen(self) -> "Runner":
        """Bind and serve every port (the console's too) without starting the modes: nothing
        is posted or dialled yet. :meth:`start` does the rest; a demo (onebot_ref/demo/)
        opens the console first and starts the modes in a step, to show what they do."""
        if self._listening:
            return self
        try:
            self._build()
        except BaseException:
            self._close_servers()
            raise
        self.actions.start()
        self.bus.start()
        for server in self.servers.values():
            server.start()
        self._listening = True
        return self

    def start(self) -> "Runner":
        self.listen()
        for mode in self.modes.values():  # HTTP POST posts lifecycle enable once servers are up
            mode.start()
        self.workers.open()  # from now on a worker that is not running is a problem (SUP-2)
        for line in self.warnings():
            log.warning("%s", line)
        return self

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.faults.stop()  # first: held answers let go, nothing refused or silenced
        for mode in reversed(self.modes.values()):  # HTTP POST's lifecycle disable, then the
            mode.stop()                            # forward WebSocket's 1001 closes
        self._close_servers()
        self.actions.stop()
        self.bus.stop()
        self.workers.stop()  # SUP-3: whatever still runs, stopped and joined within a bound
        self.world.close()

    def _close_servers(self) -> None:
        # Every server stops accepting and drops its idle connections at once; then all share
        # one 2 s for the requests still being answered (also servers never started).
        deadline = time.monotonic() + STOP_SECONDS
        for server in self.servers.values():
            server.begin_stop()
        for server in self.servers.values():
            server.stop(max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> "Runner":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what it opened -------------------------------------------------------------------
    def url(self, name: str) -> str:
        """Base URL of a server: "http", "ws", "milky" or "console"."""
        server = self.servers[name]
        scheme = "ws" if name == "ws" else "http"
        return f"{scheme}://{_display_host(server.host)}:{server.port}"

    @property
    def ports(self) -> dict[str, int]:
        return {name: server.port for name, server in self.servers.items()}

    def endpoints(self) -> list[tuple[str, str]]:
        """(what, where) for the banner: every endpoint a user can paste."""
        cfg, out = self.config, []
        if "http" in self.servers:
            out.append(("HTTP API", f"{self.url('http')}/:action  "
                                    f"(try {self.url('http')}/get_login_info)"))
        if "ws" in self.servers:
            base = self.url("ws")
            out.append(("forward WebSocket", f"{base}/  {base}/api  {base}/event"))
        if "http_post" in self.modes:
            out.append(("HTTP POST events to", cfg.post_url))
        if "ws_reverse" in self.modes:
            from .modes.ws_reverse import CLIENT_ROLE, client_urls  # loaded with the mode
            out += [(f"reverse WebSocket ({CLIENT_ROLE[role]}) to", url)
                    for role, url in client_urls(cfg)]
        if "milky" in self.servers:
            base = self.url("milky")
            if cfg.milky_revision == "seed":
                out.append(("Milky (seed draft)", f"{base}/:api  ws://{base[7:]}/"))
            else:
                out.append(("Milky 1.2", f"{base}/api/:api  {base}/event (WebSocket or SSE)"))
            out += [("Milky WebHook to", url) for url in cfg.milky_webhook_urls]
        if "console" in self.servers:
            out.append(("console (play the other users)", f"{self.url('console')}/"))
        return out

    def warnings(self) -> list[str]:
        """One line per thing the banner and the log should say (a world Milky clients would
        refuse, MLK-59)."""
        if self.milky is None:
            return []
        from .actions.milky import uin_warning

        line = uin_warning(self.world)
        return [line] if line else []

    def banner(self) -> str:
        lines = [f"onebot_ref {__version__}: OneBot 11 reference server (simulated QQ)",
                 f"bot account: {self.world.self_id} ({self.world.nickname}); "
                 f"message format: {self.config.post_message_format}; "
                 f"access_token: {'set' if self.config.access_token else 'none'}",
                 f"profile: {self.profile.summary}"]
        width = max((len(what) for what, _ in self.endpoints()), default=0)
        lines += [f"  {what.ljust(width)}  {where}" for what, where in self.endpoints()]
        lines += [f"  ! {line}" for line in self.warnings()]
        return "\n".join(lines)
