"""What the sustained-load benches (``bench_soak.py``, ``bench_connections.py``) share, on top of
``harness``: a process's memory and threads read from ``/proc``, the descriptor limit, forward
WebSocket clients opened by hand and counted by one selector thread, a reverse-WebSocket peer
and an HTTP POST receiver for the server under load to reach.

The clients are deliberately plain (raw sockets, ``http.server``, onebot_ref's own
``ws_transport`` as a client): they must stay out of the way of the server being measured,
which runs in a child process of its own (``harness.Child``).
"""

from __future__ import annotations

import base64
import http.server
import os
import resource
import selectors
import socket
import struct
import threading
import time
from typing import Callable

import harness  # noqa: F401  (puts this tree's onebot_ref on sys.path)
from onebot_ref.modes import ws_transport


# --- the process under load ----------------------------------------------------------------
def proc_status(pid: int) -> tuple[int, int]:
    """(resident memory in KB, OS threads) of process ``pid``, from /proc/<pid>/status."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "Threads"):
                values[key] = int(value.split()[0])
    return values["VmRSS"], values["Threads"]


def raise_nofile(wanted: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE towards ``wanted`` (at most the hard limit;
    children started later inherit it); the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


def load_average() -> float:
    """The 1-minute load average: the machine is shared, so each figure says how busy it was."""
    return os.getloadavg()[0]


def wait_for(check: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    """Poll ``check`` until true or ``timeout`` seconds pass (state another process holds)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


# --- forward WebSocket clients by hand -----------------------------------------------------
def raw_connect(port: int, path: str) -> socket.socket:
    """A WebSocket handshake by hand (the 101 head read byte by byte, so nothing after it is
    consumed); the socket is then read by a :class:`FrameCounter`."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError(f"closed during the handshake: {head!r}")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        raise ConnectionError(f"handshake refused: {head.splitlines()[0]!r}")
    return sock


class FrameCounter:
    """One thread reading many server-to-client sockets and counting their whole data frames
    (RFC 6455 5.2: a server's frames are unmasked; the length in 7, 16 or 64 bits)."""

    def __init__(self, name: str = "frame-counter"):
        self.counts: dict[socket.socket, int] = {}
        self.closed = 0  # sockets the server closed
        self._buffers: dict[socket.socket, bytes] = {}
        self._selector = selectors.DefaultSelector()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def add(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        self.counts[sock], self._buffers[sock] = 0, b""
        self._selector.register(sock, selectors.EVENT_READ)

    def total(self) -> int:
        return sum(self.counts.values())

    def minimum(self) -> int:
        return min(self.counts.values(), default=0)

    def wait_each(self, frames: int, timeout: float) -> bool:
        """Until every socket has counted ``frames`` frames (bounded)."""
        return wait_for(lambda: self.minimum() >= frames, timeout)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for sock in list(self.counts):
            sock.close()
        self._selector.close()

    def _run(self) -> None:
        # epoll lets another thread register while this one waits (add() does not wait)
        while not self._stop.is_set():
            if not self.counts:
                self._stop.wait(0.05)
                continue
            for key, _ in self._selector.select(0.2):
                sock = key.fileobj
                try:
                    data = sock.recv(1 << 18)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    self._selector.unregister(sock)
                    self.closed += 1
                    continue
                self._take(sock, self._buffers[sock] + data)

    def _take(self, sock: socket.socket, buf: bytes) -> None:
        frames, at = 0, 0
        while len(buf) - at >= 2:
            length, start = buf[at + 1] & 0x7F, at + 2
            if length == 126:
                if len(buf) - at < 4:
                    break
                length, start = struct.unpack_from("!H", buf, at + 2)[0], at + 4
            elif length == 127:
                if len(buf) - at < 10:
                    break
                length, start = struct.unpack_from("!Q", buf, at + 2)[0], at + 10
            if len(buf) < start + length:
                break
            frames += (buf[at] & 0x0F) in (1, 2)  # text or binary: a message
            at = start + length
        self._buffers[sock] = buf[at:]
        self.counts[sock] += frames


# --- the peers the server dials ------------------------------------------------------------
#: How a message event's JSON starts its post_type (onebot_ref writes compact JSON).
MESSAGE = '"post_type":"message"'


class PostReceiver:
    """An HTTP POST receiver (``http.server``, HTTP/1.1 keep-alive): counts the POSTs and the
    message events among them; answers 204, or the quick operation ``answer(n)`` returns for
    the n-th message event."""

    def __init__(self, answer: Callable[[int], bytes | None] = lambda n: None):
        counter = self
        self.count = self.messages = 0
        self._lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                data = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                is_message = MESSAGE.encode() in data
                with counter._lock:
                    counter.count += 1
                    counter.messages += is_message
                    n = counter.messages
                body = answer(n) if is_message else None
                self.send_response(200 if body else 204)
                if body:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, name="post-receiver",
                         daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class ReversePeer:
    """The bot's end of reverse WebSocket: accepts the server's connections, reads each in a
    thread of its own, counts events (and message events), hands API answers to :meth:`call`."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"ws://127.0.0.1:{self.listener.getsockname()[1]}/"
        self.events = self.messages = 0
        self.connections = 0
        self.ws: ws_transport.WebSocket | None = None
        self._answers: dict[int, threading.Event] = {}
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="reverse-peer", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(sock,), daemon=True,
                             name="reverse-peer-conn").start()

    def _serve(self, sock: socket.socket) -> None:
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            chunk = sock.recv(1)
            if not chunk:
                return
            head += chunk
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]
                   if ":" in line]
        ws = ws_transport.accept(sock, method, target, headers)
        self.ws, self.connections = ws, self.connections + 1
        try:
            while True:
                data = ws.receive()
                if data is None:
                    continue
                if '"post_type"' in data:
                    self.events += 1
                    self.messages += MESSAGE in data
                    continue
                echo = int(data.rsplit('"echo":', 1)[1].rstrip("}"))
                with self._lock:
                    done = self._answers.pop(echo, None)
                if done is not None:
                    done.set()
        except (ws_transport.ConnectionClosed, OSError):
            pass

    def call(self, frame: str, echo: int, timeout: float = 10) -> bool:
        """Send an API request frame (whose echo is ``echo``); True once it is answered."""
        done = threading.Event()
        with self._lock:
            self._answers[echo] = done
        with self.ws.lock:
            self.ws.write(self.ws.frame(frame))
        return done.wait(timeout)

    def close(self) -> None:
        self.listener.close()
