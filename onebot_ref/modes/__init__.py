"""The communication modes of OneBot 11 (communication/README.md): one module per mode, I/O only.

- ``http_api``   — HTTP API server: ``GET|POST /:action`` (communication/http.md)
- ``http_params`` — the parameters of one HTTP API request (query, form, JSON body)
- ``http_post``  — HTTP POST: events POSTed to the bot, quick operations from the reply
  (communication/http-post.md)
- ``ws_forward`` — forward WebSocket server: ``/api``, ``/event``, ``/`` (communication/ws.md)
- ``ws_reverse`` — reverse WebSocket clients: API, Event, Universal (communication/ws-reverse.md)
- ``ws_session`` — what one WebSocket connection does, shared by forward and reverse
- ``ws_frames``  — the frames a connection sends, and the answer to one API request frame
- ``ws_fanout``  — the event-receiving connections of a mode, each event framed once
- ``ws_transport`` — one WebSocket connection on a socket (RFC 6455 via wsproto): the only
  module that touches a WebSocket library; ``accept`` (server side) and ``connect``
- ``heartbeat``  — heartbeat meta events on every channel (event/meta.md#心跳)

The rules themselves live in ``onebot_ref.protocol`` and the actions in ``onebot_ref.actions``;
a mode only moves bytes between the wire and ``actions.call`` / the event bus.
"""


def peer(environ: dict) -> str:
    """The client of a WSGI request as the traffic journal names it: ``"127.0.0.1:50412"``."""
    return f"{environ.get('REMOTE_ADDR', '?')}:{environ.get('REMOTE_PORT', '?')}"
