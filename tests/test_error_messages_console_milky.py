"""Every refusal of the console and of the Milky 1.2 face names the rule it applies (issue 12:
the message ends with its rule id, so that a reader can look it up in docs/rules.md): the fault
API's 400s (FAULT-*), the console's strict input (BAD-1..3), and the Milky face's HTTP refusals,
bad parameters and event stream (MLK-*). Over real sockets on 127.0.0.1; the OneBot 11 faces'
refusals are in test_error_messages_http.py and test_error_messages_ws.py.
"""

from __future__ import annotations

import base64
import json
import os

import pytest

from error_messages_kit import (  # noqa: F401 (fixture_faces: the fixture)
    HOST,
    JSON_TYPE,
    LIMIT,
    MILKY_AUTH,
    cited,
    exchange,
    fixture_faces,
    milky,
)
from helpers import start_runner

# --- the fault API's 400s (FAULT-*) and the Milky face's refusals (MLK-*) ----------------------


@pytest.mark.parametrize("body, ids", [
    pytest.param('{"type": "explode"}', ["FAULT-1"], id="FAULT-1-type"),
    pytest.param('{"type": "delay_answer", "ms": -1}', ["FAULT-1"], id="FAULT-1-range"),
    pytest.param('{"type": "drop", "target": {"chanel": "ws"}}', ["FAULT-2"], id="FAULT-2"),
    pytest.param('{"type": "http_status", "status": 503, "times": 0}', ["FAULT-3"],
                 id="FAULT-3-times"),
    pytest.param('{"type": "http_status", "status": 503, "probability": 2}', ["FAULT-3"],
                 id="FAULT-3-probability"),
    pytest.param('{"type": "close", "code": 1006}', ["FAULT-6"], id="FAULT-6"),
    pytest.param('{"type": "bad_answer", "kind": "twice", "target": {"channel": "http"}}',
                 ["FAULT-14"], id="FAULT-14"),
])
def test_fault_requests_refused_end_with_their_rule(faces, body, ids):
    status, text = exchange(faces.ports["console"], (
        f"POST /sim/faults HTTP/1.1\r\n{HOST}Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}").encode())
    assert status == 400, text
    assert cited(json.loads(text)["error"]) == ids


@pytest.mark.parametrize("request_text, status, ids", [
    pytest.param(f"GET /nope HTTP/1.1\r\n{HOST}\r\n", 404, ["MLK-39"], id="MLK-39-path"),
    pytest.param(f"GET /api/get_login_info HTTP/1.1\r\n{HOST}{MILKY_AUTH}\r\n", 405,
                 ["MLK-2"], id="MLK-2-method"),
    pytest.param(f"POST /api/get_login_info HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 2"
                 "\r\n\r\n{}", 401, ["MLK-4", "MLK-10"], id="MLK-4-token"),
    pytest.param(f"POST /api/get_login_info HTTP/1.1\r\n{HOST}{MILKY_AUTH}Content-Type: "
                 "text/plain\r\nContent-Length: 2\r\n\r\n{}", 415, ["MLK-5"], id="MLK-5"),
    pytest.param(f"POST /api/get_login_info HTTP/1.1\r\n{HOST}{MILKY_AUTH}{JSON_TYPE}"
                 f"Content-Length: {LIMIT * 100}\r\n\r\n{{", 413, ["MLK-39"], id="MLK-39-413"),
    pytest.param(f"POST /api/nope HTTP/1.1\r\n{HOST}{MILKY_AUTH}{JSON_TYPE}Content-Length: 2"
                 "\r\n\r\n{}", 404, ["MLK-3"], id="MLK-3"),
    pytest.param(f"GET /event HTTP/1.1\r\n{HOST}\r\n", 401, ["MLK-12"], id="MLK-12"),
    pytest.param(f"POST /event HTTP/1.1\r\n{HOST}{MILKY_AUTH}Content-Length: 0\r\n\r\n", 405,
                 ["MLK-11"], id="MLK-11-method"),
    pytest.param(f"POST /res/image/x HTTP/1.1\r\n{HOST}Content-Length: 0\r\n\r\n", 405,
                 ["MLK-50"], id="MLK-50-method"),
    pytest.param(f"GET /res/image/nope.png HTTP/1.1\r\n{HOST}\r\n", 404, ["MLK-50"],
                 id="MLK-50-missing"),
])
def test_milky_refusals_end_with_their_rule(faces, request_text, status, ids):
    answered, message = milky(faces, request_text)
    assert answered == status, message
    assert cited(message) == ids


def test_a_milky_body_that_is_not_strict_json_ends_with_MLK_40(faces):
    status, text = milky(faces, f"POST /api/get_login_info HTTP/1.1\r\n{HOST}{MILKY_AUTH}"
                                f"{JSON_TYPE}Content-Length: 4\r\n\r\n{{bad")
    envelope = json.loads(text)
    assert status == 200 and envelope["retcode"] == -400
    assert cited(envelope["message"]) == ["MLK-40"]


