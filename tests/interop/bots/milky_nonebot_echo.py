"""A NoneBot2 echo bot over Milky: answers every private and group message with "echo: <its
text>", through nonebot-adapter-milky (an ordinary program: ``on_message`` + ``matcher.send``).
Launched by tests/interop as a subprocess:

    python milky_nonebot_echo.py '{"driver": "~fastapi+~httpx+~websockets", "host": ...,
        "port": 8080, "milky_clients": [{"host": "127.0.0.1", "port": 3000,
        "access_token": "t"}], "milky_webhook": {"host": "127.0.0.1", "port": 3001}}'

The JSON argument is passed to ``nonebot.init`` as is: ``milky_clients`` (each a Milky server
the adapter dials: WebSocket ``/event`` and HTTP ``/api``), ``milky_webhook`` (the server whose
WebHooks it receives at ``POST /milky/`` and whose API it calls). On stdout it prints:

* ``READY <self_id>`` when the adapter registered a bot (a client: after its WebSocket opened
  and ``get_login_info`` answered; the WebHook: on the first event);
* ``REPLY <message_seq> from <sender_id> to_me=<bool>`` before answering a message that quotes
  another: the adapter resolved it with ``get_message`` into its IncomingMessage model.
"""

from __future__ import annotations

import json
import sys

import nonebot
from nonebot.adapters.milky import Adapter, Bot, MessageEvent, MessageSegment


def main() -> None:
    nonebot.init(**json.loads(sys.argv[1]))
    driver = nonebot.get_driver()
    driver.register_adapter(Adapter)

    @driver.on_bot_connect
    async def announce(bot: Bot) -> None:
        print(f"READY {bot.self_id}", flush=True)

    echo = nonebot.on_message(priority=1, block=True)

    @echo.handle()
    async def answer(event: MessageEvent) -> None:
        if event.reply:  # the adapter removed the reply segment and fetched it
            print(f"REPLY {event.reply.message_seq} from {event.reply.sender_id} "
                  f"to_me={event.to_me}", flush=True)
        await echo.send(MessageSegment.text("echo: " + event.get_plaintext()))

    nonebot.run()


if __name__ == "__main__":
    main()
