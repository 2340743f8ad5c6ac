"""my_bot: a small OneBot 11 bot, standing for *your* bot in tests/examples/test_my_bot.py.

It is an ordinary program: it reads the forward WebSocket URL from the environment
(``ONEBOT_WS_URL``, as your bot reads its own settings), connects, and answers:

    /echo TEXT        -> replies TEXT where it was said
    /ban USER         -> in a group: set_group_ban(group_id, USER, 600), then "banned USER"
    a friend request  -> approved (set_friend_add_request)

Messages are read as segment arrays (the test sets ``post_message_format: array``). It uses
only the ``websockets`` package; any language or framework would do.
"""

from __future__ import annotations

import itertools
import json
import os

from websockets.sync.client import connect

echoes = itertools.count(1)


def call(ws, action: str, **params) -> None:
    """Send an API call; the answer comes back as a frame with the same echo (ignored here)."""
    ws.send(json.dumps({"action": action, "params": params, "echo": next(echoes)}))


def reply(ws, event: dict, text: str) -> None:
    where = ({"group_id": event["group_id"]} if event["message_type"] == "group"
             else {"user_id": event["user_id"]})
    call(ws, "send_msg", message_type=event["message_type"], **where,
         message=[{"type": "text", "data": {"text": text}}])


def handle(ws, event: dict) -> None:
    if event.get("post_type") == "request" and event.get("request_type") == "friend":
        call(ws, "set_friend_add_request", flag=event["flag"], approve=True)
    if event.get("post_type") != "message":
        return
    text = "".join(s["data"]["text"] for s in event["message"] if s["type"] == "text").strip()
    command, _, rest = text.partition(" ")
    if command == "/echo":
        reply(ws, event, rest)
    elif command == "/ban" and event["message_type"] == "group" and rest.isdigit():
        call(ws, "set_group_ban", group_id=event["group_id"], user_id=int(rest), duration=600)
        reply(ws, event, f"banned {rest}")


def main() -> None:
    with connect(os.environ["ONEBOT_WS_URL"]) as ws:
        for frame in ws:
            handle(ws, json.loads(frame))


if __name__ == "__main__":
    main()
