"""The Milky 1.2 face as a mode of the runner: one port (``milky_host``/``milky_port``) serving the
same world as the OneBot 11 modes (guide/communication.md; docs/milky.md; MLK-*).

    POST /api/:api       the API (milky_api.py)
    GET  /event          events: a WebSocket with ``Upgrade: websocket``, else SSE
                         (milky_events.py)
    GET  /res/<kind>/<name>   the files temp and download URLs name (milky_api.py)
    WebHooks             every event POSTed to each of milky_webhook_urls (milky_webhook.py)

With ``milky_revision: seed`` the transport is the seed's draft instead (milky_seed.py):
``POST /:api`` with its statuses and a WebSocket at ``/`` carrying both API frames and events;
there is no ``/event`` then. Either way the API table, the events and ``/res`` are the same.

The events: two bus "push" sinks (the streams' fan-out and the WebHooks) that also take the
facts-only items (bus.py: the changes OneBot 11 has no event for), added when the mode is built,
before the world publishes anything. Each item is rendered and encoded once
(``MilkyActions.text``) whatever the number of receivers. The bot's own messages are sent only
with ``milky_report_self_message`` (MLK-57). On stop every receiver gets ``bot_offline`` (MLK-58),
then the connections close.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..protocol.milky import sse
from . import Parts
from .milky_api import MilkyApi, Refusal
from .milky_events import EventStreams
from .milky_seed import connect as seed_connect
from .milky_seed import event_text, seed_text_of
from .milky_webhook import MilkyWebhooks

if TYPE_CHECKING:
    from ..bus import Published

log = logging.getLogger(__name__)

#: bot_offline (机器人离线事件) "reason" when onebot_ref stops.
OFFLINE_REASON = "onebot_ref is stopping"
RESOURCES = "/res/"


class MilkyFace:
    """The mode: ``app`` serves the face's port; ``stop()`` says bot_offline and closes."""

    def __init__(self, parts: Parts):
        cfg = parts.config
        if parts.milky is None:
            raise ValueError("the Milky face needs parts.milky (the runner builds it)")
        self.milky, self.bus, self.traffic = parts.milky, parts.bus, parts.traffic
        self.seed = cfg.milky_revision == "seed"
        self.report_self = cfg.milky_report_self_message
        token = cfg.milky_token
        stream_text = seed_text_of(self.milky, self.text_of) if self.seed else self.text_of
        self.api = MilkyApi(cfg, self.milky, self.traffic, token)
        self.streams = EventStreams(parts, token, stream_text, self.milky.render)
        self.webhooks = (MilkyWebhooks(parts, token, self.text_of, self.milky.render)
                         if cfg.milky_webhook_urls else None)
        self._token = token
        self._sinks = [self.streams.fanout.push] + (
            [self.webhooks.push] if self.webhooks else [])
        for sink in self._sinks:
            self.bus.add_sink(sink, "push", also_facts_only=True)

    @property
    def app(self) -> MilkyFace:
        return self

    # --- the events ------------------------------------------------------------------------
    def text_of(self, published: Published) -> str | None:
        """An item's Milky wire text, or None: no Milky form, or the bot's own message while
        milky_report_self_message is off (MLK-57)."""
        if not self.report_self and self.milky.is_self_message(published):
            return None
        return self.milky.text(published)

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        if self.webhooks is not None:
            self.webhooks.start()

    def stop(self) -> None:
        """bot_offline to every receiver (MLK-58), then close them; the WebHooks' POSTs of it
        are waited for within the HTTP POST ordering bound, all URLs together."""
        for sink in self._sinks:
            self.bus.remove_sink(sink)
        event = self.milky.bot_offline(OFFLINE_REASON)
        text = sse.encode(event)
        wire_text = event_text(text, self.milky.world.self_id) if self.seed else text
        self.streams.offer_all(wire_text, event, "bot_offline: the server stops")
        self.streams.stop()  # within 1 s, whatever the WebHook receivers do
        if self.webhooks is not None:
            self.webhooks.stop((text.encode("utf-8"), event))

    # --- the WSGI app -----------------------------------------------------------------------
    def __call__(self, environ: dict, start_response) -> Any:
        path = environ["PATH_INFO"]
        if path.startswith(RESOURCES):
            return self.api.resource(environ, start_response)
        if self.seed:
            if path == "/" and environ["REQUEST_METHOD"] == "GET":
                return seed_connect(environ, start_response, self.milky, self.streams,
                                    self._token)
        elif path == "/event":
            if environ["REQUEST_METHOD"] != "GET":
                return self.streams.refuse(environ, start_response, 405, "events are read "
                                           "with GET /event (MLK-11)", (("Allow", "GET"),))
            return self.streams.handle(environ, start_response)
        name = self.api.api_name(environ)
        if name is None:
            where = ("POST /:api, the WebSocket / and GET /res/" if self.seed else
                     "POST /api/:api, GET /event and GET /res/")
            return self.api.refuse(environ, start_response, Refusal(
                404, f"no such path {path[:80]}: the Milky face serves {where} "
                     f"({'MLK-54' if self.seed else 'MLK-39'})"))
        return self.api(environ, start_response, name)
