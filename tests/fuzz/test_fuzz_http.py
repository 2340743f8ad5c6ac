"""Fuzzing the HTTP API: every action, every parameter, values of every JSON type and the edge
values (lone surrogates, NUL, huge and unreadable numbers, NaN text, deep nesting), over GET
query, POST form and POST JSON, against one running server (BAD-1..6, HTTP-10, PARAM-*, RESP-*).

After every example (fuzz_kit.Probe): a strict-JSON envelope with a documented retcode or one
of the spec's 4xx, never a 5xx, no dead thread, get_status good, /sim/traffic and /sim/messages
serialise, and a refused call leaves the world and the messages as they were.
"""

from __future__ import annotations

import socket

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz_kit import (
    ACTIONS,
    FUZZ,
    PER_ACTION,
    TEN_MB,
    TIMEOUT,
    Probe,
    check_http_answer,
    fuzz_module_runner,
    json_text,
    params_of,
    refused,
    strict_json,
    urlencoded,
)
from onebot_ref.protocol import cqcode
from onebot_ref.protocol.message import normalize

pytestmark = pytest.mark.timeout(300)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    with fuzz_module_runner(tmp_path_factory, "fuzz-http") as runner:
        yield runner


@pytest.fixture(scope="module")
def probe(runner):
    return Probe(runner)


def _send(probe: Probe, how: str, action: str, params: dict) -> requests.Response:
    url = f"{probe.http}/{action}"
    if how == "query":
        return requests.get(f"{url}?{urlencoded(params)}", timeout=TIMEOUT)
    if how == "form":
        return requests.post(url, data=urlencoded(params).encode("ascii"), headers=FORM,
                             timeout=TIMEOUT)
    return requests.post(url, data=json_text(params).encode("ascii"), headers=JSON,
                         timeout=TIMEOUT)


def _fuzz_one(probe: Probe, how: str, action: str, params: dict) -> None:
    before = probe.before()
    envelope = check_http_answer(_send(probe, how, action, params))
    probe.after(before, refused(envelope))


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("how", ["query", "form", "json"])
@settings(FUZZ, max_examples=PER_ACTION)
@given(data=st.data())
def test_fuzz_every_action_over_query_form_and_json_BAD_1(probe, how, action, data):
    """GET with a query, POST with a urlencoded form, POST with a JSON body."""
    _fuzz_one(probe, how, action, data.draw(params_of(action)))


@FUZZ
@given(st.sampled_from([b"NaN", b"[NaN]", b'{"user_id": NaN}', b'{"user_id": Infinity}',
                        b'{"user_id": -Infinity}', b'{"user_id": 1e400}', b'{"a": "\\ud800"}',
                        b'{"\\udc00": 1}', b"\xff\xfe", b'{"a": "\xed\xa0\x80"}', b"[" * 100_000,
                        b'{"a":' * 65 + b"1" + b"}" * 65, b"{" * 3, b"\xef\xbb\xbf{}", b" ",
                        b'{"user_id": 1' + b"0" * 5000 + b"}"]),
       st.sampled_from(["get_status", "send_private_msg", "get_msg"]))
def test_fuzz_bodies_that_are_not_strict_json_BAD_2(probe, body, action):
    """RFC 8259: NaN and the infinities are not JSON, a string holds Unicode scalar values, the
    text is UTF-8; depth is bounded (BAD-2, HTTP-10)."""
    before = probe.before()
    response = requests.post(f"{probe.http}/{action}", data=body, headers=JSON, timeout=TIMEOUT)
    envelope = check_http_answer(response)
    probe.after(before, refused(envelope))


# --- the message layer round trip: parse(render(segments)) over the wire (MSG-1, MSG-9..12) ---

TRICKY = st.lists(st.sampled_from(list("[]&,=:;#CQ ab19\n\t中文😀\x00") + [
    "&amp;", "&#91;", "&#93;", "&#44;", "[CQ:", "[CQ:at,qq=1]"]),
    min_size=1, max_size=12).map("".join)
SENDABLE = st.one_of(
    TRICKY.map(lambda t: {"type": "text", "data": {"text": t}}),
    st.integers(0, 300).map(lambda i: {"type": "face", "data": {"id": str(i)}}),
    st.sampled_from([10001, 10002, 2**63 - 1]).map(lambda q: {"type": "at",
                                                               "data": {"qq": str(q)}}),
    st.tuples(TRICKY, TRICKY).map(lambda t: {"type": "share",
                                             "data": {"url": t[0], "title": t[1]}}))


@FUZZ
@given(st.lists(SENDABLE, min_size=1, max_size=5))
def test_fuzz_a_sent_message_reads_back_as_sent_MSG_1(probe, segments):
    """What the bot sends is stored and read back (get_msg, the CQ string form) as the same
    segments: parse(render(segments)) == segments, every escape character included."""
    sent = requests.post(f"{probe.http}/send_private_msg", timeout=TIMEOUT,
                         json={"user_id": 10001, "message": segments})
    message_id = check_http_answer(sent)["data"]["message_id"]
    got = check_http_answer(requests.post(f"{probe.http}/get_msg", timeout=TIMEOUT,
                                          json={"message_id": message_id}))
    assert cqcode.parse(got["data"]["message"]) == normalize(segments)


# --- 10 MB once per transport (not per example) -----------------------------------------------

def test_a_ten_megabyte_query_is_a_4xx_and_nothing_breaks_BAD_1(probe):
    """A request line of 10 MB: the HTTP server refuses it (414) before any action sees it."""
    before = probe.before()
    host, port = probe.http.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        try:
            sock.sendall(b"GET /send_private_msg?user_id=10001&message=" + b"x" * TEN_MB
                         + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        except OSError:  # the server answered and closed while we were still sending
            pass
        head = sock.recv(64)
    if head:  # a reset after the answer may lose it; what did arrive must be a 4xx
        assert head.startswith(b"HTTP/1.") and head[9:10] == b"4", head
    probe.after(before, refused_call=True)


@pytest.mark.parametrize("how", ["form", "json"])
def test_a_ten_megabyte_message_is_answered_BAD_1(probe, how):
    before = probe.before()
    # 10 MB of text (Chinese in JSON; ASCII in the form, whose %-escapes would triple it), then
    # a lone surrogate
    text = ("字" * (TEN_MB // 3) if how == "json" else "x" * TEN_MB) + "\ud800"
    response = _send(probe, how, "send_private_msg", {"user_id": 10001, "message": text})
    envelope = check_http_answer(response)
    assert refused(envelope)
    probe.after(before, refused_call=True)
    ok = check_http_answer(_send(probe, how, "send_private_msg",
                                 {"user_id": 10001, "message": text[:-1]}))
    assert ok["status"] == "ok"
    message_id = ok["data"]["message_id"]
    got = strict_json(requests.get(f"{probe.http}/get_msg?message_id={message_id}",
                                   timeout=TIMEOUT).content)
    assert len(got["data"]["message"]) == len(text) - 1
