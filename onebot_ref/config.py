"""Configuration: the flat legacy CQHTTP keys, validated into one dataclass.

Spec: communication/*.md#相关配置 ("配置项名称仅供参考"): OneBot 11 lets implementations name their
keys; onebot_ref uses the legacy CQHTTP v4 names (CFG-*), so an old config works as is.

Every key is one field below with its default, unit and spec page; ``config.example.yaml`` is
checked against this table by the tests. Bad config never starts a half-working server:
:func:`load_config` raises :class:`ConfigError` naming the key and what was expected, and the CLI
exits 2.
"""

from __future__ import annotations

import difflib
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from . import profiles
from .config_checks import check, convert
from .protocol import wire


class ConfigError(Exception):
    """A configuration problem; ``str()`` is one line per problem, each naming the key."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _key(default: Any, doc: str, spec: str = "", unit: str = "") -> Any:
    metadata = {"doc": doc, "spec": spec, "unit": unit}
    if isinstance(default, list):  # a fresh list per Config
        return field(default_factory=lambda: list(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class Config:
    """One field per config key; the metadata is what config.example.yaml documents."""

    # --- HTTP API (communication/http.md, CFG-1/2) ---
    use_http: bool = _key(True, "enable the HTTP API server", "communication/http.md")
    host: str = _key("0.0.0.0", "HTTP API listen address", "communication/http.md")
    port: int = _key(5700, "HTTP API port (0 = pick a free port)", "communication/http.md")
    # --- forward WebSocket (communication/ws.md, CFG-3) ---
    use_ws: bool = _key(False, "enable the forward WebSocket server (/, /api, /event)",
                        "communication/ws.md")
    ws_host: str = _key("0.0.0.0", "forward WebSocket listen address", "communication/ws.md")
    ws_port: int = _key(6700, "forward WebSocket port (0 = pick a free port)",
                        "communication/ws.md")
    # --- reverse WebSocket (communication/ws-reverse.md, CFG-4..9) ---
    use_ws_reverse: bool = _key(False, "enable the reverse WebSocket clients",
                                "communication/ws-reverse.md")
    ws_reverse_url: str = _key("", "URL of the Universal client, and the fallback of the API and "
                               "Event URLs", "communication/ws-reverse.md")
    ws_reverse_api_url: str = _key("", "URL of the API client (empty: ws_reverse_url)",
                                   "communication/ws-reverse.md")
    ws_reverse_event_url: str = _key("", "URL of the Event client (empty: ws_reverse_url)",
                                     "communication/ws-reverse.md")
    ws_reverse_use_universal_client: bool = _key(
        False, "one Universal connection instead of separate API and Event ones",
        "communication/ws-reverse.md")
    ws_reverse_reconnect_interval: int = _key(3000, "wait before each reconnect attempt",
                                              "communication/ws-reverse.md", "ms")
    ws_reverse_reconnect_on_code_1000: bool = _key(
        True, "reconnect after the server closes with code 1000 (legacy CQHTTP key)",
        "communication/ws-reverse.md")
    ws_reverse_auth_scheme: str = _key(
        "Bearer", "Authorization scheme sent by reverse clients: Bearer (spec) or Token (legacy "
        "CQHTTP / go-cqhttp)", "communication/authorization.md")
    # --- HTTP POST (communication/http-post.md, CFG-10/11/13) ---
    post_url: str = _key("", "HTTP POST event URL; HTTP POST is on whenever this is set",
                         "communication/http-post.md")
    post_timeout: int = _key(0, "HTTP POST timeout (0 = wait forever)",
                             "communication/http-post.md", "s")
    post_max_retries: int = _key(0, "extra attempts after a failed POST (0 = legacy: none)",
                                 "communication/http-post.md")
    post_retry_interval: int = _key(1500, "wait between POST attempts",
                                    "communication/http-post.md", "ms")
    secret: str = _key("", "HMAC-SHA1 key of the X-Signature header (empty: not signed)",
                       "communication/http-post.md")
    # --- authentication (communication/authorization.md, CFG-12) ---
    access_token: str = _key("", "token for HTTP API, forward and reverse WebSocket (empty: no "
                             "authentication)", "communication/authorization.md")
    # --- events (event/README.md, CFG-14/15) ---
    post_message_format: str = _key("string", "message format in events and get_msg: string "
                                    "(CQ code) or array (segments)", "event/README.md")
    enable_heartbeat: bool = _key(False, "emit heartbeat meta events", "event/meta.md")
    heartbeat_interval: int = _key(15000, "heartbeat period", "event/meta.md", "ms")
    # --- API (api/README.md, CFG-16..18) ---
    rate_limit_interval: int = _key(500, "spacing of queued _rate_limited calls",
                                    "api/README.md#限速调用", "ms")
    enable_rate_limited_actions: bool = _key(
        True, "accepted for legacy configs; _rate_limited is always available (A-11)",
        "api/README.md#限速调用")
    serve_data_files: bool = _key(False, "serve GET /data/<kind>/<path> from data_dir",
                                  "DATA-1")
    enable_cors: bool = _key(False, "CORS headers and OPTIONS pre-flight on the HTTP API",
                             "DATA-6")
    max_body_bytes: int = _key(1048576, "largest accepted HTTP request body (larger: 413)",
                               "communication/http.md", "bytes")
    # --- forward WebSocket tuning ---
    ws_send_queue_size: int = _key(1000, "frames queued per WebSocket connection before a client "
                                   "that cannot keep up is disconnected", "communication/ws.md",
                                   "frames")
    ws_compression: bool = _key(False, "accept permessage-deflate (costs ~210 KB per connection)",
                                "communication/ws.md")
    # --- the HTTP server under every port (HTTP API, forward WebSocket, console) ---
    http_idle_timeout: int = _key(60, "a keep-alive connection silent this long is closed (an "
                                  "incomplete request gets 408)", "RFC 9112 9.5", "s")
    http_max_connections: int = _key(2000, "open connections per port, WebSockets included; a "
                                     "client past it gets 503", "RFC 9110 15.6.4", "connections")
    http_max_requests_per_connection: int = _key(
        1000, "requests answered on one keep-alive connection, then it is closed",
        "RFC 9112 9.3", "requests")
    # --- the Milky 1.2 face (docs/milky.md; MLK-*) ---
    use_milky: bool = _key(False, "serve the same world over Milky 1.2 too (POST /api/:api, "
                           "GET /event as WebSocket or SSE, WebHooks)",
                           "guide/communication.md")
    milky_host: str = _key("0.0.0.0", "Milky listen address", "guide/communication.md")
    milky_port: int = _key(3000, "Milky port (0 = pick a free port)", "guide/communication.md")
    milky_access_token: str | None = _key(
        None, "token of /api, /event and the WebHooks' Bearer (null: access_token; '': none)",
        "guide/communication.md")
    milky_webhook_urls: list = _key([], "URLs every Milky event is POSTed to (retries and "
                                    "timeout: post_*)", "guide/communication.md")
    milky_report_self_message: bool = _key(
        False, "send the bot's own messages as message_receive events too",
        "guide/communication.md")
    milky_revision: str = _key("1.2", "1.2, or seed: the May 2025 draft's transport (POST "
                               "/:api, WebSocket / with action frames) over the same APIs",
                               "guide/communication.md")
    milky_sse_keepalive_interval: int = _key(15000, "silence after which an SSE stream gets a "
                                             "keep-alive comment", "MLK-14", "ms")
    # --- the simulated world ---
    database: str = _key("", "sqlite3 file keeping message history across restarts (empty: in "
                         "memory)")
    history_limit: int = _key(10000, "messages kept; the oldest are dropped first", "",
                              "messages")
    data_dir: str = _key("data", "data directory (media files, get_image/get_record)")
    # --- time (onebot_ref/clock.py) ---
    clock: str = _key("real", "real: the system clock; manual: time starts at start_time and "
                      "moves only when a test advances it (heartbeats too)", "event/README.md")
    start_time: int = _key(1735689600, "with clock: manual, the Unix time the world starts at",
                           "event/README.md", "s")
    # --- the console (play the other users) ---
    use_console: bool = _key(True, "enable the console server (/sim/..., web page)")
    console_host: str = _key("127.0.0.1", "console listen address (non-loopback requires "
                             "access_token)")
    console_port: int = _key(5800, "console port (0 = pick a free port)")
    profile: str = _key("spec", "answer as spec, go-cqhttp, napcat, llonebot or lagrange does")
    report_self_message: bool = _key(False, "the bot's own messages as events (not with spec)")
    world: dict = _key(None, "the simulated world: self, friends, groups (see README)")

    def __post_init__(self) -> None:
        if self.world is None:
            self.world = {}

    @property
    def milky_token(self) -> str:
        """The Milky face's token: milky_access_token, or access_token when that is null."""
        return self.access_token if self.milky_access_token is None else self.milky_access_token


