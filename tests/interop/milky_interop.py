"""What the Milky interop tests share: the worlds (a bot number each, every number a Milky uin,
MLK-20), the adapter's ClientInfo of a runner, and the echo-and-reply check.

    assert_milky_echoes(runner, bot, self_id, webhook=False, token="")
        a private and a group message are answered "echo: <text>", and a message quoting the
        bot's answer is resolved by the adapter with get_message (it prints REPLY)
"""

from __future__ import annotations

import json

from interop_harness import BotProcess, last_seq, wait_reply
from milky_client import ALICE, GROUP, WORLD
from onebot_ref.runner import Runner

TOKEN = "milky-interop"
TEXT = "hello 你好 [CQ:face,id=1] &amp; a,b"  # CQ code in a text segment: text to Milky too
MESSAGE = [{"type": "text", "data": {"text": TEXT}}]


def world_of(self_id: int) -> dict:
    return json.loads(json.dumps(WORLD).replace("10086", str(self_id)))


def client_info(runner: Runner, token: str) -> dict:
    """nonebot-adapter-milky's ClientInfo (host, port, access_token) of a runner."""
    info = {"host": "127.0.0.1", "port": runner.ports["milky"]}
    return info | ({"access_token": token} if token else {})


def assert_milky_echoes(runner: Runner, bot: BotProcess, self_id: int, *, webhook: bool,
                        token: str) -> None:
    after = last_seq(runner)
    runner.world.receive_private_message(ALICE, MESSAGE)
    reply = wait_reply(runner, after, "private", f"echo: {TEXT}", bot)
    assert reply["target_id"] == ALICE
    if webhook:
        bot.wait_for_line(f"READY {self_id}")  # registered by its first WebHook

    after = last_seq(runner)
    runner.world.receive_group_message(GROUP, ALICE, MESSAGE)
    answer = wait_reply(runner, after, "group", f"echo: {TEXT}", bot)

    # a message quoting the bot's: the adapter resolves it with get_message (MLK-33)
    after = last_seq(runner)
    runner.world.receive_group_message(GROUP, ALICE, [
        {"type": "reply", "data": {"id": str(answer["message_id"])}},
        {"type": "text", "data": {"text": " quoted"}}])
    wait_reply(runner, after, "group", "echo: quoted", bot)
    seq = runner.world.message_record(answer["message_id"])["peer_seq"]
    bot.wait_for_line(f"REPLY {seq} from {self_id} to_me=True")
    calls = [f for f in runner.traffic.since(0, 10**6)[0]
             if f["channel"] == "milky" and f["direction"] == "in"]
    assert {"send_private_message", "send_group_message", "get_message"} <= {
        f["data"]["api"] for f in calls}
    assert all(("Authorization" in f["headers"]) == bool(token) for f in calls)
