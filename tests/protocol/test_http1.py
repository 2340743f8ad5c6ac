"""protocol/http1.py: the request head, the body's framing and the chunked coding, as pure
functions (RFC 9112, RFC 9110). The server over sockets: tests/modes/test_http_server.py."""

from __future__ import annotations

import pytest

from onebot_ref.protocol import http1
from onebot_ref.protocol.http1 import BadRequest, parse_chunked, parse_head


def test_a_head_with_its_fields_in_order():
    head = parse_head(b"\r\nPOST /send_msg?x=1 HTTP/1.1\r\nHost: a\r\nX-Self-ID:  10 \r\n"
                      b"x-self-id: 11\r\nContent-Length: 2\r\n\r\n")
    assert (head.method, head.target, head.minor) == ("POST", "/send_msg?x=1", 1)
    assert (head.path, head.query) == ("/send_msg", "x=1")
    assert head.headers[1] == ("X-Self-ID", "10")  # OWS around the value dropped
    assert head.headers[2] == ("x-self-id", "11")  # each field line, as received
    assert head.seen == {"host": ["a"], "content-length": ["2"]}  # what frames the message
    assert head.content_length == 2 and head.keep_alive and not head.chunked


@pytest.mark.parametrize("connection, minor, keep", [
    ("", 1, True), ("close", 1, False), ("Keep-Alive", 0, True), ("", 0, False),
    ("keep-alive, close", 0, False), ("Upgrade", 1, True),
])
def test_persistence_follows_rfc_9112_9_3(connection, minor, keep):
    field = f"Connection: {connection}\r\n" if connection else ""
    host = "Host: a\r\n" if minor else ""
    head = parse_head(f"GET / HTTP/1.{minor}\r\n{host}{field}\r\n".encode())
    assert head.keep_alive is keep


def test_expect_is_ignored_in_http_1_0():
    """RFC 9110 10.1.1: "A server that receives a 100-continue expectation in an HTTP/1.0
    request MUST ignore that expectation." """
    assert not parse_head(b"POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").expect_continue
    assert parse_head(b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n\r\n"
                      ).expect_continue


def test_identical_content_lengths_are_one_length():
    """RFC 9110 8.6: a list of identical values may be read as one."""
    head = parse_head(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n")
    assert head.content_length == 3


def test_the_absolute_form_is_read_as_its_path():
    head = parse_head(b"GET http://example.com/get_status?a=b HTTP/1.1\r\nHost: a\r\n\r\n")
    assert (head.path, head.query) == ("/get_status", "a=b")


@pytest.mark.parametrize("raw", [
    b"GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"G\xc3\xa9T / HTTP/1.1\r\nHost: a\r\n\r\n", b"GET / HTTP/1.1\r\n: empty name\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n",
])
def test_malformed_heads(raw):
    with pytest.raises(BadRequest) as refused:
        parse_head(raw)
    assert refused.value.status == 400


def test_a_chunked_body_read_piece_by_piece():
    body = b"4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\nNEXT"
    for cut in range(len(body) - 4):  # every prefix short of the end is "not yet"
        assert parse_chunked(body[:cut], 0, 100) is None
    assert parse_chunked(body, 0, 100) == (b"wikipedia", len(body) - 4)


def test_a_chunked_body_over_the_limit_is_refused_before_it_is_complete():
    with pytest.raises(BadRequest) as refused:
        parse_chunked(b"ff\r\nabc", 0, 100)
    assert refused.value.status == 413


def test_environ_keys_and_path_info():
    assert http1.environ_key("X-Self-ID") == "HTTP_X_SELF_ID"
    assert http1.environ_key("content-type") == "CONTENT_TYPE"
    assert http1.environ_key("X_Self_ID") is None  # would pass for X-Self-ID
    assert http1.path_info("/send%5Fmsg") == "/send_msg"
    assert http1.path_info("/%E4%BD%A0") == "/\u00e4\u00bd\u00a0"  # UTF-8 bytes as latin-1


def test_bodyless_answers():
    assert http1.bodyless("204 No Content", "GET") and http1.bodyless("200 OK", "HEAD")
    assert http1.bodyless("101 Switching Protocols", "GET")
    assert not http1.bodyless("200 OK", "GET")


def test_a_content_length_past_any_size_is_413_before_int_reads_it():
    """int() refuses a string of 4301 digits or more: 19 digits are past any body already."""
    with pytest.raises(BadRequest) as refused:
        parse_head(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n")
    assert refused.value.status == 413
