"""``python -m onebot_ref doctor -c FILE``: check a config, and print for each enabled mode the
exact settings that connect NoneBot2, aiocqhttp and Koishi to it.

The setting names come from the SDKs' sources (read for this file):

- NoneBot2, nonebot/adapter-onebot ``nonebot/adapters/onebot/v11/config.py``: ``onebot_access_token``,
  ``onebot_secret``, ``onebot_ws_urls`` (forward WebSocket URLs), ``onebot_api_roots`` (self_id ->
  HTTP API URL), each also readable as ``onebot_v11_*``; NoneBot reads them from ``.env`` in
  upper case. ``adapter.py``: HTTP POST is received at ``/onebot/v11/``, ``/onebot/v11/http``,
  ``/onebot/v11/http/``; reverse WebSocket at ``/onebot/v11/``, ``/onebot/v11/ws``,
  ``/onebot/v11/ws/``; a second connection with the same ``X-Self-ID`` is closed ("Duplicate
  X-Self-ID"), so separate API and Event connections do not work. Forward connections (HTTP API,
  forward WebSocket) need a forward driver (``~httpx``, ``~websockets``), received ones a server
  driver (``~fastapi``).
- aiocqhttp, nonebot/aiocqhttp ``aiocqhttp/__init__.py``: ``CQHttp(api_root=, access_token=,
  secret=)``, ``bot.run(host, port)``; HTTP POST at ``/``, reverse WebSocket at ``/ws``,
  ``/ws/api``, ``/ws/event`` (any trailing slash); no forward WebSocket client.
- nonebot-adapter-milky and milky-python-sdk, for the Milky face: doctor_milky.py.
- Koishi, koishijs/koishi-plugin-adapter-onebot ``src/bot/index.ts`` (``selfId``, ``token``,
  ``protocol``: http | ws | ws-reverse), ``src/http.ts`` (``endpoint`` = the HTTP API, ``path``
  default ``/onebot`` where events are POSTed, ``secret``), ``src/ws.ts`` (``endpoint`` for ws;
  ``path`` default ``/onebot`` for ws-reverse, which accepts only ``X-Client-Role: Universal``).
"""

from __future__ import annotations

import argparse
import json
from urllib.parse import urlsplit

from ..config import Config, load_config
from ..profiles import get as get_profile
from . import doctor_milky

NONEBOT_POST_PATHS = ("/onebot/v11/", "/onebot/v11/http", "/onebot/v11/http/")
NONEBOT_WS_PATHS = ("/onebot/v11/", "/onebot/v11/ws", "/onebot/v11/ws/")
AIOCQHTTP_WS_PATHS = {"universal": "/ws", "api": "/ws/api", "event": "/ws/event"}


def _connect_host(host: str) -> str:
    """Where a bot on this machine connects for a listen address."""
    if host in ("0.0.0.0", ""):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def console_url(config: Config) -> str:
    return f"http://{_connect_host(config.console_host)}:{config.console_port}"


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


