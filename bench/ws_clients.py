"""The parent's side of bench_ws.py (and of bench_milky.py's and cpu_paths.py's OneBot 11
cells): raw-socket WebSocket clients that count bytes or parse only a sample of frames, so
that the servers, not the clients, are what is measured; and simple-websocket client threads
for the API round trips."""

from __future__ import annotations

import json
import selectors
import socket
import struct
import threading
import time

import soak_kit
from ws_servers import dumps


def frame_size(payload: int) -> int:
    """Bytes of one unmasked server frame with ``payload`` bytes (RFC 6455 §5.2)."""
    return payload + (2 if payload < 126 else 4 if payload < 65536 else 10)


def read_frame(sock: socket.socket) -> bytes:
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    length = exactly(2)[1] & 0x7F
    if length == 126:
        length = struct.unpack("!H", exactly(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", exactly(8))[0]
    return exactly(length)


def raw_connect(port: int, path: str, first_frame: bool) -> socket.socket:
    """soak_kit's hand-made handshake; ``first_frame``: onebot_ref's lifecycle connect read."""
    sock = soak_kit.raw_connect(port, path)
    if first_frame:
        assert b'"connect"' in read_frame(sock)
    return sock


def drain(socks: list[socket.socket], expected: int, timeout: float = 60) -> float:
    """Read until every socket got ``expected`` bytes; the seconds it took."""
    began = time.perf_counter()
    selector = selectors.DefaultSelector()
    got = {}
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        got[sock] = 0
    pending = len(socks)
    deadline = time.monotonic() + timeout
    try:
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{pending} clients short of {expected} bytes")
            for key, _ in selector.select(1.0):
                data = key.fileobj.recv(1 << 18)
                if not data:
                    raise ConnectionError("a fan-out client was disconnected")
                before = got[key.fileobj]
                got[key.fileobj] = before + len(data)
                if before < expected <= got[key.fileobj]:
                    pending -= 1
    finally:
        selector.close()
        for sock in socks:
            sock.setblocking(True)
    return time.perf_counter() - began


def latencies(socks: list[socket.socket], count: int, payload: int, sampled: int = 10,
              timeout: float = 60) -> list[float]:
    """Read ``count`` paced frames on every socket; parse them on the first ``sampled``
    sockets only (the others are byte-counted, so the reader keeps up); latency in ms."""
    out = []
    bufs = {sock: b"" for sock in socks[:sampled]}
    need = {sock: count for sock in socks[:sampled]}
    counted = {sock: 0 for sock in socks[sampled:]}
    selector = selectors.DefaultSelector()
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    pending = len(socks)
    deadline = time.monotonic() + timeout
    try:
        while pending and time.monotonic() < deadline:
            for key, _ in selector.select(1.0):
                sock = key.fileobj
                data = sock.recv(1 << 18)
                now = time.time()
                if sock in counted:
                    before = counted[sock]
                    counted[sock] += len(data)
                    if before < count * frame_size(payload) <= counted[sock]:
                        pending -= 1
                    continue
                buf = bufs[sock] + data
                while len(buf) >= 2:
                    length, start = buf[1] & 0x7F, 2
                    if length == 126:
                        if len(buf) < 4:
                            break
                        length, start = struct.unpack("!H", buf[2:4])[0], 4
                    if len(buf) < start + length:
                        break
                    out.append((now - json.loads(buf[start:start + length])["sent"] / 1e6) * 1000)
                    buf = buf[start + length:]
                    need[sock] -= 1
                    if need[sock] == 0:
                        pending -= 1
                bufs[sock] = buf
    finally:
        selector.close()
        for sock in socks:
            sock.setblocking(True)
    if pending:
        raise TimeoutError(f"{pending} clients short of {count} frames")
    return out


def round_trips(port: int, path: str, connections: int, duration: float) -> int:
    """API round trips done by ``connections`` client threads in ``duration`` seconds."""
    from simple_websocket import Client

    frame = dumps({"action": "get_login_info", "params": {}, "echo": 1})
    clients = [Client.connect(f"ws://127.0.0.1:{port}{path}") for _ in range(connections)]
    counts = [0] * connections
    gate = threading.Barrier(connections + 1)

    def loop(i: int) -> None:
        ws = clients[i]
        gate.wait()
        deadline = time.perf_counter() + duration
        while time.perf_counter() < deadline:
            ws.send(frame)
            answer = ws.receive(timeout=10)
            assert answer and '"echo":1' in answer, answer
            counts[i] += 1

    threads = [threading.Thread(target=loop, args=(i,), name=f"rtt-{i}")
               for i in range(connections)]
    for thread in threads:
        thread.start()
    gate.wait()
    for thread in threads:
        thread.join(duration + 30)
    for ws in clients:
        ws.close()
    return sum(counts)
