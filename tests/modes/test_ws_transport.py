"""The contract of onebot_ref/modes/ws_transport.py with wsproto, the WebSocket library it is
written against (setup.cfg pins the minor version). An upgrade that breaks it fails here first,
with a message naming the library, what changed and what the seam uses it for:

1. every name the seam's docstring lists exists, with the fields and methods it relies on;
2. a real loopback connection through the seam: handshake, text and binary echo, ping/pong,
   the close handshake both ways, a frame that comes with the 101, 1009, permessage-deflate
   only when asked for, a deflate bomb (1009, inflated a step at a time), a refused or invalid
   handshake, a dropped TCP connection (1006);
3. no other module of onebot_ref (nor the fake bot) imports a WebSocket library.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import inspect
import socket
import threading
from pathlib import Path

import pytest

from onebot_ref.modes import ws_transport
from onebot_ref.modes.ws_transport import ConnectionClosed, HandshakeError

ROOT = Path(__file__).resolve().parents[2]
VERSION = importlib.metadata.version("wsproto")
TIMEOUT = 5.0

#: (module, name, the attributes / parameters the seam relies on, what for)
USED = [
    ("wsproto", "WSConnection", ["receive_data", "events", "send", "state"],
     "the connection: bytes in, events out, events in, bytes out"),
    ("wsproto", "ConnectionType", ["SERVER", "CLIENT"], "which side of the handshake"),
    ("wsproto.connection", "ConnectionState", ["OPEN", "REMOTE_CLOSING", "CLOSED"],
     "who closed first (REMOTE_CLOSING) and a protocol error (state unchanged)"),
    ("wsproto.events", "Request", ["host", "target", "extra_headers"], "the client's upgrade"),
    ("wsproto.events", "AcceptConnection", ["extensions"], "the 101, with or without deflate"),
    ("wsproto.events", "RejectConnection", ["status_code", "headers"], "a refused handshake"),
    ("wsproto.events", "TextMessage", ["data", "message_finished"], "text messages in parts"),
    ("wsproto.events", "BytesMessage", ["data", "message_finished"], "binary messages in parts"),
    ("wsproto.events", "Ping", ["payload", "response"], "answering a ping with a pong"),
    ("wsproto.events", "CloseConnection", ["code", "reason", "response"],
     "the close handshake"),
    ("wsproto.extensions", "PerMessageDeflate", ["enabled", "name"],
     "permessage-deflate, only when ws_compression is on"),
    ("wsproto.utilities", "RemoteProtocolError", ["event_hint"],
     "a bad upgrade request and the status to refuse it with"),
    ("wsproto.utilities", "LocalProtocolError", [], "data fed after the closing handshake"),
    ("wsproto.connection", "CloseReason", ["NO_STATUS_RCVD"],
     "a close frame without a code (a profile's 1403 refusal)"),
]


def broken(what: str, why: str) -> str:
    return (f"wsproto {VERSION}: {what}. onebot_ref/modes/ws_transport.py uses it for {why}; "
            "adapt the seam (and its docstring), then the pin in setup.cfg")


@pytest.mark.parametrize("module, name, members, why", USED,
                         ids=[f"{m}.{n}" for m, n, _, _ in USED])
def test_every_name_the_seam_uses_exists(module, name, members, why):
    found = getattr(importlib.import_module(module), name, None)
    assert found is not None, broken(f"{module}.{name} is gone", why)
    for member in members:
        fields = set(inspect.signature(found).parameters) if inspect.isclass(found) else set()
        has = hasattr(found, member) or member in fields
        assert has, broken(f"{module}.{name} has no {member!r} any more", why)


def test_the_events_keep_their_defaults():
    from wsproto.events import CloseConnection, Ping, RejectConnection, TextMessage
    assert TextMessage("x").message_finished is True, broken(
        "TextMessage(...).message_finished no longer defaults to True", "framing a message")
    assert RejectConnection().status_code == 400, broken(
        "RejectConnection's default status is no longer 400", "refusing a bad upgrade")
    assert CloseConnection(1001, "bye").response() == CloseConnection(1001, "bye"), broken(
        "CloseConnection.response() no longer echoes code and reason", "answering a close")
    assert Ping(b"p").response().payload == b"p", broken(
        "Ping.response() no longer carries the payload", "the pong")


def test_the_seam_is_the_only_importer_of_a_websocket_library():
    libraries = {"wsproto", "simple_websocket", "h11"}
    offenders = []
    for path in sorted((ROOT / "onebot_ref").rglob("*.py")) + [ROOT / "tests" / "fakebot.py"]:
        if path.name == "ws_transport.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n.split(".")[0] in libraries]
    assert not offenders, f"WebSocket libraries outside modes/ws_transport.py: {offenders}"


# --- a real connection through the seam, over loopback --------------------------------------------

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


@pytest.fixture
def server():
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


def test_text_and_binary_echo_and_a_clean_close(server):
    ws = ws_transport.connect(server().url, {"X-Test": "1"}, timeout=TIMEOUT)
    send(ws, "héllo")
    assert ws.receive(TIMEOUT) == "héllo", broken("a text message does not come back", "text")
    send(ws, b"\x00\xff")
    assert ws.receive(TIMEOUT) == b"\x00\xff", broken("a binary message is altered", "binary")
    big = "x" * 200_000  # arrives in parts (message_finished on the last one)
    send(ws, big)
    assert ws.receive(TIMEOUT) == big, broken("a large message is not reassembled", "parts")
    with ws.lock:
        ws.write(ws.frame_close(1000, "done"))
    with pytest.raises(ConnectionClosed):
        ws.receive(TIMEOUT)
    assert (ws.close_code, ws.closed_by, ws.clean) == (1000, "local", True), broken(
        "the close handshake no longer completes (the answer to our close)", "closing")


def test_ping_is_answered_with_pong_through_write(server):
    """RFC 6455 5.5.2, checked with a plain wsproto client against the seam's server."""
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, Ping, Pong, Request

    port = server().port
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    client = WSConnection(ConnectionType.CLIENT)
    sock.sendall(client.send(Request(host=f"127.0.0.1:{port}", target="/")))
    seen = []
    while not any(isinstance(e, Pong) for e in seen):
        data = sock.recv(65536)
        assert data, broken(f"the seam's server closed instead of answering a ping {seen}",
                            "pongs")
        client.receive_data(data)
        for event in client.events():
            seen.append(event)
            if isinstance(event, AcceptConnection):
                sock.sendall(client.send(Ping(b"are-you-there")))
    sock.close()
    assert next(e for e in seen if isinstance(e, Pong)).payload == b"are-you-there"


