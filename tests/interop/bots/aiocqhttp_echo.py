"""An aiocqhttp echo bot: answers every private and group message with "echo: <its text>".

A real, ordinary aiocqhttp program launched by tests/interop as a subprocess:

    python aiocqhttp_echo.py '{"port": 8080, "api_root": "http://...", "access_token": "t",
                               "secret": "s"}'

The JSON keys are ``CQHttp``'s own keyword arguments plus ``port``. It answers the two message
types the two ways aiocqhttp offers, so that both paths are exercised:

* private: ``await bot.send(event, ...)`` (an API call: HTTP API when it gets events by HTTP
  POST, the API/Universal connection in reverse WebSocket);
* group: it *returns* a quick operation ``{"reply": ...}`` (the HTTP POST response body, or
  ``.handle_quick_operation_async`` over the reverse WebSocket, ACT-12).

On stdout it prints ``WS <role>`` when aiocqhttp has registered a reverse WebSocket connection
with that ``X-Client-Role`` (lower-cased: api, event, universal), ``API-FAILED <exception
class>: <message>`` when ``bot.send`` failed (the fault tests' no_answer makes it time out:
give ``api_timeout_sec``), and ``CONNECT <self_id>`` /
``ENABLE <self_id>`` / ``DISABLE <self_id>`` when it has handled a lifecycle event of that
sub_type. Over WebSocket the tests wait for ``WS api`` (an API connection gets no event, WSR-9)
and for ``CONNECT``: onebot_ref adds an event connection to its fan-out before sending
``connect`` (META-4), so every later event reaches a bot that has read it. ENABLE is POSTed when
onebot_ref starts (META-3).
"""

from __future__ import annotations

import json
import sys

from aiocqhttp import CQHttp, Event, Message, MessageSegment


def main() -> None:
    settings = json.loads(sys.argv[1])
    port = settings.pop("port")
    bot = CQHttp(message_class=Message, **settings)
    announce_connections(bot)

    @bot.on_meta_event("lifecycle")
    async def announce_lifecycle(event: Event) -> None:
        print(f"{event.sub_type.upper()} {event.self_id}", flush=True)

    @bot.on_message("private")
    async def answer_private(event: Event) -> None:
        try:
            await bot.send(event, MessageSegment.text("echo: " +
                                                      event.message.extract_plain_text()))
        except Exception as err:  # what the fault tests wait for (no_answer: a timeout)
            print(f"API-FAILED {type(err).__name__}: {err}", flush=True)

    @bot.on_message("group")
    async def answer_group(event: Event) -> dict:
        # the group quick reply would @ the sender by default (event/message.md: at_sender)
        return {"reply": "echo: " + event.message.extract_plain_text(), "auto_escape": True,
                "at_sender": False}

    bot.run(host="127.0.0.1", port=port)


def announce_connections(bot: CQHttp) -> None:
    """Print ``WS <role>`` once aiocqhttp has registered a reverse WebSocket connection.

    aiocqhttp has no hook for this, so the two registration methods are wrapped: a line
    printed before them would also appear for a connection its token check is about to refuse.
    """
    from quart import websocket

    def announced(register):
        def wrapper() -> None:
            register()
            print(f"WS {websocket.headers.get('X-Client-Role', '').lower()}", flush=True)
        return wrapper

    bot._add_wsr_api_client = announced(bot._add_wsr_api_client)
    bot._add_wsr_event_client = announced(bot._add_wsr_event_client)


if __name__ == "__main__":
    main()
