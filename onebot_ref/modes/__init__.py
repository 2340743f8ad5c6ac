"""The communication modes of OneBot 11 (communication/README.md) and of Milky 1.2: one module
per mode, I/O only.

- ``http_api``   — HTTP API server: ``GET|POST /:action`` (communication/http.md)
- ``http_params`` — the parameters of one HTTP API request (query, form, JSON body)
- ``http_profile`` — what a compat profile changes of an HTTP API answer (envelope, ``/``)
- ``http_data``  — the HTTP API's data files (``/data/...``, legacy), a part of its class
- ``http_post``  — HTTP POST: events POSTed to the bot, quick operations from the reply
  (communication/http-post.md)
- ``ws_forward`` — forward WebSocket server: ``/api``, ``/event``, ``/`` (communication/ws.md)
- ``ws_reverse`` — reverse WebSocket clients: API, Event, Universal (communication/ws-reverse.md)
- ``ws_session`` — what one WebSocket connection does, shared by forward and reverse
- ``ws_frames``  — the frames a connection sends, and the answer to one API request frame
- ``ws_fanout``  — the event-receiving connections of a mode, each event framed once
- ``ws_transport`` — one WebSocket connection on a socket (RFC 6455 via wsproto): the only
  module that touches a WebSocket library; ``accept`` (server side) and ``connect``
- ``ws_socket``  — the socket under a connection, plain or TLS (``wss://``): read by one thread,
  written by others without blocking
- ``heartbeat``  — heartbeat meta events on every channel (event/meta.md#心跳)
- ``http_server`` — the keep-alive HTTP/1.1 server under every port (RFC 9112), any WSGI app;
  ``http_exchange`` — one request's exchange on one of its connections
- ``post_worker`` — events POSTed to one URL by one thread (HTTP POST's and the WebHooks')

The Milky 1.2 face (docs/milky.md), on its own port:

- ``milky_face`` — the mode: routes, bus sinks, bot_offline on stop
- ``milky_api`` — ``POST /api/:api`` and ``GET /res/...``
- ``milky_events`` — ``GET /event`` as WebSocket or Server-Sent Events
- ``milky_webhook`` — every event POSTed to each ``milky_webhook_urls``
- ``milky_seed`` — ``milky_revision: seed``: the seed draft's WebSocket ``/``

The rules themselves live in ``onebot_ref.protocol`` and the actions in ``onebot_ref.actions``;
a mode only moves bytes between the wire and ``actions.call`` / the event bus.

**One shape.** Every mode (and the console) is a class built from one :class:`Parts`, the way
every action gets one ``actions.Context``, and is a :class:`Mode`: ``start()``, ``stop()``, and
``app`` (a WSGI application) when it serves on a port of its own, None when it does not. The
runner builds the enabled ones from its table ``runner.MODES`` and starts and stops them all
alike; adding a mode is a class here and a row there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol

if TYPE_CHECKING:  # types only: importing the world and the actions would cost the fake bot
    # and the benchmarks' bare stacks (they import ws_transport) startup for nothing
    from ..actions import Actions
    from ..actions.milky import MilkyActions
    from ..bus import Bus
    from ..config import Config
    from ..faults import Faults
    from ..traffic import Traffic
    from ..workers import Workers
    from ..world import World

#: PEP 3333: ``app(environ, start_response) -> iterable of bytes``
WsgiApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Parts:
    """What a mode is built from: the runner's one of each."""

    config: Config
    world: World
    bus: Bus
    actions: Actions
    #: the journal every frame goes to; None in the benchmarks' "no journal" runs
    traffic: Traffic | None
    #: the faults to inject (onebot_ref/faults/), and the runner's list of connections
    faults: Faults
    #: the supervised threads: every long-lived thread of a mode is one of its workers
    workers: Workers
    #: the Milky face's API table and renderer (use_milky); None when the face is off
    milky: MilkyActions | None = None


class Mode(Protocol):
    """What the runner needs of a mode. ``app``: served on the mode's own port (the runner
    binds it, see ``runner.MODES``); None for a mode that only dials out or publishes."""

    @property
    def app(self) -> WsgiApp | None:
        """The WSGI application the mode serves on its own port; None: it serves none."""

    def start(self) -> None:
        """Called once every server listens (HTTP POST's lifecycle enable may reach a bot that
        calls the HTTP API at once)."""

    def stop(self) -> None:
        """Called, in reverse order of the table, while every server still listens; end every
        thread of the mode (each a worker of ``parts.workers``, stopped here)."""


def peer(environ: dict) -> str:
    """The client of a WSGI request as the traffic journal names it: ``"127.0.0.1:50412"``."""
    return f"{environ.get('REMOTE_ADDR', '?')}:{environ.get('REMOTE_PORT', '?')}"
