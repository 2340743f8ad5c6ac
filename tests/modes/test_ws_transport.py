"""The contract of onebot_ref/modes/ws_transport.py with wsproto, the WebSocket library it is
written against (setup.cfg pins the minor version). An upgrade that breaks it fails here first,
with a message naming the library, what changed and what the seam uses it for:

1. every name the seam's docstring lists exists, with the fields and methods it relies on;
2. a real loopback connection through the seam: handshake, text and binary echo, ping/pong,
   the close handshake both ways, a frame that comes with the 101 (the limits, deflate and
   refused, invalid or dropped connections: test_ws_transport_limits.py);
3. no other module of onebot_ref (nor the fake bot) imports a WebSocket library.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import socket
from pathlib import Path

import pytest

from onebot_ref.modes import ws_transport
from onebot_ref.modes.ws_transport import ConnectionClosed
from ws_transport_kit import (
    TIMEOUT,
    broken,
    fixture_server,  # noqa: F401 (the fixture server)
    read_head,
    send,
)

ROOT = Path(__file__).resolve().parents[2]

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
    for path in sorted((ROOT / "onebot_ref").rglob("*.py")) + [
            ROOT / "tests" / "fakebot.py", ROOT / "tests" / "fakebot_ws.py"]:
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

