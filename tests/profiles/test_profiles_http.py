"""The profiles' HTTP API rows over real sockets: token forms, statuses, unknown actions,
envelope keys, suffixes, ``/``, Content-Types, get_msg; each changed answer marked in the
journal. The ``spec`` column of each table is the spec's answer (the rest of the suite checks
it in depth)."""

from __future__ import annotations

import pytest
import requests

from helpers import HTTP_TIMEOUT, start_runner

TOKEN = "s3cret"
ALICE, GROUP = 10001, 20001


@pytest.fixture(scope="module")
def runners(tmp_path_factory):
    """One runner per profile, each with an access token (module-scoped: they only read)."""
    started = {}
    try:
        for name in ("spec", "go-cqhttp", "napcat", "llonebot", "lagrange"):
            started[name] = start_runner(tmp_path_factory.mktemp(name), profile=name,
                                         access_token=TOKEN)
        yield {name: context.__enter__() for name, context in started.items()}
    finally:
        for context in started.values():
            context.__exit__(None, None, None)


def post(runner, path, headers=None, **kwargs):
    headers = {"Authorization": f"Bearer {TOKEN}", **(headers or {})}
    return requests.post(runner.url("http") + path, headers=headers, timeout=HTTP_TIMEOUT,
                         **kwargs)


def get(runner, path, headers=None, **kwargs):
    headers = {"Authorization": f"Bearer {TOKEN}", **(headers or {})}
    return requests.get(runner.url("http") + path, headers=headers, timeout=HTTP_TIMEOUT,
                        **kwargs)


def last_verdict(runner, channel="http", direction="out"):
    frames, _ = runner.traffic.since(0, limit=10**6)
    return next(f.get("verdict", "") for f in reversed(frames)
                if f["channel"] == channel and f["direction"] == direction)


# --- token forms and the status of a refusal (AUTH-4..6) --------------------------------------

@pytest.mark.parametrize("profile, authorization, query, status", [
    ("spec", "Basic s3cret", None, 401),
    ("spec", "bearer s3cret", None, 200),
    ("spec", None, None, 401),
    ("go-cqhttp", "Basic s3cret", None, 200),     # whatever follows the first space
    ("go-cqhttp", "s3cret", None, 200),           # no space: the whole value
    ("go-cqhttp", "Bearer  s3cret", None, 403),   # " s3cret": one space only
    ("go-cqhttp", None, None, 401),
    ("napcat", "Bearer wrong", TOKEN, 200),       # the query is read first
    ("napcat", "Token s3cret", None, 403),        # only "Bearer " is split off
    ("napcat", "s3cret", None, 200),
    ("napcat", None, None, 403),                  # missing: 403 too
    ("llonebot", "Bearer wrong", TOKEN, 403),     # the header first
    ("llonebot", None, None, 403),
    ("llonebot", None, TOKEN, 200),
    ("lagrange", "Token s3cret", None, 403),      # exactly "Bearer <t>"
    ("lagrange", "bearer s3cret", None, 403),
    ("lagrange", "Bearer s3cret", None, 200),
    ("lagrange", None, None, 401),
])
def test_token_forms_and_statuses(runners, profile, authorization, query, status):
    headers = {} if authorization is None else {"Authorization": authorization}
    params = {} if query is None else {"access_token": query}
    response = requests.get(runners[profile].url("http") + "/get_login_info", headers=headers,
                            params=params, timeout=HTTP_TIMEOUT)
    assert response.status_code == status, response.text


def test_a_profile_refusal_is_marked_where_the_spec_says_otherwise(runners):
    response = requests.get(runners["napcat"].url("http") + "/get_login_info",
                            timeout=HTTP_TIMEOUT)
    assert response.status_code == 403
    verdict = last_verdict(runners["napcat"])
    assert verdict.startswith("403: no token")
    assert verdict.endswith("profile napcat: 403 where the spec says 401 (communication/http.md)")


def test_a_token_the_spec_would_refuse_is_marked_when_the_profile_takes_it(runners):
    response = get(runners["go-cqhttp"], "/get_login_info", headers={"Authorization": "Basic s3cret"})
    assert response.status_code == 200
    assert "profile go-cqhttp: accepted where the spec says 401 " \
           "(communication/authorization.md)" in last_verdict(runners["go-cqhttp"])


# --- unknown actions, envelope keys -------------------------------------------------------------

