"""Whatever the target does, the runner ends every case with a verdict and a reason: a target
that is down, one that never answers, one that speaks no HTTP, and one that answers JSON that is
not OneBot. None of these may crash the run; each case says what went wrong.

The bad targets are small servers of this file on 127.0.0.1, port 0 (none of onebot_ref's code)."""

from __future__ import annotations

import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from onebot_ref.conformance import Options, Target, Verdict, run
from onebot_ref.conformance.execute import STOP_AFTER_TIMEOUTS
from onebot_ref.conformance.report_html import page
from onebot_ref.conformance.report_text import table

OPTIONS = Options(timeout=0.3, destructive=True, seed=1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RawServer:
    """Accepts connections; ``answer(sock)`` does what it likes with each (in its thread)."""

    def __init__(self, answer):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.answer, self.open, self.stopping = answer, [], threading.Event()
        threading.Thread(target=self._accept, name="bad-target", daemon=True).start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.open.append(conn)
            threading.Thread(target=self.answer, args=(conn, self.stopping), daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()
        self.sock.close()
        for conn in self.open:
            conn.close()


def garbage(conn, stopping) -> None:
    conn.recv(65536)
    conn.sendall(b"\x00\xffthis is not HTTP\r\n\r\n")
    conn.close()


def silent(conn, stopping) -> None:
    stopping.wait(30)


class NotOneBot(BaseHTTPRequestHandler):
    """200 with the same JSON for every request, token or not, any action: a server that is not
    a OneBot implementation at all (and refuses WebSocket upgrades with 200)."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"hello": "world", "status": "ok"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args) -> None:
        pass


def check_every_case_judged(result) -> None:
    shown = table(result)
    for r in result.results:
        assert isinstance(r.verdict, Verdict)
        if r.verdict in (Verdict.FAIL, Verdict.TIMEOUT, Verdict.SKIPPED):
            assert r.reason, f"{r.case.id}: {r.verdict.value} without a reason\n{shown}"
    assert result.failed, shown  # nothing here is a OneBot implementation
    assert page(result)  # and the report renders


def test_a_target_that_is_down():
    port = free_port()
    result = run(Target(http=f"http://127.0.0.1:{port}", ws=f"ws://127.0.0.1:{port}",
                        token="t", user_id=1, group_id=2), OPTIONS)
    check_every_case_judged(result)
    fails = [r for r in result.results if r.verdict is Verdict.FAIL]
    assert fails and all("connection refused" in r.reason or "could not be read" not in
                         r.reason for r in fails), table(result)
    assert any("connection refused" in r.reason for r in fails)
    assert result.version.get("error")


def test_a_target_that_never_answers_is_timeouts_then_a_stop():
    server = RawServer(silent)
    try:
        result = run(Target(http=f"http://127.0.0.1:{server.port}"), OPTIONS)
    finally:
        server.stop()
    check_every_case_judged(result)
    timeouts = [r for r in result.results if r.verdict is Verdict.TIMEOUT]
    assert len(timeouts) == STOP_AFTER_TIMEOUTS, table(result)
    # the elapsed time is in the reason (at least the timeout; more on a loaded machine)
    assert all(float(re.search(r"nothing after (\d+\.\d\d) s", r.reason)[1]) >= 0.29
               for r in timeouts), table(result)
    assert any("the target does not answer" in r.reason for r in result.results
               if r.verdict is Verdict.SKIPPED)
    assert result.duration < 15


@pytest.mark.parametrize("kind", ["garbage", "not-onebot"])
def test_a_target_that_answers_garbage(kind):
    if kind == "garbage":
        server = RawServer(garbage)
        port, stop = server.port, server.stop
    else:
        http = ThreadingHTTPServer(("127.0.0.1", 0), NotOneBot)
        threading.Thread(target=http.serve_forever, name="not-onebot", daemon=True).start()
        port, stop = http.server_address[1], lambda: (http.shutdown(), http.server_close())
    try:
        result = run(Target(http=f"http://127.0.0.1:{port}", ws=f"ws://127.0.0.1:{port}",
                            token="t", user_id=1, group_id=2), OPTIONS)
    finally:
        stop()
    check_every_case_judged(result)
    verdicts = result.verdicts()
    # the spec's statuses, missed by a server that answers 200 to everything
    for case_id in ("communication/http/16", "communication/http/21", "communication/http/27"):
        assert verdicts[case_id] == "FAIL", table(result)
    if kind == "garbage":
        assert "not an HTTP answer" in next(r.reason for r in result.results
                                            if r.case.id == "communication/http/1")
    else:
        assert "not an envelope" in next(r.reason for r in result.results
                                         if r.case.id == "communication/http/1")