def test_peer_close_is_answered_and_reported(server):
    def close_first(sock, **_):
        ws = ws_transport.accept(sock, *read_head(sock))
        with ws.lock:
            ws.write(ws.frame_close(4000, "server says bye"))
        with pytest.raises(ConnectionClosed):
            ws.receive(TIMEOUT)

    ws = ws_transport.connect(server(close_first).url, timeout=TIMEOUT)
    with pytest.raises(ConnectionClosed) as closed:
        ws.receive(TIMEOUT)
    assert (closed.value.code, ws.closed_by, ws.clean) == (4000, "peer", True), broken(
        "a close from the peer is no longer reported as REMOTE_CLOSING", "who closed")
    assert not ws.open


def test_a_frame_sent_with_the_101_is_not_left_waiting(server):
    """The reason the client handshake is ours: the server's first frame arrives in the same
    read as the 101 and must be readable at once, not after some later frame."""
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, TextMessage

    def greet_with_the_101(sock, **_):
        conn = WSConnection(ConnectionType.SERVER)
        conn.receive_data(b"%s\r\n\r\n" % sock.recv(65536).partition(b"\r\n\r\n")[0])
        next(conn.events())
        sock.sendall(conn.send(AcceptConnection()) + conn.send(TextMessage("first")))
        sock.recv(65536)  # until the client closes

    ws = ws_transport.connect(server(greet_with_the_101).url, timeout=TIMEOUT)
    assert ws.pending and ws.receive(0) == "first", broken(
        "the bytes after the 101 are no longer kept and yielded (trailing data)", "frames "
        "that come with the handshake")
    ws.drop()


