"""A NoneBot2 echo bot: answers every private and group message with "echo: <its text>".

A real, ordinary NoneBot2 program (``on_message`` + ``matcher.send`` through
nonebot-adapter-onebot's OneBot V11 adapter), launched by tests/interop as a subprocess:

    python nonebot_echo.py '{"driver": "~fastapi", "port": 8080, "onebot_access_token": "t"}'

The JSON argument is passed to ``nonebot.init`` as is, so the test chooses the drivers and the
adapter's settings (``onebot_ws_urls``, ``onebot_api_roots``, ``onebot_access_token``,
``onebot_secret``) per communication mode. The script prints ``READY <self_id>`` on stdout each
time NoneBot registers a bot (reverse WS: the connection is accepted; forward WS: the lifecycle
connect event arrived; HTTP POST: the first event arrived), which is what the tests wait for.
"""

from __future__ import annotations

import json
import sys

import nonebot
from nonebot.adapters.onebot.v11 import Adapter, Bot, MessageEvent, MessageSegment


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
        # matcher.send -> bot.send -> send_msg with the event's message_type/user_id/group_id;
        # a text segment, so that the user's text is never read as CQ code
        await echo.send(MessageSegment.text("echo: " + event.get_plaintext()))

    nonebot.run()


if __name__ == "__main__":
    main()
