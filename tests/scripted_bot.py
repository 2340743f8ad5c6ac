"""A bot for the tests of ``onebot_ref.testing``: a forward-WebSocket client in a thread that
answers as a small command bot would. The peer is what a test may simulate; the library under
test talks to it only through the wire.

    with serve() as ob, ScriptedBot(ob.ws_url) as bot:
        ob.wait_for_bot()
        ob.say(10001, "/echo hi")          # -> send_msg(message_type=private, user_id=10001,
        ob.expect_message("hi")            #             message="hi")

Commands (the text of a private or group message): ``/echo TEXT`` answers TEXT with send_msg;
``/ban USER`` in a group calls set_group_ban(group_id, USER, 600), then answers "banned USER"
when that worked;
``/twice TEXT`` answers TEXT twice; anything else gets no answer. A friend request is approved
with set_friend_add_request. ``bot.style`` says how send_msg carries the message: "string"
(default), "array" or "segment"; ``bot.ids_as_text`` sends ids as decimal strings.
"""

from __future__ import annotations

import threading

from fakebot import BotSocket, ConnectionClosed, connect
from onebot_ref.protocol.cqcode import escape, unescape


class ScriptedBot:
    def __init__(self, ws_url: str, style: str = "string", ids_as_text: bool = False):
        self.sock: BotSocket = connect(ws_url + "/")
        self.style, self.ids_as_text = style, ids_as_text
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scripted-bot", daemon=True)
        self._thread.start()

    def __enter__(self) -> "ScriptedBot":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self.sock.close()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                event = self.sock.next_event(timeout=0.2)
            except TimeoutError:
                continue
            except (ConnectionClosed, OSError):
                return
            try:
                self.handle(event)
            except (ConnectionClosed, OSError):
                return
            except BaseException as err:  # shown by the test that reads bot.errors
                self.errors.append(err)

    def _id(self, value: int) -> int | str:
        return str(value) if self.ids_as_text else value

    def send(self, event: dict, text: str) -> None:
        message = {"string": escape(text), "array": [{"type": "text", "data": {"text": text}}],
                   "segment": {"type": "text", "data": {"text": text}}}[self.style]
        params = {"message_type": event["message_type"], "message": message}
        if event["message_type"] == "group":
            params["group_id"] = self._id(event["group_id"])
        else:
            params["user_id"] = self._id(event["user_id"])
        self.sock.call("send_msg", params)

    def handle(self, event: dict) -> None:
        if event["post_type"] == "request" and event["request_type"] == "friend":
            self.sock.call("set_friend_add_request", {"flag": event["flag"], "approve": True})
            return
        if event["post_type"] != "message":
            return
        text = unescape(event["raw_message"])  # the commands are text: no CQ codes in them
        command, _, rest = text.partition(" ")
        if command == "/echo":
            self.send(event, rest)
        elif command == "/twice":
            self.send(event, rest)
            self.send(event, rest)
        elif command == "/ban" and event["message_type"] == "group":
            answer = self.sock.call("set_group_ban", {"group_id": self._id(event["group_id"]),
                                                      "user_id": self._id(int(rest)),
                                                      "duration": 600})
            if answer["status"] == "ok":
                self.send(event, f"banned {rest}")
