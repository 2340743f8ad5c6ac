"""The HTTP POST worker's session (modes/post_session.py) puts on the wire what
``requests.Session.post`` would, byte for byte, over real sockets (POST-1..5, POST-13)."""

from __future__ import annotations

import socket
import threading

import requests

from onebot_ref.modes.post_session import PostSession

HEADERS = {"Content-Type": "application/json; charset=UTF-8", "User-Agent": "CQHttp/4.15.0"}


class Receiver:
    """A raw socket receiver: keeps each request's bytes, answers each as told."""

    def __init__(self, answer: bytes = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"):
        self.answer, self.requests = answer, []
        self.got = threading.Semaphore(0)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/post"
        threading.Thread(target=self._serve, daemon=True, name="test-receiver").start()

    def _serve(self) -> None:
        conn, _ = self._listener.accept()
        buf = b""
        with conn:
            while data := conn.recv(65536):
                buf += data
                while b"\r\n\r\n" in buf:
                    head, rest = buf.split(b"\r\n\r\n", 1)
                    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                    if len(rest) < length:
                        break
                    self.requests.append(head + b"\r\n\r\n" + rest[:length])
                    buf = rest[length:]
                    conn.sendall(self.answer)
                    self.got.release()

    def wait(self, count: int) -> list[bytes]:
        for _ in range(count):
            assert self.got.acquire(timeout=5), f"{len(self.requests)} of {count} requests"
        return [r.replace(self.url.split(":")[2].split("/")[0].encode(), b"PORT")
                for r in self.requests]


def test_the_same_requests_as_session_post_in_the_same_order():
    ours, theirs = Receiver(), Receiver()
    session, plain = PostSession(ours.url), requests.Session()
    bodies = [b'{"a":1}', '{"text":"你好"}'.encode() * 3, b'{"c":3}']
    for number, body in enumerate(bodies):
        headers = {**HEADERS, "X-Self-ID": str(10000 + number), "X-Signature": f"sha1={number}"}
        assert session.post(body, headers, 5).status_code == 204
        plain.post(theirs.url, data=body, headers=headers, timeout=5, allow_redirects=True)
    sent = ours.wait(3)
    assert sent == theirs.wait(3)
    assert sent[1].endswith(b"\r\n\r\n" + bodies[1]) and b"X-Self-ID: 10001\r\n" in sent[1]
    assert b"Content-Length: %d\r\n" % len(bodies[1]) in sent[1]
    session.close()
    plain.close()


def test_a_cookie_the_receiver_sets_is_sent_back_as_by_session_post():
    answer = (b"HTTP/1.1 204 No Content\r\nSet-Cookie: seen=1; Path=/\r\n"
              b"Content-Length: 0\r\n\r\n")
    ours, theirs = Receiver(answer), Receiver(answer)
    session, plain = PostSession(ours.url), requests.Session()
    for _ in range(2):
        session.post(b"{}", HEADERS, 5)
        plain.post(theirs.url, data=b"{}", headers=HEADERS, timeout=5, allow_redirects=True)
    sent = ours.wait(2)
    assert sent == theirs.wait(2)
    assert b"Cookie: seen=1\r\n" in sent[1] and b"Cookie" not in sent[0]
    session.close()
    plain.close()
