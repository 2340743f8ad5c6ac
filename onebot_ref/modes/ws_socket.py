"""The socket under one WebSocket connection, plain TCP or TLS (``wss://``): dialling it, and
reading and writing it the way :mod:`.ws_transport` and :mod:`.ws_session` need (no WebSocket
library here: bytes only).

One thread reads a connection; other threads (the event bus, API workers) write to it and must
never block. A plain socket is written with ``send(MSG_DONTWAIT)`` while the reader blocks in
``recv``. A TLS socket refuses send flags (the ssl module raises ValueError), and one SSL object
must not be read and written at the same moment, so after the handshakes a TLS socket is
switched to non-blocking mode: the reader waits with ``poll`` and reads under the connection's
lock, writers write under the same lock, and "would block" (``SSLWantWriteError``) counts as
the plain socket's EAGAIN. A TLS write that could not go out is retried with the same bytes
first (OpenSSL requires it; the session's backlog keeps them at its head).
"""

from __future__ import annotations

import collections
import select
import socket
import ssl
import threading
from typing import Callable
from urllib.parse import SplitResult

RECEIVE_BYTES = 65536  # per recv(): the frames a client pipelines come in one read
#: what "the socket cannot take it now" looks like, plain or TLS
_WOULD_BLOCK = (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError)


# The errors of a WebSocket connection (ws_transport raises them; its users import them from
# there).
class HandshakeError(Exception):
    """The opening handshake failed: the refusal's ``status_code`` (None: no valid answer)."""

    def __init__(self, status_code: int | None, reason: str = "", headers=()):
        super().__init__(f"HTTP {status_code} {reason}".strip() if status_code else reason)
        self.status_code, self.reason, self.headers = status_code, reason, list(headers)


class ConnectionClosed(Exception):
    """The connection is over (receiving) or closing (sending); ``code``: what the peer sent."""

    def __init__(self, code: int | None, reason: str = ""):
        super().__init__(f"connection closed: {code} {reason}".rstrip())
        self.code, self.reason = code, reason


def dial(parts: SplitResult, timeout: float) -> socket.socket:
    """The TCP connection to a ws:// or wss:// URL, TLS handshake done (the system's trusted
    certificates, and the host name checked), in blocking mode with ``timeout``."""
    host, secure = parts.hostname or "", parts.scheme == "wss"
    sock = socket.create_connection((host, parts.port or (443 if secure else 80)), timeout)
    if secure:
        try:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        except BaseException:
            sock.close()
            raise
    return sock


def is_tls(sock: socket.socket) -> bool:
    return isinstance(sock, ssl.SSLSocket)


def opened(sock: socket.socket) -> None:
    """After the WebSocket handshake: a plain socket blocks (its reader waits in recv), a TLS
    socket does not (see the module docstring)."""
    if is_tls(sock):
        sock.setblocking(False)
    else:
        sock.settimeout(None)


def readable(sock: socket.socket, timeout: float | None) -> bool:
    """Wait at most ``timeout`` seconds (None: for ever) until there is something to read."""
    if isinstance(sock, ssl.SSLSocket) and sock.pending():  # decrypted bytes already wait
        return True
    poller = select.poll()  # not select(): descriptors above 1023 (many clients)
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(None if timeout is None else max(0.0, timeout) * 1000))


def receive(sock: socket.socket, lock: threading.Lock) -> bytes | None:
    """What the socket has: b"" at its end, None when a TLS record is still incomplete. A plain
    socket blocks here until data comes; a TLS socket is read (without blocking) under
    ``lock``, the lock its writers take."""
    try:
        if not is_tls(sock):
            return sock.recv(RECEIVE_BYTES)
        with lock:
            return sock.recv(RECEIVE_BYTES)
    except _WOULD_BLOCK:
        return None
    except OSError:
        return b""


def sender(sock: socket.socket) -> Callable[[bytes | memoryview], int]:
    """``send_now(data) -> int``: write what the socket takes at once, never blocking, and say
    how much of ``data`` went (a TLS socket takes all of it or nothing)."""
    if is_tls(sock):
        def send_now(data: bytes | memoryview) -> int:
            try:
                return sock.send(data)  # non-blocking: the socket is in that mode
            except _WOULD_BLOCK:
                return 0
    else:
        def send_now(data: bytes | memoryview) -> int:
            try:
                return sock.send(data, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return 0
    return send_now


def drain(sock: socket.socket, send_now: Callable[[bytes | memoryview], int],
          backlog: collections.deque, lock: threading.Lock, still_open: Callable[[], bool]) -> None:
    """One pass of a connection's sender thread: wait (outside ``lock``, up to 1 s) until
    ``sock`` can take more, then write from the head of ``backlog`` under ``lock`` while it
    takes it; a part that did not go out stays at the head (TLS: the same bytes again)."""
    writable = select.poll()  # not select(): descriptors above 1023
    writable.register(sock, select.POLLOUT)
    writable.poll(1000)
    with lock:
        while backlog and still_open():
            data = backlog[0]
            sent = send_now(data)
            if sent < len(data):
                backlog[0] = memoryview(data)[sent:]
                return
            backlog.popleft()


def writer(sock: socket.socket, timeout: float) -> Callable[[bytes], None]:
    """``write(data)``: all of it, blocking (a plain socket's ``sendall``; a TLS socket waits for
    room at most ``timeout`` seconds at a time, then raises TimeoutError)."""
    if not is_tls(sock):
        return sock.sendall
    send_now = sender(sock)

    def write(data: bytes) -> None:
        view = memoryview(data)
        while view:
            sent = send_now(view)
            view = view[sent:]
            if view and sent == 0:
                poller = select.poll()
                poller.register(sock, select.POLLOUT)
                if not poller.poll(timeout * 1000):
                    raise TimeoutError(f"the peer took nothing for {timeout} s")
    return write
