"""``milky_revision: seed``: the WebSocket server of the May 2025 draft one seed document
describes (its "WebSocket 服务端"), over the same 1.2 API table (MLK-54).

"接受路径为 `/` 的用户连接，响应 API 请求**并且**推送事件" -- one connection carries both:

- a request frame ``{"action": name, "params": {...}, "echo": any}`` is answered with
  ``{"post_type": "action_response", "self_id": N, "data": {...envelope, "echo": echo}}``
  ("data 字段的格式与 HTTP Server 的响应一致（除 echo 字段外）"; echo "若未提供则不包含此字段");
- an event is pushed as ``{"post_type": "event", "self_id": N, "data": Event}`` ("data 字段的
  格式与 WebHook 的事件数据一致": the 1.2 Event, the same on every channel of the face).

The token: "需要检查连接时的 `query` 参数 `access_token`，如果不匹配则拒绝连接": the query only,
401 when missing and 403 when wrong, before the upgrade (REVISIONS["seed"]). Where the draft is
silent (onebot_ref's reading): a frame that is not strict JSON or not an object, or whose
``action`` is not a string, is answered with a -400 envelope (echo kept when it can be read);
``params`` absent is ``{}``; an unknown action is -404 (there is no HTTP status on a
WebSocket). The draft's WebSocket client mode, which no public client has, is not served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..protocol import wire
from ..protocol.milky import sse, transport
from ..protocol.milky.envelope import BAD_REQUEST, failed
from .milky_api import CHANNEL as API_CHANNEL
from .milky_events import EventStreams, query_token
from .ws_session import UNIVERSAL, Session

if TYPE_CHECKING:
    from ..actions.milky import MilkyActions
    from ..bus import Published
    from .ws_transport import WebSocket

#: The memo key of an event's seed framing (bus.Published.memo).
_SEED_TEXT = "milky.seed.text"


def event_text(text: str | None, self_id: int) -> str | None:
    """An event's wire text (``milky.text``) inside the draft's event envelope."""
    if text is None:
        return None
    # the Event's text is spliced in as it is: the one encoding, not a second one
    return f'{{"post_type":"event","self_id":{int(self_id)},"data":{text}}}'


def seed_text_of(milky: MilkyActions, text_of) -> Any:
    """The text_of of the seed's fan-out: the 1.2 text, wrapped once per bus item."""
    def text(published: Published) -> str | None:
        return published.memo(_SEED_TEXT, lambda: event_text(text_of(published),
                                                              milky.world.self_id))
    return text


def answer(milky: MilkyActions, data: str | bytes, self_id: int) -> tuple[Any, dict]:
    """The request as decoded and the ``action_response`` of one request frame."""
    try:
        request = wire.loads(data, "frame")
    except wire.WireError as err:
        echo = err.field("echo")
        envelope = failed(BAD_REQUEST, f"{err.what}: {err.problem} (MLK-54)")
        if echo is not wire.UNREAD:
            envelope["echo"] = echo
        return data, _response(self_id, envelope)
    if not isinstance(request, dict) or not isinstance(request.get("action"), str):
        envelope = failed(BAD_REQUEST, 'a request frame is {"action": name, "params": {...}, '
                                       '"echo": any} (MLK-54)')
    else:
        envelope = milky.call(request["action"], request.get("params", {}),
                              channel=API_CHANNEL)
    if isinstance(request, dict) and "echo" in request:
        envelope = dict(envelope, echo=request["echo"])
    return request, _response(self_id, envelope)


def _response(self_id: int, envelope: dict) -> dict:
    return {"post_type": "action_response", "self_id": self_id, "data": envelope}


class SeedSession(Session):
    """A connection at ``/``: events (the fan-out) and API request frames (:func:`answer`)."""

    def __init__(self, ws: WebSocket, who: str, path: str, *, milky: MilkyActions,
                 streams: EventStreams):
        super().__init__(ws, UNIVERSAL, who, channel=streams.fanout.channel, actions=None,
                         traffic=streams.traffic, faults=streams.faults, workers=streams.workers,
                         pool=_Inline(),
                         queue_size=streams.cfg.ws_send_queue_size, path=path)
        self.milky = milky

    def _serve_request(self, data: str | bytes) -> None:
        request, response = answer(self.milky, data, self.milky.world.self_id)
        if self.traffic is not None:
            self.record("in", request, None)
            envelope = response["data"]
            self.record("out", response, None if envelope["status"] == "ok" else
                        f"failed {envelope['retcode']}: {envelope['message']}")
        self.offer(sse.encode(response))


class _Inline:
    """Requests of one seed connection run one after the other, in its reading thread."""

    def submit(self, fn, *args):
        fn(*args)


def connect(environ: dict, start_response, milky: MilkyActions, streams: EventStreams,
            token: str) -> list[bytes]:
    """``GET /`` of the seed revision: the query token, then the upgrade, then the session."""
    status = transport.token_status(transport.REVISIONS["seed"], token, query_token(environ))
    if status is not None:
        why = "no access_token in the query" if status == 401 else "wrong access_token"
        return streams.refuse(environ, start_response, status, f"{why} (ws://host:port/"
                                                               "?access_token=<token>) (MLK-54)")
    if not transport.wants_websocket(environ.get("HTTP_UPGRADE")):
        return streams.refuse(environ, start_response, 426, "the seed revision's / is a "
                                                            "WebSocket (Upgrade: websocket) "
                                                            "(MLK-54)",
                              (("Upgrade", "websocket"),))
    return streams.websocket(environ, start_response, lambda ws, who, path: SeedSession(
        ws, who, path, milky=milky, streams=streams))
