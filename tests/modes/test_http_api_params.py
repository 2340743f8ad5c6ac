"""The HTTP API over real sockets (communication/http.md): where the parameters come from, query
over body (HTTP-16), the first of duplicates (HTTP-17, A-42), JSON and form bodies (PARAM-1,
PARAM-2, PARAM-11), percent and plus decoding (HTTP-6), messages as JSON text (PARAM-9), the
token in the query (HTTP-18), an unreadable boolean (PARAM-5)."""

from __future__ import annotations

import json

import pytest
import requests

from http_api_kit import (
    AUTH,
    TOKEN,
    F,
    first_friend,
    fixture_secured,  # noqa: F401 (the fixture secured)
)


# --- where the parameters come from ----------------------------------------------------------
def stranger(runner, method, query="", **kwargs) -> int:
    """get_stranger_info echoes the user_id it read: a probe for which source won."""
    r = requests.request(method, runner.url("http") + "/get_stranger_info" + query,
                         headers={**AUTH, **kwargs.pop("headers", {})}, timeout=10, **kwargs)
    assert r.status_code == 200, r.text
    envelope = r.json()
    assert envelope["status"] == "ok", envelope
    return envelope["data"]["user_id"]


def test_query_wins_over_json_body_HTTP_16(secured):
    assert stranger(secured, "POST", "?user_id=10002", json={"user_id": 10003}) == 10002


def test_query_wins_over_form_HTTP_16(secured):
    assert stranger(secured, "POST", "?user_id=10002", data={"user_id": "10003"}) == 10002


def test_json_body_alone_PARAM_2(secured):
    assert stranger(secured, "POST", json={"user_id": 10003}) == 10003


def test_json_string_value_is_coerced_PARAM_1(secured):
    assert stranger(secured, "POST", json={"user_id": "10003"}) == 10003


def test_first_duplicate_wins_HTTP_17_A_42(secured):
    assert stranger(secured, "GET", "?user_id=10002&user_id=10003") == 10002


def test_form_first_duplicate_wins_HTTP_17(secured):
    assert stranger(secured, "POST", data=b"user_id=10002&user_id=10003&=x&flag",
                    headers=F) == 10002


def test_post_query_is_merged_PARAM_11(secured):
    """A POST without Content-Type uses its query (HTTP-8); the query strings are coerced."""
    assert stranger(secured, "POST", "?user_id=+10002") == 10002


def test_percent_and_plus_decoding_HTTP_6(secured):
    user_id = first_friend(secured)
    r = requests.get(secured.url("http") + "/send_private_msg?user_id=%d&message=a+b%%26c" % user_id,
                     headers=AUTH, timeout=10)
    envelope = r.json()
    assert envelope["status"] == "ok", envelope
    stored = requests.get(secured.url("http") + "/get_msg", headers=AUTH, timeout=10,
                          params={"message_id": envelope["data"]["message_id"]}).json()
    assert stored["data"]["message"] in ("a b&amp;c", [{"type": "text", "data": {"text": "a b&c"}}])


@pytest.mark.parametrize("encoding", ["get", "form"])
def test_message_json_in_text_PARAM_9(secured, encoding):
    """A message from the query/form that is a JSON array is segments, not CQ text."""
    user_id = first_friend(secured)
    params = {"user_id": str(user_id),
              "message": json.dumps([{"type": "text", "data": {"text": "from json"}}])}
    url = secured.url("http") + "/send_private_msg"
    r = (requests.get(url, params=params, headers=AUTH, timeout=10) if encoding == "get"
         else requests.post(url, data=params, headers=AUTH, timeout=10))
    envelope = r.json()
    assert envelope["status"] == "ok", envelope
    stored = requests.get(secured.url("http") + "/get_msg", headers=AUTH, timeout=10,
                          params={"message_id": envelope["data"]["message_id"]}).json()
    assert stored["data"]["message"] in ("from json",
                                         [{"type": "text", "data": {"text": "from json"}}])


def test_json_body_string_message_stays_cq_PARAM_9(secured):
    user_id = first_friend(secured)
    text = '[{"type":"text","data":{"text":"x"}}]'
    r = requests.post(secured.url("http") + "/send_private_msg", headers=AUTH, timeout=10,
                      json={"user_id": user_id, "message": text, "auto_escape": True})
    envelope = r.json()
    assert envelope["status"] == "ok", envelope
    stored = requests.get(secured.url("http") + "/get_msg", headers=AUTH, timeout=10,
                          params={"message_id": envelope["data"]["message_id"]}).json()
    message = stored["data"]["message"]
    assert message in ("&#91;{\"type\":\"text\",\"data\":{\"text\":\"x\"}}&#93;",
                       [{"type": "text", "data": {"text": text}}])


def test_access_token_in_query_is_harmless_HTTP_18(secured):
    r = requests.get(secured.url("http") + "/get_login_info", timeout=10,
                     params={"access_token": TOKEN})
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_invalid_boolean_fails_100_naming_it(secured):
    """onebot_ref choice: an unreadable boolean is an error, not the default (PARAM-5)."""
    user_id = first_friend(secured)
    r = requests.get(secured.url("http") + "/send_private_msg", headers=AUTH, timeout=10,
                     params={"user_id": user_id, "message": "x", "auto_escape": "maybe"})
    envelope = r.json()
    assert (r.status_code, envelope["retcode"]) == (200, 100)
    assert "auto_escape" in envelope["message"]