def test_a_message_over_the_limit_closes_with_1009(server):
    ws = ws_transport.connect(server(max_message_size=1000).url, timeout=TIMEOUT)
    send(ws, "x" * 999)
    assert ws.receive(TIMEOUT) == "x" * 999
    send(ws, "y" * 1001)
    with pytest.raises(ConnectionClosed) as closed:
        ws.receive(TIMEOUT)
    assert closed.value.code == 1009 and ws.closed_by == "peer", "RFC 6455 7.4.1: 1009"


@pytest.mark.parametrize("compression", [False, True])
def test_permessage_deflate_only_when_asked_for(server, compression):
    def offered(sock, **options):
        method, target, headers, rest = read_head(sock)
        headers.append(("Sec-WebSocket-Extensions", "permessage-deflate"))
        ws = ws_transport.accept(sock, method, target, headers, rest, **options)
        assert ws.compressed is compression, broken(
            f"PerMessageDeflate negotiation is {ws.compressed} with compression={compression}",
            "refusing deflate by default")
        send(ws, "z" * 1000)
        sock.recv(65536)

    port = server(offered, compression=compression).port
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                 b"\r\n")
    data = b""
    while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < 2:
        chunk = sock.recv(65536)
        assert chunk, "the server closed before its first frame"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert (b"permessage-deflate" in head.lower()) is compression
    assert (body[0] & 0x40 != 0) is compression  # RSV1: the message is compressed
    sock.close()


@pytest.mark.parametrize("head, status", [
    (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     b"Sec-WebSocket-Version: 13\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n", 426),
    (b"POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n", 400),
], ids=["no-key", "old-version", "not-GET"])
def test_an_invalid_upgrade_is_refused_with_nothing_written(server, head, status):
    refusals = []

    def refuse(sock, **_):
        with pytest.raises(HandshakeError) as refused:
            ws_transport.accept(sock, *read_head(sock))
        refusals.append(refused.value)
        sock.sendall(b"HTTP/1.1 %d No\r\nContent-Length: 0\r\n\r\n" % refused.value.status_code)

    port = server(refuse).port
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(head + b"\r\n")
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 %d " % status), broken(
        f"an invalid upgrade is no longer refused with {status}: {answer[:40]!r}",
        "the RemoteProtocolError event_hint")
    assert refusals and refusals[0].status_code == status


def test_a_refused_handshake_names_the_status(server):
    def forbid(sock, **_):
        read_head(sock)
        sock.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    with pytest.raises(HandshakeError) as refused:
        ws_transport.connect(server(forbid).url, timeout=TIMEOUT)
    assert refused.value.status_code == 403, broken("RejectConnection.status_code", "refusals")


def test_a_dropped_connection_reads_as_1006(server):
    def drop(sock, **_):
        ws = ws_transport.accept(sock, *read_head(sock))
        ws.drop()

    ws = ws_transport.connect(server(drop).url, timeout=TIMEOUT)
    with pytest.raises(ConnectionClosed) as closed:
        ws.receive(TIMEOUT)
    assert (closed.value.code, ws.closed_by, ws.clean) == (1006, None, False)


def test_a_deflate_bomb_closes_with_1009_before_it_is_inflated(server):
    """RFC 6455 7.4.1 with permessage-deflate: the limit holds for the inflated message, and the
    server never holds much more than the limit of it. wsproto inflates all it is given at once;
    64 MB of zeros are ~64 KB on the wire."""
    import tracemalloc

    from wsproto.events import BytesMessage

    from helpers import close_code_sent_to, deflate_client

    sock, client = deflate_client(server(compression=True, max_message_size=1000).port)
    bomb = client.send(BytesMessage(b"\0" * 64_000_000))
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        sock.sendall(bomb)
        code = close_code_sent_to(sock, client)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        sock.close()
    assert code == 1009, broken(f"a deflate bomb closed with {code}", "the inflate steps")
    assert peak < 16_000_000, broken(f"{peak} bytes were allocated while a 64 MB deflate bomb "
                                     "was refused", "inflating at most INFLATE_STEP at a time")
