"""The Milky side of the tests: a runner with the Milky face on, and the simplest clients of it
over real sockets (requests for ``/api``, :mod:`fakebot` for the WebSocket, a raw socket for
Server-Sent Events), so that a test sees every byte a Milky client would.

    with milky_runner(tmp_path, milky_access_token="t") as runner:
        envelope = call(runner, "get_login_info", token="t")        # asserts HTTP 200
        response = post(runner, "get_login_info", b"{}", token="t") # any status
        with SseReader(runner, token="t") as sse:                   # GET /event as SSE
            runner.world.receive_private_message(ALICE, "hi")
            event = sse.next_event()                                # a decoded Event
        ws = ws_events(runner, token="t")                           # GET /event as WebSocket

- WORLD: the default world with the bot at 10086 (the default's 10000 is no Milky uin, MLK-20).
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from fakebot import BotSocket, connect
from helpers import HTTP_TIMEOUT, start_runner
from onebot_ref.runner import Runner
from onebot_ref.world import DEFAULT_WORLD

BOT, ALICE, BOB = 10086, 10001, 10002
GROUP = 20001  # the bot owns it; Alice and Bob are members
WORLD = json.loads(json.dumps(DEFAULT_WORLD).replace("10000", str(BOT)))
TIMEOUT = 5.0


@contextlib.contextmanager
def milky_runner(data_root: Path, **keys: Any) -> Iterator[Runner]:
    """A started runner with the Milky face on 127.0.0.1 (port 0) and WORLD; keys on top."""
    settings = {"use_milky": True, "milky_host": "127.0.0.1", "milky_port": 0,
                "use_http": False, "world": WORLD}
    with start_runner(data_root, **(settings | keys)) as runner:
        yield runner


def post(runner: Runner, api: str, body: bytes | str = b"{}", *, token: str | None = None,
         content_type: str | None = "application/json", path: str | None = None,
         method: str = "POST", headers: dict | None = None) -> requests.Response:
    """One raw request to ``/api/<api>`` (or ``path``)."""
    sent = dict(headers or {})
    if content_type is not None:
        sent["Content-Type"] = content_type
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    url = runner.url("milky") + (path if path is not None else f"/api/{api}")
    return requests.request(method, url, data=body, headers=sent, timeout=HTTP_TIMEOUT)


def call(runner: Runner, api: str, *, token: str | None = None, **body: Any) -> dict:
    """The envelope of one API call (HTTP 200 asserted)."""
    response = post(runner, api, json.dumps(body, ensure_ascii=False).encode(), token=token)
    assert response.status_code == 200, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def data(runner: Runner, api: str, **body: Any) -> Any:
    envelope = call(runner, api, **body)
    assert envelope["status"] == "ok" and envelope["retcode"] == 0, envelope
    return envelope["data"]


def ws_events(runner: Runner, token: str | None = None, query: bool = False,
              path: str = "/event") -> BotSocket:
    """A WebSocket to ``/event`` (the token as Bearer, or in the query with ``query``)."""
    url = runner.url("milky").replace("http://", "ws://") + path
    headers = {}
    if token is not None:
        if query:
            url += f"?access_token={token}"
        else:
            headers["Authorization"] = f"Bearer {token}"
    return connect(url, headers)


class SseReader:
    """``GET /event`` on a raw socket, its records parsed by a thread: ``events`` (decoded
    ``data:`` of ``milky_event`` records), ``comments`` (``: ...`` lines), ``head``."""

    def __init__(self, runner: Runner, token: str | None = None, *, query: bool = False,
                 extra: str = "", read: bool = True):
        port = runner.ports["milky"]
        target = "/event" + (f"?access_token={token}" if token is not None and query else "")
        auth = f"Authorization: Bearer {token}\r\n" if token is not None and not query else ""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        # no read timeout: a quiet stream is no end (the waits on what it reads are bounded,
        # and close() wakes the reader by shutting the socket)
        self.sock.settimeout(None)
        self.sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: "
                          f"text/event-stream\r\n{auth}{extra}\r\n".encode())
        self.head = b""
        self.records: queue.Queue = queue.Queue()
        self.comments = 0
        self.ended = threading.Event()
        self.head_ready = threading.Event()
        self.raw = b""
        self.error: Exception | None = None
        self.clean_end = False  # the last chunk came (the server ended the stream)
        self._thread = threading.Thread(target=self._read, name="test-sse", daemon=True)
        if read:
            self._thread.start()

    def _read(self) -> None:
        buf = b""
        try:
            while b"\r\n\r\n" not in buf:
                data = self.sock.recv(65536)
                if not data:
                    return
                buf += data
            self.head, buf = buf.split(b"\r\n\r\n", 1)
            self.head_ready.set()
            if b" 200 " not in self.head.split(b"\r\n", 1)[0] + b" ":
                self.raw = buf
                return
            body, last = b"", False
            while True:  # de-chunk as it comes (each chunk holds whole records)
                while not last:
                    line_end = buf.find(b"\r\n")
                    if line_end < 0:
                        break
                    size = int(buf[:line_end], 16)
                    if len(buf) < line_end + 2 + size + 2:
                        break
                    body += buf[line_end + 2:line_end + 2 + size]
                    buf = buf[line_end + 2 + size + 2:]
                    last = size == 0  # the last chunk: the stream's clean end
                while b"\n\n" in body:
                    record, body = body.split(b"\n\n", 1)
                    self.raw += record + b"\n\n"
                    self._record(record.decode("utf-8"))
                if last:
                    self.clean_end = True
                    return
                data = self.sock.recv(65536)
                if not data:
                    return
                buf += data
        except OSError:
            return
        except Exception as err:  # a broken answer: the test sees it as the end
            self.error = err
            raise
        finally:
            self.head_ready.set()
            self.ended.set()

    def _record(self, record: str) -> None:
        lines = record.split("\n")
        if all(line.startswith(":") for line in lines):
            self.comments += 1
            return
        name = [line[7:] for line in lines if line.startswith("event: ")]
        datas = [line[6:] for line in lines if line.startswith("data: ")]
        self.records.put((name, datas))

    def next_event(self, timeout: float = TIMEOUT) -> dict:
        """The next record's Event, checking the framing (MLK-13): one ``event: milky_event``
        line, one ``data:`` line of JSON."""
        name, datas = self.records.get(timeout=timeout)
        assert name == ["milky_event"] and len(datas) == 1, (name, datas)
        return json.loads(datas[0])

    def status(self, timeout: float = TIMEOUT) -> int:
        """The status of the answer (waits for its head; 0: the connection ended first)."""
        self.head_ready.wait(timeout)
        return int(self.head.split(b" ", 2)[1]) if self.head else 0

    def close(self) -> None:
        with contextlib.suppress(OSError):  # shutdown wakes the reader's blocked recv
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()
        if self._thread.is_alive():
            self._thread.join(TIMEOUT)

    def __enter__(self) -> SseReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def local_peer(client: SseReader | BotSocket) -> str:
    """How the server's journal and fan-out name ``client``: ``"127.0.0.1:PORT"``."""
    sock = client.sock if isinstance(client, SseReader) else client.ws.ws.sock
    host, port = sock.getsockname()[:2]
    return f"{host}:{port}"


def joined(runner: Runner, *clients: SseReader | BotSocket, timeout: float = TIMEOUT) -> bool:
    """Wait until every one of ``clients`` is a receiver of the face's events (a stream joins
    as its answer's head goes out, a WebSocket as its session starts); woken by the journal,
    where each one's opening is a frame."""
    wanted = {local_peer(client) for client in clients}
    face = runner.modes["milky"]
    deadline = time.monotonic() + timeout
    while not wanted <= {receiver.peer for receiver in face.streams.receivers}:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        runner.traffic.wait(runner.traffic.cursor, min(left, 0.05))
    return True
