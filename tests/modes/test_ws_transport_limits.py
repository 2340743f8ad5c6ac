"""The contract of onebot_ref/modes/ws_transport.py with wsproto, continued (test_ws_transport.py
has the names and a plain connection): over a real loopback connection through the seam, 1009
for a message over the limit, permessage-deflate only when asked for, a deflate bomb (1009,
inflated a step at a time), a refused or invalid handshake, a dropped TCP connection (1006).
"""

from __future__ import annotations

import socket

import pytest

from onebot_ref.modes import ws_transport
from onebot_ref.modes.ws_transport import ConnectionClosed, HandshakeError
from ws_transport_kit import (
    TIMEOUT,
    broken,
    fixture_server,  # noqa: F401 (the fixture server)
    read_head,
    send,
)


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