@pytest.mark.parametrize("profile, status, envelope", [
    ("spec", 404, None),
    ("go-cqhttp", 200, {"status": "failed", "retcode": 404, "data": None,
                        "message": "unknown action 'no_such_action' (HTTP-11, WSF-7)",
                        "msg": "unknown action 'no_such_action' (HTTP-11, WSF-7)",
                        "wording": "unknown action 'no_such_action' (HTTP-11, WSF-7)"}),
    ("napcat", 200, {"status": "failed", "retcode": 200, "data": None,
                     "message": "unknown action 'no_such_action' (HTTP-11, WSF-7)",
                     "wording": "unknown action 'no_such_action' (HTTP-11, WSF-7)", "stream": "normal-action",
                     "echo": None}),
    ("llonebot", 404, None),
    ("lagrange", 200, {"status": "failed", "retcode": 404, "data": None, "echo": None}),
])
def test_unknown_action(runners, profile, status, envelope):
    response = post(runners[profile], "/no_such_action", json={})
    assert response.status_code == status
    if envelope is not None:
        assert response.json() == envelope
        assert f"profile {profile}: HTTP 200 with retcode {envelope['retcode']} where the spec " \
               "says HTTP 404" in last_verdict(runners[profile])


@pytest.mark.parametrize("profile, keys", [
    ("spec", ["status", "retcode", "data"]),
    ("go-cqhttp", ["status", "retcode", "data", "message"]),
    ("napcat", ["status", "retcode", "data", "message", "wording", "stream", "echo"]),
    ("llonebot", ["status", "retcode", "data", "message", "wording"]),
    ("lagrange", ["status", "retcode", "data", "echo"]),
])
def test_the_keys_of_an_ok_answer(runners, profile, keys):
    envelope = post(runners[profile], "/get_login_info", json={}).json()
    assert list(envelope) == keys and envelope["status"] == "ok"
    if profile != "spec":
        assert f"profile {profile}: keys" in last_verdict(runners[profile])


def test_a_failed_answer_of_lagrange_has_no_message(runners):
    envelope = post(runners["lagrange"], "/get_msg", json={"message_id": 999999}).json()
    assert envelope == {"status": "failed", "retcode": 102, "data": None, "echo": None}


# --- _async, _rate_limited, hidden actions (api/README.md, api/hidden.md) ---------------------

@pytest.mark.parametrize("profile, action, expected", [
    ("spec", "get_login_info_async", ("async", 1)),
    ("spec", "get_login_info_rate_limited", ("async", 1)),
    ("go-cqhttp", "get_login_info_async", ("ok", 0)),
    ("go-cqhttp", "get_login_info_rate_limited", ("failed", 404)),
    ("napcat", "get_login_info_async", ("ok", 0)),
    ("napcat", "get_login_info_rate_limited", ("ok", 0)),
    ("llonebot", "get_login_info_rate_limited", ("ok", 0)),
    ("lagrange", "get_login_info_async", ("failed", 404)),
    ("lagrange", ".handle_quick_operation", ("failed", 404)),
])
def test_suffixes_and_hidden_actions(runners, profile, action, expected):
    envelope = post(runners[profile], f"/{action}", json={}).json()
    assert (envelope["status"], envelope["retcode"]) == expected
    if expected[0] == "ok":  # run synchronously: the action's own answer
        assert envelope["data"]["user_id"] == runners[profile].world.self_id
    if profile != "spec":
        how = "run synchronously" if expected[0] == "ok" else "unknown action"
        assert f"profile {profile}: {how} where the spec says" in last_verdict(runners[profile])


# --- what / is ----------------------------------------------------------------------------------

def test_root_of_go_cqhttp_runs_the_named_action(runners):
    runner = runners["go-cqhttp"]
    envelope = post(runner, "/", json={"action": "get_login_info", "params": {}}).json()
    assert envelope["status"] == "ok" and envelope["data"]["user_id"] == runner.world.self_id
    assert "profile go-cqhttp: / runs the action 'get_login_info'" in last_verdict(runner)
    envelope = get(runner, "/").json()  # GET / is the action ""
    assert (envelope["status"], envelope["retcode"]) == ("failed", 404)


