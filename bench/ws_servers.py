"""The two servers bench_ws.py measures, each run in its own child process
(``bench_ws.py --child ours|bare``): onebot_ref's forward WebSocket, and the bare stack,
simple-websocket in Flask routes with a producer thread broadcasting. ``serve`` is the child's
side: JSON commands on stdin (publish a burst or a paced run, count the connected clients,
read RSS and threads), one JSON answer line each on stdout."""

from __future__ import annotations

import json
import os
import threading
import time

import harness

#: The event of the fan-out runs, as the world would publish it (message as segments).
EVENT = {"time": 1700000000, "self_id": 10000, "post_type": "message", "message_type": "group",
         "sub_type": "normal", "message_id": 4242, "group_id": 20001, "user_id": 10001,
         "anonymous": None,
         "message": [{"type": "text", "data": {"text": "hello everyone, a benchmark message"}}],
         "raw_message": "hello everyone, a benchmark message", "font": 0,
         "sender": {"user_id": 10001, "nickname": "Alice", "card": "", "sex": "female",
                    "age": 20, "area": "", "level": "1", "role": "member", "title": ""}}


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def string_form(event: dict) -> dict:
    return dict(event, message=event["raw_message"])


def rss_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


class Bare:
    """The bare stack: simple-websocket in Flask routes; a producer thread broadcasting."""

    def __init__(self):
        from flask import Flask, Response, request
        from simple_websocket import ConnectionClosed, Server

        class Upgraded(Response):
            def __call__(self, environ, start_response):
                raise ConnectionError

        self.clients, self.lock = [], threading.Lock()
        app = Flask("bare")

        @app.route("/echo", websocket=True)
        def echo():
            ws = Server.accept(request.environ)
            try:
                while True:
                    ws.send(ws.receive())
            except ConnectionClosed:
                pass
            return Upgraded()

        @app.route("/event", websocket=True)
        def event():
            ws = Server.accept(request.environ)
            with self.lock:
                self.clients.append(ws)
            ws.thread.join()
            with self.lock:
                self.clients.remove(ws)
            return Upgraded()

        self.server = harness.WerkzeugServer("bare-ws", app).start()
        self.port, self.api_path = self.server.port, "/echo"

    def connected(self) -> int:
        return len(self.clients)

    def publish(self, count: int, paced_rate: float = 0) -> int:
        began = time.monotonic()

        def produce():
            clients = list(self.clients)
            for n in range(count):
                # serialised once per event, as any server must (and as onebot_ref does)
                body = dumps(dict(string_form(EVENT), sent=stamp()) if paced_rate
                             else string_form(EVENT))
                for ws in clients:
                    ws.send(body)
                if paced_rate:
                    wait_until(began + (n + 1) / paced_rate)

        threading.Thread(target=produce, name="bare-producer", daemon=True).start()
        return len(dumps(dict(string_form(EVENT), sent=stamp()) if paced_rate
                         else string_form(EVENT)).encode())


class Ours:
    def __init__(self):
        self.runner = harness.start_runner(use_http=False, use_ws=True,
                                           ws_send_queue_size=100000)
        self.port, self.api_path = self.runner.ports["ws"], "/api"

    def connected(self) -> int:
        return len(self.runner.modes["ws"].fanout.sessions)

    def publish(self, count: int, paced_rate: float = 0) -> int:
        from onebot_ref.bus import Published

        bus = self.runner.bus
        if not paced_rate:
            for _ in range(count):
                bus.publish(dict(EVENT))
        else:
            def produce():
                began = time.monotonic()
                for n in range(count):
                    bus.publish(dict(EVENT, sent=stamp()))
                    wait_until(began + (n + 1) / paced_rate)

            threading.Thread(target=produce, name="ours-producer", daemon=True).start()
        return len(Published(dict(EVENT, sent=stamp()) if paced_rate else dict(EVENT))
                   .body("string"))


def stamp() -> int:
    """The publish time in µs: a fixed-width number, so every paced frame has the same size."""
    return int(time.time() * 1e6)


def wait_until(moment: float) -> None:
    left = moment - time.monotonic()
    if left > 0:
        time.sleep(left)


def serve(kind: str) -> None:
    """Child: one server; JSON commands on stdin, one JSON answer line each on stdout."""
    baseline = rss_kb()
    server = Ours() if kind == "ours" else Bare()

    def handle(cmd: dict) -> dict:
        if cmd["cmd"] == "publish":
            return {"payload": server.publish(cmd["count"], cmd.get("rate", 0))}
        if cmd["cmd"] == "connected":
            return {"connected": server.connected()}
        if cmd["cmd"] == "rss":
            return {"rss_kb": rss_kb(), "threads": threading.active_count()}
        return {"error": f"unknown command {cmd!r}"}

    harness.answer_parent({"port": server.port, "api_path": server.api_path, "pid": os.getpid(),
                           "rss_kb": rss_kb(), "import_rss_kb": baseline}, handle)
    if kind == "ours":
        server.runner.stop()