#: CFG-21: legacy keys with no protocol effect: accepted and ignored.
IGNORED_LEGACY_KEYS = frozenset({
    "thread_pool_size", "server_thread_pool_size", "convert_unicode_emoji", "update_source",
    "update_channel", "auto_check_update", "auto_perform_update", "show_log_console",
    "max_log_file_size", "max_log_files", "log_level", "use_extension", "disable_coolq_log",
    "online_status_detection_method",
})

#: Legacy keys whose feature onebot_ref does not implement: refused when switched on, so a
#: config never silently means something other than what it says.
UNSUPPORTED_WHEN_SET = {
    "event_filter": "event filters are not implemented",
    "enable_backward_compatibility": "CQHTTP 3.x event shapes are not implemented",
}

_FIELDS = {f.name: f for f in fields(Config)}


def from_mapping(data: dict | None) -> Config:
    """Build a Config from a parsed YAML mapping; raise ConfigError listing every problem."""
    from .world import validate_world_config  # the world owns what a valid world is

    data = {} if data is None else data
    if not isinstance(data, dict):
        raise ConfigError([f"config: expected a mapping of keys, got {type(data).__name__}"])
    # BAD-1: YAML's "\ud800" escape makes a lone surrogate, which is no text (it cannot be
    # written as UTF-8, nor compared as a token): refused, naming the key.
    found = wire.lone_surrogate(data)
    if found is not None:
        raise ConfigError([f"{found[0]}: holds a lone surrogate {found[1]}, which is not "
                           "Unicode text"])
    problems, values = [], {}
    for key, value in data.items():
        key = str(key)
        if key in IGNORED_LEGACY_KEYS:
            continue
        if key in UNSUPPORTED_WHEN_SET:
            if value not in (None, "", False, "false", "no", 0):
                problems.append(f"{key}: {UNSUPPORTED_WHEN_SET[key]}; remove the key")
            continue
        if key not in _FIELDS:
            close = difflib.get_close_matches(key, list(_FIELDS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{key}: unknown config key{hint}")
            continue
        kind = _FIELDS[key].type
        kind = {"bool": bool, "int": int, "str": str, "dict": dict, "list": list,
                "str | None": None}.get(kind, kind)
        try:
            values[key] = convert(key, value, kind)
        except ValueError as err:
            problems.append(str(err))
    cfg = Config(**values)  # keys that failed above keep their defaults for the checks below
    problems += check(cfg) + validate_world_config(cfg.world) + profiles.config_problems(cfg)
    if problems:
        raise ConfigError(problems)
    return cfg


def load_config(path: str | None) -> Config:
    """Load a YAML file (None: every key at its default, the embedded default world)."""
    if path is None:
        return from_mapping({})
    import yaml  # only with a file: a serve without -c starts without PyYAML

    try:
        with open(path, "rb") as fh:
            text = wire.text(fh.read(), f"config: {path}")  # BAD-1: strict UTF-8
        data = yaml.safe_load(text)
    except OSError as err:
        raise ConfigError([f"config: cannot read {path}: {err.strerror}"]) from None
    except wire.WireError as err:
        raise ConfigError([str(err)]) from None
    except RecursionError:
        raise ConfigError([f"config: {path} nests deeper than YAML is read"]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError([f"config: {path} is not valid YAML{where}: "
                           f"{getattr(err, 'problem', err)}"]) from None
    return from_mapping(data)


def describe() -> list[tuple[str, Any, str, str, str]]:
    """(key, default, unit, spec page, doc) for every key, in order: config.example.yaml's source."""
    return [(f.name, f.default_factory() if f.default is MISSING else f.default,
             f.metadata["unit"], f.metadata["spec"], f.metadata["doc"]) for f in fields(Config)]
