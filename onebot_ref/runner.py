"""Runner: builds the world, the bus, the actions and every enabled mode; starts and stops them.

The only module that knows all the pieces. Each server is werkzeug's threaded server in a named
thread; the socket is bound here first so that a port in use becomes a clear :class:`ConfigError`
naming the key (werkzeug itself would print and ``sys.exit(1)``).

    with Runner(config) as runner:          # port 0 in config -> runner.ports["port"] is real
        requests.get(runner.url("http") + "/get_login_info")
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from werkzeug.serving import WSGIRequestHandler, make_server

from . import __version__
from .actions import Actions
from .bus import Bus
from .config import Config, ConfigError
from .traffic import Traffic
from .world import World

log = logging.getLogger(__name__)


class QuietRequestHandler(WSGIRequestHandler):
    """No per-request access log: it costs ~16 % of a request, and the traffic journal
    (console, ``onebot_ref tail``) shows every request with more detail."""

    def log_request(self, code="-", size="-") -> None:  # noqa: D102
        pass


class ServerThread:
    """One werkzeug threaded server on an already bound socket, in a named thread."""

    def __init__(self, name: str, key: str, host: str, port: int, app):
        self.name = name
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as err:
            sock.close()
            raise ConfigError([f"{key}: cannot listen on {host}:{port}: {err.strerror}"]) from None
        sock.listen(128)
        self.server = make_server(host, port, app, threaded=True, fd=sock.fileno(),
                                  request_handler=QuietRequestHandler)
        sock.close()  # werkzeug holds its own duplicate of the descriptor
        self.server.daemon_threads = True
        self.server.process_request = self._process_request  # named request threads
        self.host, self.port = host, self.server.port
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={
            "poll_interval": 0.1}, name=name, daemon=True)

    def _process_request(self, request, client_address) -> None:
        """socketserver.ThreadingMixIn's, with a thread name saying which server and peer
        (a forward WebSocket connection lives in one of these threads)."""
        threading.Thread(target=self.server.process_request_thread,
                         args=(request, client_address), daemon=True,
                         name=f"{self.name} {client_address[0]}:{client_address[1]}").start()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(2)


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else host)


class Runner:
    """Everything one ``onebot_ref serve`` runs; a context manager for tests."""

    def __init__(self, config: Config):
        self.config = config
        self.started_at = time.time()
        self.data_dir = os.path.abspath(config.data_dir)
        self.traffic = Traffic()
        self.bus = Bus(config.post_message_format)
        self.world = World(config.world or None, self.bus, database=config.database or None,
                           history_limit=config.history_limit,
                           message_format=config.post_message_format,
                           data_dir=self.data_dir)
        self.actions = Actions(self.world, config)
        self.servers: dict[str, ServerThread] = {}
        self.services: list = []  # things with start()/stop(): HTTP POST, reverse WS, heartbeat
        self.ws_forward = None
        self._stopped = threading.Event()

    # --- building -------------------------------------------------------------------------
    def _build(self) -> None:
        cfg = self.config
        os.makedirs(self.data_dir, exist_ok=True)
        if cfg.use_http:
            from .modes.http_api import HttpApi
            self.servers["http"] = ServerThread("http-api", "port", cfg.host, cfg.port,
                                                HttpApi(cfg, self.actions, self.traffic))
        if cfg.use_ws:
            from .modes.ws_forward import WsForward
            self.ws_forward = WsForward(cfg, self.actions, self.bus, self.traffic, self.world)
            self.servers["ws"] = ServerThread("ws-forward", "ws_port", cfg.ws_host, cfg.ws_port,
                                              self.ws_forward.app)
        if cfg.post_url:  # GEN-4: HTTP POST is on whenever post_url is set
            from .modes.http_post import HttpPoster
            self.services.append(HttpPoster(cfg, self.actions, self.bus, self.traffic,
                                            self.world))
        if cfg.use_ws_reverse:
            from .modes.ws_reverse import ReverseClients
            self.services.append(ReverseClients(cfg, self.actions, self.bus, self.traffic,
                                                self.world))
        if cfg.enable_heartbeat:
            from .modes.heartbeat import Heartbeat
            self.services.append(Heartbeat(cfg, self.bus, self.actions, self.world))
        if cfg.use_console:
            from .console import create_app as create_console
            self.servers["console"] = ServerThread("console", "console_port", cfg.console_host,
                                                   cfg.console_port, create_console(self))

    # --- lifecycle ------------------------------------------------------------------------
    def start(self) -> "Runner":
        try:
            self._build()
        except BaseException:
            self._close_servers()
            raise
        self.actions.start()
        self.bus.start()
        for server in self.servers.values():
            server.start()
        for service in self.services:  # HTTP POST posts lifecycle enable once servers are up
            service.start()
        return self

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        for service in reversed(self.services):  # HTTP POST posts lifecycle disable first
            service.stop()
        if self.ws_forward is not None:
            self.ws_forward.stop()
        self._close_servers()
        self.actions.stop()
        self.bus.stop()
        self.world.close()

    def _close_servers(self) -> None:
        for server in self.servers.values():
            if server.thread.is_alive():
                server.stop()
            else:  # built but never started (a later server failed to bind)
                server.server.server_close()

    def __enter__(self) -> "Runner":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what it opened -------------------------------------------------------------------
    def url(self, name: str) -> str:
        """Base URL of a server: "http", "ws" or "console"."""
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
        if cfg.post_url:
            out.append(("HTTP POST events to", cfg.post_url))
        if cfg.use_ws_reverse:
            if cfg.ws_reverse_use_universal_client:
                out.append(("reverse WebSocket (Universal) to", cfg.ws_reverse_url))
            else:
                out.append(("reverse WebSocket (API) to", cfg.ws_reverse_api_url
                            or cfg.ws_reverse_url))
                out.append(("reverse WebSocket (Event) to", cfg.ws_reverse_event_url
                            or cfg.ws_reverse_url))
        if "console" in self.servers:
            out.append(("console (play the other users)", f"{self.url('console')}/"))
        return out

    def banner(self) -> str:
        lines = [f"onebot_ref {__version__}: OneBot 11 reference server (simulated QQ)",
                 f"bot account: {self.world.self_id} ({self.world.nickname}); "
                 f"message format: {self.config.post_message_format}; "
                 f"access_token: {'set' if self.config.access_token else 'none'}"]
        width = max((len(what) for what, _ in self.endpoints()), default=0)
        lines += [f"  {what.ljust(width)}  {where}" for what, where in self.endpoints()]
        return "\n".join(lines)
