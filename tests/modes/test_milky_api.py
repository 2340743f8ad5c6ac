"""The Milky face's API over real sockets: ``POST /api/:api`` (MLK-2..10, MLK-39/40) and
``GET /res/...`` (MLK-50). One runner per module; the world's changes are undone by design
(reads), or checked to be absent (refusals)."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from helpers import HTTP_TIMEOUT
from milky_client import ALICE, BOT, GROUP, call, data, milky_runner, post

TOKEN = "milky-secret"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
                       "60e6kgAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    with milky_runner(tmp_path_factory.mktemp("milky-api"), milky_access_token=TOKEN,
                      max_body_bytes=4096) as runner:
        yield runner


def journal(runner, channel="milky"):
    frames, _ = runner.traffic.since(0, 10**6)
    return [f for f in frames if f["channel"] == channel]


def test_a_call_answers_the_envelope_MLK_2_MLK_6(runner):
    envelope = call(runner, "get_login_info", token=TOKEN)
    assert envelope == {"status": "ok", "retcode": 0,
                        "data": {"uin": BOT, "nickname": "onebot-ref"}}
    out = journal(runner)[-1]
    assert out["direction"] == "out" and out["data"] == envelope


def test_no_output_is_an_empty_object_MLK_8(runner):
    runner.world.receive_private_message(ALICE, "hello")
    assert call(runner, "mark_message_as_read", token=TOKEN, message_scene="friend",
                peer_id=ALICE, message_seq=1)["data"] == {}


@pytest.mark.parametrize("token,status", [(None, 401), ("nope", 401), ("", 401)],
                         ids=["missing", "wrong", "empty"])
def test_a_bad_token_is_401_MLK_4_MLK_10(runner, token, status):
    headers = {"Authorization": "Bearer " if token == "" else None}
    response = post(runner, "get_login_info", token=token or None,
                    headers={k: v for k, v in headers.items() if v})
    assert response.status_code == status and "access token" in response.text


def test_the_query_token_does_not_open_the_api_MLK_10(runner):
    response = post(runner, "get_login_info", path=f"/api/get_login_info?access_token={TOKEN}")
    assert response.status_code == 401


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "application/jsonx"])
def test_other_content_types_are_415_MLK_5(runner, content_type):
    response = post(runner, "get_login_info", token=TOKEN, content_type=content_type)
    assert response.status_code == 415


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8",
                                          "Application/JSON"])
def test_json_with_parameters_or_in_capitals_is_accepted_MLK_5(runner, content_type):
    response = post(runner, "get_login_info", token=TOKEN, content_type=content_type)
    assert response.status_code == 200 and response.json()["retcode"] == 0


def test_an_unknown_api_is_404_MLK_3(runner):
    response = post(runner, "send_private_msg", token=TOKEN)
    assert response.status_code == 404 and "send_private_msg" in response.text


@pytest.mark.parametrize("path", ["/", "/api", "/api/", "/get_login_info",
                                  "/api/get_login_info/x", "/API/get_login_info"])
def test_other_paths_are_404(runner, path):
    assert post(runner, "", token=TOKEN, path=path).status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_other_methods_are_405(runner, method):
    response = post(runner, "get_login_info", token=TOKEN, method=method)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


def test_a_body_over_max_body_bytes_is_413(runner):
    body = json.dumps({"user_id": ALICE, "pad": "x" * 5000}).encode()
    assert post(runner, "get_user_profile", body, token=TOKEN).status_code == 413


@pytest.mark.parametrize("request_args,status", [
    ({"path": "/nope", "method": "GET"}, 404),                      # path before method
    ({"method": "GET"}, 405),                                       # method before token
    ({"content_type": "text/plain"}, 401),                          # token before type
    ({"token": TOKEN, "content_type": "text/plain", "body": b"x" * 5000}, 415),  # type, size
    ({"token": TOKEN, "body": b"x" * 5000, "api": "nope"}, 413),    # size before the API
    ({"token": TOKEN, "body": b"{bad", "api": "nope"}, 404),        # the API before the JSON
], ids=["path", "method", "token", "content-type", "size", "api"])
def test_the_checks_come_in_order_MLK_39(runner, request_args, status):
    args = dict(request_args)
    api, body = args.pop("api", "get_login_info"), args.pop("body", b"{}")
    assert post(runner, api, body, **args).status_code == status


@pytest.mark.parametrize("body,field", [
    (b"", "not strict JSON"), (b"{bad", "not strict JSON"), (b"[]", "JSON object"),
    (b'{"user_id": NaN}', "not strict JSON"), (b'{"user_id": "\\ud800"}', "not strict JSON"),
    (b'{"user_id": "10001"}', "user_id"), (b'{"user_id": 10001.0}', "user_id"),
    (b'{"user_id": true}', "user_id"), (b'{"user_id": 5}', "user_id"),
    (b'{}', "user_id"), (b"\xff\xfe", "not strict JSON"),
], ids=["empty", "broken", "array", "nan", "surrogate", "string", "float", "bool",
        "below-uin", "missing", "not-utf8"])
def test_bad_parameters_are_200_with_minus_400_naming_the_field_MLK_7_MLK_22_MLK_40(
        runner, body, field):
    response = post(runner, "get_user_profile", body, token=TOKEN)
    assert response.status_code == 200
    envelope = response.json()
    assert envelope["status"] == "failed" and envelope["retcode"] == -400
    assert field in envelope["message"] and "data" not in envelope  # MLK-41


def test_a_refused_call_changes_nothing_MLK_53(runner):
    before = runner.world.snapshot()
    envelope = call(runner, "set_group_name", token=TOKEN, group_id=GROUP,
                    new_group_name=["not", "a", "string"])
    assert envelope["retcode"] == -400 and "new_group_name" in envelope["message"]
    assert runner.world.snapshot() == before


def test_the_journal_holds_both_sides_with_the_token_masked(runner):
    call(runner, "get_impl_info", token=TOKEN)
    frames = journal(runner)[-2:]
    assert [f["direction"] for f in frames] == ["in", "out"]
    assert frames[0]["data"] == {"method": "POST", "api": "get_impl_info", "params": {}}
    assert frames[0]["headers"]["Authorization"] == "Bearer mi****"
    assert frames[1]["data"]["data"]["milky_version"] == "1.2"


# --- resources (MLK-50) ------------------------------------------------------------------------

def test_a_temp_url_serves_the_file_kept_in_data_dir(runner):
    uri = "base64://" + base64.b64encode(PNG).decode()
    sent = data(runner, "send_private_message", token=TOKEN, user_id=ALICE,
                message=[{"type": "image", "data": {"uri": uri}}])
    got = data(runner, "get_message", token=TOKEN, message_scene="friend", peer_id=ALICE,
               message_seq=sent["message_seq"])
    image = got["message"]["segments"][0]["data"]
    assert image["temp_url"].startswith(runner.url("milky") + "/res/image/")
    answer = requests.get(image["temp_url"], timeout=HTTP_TIMEOUT)  # no token: a temp URL
    assert answer.status_code == 200 and answer.content == PNG
    assert answer.headers["Content-Type"] == "image/png"
    url = data(runner, "get_resource_temp_url", token=TOKEN,
               resource_id=image["resource_id"])["url"]
    assert requests.get(url, timeout=HTTP_TIMEOUT).content == PNG


@pytest.mark.parametrize("path", ["/res/image/nope.png", "/res/image/..%2F..%2Fetc%2Fpasswd",
                                  "/res/image/%2Fetc%2Fpasswd", "/res/secret/x",
                                  "/res/image/file%3A%2F%2F%2Fetc%2Fpasswd", "/res/image/%ff"])
def test_nothing_outside_data_dir_is_served(runner, path):
    answer = requests.get(runner.url("milky") + path, timeout=HTTP_TIMEOUT)
    assert answer.status_code == 404


def test_resources_are_read_with_get_only(runner):
    answer = requests.post(runner.url("milky") + "/res/image/x.png", timeout=HTTP_TIMEOUT)
    assert answer.status_code == 405
