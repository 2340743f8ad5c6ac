"""The frames nearly every WebSocket client sends, read without a WebSocket library (RFC 6455
§5.2): each a whole message, masked, with no extension. Pure: no sockets.

A bot's API request is one small text frame; wsproto spends ~30 µs reading one (its parser is
general: fragments, control frames, extensions), most of a round trip's CPU. The server
(:mod:`..modes.ws_transport`) reads such frames with :func:`simple_frames` and hands the
library every byte from the first frame that is anything else on: the library then reads a
stream that begins at a frame boundary, with no message in progress, as if it had read the
frames before itself, and answers that frame as it always did (a ping, a close, a fragment,
a protocol error: 1002, 1007, 1009).

A frame is *simple* when it has:

- FIN set, RSV1-3 clear, opcode 1 (text) or 2 (binary): §5.2 "FIN: 1 bit: Indicates that this
  is the final fragment in a message"; "RSV1, RSV2, RSV3: [...] MUST be 0 unless an extension
  is negotiated" (the caller uses this only without extensions);
- the mask bit: §5.1 "a client MUST mask all frames that it sends to the server";
- a payload length written in 7 bits, or in 16 bits for 126 or more (§5.2: "the minimal number
  of bytes MUST be used to encode the length"), and at most ``limit``;
- for text, a payload that is UTF-8 (§8.1: "When an endpoint is to interpret a byte stream as
  UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint
  MUST _Fail the WebSocket Connection_": Python's strict codec refuses what wsproto refuses).
"""

from __future__ import annotations

from collections import deque

#: The largest payload read here: the 16-bit length form (longer frames go to the library).
MAX_PAYLOAD = 65535
_TEXT, _BINARY = 0x81, 0x82  # FIN + opcode, RSV clear


def unmask(payload: bytes, mask: bytes) -> bytes:
    """§5.3: "octet i of the transformed data is the XOR of octet i of the original data with
    octet at index i modulo 4 of the masking key"."""
    size = len(payload)
    key = (mask * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(size, "big")


def simple_frames(buf: bytes, limit: int = MAX_PAYLOAD) -> tuple[list[str | bytes], int, bool]:
    """``(messages, used, other)``: the messages of the whole simple frames at the start of
    ``buf``, the bytes they took, and whether the frame at ``buf[used:]`` is not simple (then
    it and everything after it are the library's). ``other`` False: the rest of ``buf`` is the
    beginning of a simple frame still arriving (or nothing)."""
    messages: list[str | bytes] = []
    pos, end, limit = 0, len(buf), min(limit, MAX_PAYLOAD)
    while pos < end:
        opcode = buf[pos]
        if opcode != _TEXT and opcode != _BINARY:
            return messages, pos, True
        if end - pos < 2:
            return messages, pos, False
        second = buf[pos + 1]
        if not second & 0x80:  # unmasked
            return messages, pos, True
        size, start = second & 0x7F, pos + 2
        if size == 126:
            if end - pos < 4:
                return messages, pos, False
            size, start = int.from_bytes(buf[pos + 2:pos + 4], "big"), pos + 4
            if size < 126:  # not the minimal length form
                return messages, pos, True
        elif size == 127:
            return messages, pos, True
        if size > limit:
            return messages, pos, True
        stop = start + 4 + size
        if stop > end:
            return messages, pos, False
        payload = unmask(buf[start + 4:stop], buf[start:start + 4])
        if opcode == _TEXT:
            try:
                messages.append(payload.decode("utf-8"))
            except UnicodeDecodeError:
                return messages, pos, True
        else:
            messages.append(payload)
        pos = stop
    return messages, pos, False


class Reader:
    """One connection's simple frames as its bytes arrive: ``pending`` holds the start of a
    simple frame still arriving."""

    def __init__(self, limit: int | None = None):
        self.pending = b""
        self.limit = MAX_PAYLOAD if limit is None else min(limit, MAX_PAYLOAD)

    def read(self, data: bytes, messages: deque) -> bytes | None:
        """Append the messages of the whole simple frames to ``messages``. None: all of
        ``data`` was read here; else the bytes from the first other frame on, for the library
        (which then reads every later byte too)."""
        data = self.pending + data
        found, used, other = simple_frames(data, self.limit)
        messages.extend(found)
        if other:
            return data[used:]
        self.pending = data[used:]
        return None
