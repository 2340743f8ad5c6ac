"""A NoneBot2 echo bot: answers every private and group message with "echo: <its text>".

A real, ordinary NoneBot2 program (``on_message`` + ``matcher.send`` through
nonebot-adapter-onebot's OneBot V11 adapter), launched by tests/interop as a subprocess:

    python nonebot_echo.py '{"driver": "~fastapi", "port": 8080, "onebot_access_token": "t"}'

The JSON argument is passed to ``nonebot.init`` as is, so the test chooses the drivers and the
adapter's settings (``onebot_ws_urls``, ``onebot_api_roots``, ``onebot_access_token``,
``onebot_secret``) per communication mode. On stdout it prints:

* ``READY <self_id>`` each time NoneBot registers a bot (reverse WS: it accepted the connection;
  forward WS: the lifecycle connect event arrived, WSF-23; HTTP POST: the first event arrived);
* ``CONNECT <self_id>`` / ``ENABLE <self_id>`` / ``DISABLE <self_id>`` when it has handled a
  lifecycle event of that sub_type. Over WebSocket the tests wait for CONNECT: onebot_ref adds
  a connection to its event fan-out before sending ``connect`` (META-4), so every later event
  reaches a bot that has read it, whereas READY in reverse WS comes before onebot_ref's client
  may even have finished its handshake. ENABLE is POSTed when onebot_ref starts (META-3);
* ``HEARTBEAT <self_id> interval=<ms>`` for a heartbeat that parsed as NoneBot's
  ``HeartbeatMetaEvent`` (its ``status`` model, META-10);
* ``REPLY <message_id> from <user_id> to_me=<bool>`` before answering a message that replies
  to another one: NoneBot resolved it with ``get_msg`` into its ``Reply`` model.
"""

from __future__ import annotations

import json
import sys

import nonebot
from nonebot.adapters.onebot.v11 import (
    Adapter,
    Bot,
    HeartbeatMetaEvent,
    LifecycleMetaEvent,
    MessageEvent,
    MessageSegment,
)


def main() -> None:
    nonebot.init(**json.loads(sys.argv[1]))
    driver = nonebot.get_driver()
    driver.register_adapter(Adapter)

    @driver.on_bot_connect
    async def announce(bot: Bot) -> None:
        print(f"READY {bot.self_id}", flush=True)

    meta = nonebot.on_metaevent()

    @meta.handle()
    async def announce_lifecycle(event: LifecycleMetaEvent) -> None:  # others: skipped
        print(f"{event.sub_type.upper()} {event.self_id}", flush=True)

    @meta.handle()
    async def announce_heartbeat(event: HeartbeatMetaEvent) -> None:
        print(f"HEARTBEAT {event.self_id} interval={event.interval}", flush=True)

    echo = nonebot.on_message(priority=1, block=True)

    @echo.handle()
    async def answer(event: MessageEvent) -> None:
        if event.reply:  # NoneBot removed the reply segment and fetched it with get_msg
            print(f"REPLY {event.reply.message_id} from {event.reply.sender.user_id} "
                  f"to_me={event.to_me}", flush=True)
        # matcher.send -> bot.send -> send_msg with the event's message_type/user_id/group_id;
        # a text segment, so that the user's text is never read as CQ code
        await echo.send(MessageSegment.text("echo: " + event.get_plaintext()))

    nonebot.run()


if __name__ == "__main__":
    main()