class Report:
    """Lines to print, and the problems found (each also printed where it belongs)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.warnings: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def warn(self, text: str) -> None:
        self.warnings.append(text)
        self.lines.append(f"  ! {text}")

    def block(self, sdk: str, lines: list[str]) -> None:
        self.lines.append(f"  {sdk}")
        self.lines.extend(f"      {line}" for line in lines)


def _nonebot_common(cfg: Config, env: list[str]) -> list[str]:
    if cfg.access_token:
        env.append(f"ONEBOT_ACCESS_TOKEN={cfg.access_token}")
    return env


def _http_api(cfg: Config, self_id: int, report: Report) -> None:
    root = f"http://{_connect_host(cfg.host)}:{cfg.port}"
    report.add("", f"[HTTP API] onebot_ref listens on {root}/:action (the bot calls actions)")
    report.block("NoneBot2 (.env)", _nonebot_common(cfg, [
        "DRIVER=~fastapi+~httpx",
        f"ONEBOT_API_ROOTS={json.dumps({str(self_id): root + '/'})}"]))
    args = [f"api_root={_quoted(root + '/')}"]
    if cfg.access_token:
        args.append(f"access_token={_quoted(cfg.access_token)}")
    report.block("aiocqhttp (Python)", [f"bot = CQHttp({', '.join(args)})"])
    koishi = ["protocol: http", f"selfId: '{self_id}'", f"endpoint: {root}"]
    if cfg.access_token:
        koishi.append(f"token: {cfg.access_token}")
    report.block("Koishi (koishi.yml, plugins → adapter-onebot)", koishi)
    if not cfg.post_url:
        report.add("  note: the HTTP API alone delivers no events to the bot: set post_url "
                   "(HTTP POST) or use a WebSocket mode")


def _http_post(cfg: Config, self_id: int, report: Report) -> None:
    url = urlsplit(cfg.post_url)
    host, port, path = url.hostname or "127.0.0.1", url.port or 80, url.path or "/"
    api_root = f"http://{_connect_host(cfg.host)}:{cfg.port}/"
    report.add("", f"[HTTP POST] onebot_ref posts every event to {cfg.post_url}")
    env = ["DRIVER=~fastapi+~httpx" if cfg.use_http else "DRIVER=~fastapi",
           f"HOST={host}", f"PORT={port}"]
    if cfg.use_http:
        env.append(f"ONEBOT_API_ROOTS={json.dumps({str(self_id): api_root})}")
    if cfg.secret:
        env.append(f"ONEBOT_SECRET={cfg.secret}")
    report.block("NoneBot2 (.env)", _nonebot_common(cfg, env))
    if path not in NONEBOT_POST_PATHS:
        report.warn(f"NoneBot2 receives HTTP POST at /onebot/v11/http, not {path}: set post_url "
                    f"to http://{url.netloc}/onebot/v11/http for NoneBot2")
    args = [f"api_root={_quoted(api_root)}"] if cfg.use_http else []
    if cfg.access_token:
        args.append(f"access_token={_quoted(cfg.access_token)}")
    if cfg.secret:
        args.append(f"secret={_quoted(cfg.secret)}")
    report.block("aiocqhttp (Python)", [f"bot = CQHttp({', '.join(args)})",
                                        f"bot.run(host={_quoted(host)}, port={port})"])
    if path != "/":
        report.warn(f"aiocqhttp receives HTTP POST at /, not {path}: set post_url to "
                    f"http://{url.netloc}/ for aiocqhttp")
    koishi = ["protocol: http", f"selfId: '{self_id}'", f"path: {path}"]
    if cfg.use_http:
        koishi.append(f"endpoint: {api_root.rstrip('/')}")
    if cfg.access_token:
        koishi.append(f"token: {cfg.access_token}")
    if cfg.secret:
        koishi.append(f"secret: {cfg.secret}")
    report.block(f"Koishi (koishi.yml: port: {port}; plugins → adapter-onebot)", koishi)
    if not cfg.use_http:
        report.add("  note: without use_http the bot can only answer through quick operations "
                   "(the HTTP POST response)")


def _ws_forward(cfg: Config, self_id: int, report: Report) -> None:
    base = f"ws://{_connect_host(cfg.ws_host)}:{cfg.ws_port}"
    report.add("", f"[forward WebSocket] onebot_ref listens on {base}/ (also /api and /event)")
    report.block("NoneBot2 (.env)", _nonebot_common(cfg, [
        "DRIVER=~websockets", f"ONEBOT_WS_URLS={json.dumps([base + '/'])}"]))
    report.block("aiocqhttp (Python)", ["(aiocqhttp has no forward WebSocket client: use "
                                        "HTTP POST or the reverse WebSocket)"])
    koishi = ["protocol: ws", f"selfId: '{self_id}'", f"endpoint: {base}"]
    if cfg.access_token:
        koishi.append(f"token: {cfg.access_token}")
    report.block("Koishi (koishi.yml, plugins → adapter-onebot)", koishi)


def _ws_reverse(cfg: Config, self_id: int, report: Report) -> None:
    universal = cfg.ws_reverse_use_universal_client
    urls = {"universal": cfg.ws_reverse_url} if universal else {
        "api": cfg.ws_reverse_api_url or cfg.ws_reverse_url,
        "event": cfg.ws_reverse_event_url or cfg.ws_reverse_url}
    shown = ", ".join(f"{role.capitalize()} {url}" for role, url in urls.items())
    report.add("", f"[reverse WebSocket] onebot_ref connects to {shown}")
    first = urlsplit(next(iter(urls.values())))
    host, port = first.hostname or "127.0.0.1", first.port or 80
    report.block("NoneBot2 (.env)", _nonebot_common(cfg, ["DRIVER=~fastapi", f"HOST={host}",
                                                          f"PORT={port}"]))
    if not universal:
        report.warn("NoneBot2 and Koishi need one Universal connection (NoneBot2 closes a "
                    "second one with the same X-Self-ID): set ws_reverse_use_universal_client: "
                    "true")
    for role, url in urls.items():
        if urlsplit(url).path not in NONEBOT_WS_PATHS:
            report.warn(f"NoneBot2 accepts reverse WebSockets at /onebot/v11/ws, not "
                        f"{urlsplit(url).path or '/'} ({role} URL)")
    args = [f"access_token={_quoted(cfg.access_token)}"] if cfg.access_token else []
    report.block("aiocqhttp (Python)", [f"bot = CQHttp({', '.join(args)})",
                                        f"bot.run(host={_quoted(host)}, port={port})"])
    for role, url in urls.items():
        if urlsplit(url).path.rstrip("/") != AIOCQHTTP_WS_PATHS[role]:
            report.warn(f"aiocqhttp accepts the {role} connection at "
                        f"{AIOCQHTTP_WS_PATHS[role]}/, not {urlsplit(url).path or '/'}")
    koishi = ["protocol: ws-reverse", f"selfId: '{self_id}'", f"path: {first.path or '/'}"]
    if cfg.access_token:
        koishi.append(f"token: {cfg.access_token}")
    report.block(f"Koishi (koishi.yml: port: {port}; plugins → adapter-onebot)", koishi)


def _server_state(cfg: Config) -> str:
    if not cfg.use_console:
        return "console off (use_console: false)"
    import requests  # only when a doctor asks: `serve` imports this module too

    url = console_url(cfg)
    headers = {"Authorization": f"Bearer {cfg.access_token}"} if cfg.access_token else {}
    try:
        world = requests.get(url + "/sim/world", headers=headers, timeout=0.5).json()
        return f"{url}/ — server running (bot {world['self']['user_id']})"
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return f"{url}/ — no server running there now"


def report(cfg: Config, source: str) -> Report:
    """The whole doctor report for a loaded config."""
    from ..world import World  # the world's own reading of the `world:` section

    world = World(cfg.world or None, None)
    self_id, nickname = world.self_id, world.nickname
    milky_warning = None
    if cfg.use_milky:
        from ..actions.milky import uin_warning  # MLK-59: numbers a Milky client refuses

        milky_warning = uin_warning(world)
    world.close()
    out = Report()
    out.add(f"onebot_ref doctor: {source}: the config is valid",
            f"  bot account      {self_id} ({nickname})",
            f"  access_token     {'set: every SDK below must send it' if cfg.access_token else 'none'}",
            f"  secret           "
            f"{'set: HTTP POST bodies are signed (X-Signature)' if cfg.secret else 'none'}",
            f"  message format   {cfg.post_message_format}",
            f"  profile          {get_profile(cfg.profile).summary}"
            + ("; report_self_message on" if cfg.report_self_message else ""),
            f"  console          {_server_state(cfg)}")
    enabled = [(cfg.use_http, _http_api), (bool(cfg.post_url), _http_post),
               (cfg.use_ws, _ws_forward), (cfg.use_ws_reverse, _ws_reverse)]
    if not any(on for on, _ in enabled) and not cfg.use_milky:
        out.warn("no communication mode is enabled: set use_http, post_url, use_ws, "
                 "use_ws_reverse or use_milky")
    for on, section in enabled:
        if on:
            section(cfg, self_id, out)
    if cfg.use_milky:
        doctor_milky.section(cfg, _connect_host(cfg.milky_host), out)
        if milky_warning:
            out.warn(milky_warning)
    for name, host in (("host", cfg.host if cfg.use_http else None),
                       ("ws_host", cfg.ws_host if cfg.use_ws else None)):
        if host in ("0.0.0.0", "::") and not cfg.access_token:
            out.warn(f"{name} {host} accepts connections from the whole network and "
                     f"access_token is empty: anyone there can act as the bot")
    out.add("", f"{len(out.warnings)} warning(s) (each applies to the SDK it names)"
            if out.warnings else "no problems found")
    return out


def cmd_doctor(args: argparse.Namespace) -> int:
    config = load_config(args.config)  # ConfigError: the CLI prints each problem, exit 2
    if args.config is None:
        config.use_ws = True  # as `serve` without -c
    print("\n".join(report(config, args.config or "(no -c: the defaults of serve)").lines))
    return 0
