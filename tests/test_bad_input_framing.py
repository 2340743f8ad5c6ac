"""The bad input a first version answered with werkzeug's 500, now a 400 (or 413) naming the
problem (BAD-1, BAD-6; README "Bad input"): HTTP framing faults sent byte for byte, and the
console's page queries read by the one reader of numbers with strict UTF-8. After each, the
journal and the message list still answer."""

from __future__ import annotations

import socket

import pytest
import requests

from bad_input_kit import console, fixture_runner, http, journal_and_messages_answer  # noqa: F401
from helpers import HTTP_TIMEOUT, strict_json

# --- HTTP framing faults: 400, not werkzeug's 500 -----------------------------------------------


def _raw_http(runner, request: bytes) -> bytes:
    host, port = http(runner).removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=HTTP_TIMEOUT) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)  # all sent: a body cut short ends here
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("head, body, words", [
    pytest.param(b"Content-Length: \xb2\r\n", b"{}", b"is not a number", id="superscript-two"),
    pytest.param(b"Transfer-Encoding: chunked\r\n", b"zz\r\n{}\r\n0\r\n\r\n",
                 b"chunked body is malformed", id="bad-chunk-size"),
    pytest.param(b"Transfer-Encoding: chunked\r\n", b"10\r\n{}", b"chunked body is malformed",
                 id="chunked-body-cut-short"),
])
def test_http_framing_faults_are_400_BAD_6(runner, head, body, words):
    answer = _raw_http(runner, b"POST /get_status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                               b"Content-Type: application/json\r\n" + head + b"\r\n" + body)
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert words in answer
    journal_and_messages_answer(runner)


def test_a_content_length_of_5000_digits_is_413_BAD_6(runner):
    answer = _raw_http(runner, b"POST /get_status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                               b"Content-Type: application/json\r\nContent-Length: "
                               + b"9" * 5000 + b"\r\n\r\n{}")
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]


# --- the console's queries: the one reader of numbers, strict UTF-8 ---------------------------

@pytest.mark.parametrize("query, error", [
    ("after=1_000", "after: expected an integer, got '1_000' (SIM-4)"),
    ("after=١٢", "after: expected an integer, got '١٢' (SIM-4)"),
    ("limit=²", "limit: expected an integer, got '²' (SIM-4)"),
    ("wait=nan", "wait: expected a number, got 'nan' (SIM-4)"),
    ("wait=inf", "wait: expected a number, got 'inf' (SIM-4)"),
    (f"after={2**63}", "after: expected 0 to 9223372036854775807, got 9223372036854775808 (SIM-4)"),
    ("wait=61", "wait: expected 0 to 60, got 61 (SIM-4)"),
    ("after=%ED%A0%80", "query string: not valid UTF-8 (after %-decoding) (BAD-1)"),
])
def test_console_page_queries_are_read_strictly_BAD_1(runner, query, error):
    for path in ("/sim/messages", "/sim/traffic"):
        response = requests.get(f"{console(runner)}{path}?{query}", timeout=HTTP_TIMEOUT)
        assert response.status_code == 400
        assert strict_json(response.content) == {"error": error}
