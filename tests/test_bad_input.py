"""The five ways issue 15 broke the first version, each a regression test over the real sockets
(BAD-1..5; README "Bad input"; the HTTP framing faults and the console's queries are in
test_bad_input_framing.py).

1. a lone surrogate through a query string, a form, a WebSocket frame, a /sim body and an
   HTTP POST quick-operation answer;
2. a ``reply`` segment id of 10**30;
3. ``set_restart`` with a huge ``delay`` (the actions-async worker must run the next call);
4. a 50,000-character ``file`` to get_image / get_record once a message is stored;
5. ``{"action":"get_status","echo":NaN}`` over WebSocket.

After each, the journal and the message list still answer (they used to answer 500).
"""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from bad_input_kit import (  # noqa: F401
    ALICE,
    SURROGATE_JSON,
    console,
    fixture_runner,
    http,
    journal_and_messages_answer,
    stored_count,
)
from fakebot import connect
from helpers import HTTP_TIMEOUT, start_runner, strict_json

# --- 1. lone surrogates ------------------------------------------------------------------------


def test_lone_surrogate_via_query_string_is_400_BAD_1(runner):
    before = stored_count(runner)
    # %ED%A0%80: U+D800 written as if it were UTF-8, which it cannot be (RFC 3629)
    response = requests.get(f"{http(runner)}/send_private_msg?user_id={ALICE}&message=a%ED%A0%80",
                            timeout=HTTP_TIMEOUT)
    assert response.status_code == 400
    assert response.text.startswith("query string: not valid UTF-8")
    assert stored_count(runner) == before
    journal_and_messages_answer(runner)


