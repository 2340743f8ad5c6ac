"""A client's simple frames, read without wsproto (protocol/ws_simple.py), give what wsproto
gives: the same messages, the same close codes (1002, 1007, 1009), for every way the bytes are
split; over a real socket pair, through modes/ws_transport.accept (RFC 6455 §5)."""

from __future__ import annotations

import os
import socket
import struct
import threading

import pytest

from onebot_ref.modes import ws_transport
from onebot_ref.modes.ws_transport import ConnectionClosed
from onebot_ref.protocol.ws_simple import simple_frames

TIMEOUT = 5.0
LIMIT = 1000  # the server's max_message_size here
HEAD = ("GET", "/api", [("Host", "x"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
                        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
                        ("Sec-WebSocket-Version", "13")])


def frame(payload: bytes, first: int = 0x81, masked: bool = True, length: str = "") -> bytes:
    """A client frame: ``first`` is FIN/RSV/opcode; ``length="16"`` forces the 16-bit form."""
    size = len(payload)
    if size < 126 and length != "16":
        head = bytes((first, size | (0x80 if masked else 0)))
    else:
        head = bytes((first, 126 | (0x80 if masked else 0))) + struct.pack("!H", size) \
            if size < 65536 else bytes((first, 127 | 0x80)) + struct.pack("!Q", size)
    if not masked:
        return head + payload
    mask = os.urandom(4)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def served(stream: bytes, split: int, simple: bool) -> tuple:
    """What the seam's server reads from ``stream`` sent ``split`` bytes at a time: the
    messages, the close frame it sent, and the peer's close code."""
    ours, theirs = socket.socketpair()
    messages, result = [], {}

    def serve() -> None:
        ws = ws_transport.accept(ours, *HEAD, max_message_size=LIMIT)
        if not simple:
            ws._simple = None  # wsproto reads everything, as before protocol/ws_simple
        try:
            while True:
                message = ws.receive(TIMEOUT)
                assert message is not None, "the server waited for nothing"
                messages.append(message)
        except ConnectionClosed:
            result.update(sent=ws.sent_close and ws.sent_close[0], code=ws.close_code)

    thread = threading.Thread(target=serve, name="test-ws-simple", daemon=True)
    thread.start()
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += theirs.recv(4096)
    for start in range(0, len(stream), split):
        try:
            theirs.sendall(stream[start:start + split])
        except OSError:  # the server closed after a protocol error
            break
    theirs.shutdown(socket.SHUT_WR)
    thread.join(TIMEOUT)
    theirs.close()
    assert not thread.is_alive()
    return messages, result


TEXT = frame('{"action":"get_login_info","echo":"你好"}'.encode())
CLOSE = frame(struct.pack("!H", 1000) + b"bye", 0x88)
STREAMS = {
    "texts and binary, then a close": TEXT + frame(b"\x00\xff", 0x82) + TEXT + CLOSE,
    "16-bit length": frame(b"x" * 300) + frame(b"", 0x81) + CLOSE,
    "a ping between texts": TEXT + frame(b"p", 0x89) + TEXT + CLOSE,
    "a fragmented message, then a simple one": frame(b"ab", 0x01) + frame(b"cd", 0x80) + TEXT
    + CLOSE,
    "a text frame inside a fragmented message (1002)": frame(b"ab", 0x01) + TEXT + CLOSE,
    "invalid UTF-8 (1007)": TEXT + frame(b"\xed\xa0\x80") + TEXT,
    "the 16-bit form for 10 bytes (1002)": TEXT + frame(b"0123456789", length="16") + TEXT,
    "unmasked (1002)": TEXT + frame(b"hi", masked=False) + TEXT,
    "RSV1 set (1002)": TEXT + frame(b"hi", 0xC1) + TEXT,
    "over max_message_size (1009)": TEXT + frame(b"y" * (LIMIT + 1)) + TEXT,
    "a frame cut short (1006)": TEXT + frame(b"z" * 50)[:20],
    "nothing but a close": CLOSE,
}


@pytest.mark.parametrize("split", [1, 3, 7, 65536])
@pytest.mark.parametrize("name", list(STREAMS))
def test_the_same_messages_and_close_codes_as_wsproto(name, split):
    stream = STREAMS[name]
    ours = served(stream, split, simple=True)
    assert ours == served(stream, split, simple=False)
    code = name.rpartition("(")[2].rstrip(")")
    if code.isdigit():  # the case is what it says: the server failed the connection so
        assert ours[1]["sent" if code != "1006" else "code"] == int(code), ours


def test_simple_frames_leave_wsproto_out():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(TEXT + frame(b"\x02", 0x82))
        ws = ws_transport.accept(ours, *HEAD)
        theirs.sendall(TEXT[:9])
        assert ws.receive(TIMEOUT) == '{"action":"get_login_info","echo":"你好"}'
        assert ws.receive(TIMEOUT) == b"\x02"
        theirs.sendall(TEXT[9:])
        assert ws.receive(TIMEOUT).endswith('"你好"}')
        assert ws._simple is not None and ws._simple.pending == b""


def test_what_simple_frames_reads_and_where_it_stops():
    messages, used, other = simple_frames(TEXT + frame(b"\x01", 0x82) + TEXT[:5])
    assert (messages, used, other) == (['{"action":"get_login_info","echo":"你好"}', b"\x01"],
                                       len(TEXT) + 7, False)  # the third still arriving
    assert simple_frames(TEXT + frame(b"p", 0x89) + TEXT)[1:] == (len(TEXT), True)
    assert simple_frames(frame(b"abc"), limit=2) == ([], 0, True)
