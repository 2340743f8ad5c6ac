"""The checks of config.py's keys: how a YAML value becomes a key's type (:func:`convert`),
and every rule between keys (:func:`check`); each problem is one line naming the key."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .protocol.coerce import parse_bool, parse_int
from .protocol.ranges import INT32

if TYPE_CHECKING:
    from .config import Config

_CHOICES = {
    "post_message_format": ("string", "array"),
    "ws_reverse_auth_scheme": ("Bearer", "Token"),
    "clock": ("real", "manual"),
    "milky_revision": ("1.2", "seed"),
}
_PORTS = ("port", "ws_port", "console_port", "milky_port")
_POSITIVE = ("ws_reverse_reconnect_interval", "heartbeat_interval", "max_body_bytes",
             "milky_sse_keepalive_interval",
             "history_limit", "ws_send_queue_size", "http_idle_timeout", "http_max_connections",
             "http_max_requests_per_connection")
_NON_NEGATIVE = ("post_timeout", "post_max_retries", "post_retry_interval",
                 "rate_limit_interval", "start_time")
#: CFG-10 / CFG-23: which URL schemes each URL key takes (as it is shown, as it is matched)
_HTTP, _WS = ("http(s)://", r"https?://"), ("ws(s)://", r"wss?://")
_URL_SCHEMES = {"post_url": _HTTP, "ws_reverse_url": _WS, "ws_reverse_api_url": _WS,
                "ws_reverse_event_url": _WS}


def convert(name: str, value: Any, kind: type | None) -> Any:
    """CFG-22: booleans also accept yes/true/1 and no/false/0; integers accept decimal strings
    (read as action parameters are: PARAM-3, PARAM-5). ``kind`` None: a string or null (null:
    the key follows another, milky_access_token)."""
    if kind is None:
        return None if value is None else convert(name, value, str)
    if kind is list:  # a list of strings (milky_webhook_urls); one string is a list of one
        if value is None:
            return []
        items = [value] if isinstance(value, str) else value
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            return list(items)
        raise ValueError(f"{name}: expected a list of strings, got {value!r}")
    if kind is bool:
        if isinstance(value, bool):
            return value
        word = parse_bool(str(value)) if isinstance(value, (str, int)) else None
        if word is not None:
            return word
        raise ValueError(f"{name}: expected a boolean (true/false), got {value!r}")
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = parse_int(value) if isinstance(value, str) else None
        if number is not None:
            return number
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    if kind is str:
        if value is None:
            return ""
        # a float too: YAML reads `milky_revision: 1.2` as one
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        raise ValueError(f"{name}: expected a string, got {value!r}")
    if kind is dict:
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        raise ValueError(f"{name}: expected a mapping (self, friends, groups), got {value!r}")
    raise AssertionError(kind)


def check(cfg: Config) -> list[str]:
    problems = []
    for name in _PORTS:
        port = getattr(cfg, name)
        if not 0 <= port <= 65535:
            problems.append(f"{name}: expected a port number 0-65535, got {port}")
    for name in _POSITIVE + _NON_NEGATIVE:
        # BAD-3: at most a count, size or wait the platform can hold (threading's waits,
        # sqlite3's int64): int32's largest, 24.8 days in ms, 68 years in s, 2 GiB in bytes.
        value, low = getattr(cfg, name), 1 if name in _POSITIVE else 0
        if not low <= value <= INT32[1]:
            word = "a positive integer" if low else "0"
            problems.append(f"{name}: expected {word} to {INT32[1]}, got {value}")
    for name, choices in _CHOICES.items():
        if getattr(cfg, name) not in choices:
            problems.append(f"{name}: expected one of {', '.join(choices)}, "
                            f"got {getattr(cfg, name)!r}")
    for name, (shown, pattern) in _URL_SCHEMES.items():
        url = getattr(cfg, name)
        if url and not re.match(pattern, url, re.IGNORECASE):
            problems.append(f"{name}: expected a URL starting with {shown}, got {url!r}")
    for index, url in enumerate(cfg.milky_webhook_urls):
        if not re.match(_HTTP[1], url, re.IGNORECASE):
            problems.append(f"milky_webhook_urls[{index}]: expected a URL starting with "
                            f"{_HTTP[0]}, got {url!r}")
    if cfg.milky_webhook_urls and not cfg.use_milky:
        problems.append("milky_webhook_urls: Milky WebHooks are part of the Milky face: set "
                        "use_milky: true too")
    if cfg.use_ws_reverse:
        if cfg.ws_reverse_use_universal_client and not cfg.ws_reverse_url:
            problems.append("ws_reverse_url: required when use_ws_reverse and "
                            "ws_reverse_use_universal_client are true")
        if not cfg.ws_reverse_use_universal_client and not (
                cfg.ws_reverse_url or (cfg.ws_reverse_api_url and cfg.ws_reverse_event_url)):
            problems.append("ws_reverse_url: required when use_ws_reverse is true (or set both "
                            "ws_reverse_api_url and ws_reverse_event_url)")
    if cfg.use_console and cfg.console_host not in ("127.0.0.1", "localhost", "::1") \
            and not cfg.access_token:
        problems.append(f"console_host: {cfg.console_host!r} is not loopback, which lets anyone "
                        "on the network play your users: set access_token too")
    enabled = [(n, getattr(cfg, n)) for n, on in
               (("port", cfg.use_http), ("ws_port", cfg.use_ws),
                ("milky_port", cfg.use_milky), ("console_port", cfg.use_console))
               if on and getattr(cfg, n)]
    seen: dict[int, str] = {}
    for name, port in enabled:
        if port in seen:
            problems.append(f"{name}: port {port} is already used by {seen[port]}")
        seen[port] = name
    return problems