@pytest.mark.parametrize("profile, status, content_type, body", [
    ("spec", 404, "text/plain", None),
    ("napcat", 200, "application/json", {"status": "ok", "retcode": 0, "data": {},
                                         "message": "NapCat4 Is Running", "wording": "",
                                         "echo": None, "stream": "normal-action"}),
    ("llonebot", 200, "text/plain", "ok"),
    ("lagrange", 200, "application/json", {"status": "failed", "retcode": 404, "data": None,
                                           "echo": None}),
])
def test_get_root(runners, profile, status, content_type, body):
    response = get(runners[profile], "/")
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith(content_type)
    if isinstance(body, dict):
        assert response.json() == body
    elif body is not None:
        assert response.text == body


def test_root_is_still_behind_the_token(runners):
    response = requests.get(runners["llonebot"].url("http") + "/", timeout=HTTP_TIMEOUT)
    assert response.status_code == 403


# --- Content-Type (communication/http.md: 406; HTTP-8) ------------------------------------------

def send_private(runner, **kwargs):
    return post(runner, "/send_private_msg", **kwargs)


def test_another_content_type_is_406_for_the_spec_and_lagrange(runners):
    for profile in ("spec", "lagrange"):
        response = send_private(runners[profile], data=b"{}",
                                headers={"Content-Type": "text/plain"})
        assert response.status_code == 406


def test_go_cqhttp_ignores_the_body_of_another_content_type(runners):
    runner = runners["go-cqhttp"]
    response = send_private(runner, params={"user_id": ALICE, "message": "from the query"},
                            data=b"not read", headers={"Content-Type": "text/plain"})
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert "Content-Type text/plain: the body ignored" in last_verdict(runner)


@pytest.mark.parametrize("profile", ["napcat", "llonebot"])
@pytest.mark.parametrize("content_type", ["text/plain", None])
def test_napcat_and_llonebot_read_any_body_as_json(runners, profile, content_type):
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = send_private(runners[profile], data=b'{"user_id": 10001, "message": "hi"}',
                            headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert "body read as JSON" in last_verdict(runners[profile])
    assert send_private(runners[profile], data=b"{oops", headers=headers).status_code == 400


def test_a_post_without_content_type_is_406_for_lagrange_and_the_query_for_the_spec(runners):
    params = {"user_id": ALICE, "message": "hi"}
    assert send_private(runners["spec"], params=params).json()["status"] == "ok"
    response = send_private(runners["lagrange"], params=params)
    assert response.status_code == 406
    assert "profile lagrange: 406 where the spec says" in response.text


# --- get_msg (api/public.md#get_msg) -------------------------------------------------------------

@pytest.mark.parametrize("profile, added, dropped", [
    ("spec", set(), set()),
    ("go-cqhttp", {"message_id_v2", "message_seq", "group"}, set()),
    ("napcat", {"self_id", "user_id", "message_seq", "real_seq", "raw_message", "font",
                "sub_type", "message_format", "post_type", "emoji_likes_list"}, set()),
    ("llonebot", {"self_id", "user_id", "message_seq", "raw_message", "font", "sub_type",
                  "message_format", "post_type"}, set()),
    ("lagrange", set(), {"group_id"}),
])
def test_get_msg_keys(runners, profile, added, dropped):
    runner = runners[profile]
    sent = post(runner, "/send_group_msg", json={"group_id": GROUP, "message": "hi"}).json()
    message_id = sent["data"]["message_id"]
    data = post(runner, "/get_msg", json={"message_id": message_id}).json()["data"]
    spec = {"time", "message_type", "message_id", "real_id", "sender", "message", "group_id"}
    assert set(data) == (spec | added) - dropped
    if "post_type" in added:
        assert data["post_type"] == "message_sent" and data["user_id"] == runner.world.self_id
    if "group" in added:
        assert data["group"] is True and data["message_seq"] == message_id
    if added or dropped:
        assert f"profile {profile}: other keys in the answer" in last_verdict(runner)


# --- the order of the checks (HTTP-13) -----------------------------------------------------------

@pytest.mark.parametrize("profile, status", [
    ("spec", 401), ("go-cqhttp", 400), ("napcat", 400), ("llonebot", 400), ("lagrange", 401),
])
def test_a_bad_body_without_a_token(runners, profile, status):
    response = requests.post(runners[profile].url("http") + "/get_login_info", data=b"{",
                             headers={"Content-Type": "application/json"}, timeout=HTTP_TIMEOUT)
    assert response.status_code == status
    if status == 400:
        assert f"profile {profile}: 400 before the token's " in response.text
