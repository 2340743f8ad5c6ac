"""The doctor's Milky section: the settings that connect nonebot-adapter-milky and
milky-python-sdk to the Milky face (docs/milky.md).

The names come from the clients' sources (read for this file):

- nonebot-adapter-milky 1.3.0, ``nonebot/adapters/milky/config.py``: ``milky_clients``, a list
  of ``ClientInfo(host, port, access_token, secure)`` (NoneBot reads ``MILKY_CLIENTS`` from
  ``.env`` as JSON): the adapter dials ``ws://host:port/event?access_token=`` and calls
  ``http://host:port/api/<api>`` with ``Authorization: Bearer``, which needs a forward driver for
  both (``~httpx+~websockets``); and ``milky_webhook``, one ``ClientInfo`` whose host and port
  are where it calls the API and whose token it checks on the WebHooks it receives at
  ``POST /milky/`` (``adapter.py``, a server driver such as ``~fastapi``, plus ``~httpx``).
- milky-python-sdk 0.4.2, ``milky/client.py``: ``MilkyClient(base_url, access_token)``, then
  ``events_sse()`` (a generator) or ``events_ws(on_event)`` (needs ``websockets``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from ..config import Config
    from .doctor import Report

#: where nonebot-adapter-milky receives WebHooks (its adapter.py: URL("/milky/"))
NONEBOT_WEBHOOK_PATH = "/milky/"


def _client_info(cfg: Config, host: str) -> dict:
    info = {"host": host, "port": cfg.milky_port}
    if cfg.milky_token:
        info["access_token"] = cfg.milky_token
    return info


def section(cfg: Config, host: str, report: Report) -> None:
    """The ``[Milky]`` block of the report; ``host``: where a bot on this machine connects."""
    base = f"http://{host}:{cfg.milky_port}"
    token = cfg.milky_token
    if cfg.milky_revision == "seed":
        report.add("", f"[Milky, seed draft] onebot_ref listens on {base}/:api and ws://{host}:"
                       f"{cfg.milky_port}/ (milky_revision: seed)")
        report.warn("no public Milky client speaks the seed draft (POST /:api, the WebSocket "
                    "/): nonebot-adapter-milky and milky-python-sdk need milky_revision: 1.2")
        return
    report.add("", f"[Milky 1.2] onebot_ref listens on {base}/api/:api and {base}/event "
                   "(WebSocket or SSE)")
    info = json.dumps([_client_info(cfg, host)])
    report.block("NoneBot2 + nonebot-adapter-milky (.env)", [
        "DRIVER=~httpx+~websockets", f"MILKY_CLIENTS={info}"])
    for url in cfg.milky_webhook_urls:
        parts = urlsplit(url)
        report.block(f"NoneBot2 + nonebot-adapter-milky, WebHook to {url} (.env)", [
            "DRIVER=~fastapi+~httpx", f"HOST={parts.hostname or '127.0.0.1'}",
            f"PORT={parts.port or 80}",
            f"MILKY_WEBHOOK={json.dumps(_client_info(cfg, host))}"])
        if parts.path.rstrip("/") != NONEBOT_WEBHOOK_PATH.rstrip("/"):
            report.warn(f"nonebot-adapter-milky receives WebHooks at {NONEBOT_WEBHOOK_PATH}, "
                        f"not {parts.path or '/'}: set the URL to "
                        f"http://{parts.netloc}{NONEBOT_WEBHOOK_PATH}")
    args = f"{json.dumps(base)}" + (f", {json.dumps(token)}" if token else "")
    report.block("milky-python-sdk (Python)", [
        f"client = MilkyClient({args})",
        "for event in client.events_sse(): ...    # or client.events_ws(on_event)"])
    if cfg.milky_host in ("0.0.0.0", "::") and not token:
        report.warn(f"milky_host {cfg.milky_host} accepts connections from the whole network "
                    "and the Milky token is empty: anyone there can act as the bot")