def test_lone_surrogate_via_form_is_400_BAD_1(runner):
    before = stored_count(runner)
    response = requests.post(f"{http(runner)}/send_private_msg", timeout=HTTP_TIMEOUT,
                             data=f"user_id={ALICE}&message=a%ED%A0%80b".encode(),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert response.text.startswith("form body: not valid UTF-8")
    assert stored_count(runner) == before
    journal_and_messages_answer(runner)


def test_lone_surrogate_via_json_body_is_400_BAD_2(runner):
    before = stored_count(runner)
    body = '{"user_id": 10001, "message": [{"type": "text", "data": {"text": %s}}]}' % (
        SURROGATE_JSON)
    response = requests.post(f"{http(runner)}/send_private_msg", data=body.encode(),
                             headers={"Content-Type": "application/json"}, timeout=HTTP_TIMEOUT)
    assert response.status_code == 400
    assert response.text.strip() == ("JSON body: lone surrogate \\ud800 at message[0].data.text "
                                     "(RFC 8259 §8.2: not Unicode text) (BAD-2)")
    assert stored_count(runner) == before
    journal_and_messages_answer(runner)


def test_lone_surrogate_via_websocket_frame_is_1400_with_the_echo_BAD_2(runner):
    bot = connect(runner.url("ws") + "/api")
    try:
        before = stored_count(runner)
        bot.send_raw('{"action": "send_private_msg", "echo": "e1", "params": {"user_id": 10001,'
                     ' "message": %s}}' % SURROGATE_JSON)
        answer = strict_json(bot.ws.receive(HTTP_TIMEOUT))
        assert answer["retcode"] == 1400 and answer["status"] == "failed"
        assert answer["echo"] == "e1"  # the echo could be read, so it is kept
        assert "lone surrogate \\ud800 at params.message" in answer["message"]
        assert bot.call("get_status")["data"]["good"] is True  # the connection goes on
        assert stored_count(runner) == before
    finally:
        bot.close()
    journal_and_messages_answer(runner)


def test_lone_surrogate_via_sim_body_is_400_BAD_1(runner):
    before = stored_count(runner)
    response = requests.post(console(runner) + "/sim/private_message", timeout=HTTP_TIMEOUT,
                             data=('{"user_id": 10001, "message": %s}' % SURROGATE_JSON).encode())
    assert response.status_code == 400
    assert strict_json(response.content)["error"] == (
        "body: expected a JSON object: lone surrogate \\ud800 at message (RFC 8259 §8.2: not "
        "Unicode text) (BAD-2)")
    assert stored_count(runner) == before
    frames = journal_and_messages_answer(runner)
    assert frames[-1]["channel"] == "console" and frames[-1]["verdict"].startswith("400: body")


def test_lone_surrogate_via_quick_operation_answer_is_journalled_and_ignored_BAD_2(tmp_path,
                                                                                   fakebot):
    reply = ('{"reply": %s}' % SURROGATE_JSON).encode()
    fakebot.respond(200, body=reply, headers={"Content-Type": "application/json"})
    with start_runner(tmp_path, post_url=fakebot.post_url, use_console=True) as runner:
        before = stored_count(runner)
        runner.world.receive_private_message(ALICE, "hi")
        frame = runner.traffic.find(lambda f: f["channel"] == "http_post" and "not strict JSON"
                                    in f.get("verdict", ""), timeout=10)
        assert frame is not None
        assert "lone surrogate \\ud800 at reply" in frame["verdict"]
        assert frame["verdict"].endswith(": ignored")
        assert stored_count(runner) == before + 1  # the received message, and no reply
        journal_and_messages_answer(runner)


# --- 2. integers out of range -----------------------------------------------------------------

@pytest.mark.parametrize("how", ["json", "cq"])
def test_reply_id_of_10_to_the_30_is_100_naming_the_segment_BAD_3(runner, how):
    message = ([{"type": "reply", "data": {"id": 10**30}}, {"type": "text", "data": {"text": "x"}}]
               if how == "json" else f"[CQ:reply,id={10**30}]x")
    before = stored_count(runner)
    response = requests.post(f"{http(runner)}/send_private_msg", timeout=HTTP_TIMEOUT,
                             json={"user_id": ALICE, "message": message})
    envelope = strict_json(response.content)
    assert response.status_code == 200 and envelope["retcode"] == 100
    assert envelope["message"] == ("segment 0 (reply): field 'id': expected a message id within "
                                   "int32 (at most 2147483647), got '" + str(10**30)
                                   + "' (SEG-16, BAD-3)")
    assert stored_count(runner) == before
    journal_and_messages_answer(runner)


def test_injected_user_id_of_2_to_the_63_is_400_BAD_3(runner):
    before = runner.world.snapshot()
    response = requests.post(console(runner) + "/sim/event", timeout=HTTP_TIMEOUT, json={
        "post_type": "notice", "notice_type": "group_increase", "sub_type": "approve",
        "group_id": 20001, "operator_id": 10000, "user_id": 2**63})
    assert response.status_code == 400
    assert strict_json(response.content)["error"].startswith(
        "user_id: expected int (within int64), got 9223372036854775808")
    assert runner.world.snapshot() == before
    response = requests.post(console(runner) + "/sim/private_message", timeout=HTTP_TIMEOUT,
                             json={"user_id": 2**63, "message": "x"})
    assert response.status_code == 400
    assert strict_json(response.content)["error"] == (
        "user_id: expected an id within int64 (at most 9223372036854775807), got "
        "9223372036854775808 (BAD-3)")


# --- 3. a poisoned job must not kill the actions-async worker ---------------------------------

def test_set_restart_with_a_huge_delay_is_100_and_the_async_worker_runs_on_BAD_3(runner):
    for action in ("set_restart", "set_restart_async"):
        response = requests.post(f"{http(runner)}/{action}", json={"delay": 10**30},
                                 timeout=HTTP_TIMEOUT)
        envelope = strict_json(response.content)
        if action == "set_restart":
            assert envelope["retcode"] == 100
            assert envelope["message"] == ("parameter 'delay': expected at most 2147483647 ms, "
                                           "got " + str(10**30) + " (BAD-3)")
        else:  # queued; refused by the worker, which goes on
            assert envelope["status"] == "async"
    # The next _async call still runs: the worker is alive and takes it.
    before = runner.world.store.last_seq()
    requests.post(f"{http(runner)}/send_private_msg_async", timeout=HTTP_TIMEOUT,
                  json={"user_id": ALICE, "message": "after the poison"})
    deadline = time.monotonic() + 10
    while runner.world.store.last_seq() == before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert runner.world.get_message(before + 1)["raw_message"] == "after the poison"
    assert "actions-async" in {thread.name for thread in threading.enumerate()}


# --- 4. long strings reaching SQL -------------------------------------------------------------

@pytest.mark.parametrize("action, extra", [("get_image", {}),
                                           ("get_record", {"out_format": "mp3"})])
def test_a_50000_character_file_is_100_once_a_message_is_stored_BAD_4(runner, action, extra):
    sent = requests.post(f"{http(runner)}/send_private_msg", timeout=HTTP_TIMEOUT,
                         json={"user_id": ALICE, "message": "[CQ:image,file=a.png]"})
    assert strict_json(sent.content)["retcode"] == 0
    response = requests.post(f"{http(runner)}/{action}", timeout=HTTP_TIMEOUT,
                             json={"file": "x" * 50_000, **extra})
    envelope = strict_json(response.content)
    assert envelope["retcode"] == 100
    assert envelope["message"] == ("parameter 'file': expected at most 4096 characters, got "
                                   "50000 (BAD-4)")
    # At the bound the file is looked up (no such media: 102), never sqlite3's "too complex".
    response = requests.post(f"{http(runner)}/{action}", timeout=HTTP_TIMEOUT,
                             json={"file": "%_\\" * 1365 + "x", **extra})
    assert strict_json(response.content)["retcode"] == 102


# --- 5. non-strict JSON in, strict JSON out ---------------------------------------------------

def test_get_status_with_a_nan_echo_over_websocket_is_1400_in_strict_json_BAD_2(runner):
    bot = connect(runner.url("ws") + "/api")
    try:
        bot.send_raw('{"action":"get_status","echo":NaN}')
        raw = bot.ws.receive(HTTP_TIMEOUT)
        answer = strict_json(raw)  # JavaScript's JSON.parse would take it too
        assert answer == {"status": "failed", "retcode": 1400, "data": None,
                          "message": "frame: NaN is not JSON (RFC 8259) (BAD-2)"}
        bot.send_raw('{"action":"get_status","params":{"x":Infinity},"echo":7}')
        answer = strict_json(bot.ws.receive(HTTP_TIMEOUT))
        assert answer["retcode"] == 1400 and answer["echo"] == 7  # a readable echo is kept
    finally:
        bot.close()
    journal_and_messages_answer(runner)


@pytest.mark.parametrize("body", [b'{"user_id": NaN}', b'{"user_id": Infinity}',
                                  b'{"user_id": -Infinity}', b'{"user_id": 1e400}'])
def test_non_strict_json_over_http_is_400_naming_the_problem_BAD_2(runner, body):
    response = requests.post(f"{http(runner)}/get_status", data=body, timeout=HTTP_TIMEOUT,
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    word = json.loads(body.replace(b"1e400", b'"1e400"'), parse_constant=str)["user_id"]
    assert response.text.startswith("JSON body: ") and word in response.text