def test_a_bad_milky_event_upgrade_ends_with_MLK_11(faces):
    key = base64.b64encode(os.urandom(16)).decode()
    status, message = milky(faces, (
        f"GET /event HTTP/1.1\r\nHost: 127.0.0.1\r\n{MILKY_AUTH}Upgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 12\r\n\r\n"))
    assert 400 <= status < 500 and cited(message) == ["MLK-11"]


def test_milky_events_while_the_face_stops_are_503_MLK_58(tmp_path):
    with start_runner(tmp_path, use_milky=True, milky_host="127.0.0.1", milky_port=0) as runner:
        runner.modes["milky"].streams.stop()  # its server still answers until the runner stops
        status, message = milky(runner, f"GET /event HTTP/1.1\r\n{HOST}\r\n")
    assert status == 503 and message == "server stopping (MLK-58)"


# --- the console's strict input (BAD-1..3) -----------------------------------------------------

@pytest.mark.parametrize("request_text, ids", [
    pytest.param(f"GET /sim/traffic?after=%ff HTTP/1.1\r\n{HOST}\r\n", ["BAD-1"],
                 id="BAD-1-query"),
    pytest.param(f"GET /sim/traffic?after=\xff HTTP/1.1\r\n{HOST}\r\n", ["BAD-1"],
                 id="BAD-1-query-raw"),
    pytest.param(f"POST /sim/private_message HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 9\r\n"
                 "\r\n{\"a\":NaN}", ["BAD-2"], id="BAD-2-body"),
    pytest.param(f"POST /sim/private_message HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 4\r\n"
                 "\r\n{bad", ["BAD-2"], id="BAD-2-body-syntax"),
    pytest.param(f"POST /sim/private_message HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 34\r\n"
                 "\r\n{\"user_id\": true, \"message\": \"hi\"}", ["BAD-3"], id="BAD-3-type"),
    pytest.param(f"POST /sim/private_message HTTP/1.1\r\n{HOST}{JSON_TYPE}Content-Length: 31\r\n"
                 "\r\n{\"user_id\": 0, \"message\": \"hi\"}", ["BAD-3"], id="BAD-3-range"),
])
def test_console_strict_input_ends_with_its_rule(faces, request_text, ids):
    status, text = exchange(faces.ports["console"], request_text.encode("latin-1"))
    assert status == 400, text
    assert cited(json.loads(text)["error"]) == ids


@pytest.mark.parametrize("api, body, ids", [
    pytest.param("get_friend_info", "[]", ["MLK-40"], id="MLK-40-not-an-object"),
    pytest.param("get_friend_info", "{}", ["MLK-7"], id="MLK-7-missing"),
    pytest.param("get_friend_info", '{"user_id": "10001"}', ["MLK-22"], id="MLK-22"),
    pytest.param("get_friend_info", '{"user_id": 10000}', ["MLK-20"], id="MLK-20"),
    pytest.param("get_message", '{"message_scene": "group", "peer_id": 20001, '
                 '"message_seq": -1}', ["MLK-21"], id="MLK-21"),
    pytest.param("get_message", '{"message_scene": "Group", "peer_id": 20001, '
                 '"message_seq": 1}', ["MLK-24"], id="MLK-24"),
    # the wire refuses a lone surrogate before any field is read (MLK-27 via MLK-40)
    pytest.param("set_bio", '{"new_bio": "\\ud800"}', ["MLK-40"], id="MLK-27-on-the-wire"),
    pytest.param("send_group_message", '{"group_id": 20001, "message": [{"type": "at"}]}',
                 ["MLK-24"], id="MLK-24-segment-type"),
    pytest.param("send_private_message", '{"user_id": 10001, "message": [{"type": "image", '
                 '"data": {"uri": "ftp://x"}}]}', ["MLK-30"], id="MLK-30"),
    pytest.param("send_private_message", '{"user_id": 10001, "message": [{"type": "text", '
                 '"data": {"text": ""}}]}', ["MLK-34"], id="MLK-34"),
    pytest.param("send_private_message", '{"user_id": 10001, "message": [{"type": "forward", '
                 '"data": {"messages": []}}]}', ["MLK-31"], id="MLK-31"),
])
def test_milky_bad_parameters_end_with_their_rule(faces, api, body, ids):
    status, text = milky(faces, f"POST /api/{api} HTTP/1.1\r\n{HOST}{MILKY_AUTH}{JSON_TYPE}"
                                f"Content-Length: {len(body)}\r\n\r\n{body}")
    envelope = json.loads(text)
    assert status == 200 and envelope["retcode"] == -400, envelope
    assert cited(envelope["message"]) == ids


def test_a_milky_reply_to_no_message_is_404_MLK_32(faces):
    body = ('{"user_id": 10001, "message": [{"type": "reply", "data": {"message_seq": 999}}, '
            '{"type": "text", "data": {"text": "x"}}]}')
    status, text = milky(faces, f"POST /api/send_private_message HTTP/1.1\r\n{HOST}{MILKY_AUTH}"
                                f"{JSON_TYPE}Content-Length: {len(body)}\r\n\r\n{body}")
    envelope = json.loads(text)
    assert status == 200 and envelope["retcode"] == -404, envelope
    assert cited(envelope["message"]) == ["MLK-32"]
