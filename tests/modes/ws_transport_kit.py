"""What the wsproto contract tests share (test_ws_transport*.py): :func:`broken`, the failure
text naming the library, what changed and what the seam uses it for; a loopback server
(:class:`Server`, started by the ``server`` fixture) handing each connection to a handler that
uses the seam as a server (:func:`echo` by default); :func:`send`, one frame under the lock."""

from __future__ import annotations

import importlib.metadata
import socket
import threading

import pytest

from onebot_ref.modes import ws_transport
from onebot_ref.modes.ws_transport import ConnectionClosed

VERSION = importlib.metadata.version("wsproto")
TIMEOUT = 5.0


def broken(what: str, why: str) -> str:
    return (f"wsproto {VERSION}: {what}. onebot_ref/modes/ws_transport.py uses it for {why}; "
            "adapt the seam (and its docstring), then the pin in setup.cfg")


def read_head(sock: socket.socket) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """A minimal HTTP server's part: the request line and headers (no werkzeug)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, "client went away during the handshake"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    line, *fields = head.decode("latin-1").split("\r\n")
    method, target, _ = line.split(" ")
    return method, target, [tuple(f.split(": ", 1)) for f in fields], rest


class Server:
    """127.0.0.1, port 0: each connection is handed to ``handle(sock)`` in a thread."""

    def __init__(self, handle):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}/path?q=1"
        self.handle, self.errors, self.threads = handle, [], []
        threading.Thread(target=self._accept, name="contract-server", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._run, args=(sock,), daemon=True,
                                      name="contract-connection")
            self.threads.append(thread)
            thread.start()

    def _run(self, sock: socket.socket) -> None:
        try:
            self.handle(sock)
        except Exception as err:  # reported by the test through self.errors
            self.errors.append(err)
        finally:
            sock.close()

    def close(self) -> None:
        self.listener.close()
        for thread in self.threads:
            thread.join(TIMEOUT)
        assert not self.errors, self.errors


def echo(sock: socket.socket, **options) -> None:
    """The seam as a server: accept, echo every message, until the connection ends."""
    ws = ws_transport.accept(sock, *read_head(sock), **options)
    try:
        while True:
            message = ws.receive()
            with ws.lock:
                ws.write(ws.frame(message))
    except ConnectionClosed:
        pass


@pytest.fixture(name="server")
def fixture_server():
    """``server(handle=echo, **options)`` -> a started :class:`Server`; closed after the test,
    failing it if a handler raised."""
    started = []

    def start(handle=echo, **options):
        started.append(Server(lambda sock: handle(sock, **options)))
        return started[-1]

    yield start
    for one in started:
        one.close()


def send(ws, data) -> None:
    with ws.lock:
        ws.write(ws.frame(data))

