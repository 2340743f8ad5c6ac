"""Fuzzing the forward WebSocket API: every action and parameter as one frame
``{action, params, echo}``, the edge values inside, frames that are not strict JSON, against one
running server (BAD-1..6, WSF-6..8, A-12, A-46).

Every answer is a strict-JSON frame with a documented retcode (1400 for a frame that is not
strict JSON, its echo kept when readable); after every example the invariants of
fuzz_kit.Probe hold.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakebot import ConnectionClosed, connect
from fuzz_kit import (
    ACTIONS,
    FUZZ,
    PER_ACTION,
    TEN_MB,
    WS_RETCODES,
    Probe,
    check_envelope,
    fuzz_module_runner,
    json_text,
    json_values,
    params_of,
    refused,
    strict_json,
)

pytestmark = pytest.mark.timeout(300)

_echoes = itertools.count(1)


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    with fuzz_module_runner(tmp_path_factory, "fuzz-ws") as runner:
        yield runner


@pytest.fixture(scope="module")
def probe(runner):
    return Probe(runner)


class Api:
    """One /api connection for the module, opened again if the server closed it (a frame that
    is not UTF-8 text ends a connection: RFC 6455 1007)."""

    def __init__(self, runner):
        self.url = runner.url("ws") + "/api"
        self.bot = connect(self.url)

    def exchange(self, data: str | bytes, timeout: float = 20) -> str | bytes | None:
        """The one answer to ``data``, or None when the server closed the connection."""
        if not self.bot.connected:
            self.bot = connect(self.url)
        try:
            self.bot.send_raw(data)
            answer = self.bot.ws.receive(timeout)
        except ConnectionClosed:
            self.bot = connect(self.url)
            return None
        assert answer is not None, f"no answer within {timeout} s"
        return answer


@pytest.fixture(scope="module")
def api(runner):
    api = Api(runner)
    yield api
    api.bot.close()


def _fuzz_frame(api: Api, probe: Probe, frame_text: str | bytes, echo=None) -> None:
    before = probe.before()
    answer = api.exchange(frame_text)
    envelope = None
    if answer is not None:
        envelope = check_envelope(strict_json(answer), WS_RETCODES)
        if echo is not None and envelope["retcode"] != 1400:
            assert envelope.get("echo") == echo
    probe.after(before, envelope is None or refused(envelope))


@pytest.mark.parametrize("action", sorted(ACTIONS))
@settings(FUZZ, max_examples=PER_ACTION)
@given(data=st.data())
def test_fuzz_every_action_over_a_websocket_frame_BAD_1(api, probe, action, data):
    params = data.draw(params_of(action))
    echo = f"fuzz-{next(_echoes)}"
    _fuzz_frame(api, probe, json_text({"action": action, "params": params, "echo": echo}), echo)


@FUZZ
@given(st.one_of(
    st.sampled_from(['{"action":"get_status","echo":NaN}', '{"action":"get_status","echo":'
                     'Infinity}', '{"action":"get_status","params":{"x":-Infinity}}',
                     '{"action":"get_status","echo":"\\ud800"}', '{"action":"\\udc00"}',
                     '{"action":"get_status","echo":1e400}', "[" * 100_000, "NaN", "",
                     '{"action":"get_status","params":' + '{"a":' * 70 + "1" + "}" * 71]),
    st.builds(lambda a, p, e: json_text({"action": a, "params": p, "echo": e}),
              st.sampled_from(["get_status", "send_private_msg", ""]), json_values, json_values),
    st.sampled_from([b"\xff", b'{"action":"get_status"}', b'{"action":"get_status","echo":'
                     b'"\xed\xa0\x80"}'])))
def test_fuzz_frames_that_are_not_strict_json_BAD_2(api, probe, frame):
    """1400 for a frame that is not strict JSON; a binary frame is read as UTF-8 (A-46)."""
    _fuzz_frame(api, probe, frame)


def test_a_ten_megabyte_frame_is_answered_BAD_1(api, probe):
    before = probe.before()
    text = "字" * (TEN_MB // 3)
    answer = api.exchange(json_text({"action": "send_private_msg", "echo": 1, "params": {
        "user_id": 10001, "message": text + "\ud800"}}))
    assert answer is not None
    envelope = check_envelope(strict_json(answer), WS_RETCODES)
    assert envelope["retcode"] == 1400 and envelope["echo"] == 1
    probe.after(before, refused_call=True)
    frame = '{"action":"send_private_msg","echo":2,"params":{"user_id":10001,"message":"%s"}}'
    envelope = check_envelope(strict_json(api.exchange(frame % text)), WS_RETCODES)
    assert envelope["status"] == "ok" and envelope["echo"] == 2
