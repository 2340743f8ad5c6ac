"""The reverse WebSocket client to a ``wss://`` URL (communication/ws-reverse.md, WSR-1, WSR-8)
and its message-size limit (max_body_bytes, as on the forward side: RFC 6455 7.4.1, 1009).

The TLS listener is the fake bot with a self-signed certificate made here by the ``openssl``
command; the client trusts it through ``SSL_CERT_FILE`` (what ``ssl.create_default_context``
reads), so the real certificate and host-name checks run.
"""

from __future__ import annotations

import ssl
import subprocess

import pytest

from fakebot import FakeBot

ALICE = 10001  # a friend in the default world


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def tls_bot(certificate, monkeypatch):
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", cert)  # the client trusts this one certificate
    with FakeBot(ssl_context=context) as bot:
        yield bot


def test_wss_url_serves_api_calls_and_events(make_runner, tls_bot):
    """WSR-8: over TLS the connection works as over ws://: lifecycle connect first, API calls
    answered (a 600 KB answer goes out in many TLS writes), events pushed."""
    assert tls_bot.ws_url.startswith("wss://")
    with make_runner(use_ws_reverse=True, ws_reverse_url=tls_bot.ws_url,
                     ws_reverse_use_universal_client=True) as runner:
        conn = tls_bot.wait_connection("Universal")
        first = conn.receive()
        assert (first["meta_event_type"], first["sub_type"]) == ("lifecycle", "connect")
        assert conn.call("get_login_info", echo=1)["data"]["user_id"] == 10000
        big = "x" * 600_000
        answer = conn.call("get_login_info", echo=big)
        assert answer["echo"] == big and answer["status"] == "ok"
        runner.world.receive_private_message(ALICE, "over tls")
        event = conn.next_event(lambda e: e.get("post_type") == "message")
        assert event["raw_message"] == "over tls"
        assert conn.connected, "the client thread must go on serving"


def test_wss_client_reconnects_after_the_bot_drops_it(make_runner, tls_bot):
    with make_runner(use_ws_reverse=True, ws_reverse_url=tls_bot.ws_url,
                     ws_reverse_use_universal_client=True,
                     ws_reverse_reconnect_interval=100):
        first = tls_bot.wait_connection("Universal")
        first.close(1001, "bot restarts")
        assert first.wait_closed() == 1001
        second = tls_bot.wait_connection("Universal", after=1)
        assert second.call("get_login_info")["status"] == "ok"


@pytest.mark.parametrize("over_tls", [False, True], ids=["ws", "wss"])
def test_a_bot_message_over_max_body_bytes_closes_with_1009(make_runner, fakebot, tls_bot,
                                                            over_tls):
    """The reverse client has the forward side's limit: a bigger message closes with 1009
    (RFC 6455 7.4.1) and the client reconnects (WSR-11)."""
    bot = tls_bot if over_tls else fakebot
    with make_runner(use_ws_reverse=True, ws_reverse_url=bot.ws_url,
                     ws_reverse_use_universal_client=True, max_body_bytes=2000,
                     ws_reverse_reconnect_interval=100) as runner:
        conn = bot.wait_connection("Universal")
        assert conn.call("get_login_info", echo="y" * 1500)["status"] == "ok"  # within
        conn.send_raw('{"action": "get_login_info", "echo": "%s"}' % ("z" * 3000))
        assert conn.wait_closed() == 1009
        assert bot.wait_connection("Universal", after=1).call("get_login_info")["status"] == "ok"
        assert runner.traffic.find(lambda f: "1009" in (f.get("verdict") or ""), 1)
