"""One WebSocket connection (RFC 6455) on a socket, plain or TLS (:mod:`.ws_socket`): the only
module that touches a WebSocket library. wsproto (sans-I/O) turns events into bytes and back;
the thread that calls :meth:`WebSocket.receive` reads the socket (no reader thread: the one of
simple-websocket wrote pongs and close answers by itself, and its client handshake could strand
a frame that came with the 101); writes happen under :attr:`WebSocket.lock`. :func:`accept`
answers an upgrade an HTTP server has read; :func:`connect` dials. A server's connection reads
a client's simple frames (each a whole masked message, no extension) without wsproto until
another frame comes (:mod:`..protocol.ws_simple`: ~30 µs less per request). What it uses of
wsproto 1.3 (pinned in setup.cfg; checked, naming the library and what changed, by
``tests/modes/test_ws_transport.py``):

- ``WSConnection(ConnectionType.SERVER | CLIENT)``: ``receive_data``, ``events()``, ``send(event)
  -> bytes``, ``state``. After a ``CloseConnection`` event ``ConnectionState.REMOTE_CLOSING``
  means the peer closed first, ``CLOSED`` that it answered our close, any other state that
  wsproto found a protocol error (reported as a ``CloseConnection`` with the code to send).
- Events: ``Request``, ``AcceptConnection(extensions=)``, ``RejectConnection.status_code``,
  ``TextMessage``/``BytesMessage`` (``data``, ``message_finished``: big or fragmented messages
  come in parts), ``Ping.response()``, ``CloseConnection`` (``code``, ``reason``,
  ``response()``). A client connection keeps the bytes that came with the 101 and yields them.
- ``extensions.PerMessageDeflate`` (``enabled()``): offered only when compression is asked for;
  it inflates all it is given at once, so it is given :data:`INFLATE_STEP` bytes at a time.
- ``utilities.RemoteProtocolError`` (``event_hint``: how to refuse), ``LocalProtocolError``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections import deque
from typing import Callable, Iterable
from urllib.parse import urlsplit

try:
    from wsproto import ConnectionType, WSConnection, events
    from wsproto.connection import CloseReason, ConnectionState
    from wsproto.extensions import PerMessageDeflate
    from wsproto.utilities import LocalProtocolError, RemoteProtocolError
except ImportError as err:  # an upgrade moved a name: say which module relies on it
    raise ImportError(f"onebot_ref/modes/ws_transport.py is written against wsproto 1.3 "
                      f"(setup.cfg pins it); this wsproto breaks it: {err}") from err

from ..protocol import ws_simple
from . import ws_socket
from .ws_frames import text_frame
from .ws_socket import ConnectionClosed, HandshakeError  # the seam's errors, named here

CLOSE_TIMEOUT = 2.0  # seconds for the answer to a close receive() sent (1009), then the drop
#: Bytes per step into wsproto on a compressed connection: it inflates all it is given at once,
#: at most ~1032:1, so a deflate bomb meets the 1009 check within max_message_size + ~1 MB.
INFLATE_STEP = 1024


def _text(value: str | bytes) -> bytes:
    # WSGI servers hand header values over as latin-1 strings (PEP 3333): back to the bytes.
    return value if isinstance(value, bytes) else value.encode("latin-1", "replace")


class WebSocket:
    """One open connection. One thread reads (:meth:`receive`); writes go through ``lock``.

    ``write(bytes)``, called with ``lock`` held, takes the frames the protocol owes the peer (a
    pong, a close answer, a 1009) to the socket: a blocking write unless the owner sets its
    own. At the end: ``close_code``/``close_reason`` (the peer's; 1005: a close without a code,
    1006: no close frame), ``closed_by`` ("peer" | "local": whose close came first; None: none
    did), ``sent_close`` (our close frame's code and reason), ``clean`` (closes both ways).
    """

    def __init__(self, sock: socket.socket, conn: WSConnection, *, client: bool,
                 compressed: bool = False, max_message_size: int | None = None):
        self.sock, self.compressed, self.max_message_size = sock, compressed, max_message_size
        self.lock = threading.Lock()
        ws_socket.opened(sock)
        self.write: Callable[[bytes], None] = ws_socket.writer(sock, CLOSE_TIMEOUT)
        self.close_code: int | None = None
        self.close_reason, self.clean, self.closed_by = "", False, None
        self.sent_close: tuple[int, str] | None = None
        self._conn, self._client = conn, client  # a client owns its socket and closes it
        self._tls = ws_socket.is_tls(sock)
        # RFC 6455 5.1: "A server MUST NOT mask any frames that it sends to the client": a
        # server without extensions may send text_frame() bytes, framed once for everyone.
        self._preframed = not client and not compressed
        # the simple frames of a client are read without wsproto until another frame comes
        self._simple = ws_simple.Reader(max_message_size) if self._preframed else None
        self._messages: deque[str | bytes] = deque()
        self._parts, self._size = [], 0  # a message still arriving, and its size in bytes
        self._open, self._ended = True, False  # data may still be sent / will still be read
        self._close_deadline: float | None = None

    @property
    def open(self) -> bool:
        """True until a close frame went either way or the TCP connection ended."""
        return self._open

    @property
    def pending(self) -> bool:
        """A whole message has already been read: the peer sent more than one (it pipelines)."""
        return bool(self._messages)

    def receive(self, timeout: float | None = None) -> str | bytes | None:
        """The next message (text: str, binary: bytes); None if ``timeout`` seconds pass first;
        :class:`ConnectionClosed` once it is over. Pings and closes are answered on the way."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._messages:
            if self._ended:
                raise ConnectionClosed(self.close_code, self.close_reason)
            limits = [t for t in (deadline, self._close_deadline) if t is not None]
            wait = min(limits) - time.monotonic() if limits else None
            if (limits or self._tls) and not ws_socket.readable(self.sock, wait):
                if self._close_deadline is None or time.monotonic() < self._close_deadline:
                    return None
                data: bytes | None = b""  # the peer never answered our close frame
            else:
                data = ws_socket.receive(self.sock, self.lock)
            if data is not None:
                with self.lock:
                    self._take(data)
        return self._messages.popleft()

    def _take(self, data: bytes) -> None:
        """Feed what the socket gave (b"": its end) to wsproto, under ``lock``: simple frames
        read here first; from another frame, a close sent, or the end on, wsproto reads all."""
        end = not data
        if self._simple is not None:  # a client's simple frames first (protocol/ws_simple.py)
            data = self._simple.read(data, self._messages) if self._open and not end \
                else self._simple.pending + data
            if data is None:
                return
            self._simple = None  # wsproto reads the rest, and every later byte
        step = INFLATE_STEP if self.compressed else max(len(data), 1)
        try:
            for start in range(0, len(data), step):
                self._conn.receive_data(data[start:start + step])
                self._process()
        except LocalProtocolError:  # wsproto: data after the closing handshake
            self._end()
        if end:
            self._end(lost=True)

    def _process(self) -> None:
        """Handle the events wsproto has parsed (under ``lock``)."""
        for event in self._conn.events():
            if isinstance(event, (events.TextMessage, events.BytesMessage)):
                self._on_data(event)
            elif isinstance(event, events.Ping) and self._open:
                # RFC 6455 5.5.2: "Upon receipt of a events.Ping frame, an endpoint MUST send a Pong
                # frame in response"
                self._reply(self._conn.send(event.response()))
            elif isinstance(event, events.CloseConnection):
                self._on_close(event)

    def _on_data(self, event: events.TextMessage | events.BytesMessage) -> None:
        if not self._open:
            return  # a message that crossed our close frame: not delivered
        data = event.data
        self._size += len(data) if isinstance(data, (bytes, bytearray)) or data.isascii() \
            else len(data.encode("utf-8"))
        if self.max_message_size is not None and self._size > self.max_message_size:
            self._parts, self._size = [], 0
            # RFC 6455 7.4.1: "1009 indicates that an endpoint is terminating the connection
            # because it has received a message that is too big for it to process."
            self._reply(self.frame_close(1009, f"message over {self.max_message_size} bytes (BAD-8)"))
            self._close_deadline = time.monotonic() + CLOSE_TIMEOUT
            return
        self._parts.append(data)
        if event.message_finished:
            parts = self._parts
            self._messages.append(parts[0] if len(parts) == 1 else parts[0][:0].join(parts))
            self._parts, self._size = [], 0

    def _on_close(self, event: events.CloseConnection) -> None:
        state = self._conn.state
        if state is ConnectionState.REMOTE_CLOSING:
            # RFC 6455 5.5.1: "If an endpoint receives a Close frame and did not previously
            # send a Close frame, the endpoint MUST send a Close frame in response. [...] it
            # typically echos the status code it received."
            self._open, self.closed_by = False, "peer"
            self._reply(self._conn.send(event.response()))
        elif state is not ConnectionState.CLOSED:
            # Not the peer's frame: wsproto found a protocol error and names the code. RFC
            # 6455 7.1.7, "Fail the WebSocket Connection": a close frame, then the TCP close.
            if self._open:
                self._reply(self.frame_close(int(event.code), event.reason or ""))
            self._end(lost=True)
            return
        # RFC 6455 7.1.1: "The server MUST close the underlying TCP connection immediately";
        # the client "MAY close the connection at any time after sending and receiving a Close"
        self.close_code, self.close_reason, self.clean = int(event.code), event.reason or "", True
        self._end()

    def _end(self, lost: bool = False) -> None:
        if lost:  # RFC 6455 7.1.5: "If _The WebSocket Connection is Closed_ and no Close
            # control frame was received by the endpoint [...], _The WebSocket Connection Close
            # Code_ is considered to be 1006."
            self.close_code, self.close_reason = 1006, ""
        self._open, self._ended = False, True
        self.drop()
        if self._client:
            self.sock.close()

    def _reply(self, data: bytes) -> None:
        with contextlib.suppress(OSError):  # the read side sees the end
            self.write(data)

    def frame(self, data: str | bytes, preframed: bytes | None = None) -> bytes:
        """The bytes of one message (str: text, bytes: binary), ``lock`` held; ``preframed``:
        :func:`~.ws_frames.text_frame` of it, used as is by a server without extensions."""
        if not self._open:
            raise ConnectionClosed(self.close_code, self.close_reason)
        if self._preframed and preframed is not None:  # the fan-out's path: checked first
            return preframed
        if isinstance(data, (bytes, bytearray)):
            return self._conn.send(events.BytesMessage(data=data))
        return text_frame(data) if self._preframed else \
            self._conn.send(events.TextMessage(data=data))

    def frame_close(self, code: int = 1000, reason: str = "") -> bytes:
        """Our close frame's bytes (``lock`` held; no data frame after it); 1005: without a code."""
        if not self._open:
            raise ConnectionClosed(self.close_code, self.close_reason)
        self._open, self.sent_close, self.closed_by = False, (code, reason), self.closed_by or "local"
        code = CloseReason.NO_STATUS_RCVD if code == 1005 else code  # wsproto omits this one
        return self._conn.send(events.CloseConnection(code=code, reason=reason))

    def drop(self) -> None:
        """End the TCP connection now, with no close frame (the reader sees the end)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


def accept(sock: socket.socket, method: str, target: str,
           headers: Iterable[tuple[str | bytes, str | bytes]], leftover: bytes = b"", *,
           compression: bool = False, max_message_size: int | None = None) -> WebSocket:
    """Answer an upgrade request whose head an HTTP server has read (``target``: raw; the bytes
    it read past the head: ``leftover``). Writes the 101 and returns the connection, or raises
    :class:`HandshakeError` (nothing written) for a request that is not a valid upgrade."""
    conn = WSConnection(ConnectionType.SERVER)
    head = b"%s %s HTTP/1.1\r\n%s\r\n" % (_text(method), _text(target), b"".join(
        b"%s: %s\r\n" % (_text(name), _text(value)) for name, value in headers))
    try:
        conn.receive_data(head)  # wsproto checks it: GET, Upgrade, Key, Version 13, Host
        request = next(conn.events(), None)
    except RemoteProtocolError as err:
        hint = err.event_hint  # a events.RejectConnection: the status, and headers such as Version
        raise HandshakeError(getattr(hint, "status_code", 400), str(err), [
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in getattr(hint, "headers", ())
        ]) from None
    if not isinstance(request, events.Request):
        raise HandshakeError(400, "incomplete upgrade request")
    # RFC 6455 9.1 / RFC 7692: an extension the client offers is in use only if the server
    # names it in its answer; permessage-deflate is named only when compression is asked for.
    extensions = [PerMessageDeflate()] if compression else []
    sock.sendall(conn.send(events.AcceptConnection(extensions=extensions)))
    ws = WebSocket(sock, conn, client=False, max_message_size=max_message_size,
                   compressed=any(ext.enabled() for ext in extensions))
    if leftover:  # frames that came with the upgrade request
        with ws.lock:
            ws._take(leftover)
    return ws


def connect(url: str, headers: dict[str, str] | None = None, *, timeout: float = 10.0,
            max_message_size: int | None = None) -> WebSocket:
    """Dial ``url`` (ws:// or wss://) and complete the handshake within ``timeout`` seconds.
    Raises :class:`HandshakeError` (refused, or a bad answer) or ``OSError`` (no connection).
    Frames that came with the 101 are read at once: :meth:`WebSocket.receive` has them."""
    parts = urlsplit(url)
    host, sock = parts.hostname or "", ws_socket.dial(parts, timeout)
    try:
        conn = WSConnection(ConnectionType.CLIENT)
        # RFC 6455 4.1: the Host header "contains /host/ plus optionally ":" followed by /port/
        # (when not using the default port)"
        named = f"[{host}]" if ":" in host else host
        sock.sendall(conn.send(events.Request(
            host=named if parts.port is None else f"{named}:{parts.port}",
            target=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
            extra_headers=[(k.encode(), v.encode()) for k, v in (headers or {}).items()])))
        event = None
        while event is None:
            data = sock.recv(ws_socket.RECEIVE_BYTES)
            if not data:
                raise HandshakeError(None, "connection closed during the handshake")
            try:
                conn.receive_data(data)
                event = next(conn.events(), None)
            except RemoteProtocolError as err:
                raise HandshakeError(None, str(err)) from None
        if isinstance(event, events.RejectConnection):  # else wsproto's first event is the accept
            raise HandshakeError(event.status_code, "refused")
    except BaseException:
        sock.close()
        raise
    ws = WebSocket(sock, conn, client=True, max_message_size=max_message_size)
    with ws.lock:
        ws._process()  # frames that came in the same read as the 101
    return ws
