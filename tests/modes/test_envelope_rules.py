"""The response envelope and action dispatch over the real wire, one test per rule id that the
other files cover only under another name (RESP-*, ACT-*, HTTP-1/19)."""

from __future__ import annotations

import pytest
import requests

from fakebot import connect
from helpers import start_runner


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_runner(tmp_path_factory.mktemp("envelope"), use_ws=True) as runner:
        yield runner


def get(server, path: str, **params) -> requests.Response:
    return requests.get(f"{server.url('http')}/{path}", params=params, timeout=5)


def test_HTTP_1_HTTP_19_the_spec_example_url_sends_hello(server):
    """communication/http.md: "访问 .../send_private_msg?user_id=1000010000&message=hello 即可给
    QQ 号为 1000010000 的好友发送私聊消息 hello" (here friend 10001 of the default world)."""
    answer = get(server, "send_private_msg", user_id="10001", message="hello")
    assert answer.status_code == 200
    message_id = answer.json()["data"]["message_id"]
    stored = get(server, "get_msg", message_id=message_id).json()["data"]
    assert stored["message"] == "hello" and stored["message_type"] == "private"


def test_RESP_2_ok_means_retcode_0(server):
    body = get(server, "get_login_info").json()
    assert (body["status"], body["retcode"]) == ("ok", 0)


def test_RESP_3_RESP_6_async_means_retcode_1_and_data_null(server):
    body = get(server, "get_login_info_async").json()
    assert body == {"status": "async", "retcode": 1, "data": None}


def test_RESP_4_RESP_7_failed_has_another_retcode_and_data_null(server):
    body = get(server, "send_private_msg", user_id="424242", message="x").json()
    assert body["status"] == "failed" and body["retcode"] not in (0, 1)
    assert body["data"] is None


def test_RESP_5_actions_without_data_answer_null(server):
    body = get(server, "set_group_card", group_id="20001", user_id="10001", card="c").json()
    assert body == {"status": "ok", "retcode": 0, "data": None}


def test_RESP_10_ok_envelope_has_exactly_status_retcode_data(server):
    assert set(get(server, "get_friend_list").json()) == {"status", "retcode", "data"}
    # a failure adds one human-readable key, `message` (tolerated by SDKs, RESP-10 [REC])
    failed = get(server, "get_group_info", group_id="1").json()
    assert set(failed) == {"status", "retcode", "data", "message"}
    assert "group" in failed["message"]


def test_RESP_11_WSF_5_websocket_failures_are_14xx_with_echo(server):
    ws = connect(f"{server.url('ws')}/api")
    try:
        ws.send({"action": "no_such_action", "echo": "123"})
        answer = ws.receive()
        assert "no_such_action" in answer.pop("message")
        assert answer == {"status": "failed", "retcode": 1404, "data": None, "echo": "123"}
    finally:
        ws.close()


@pytest.mark.parametrize("action", ["no_such_action_async", "no_such_action_rate_limited"])
def test_ACT_4_A_10_suffix_on_an_unknown_action_is_404(server, action):
    assert get(server, action).status_code == 404


def test_ACT_5_async_on_a_get_action_is_allowed(server):
    assert get(server, "get_status_async").json()["status"] == "async"


def test_ACT_9_A_11_rate_limited_needs_no_switch(server):
    assert get(server, "get_login_info_rate_limited").json()["retcode"] == 1


def test_ACT_10_hidden_actions_start_with_a_dot(server):
    """api/hidden.md: "所有隐藏 API 都以点号（.）开头"."""
    context = '{"post_type": "notice", "notice_type": "friend_add", "user_id": 10001}'
    assert get(server, ".handle_quick_operation", context=context,
               operation="{}").json()["status"] == "ok"
    assert get(server, "handle_quick_operation").status_code == 404


@pytest.mark.parametrize("legacy", ["set_restart_plugin", "clean_data_dir", "send_discuss_msg",
                                    "_get_vip_info", ".check_update"])
def test_ACT_11_legacy_only_actions_are_not_offered(server, legacy):
    """ACT-11: the legacy CQHTTP-only aliases are optional; onebot_ref offers only OneBot 11."""
    assert get(server, legacy).status_code == 404
