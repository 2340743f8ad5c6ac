"""The HTTP API over real sockets (communication/http.md, api/public.md): every public action
answers ok (set_restart async) via each encoding, GET + query, POST + urlencoded form and POST +
JSON (HTTP-4, HTTP-5, PARAM-1), each against a fresh default world prepared with what the
actions need."""

from __future__ import annotations

import pytest

from helpers import HOWS, http_call, start_runner


# --- every public action of api/public.md answers ok, via each encoding ------------------------
@pytest.fixture(scope="module", params=HOWS)
def prepared(request, tmp_path_factory):
    """A fresh default world per encoding, with what some actions need to exist: a received
    message with an image and a record, a message the bot sent, a merged forward, pending
    friend and group requests, and an anonymous sender."""
    with start_runner(tmp_path_factory.mktemp("prepared")) as runner:
        world, call = runner.world, runner.actions.call
        received = world.receive_private_message(10001, [
            {"type": "text", "data": {"text": "look"}},
            {"type": "image", "data": {"file": "cat.jpg"}},
            {"type": "record", "data": {"file": "meow.amr"}}])
        sent = call("send_private_msg", {"user_id": 10001, "message": "to recall"})["data"]
        forward = call("send_private_msg", {"user_id": 10002, "message": [
            {"type": "node", "data": {"user_id": "10001", "nickname": "Alice", "content": "hi"}}]})
        anonymous = world.receive_group_message(20003, 10002, "psst", anonymous=True)["anonymous"]
        state = {
            "received": received["message_id"], "sent": sent["message_id"],
            "forward_id": world.get_message(forward["data"]["message_id"])["message"][0]["data"]["id"],
            "friend_flag": world.inject_event({"post_type": "request", "request_type": "friend",
                                               "user_id": 10009, "comment": "hi"})["flag"],
            "group_flag": world.inject_event({"post_type": "request", "request_type": "group",
                                              "sub_type": "add", "group_id": 20001,
                                              "user_id": 10004, "comment": "let me in"})["flag"],
            "anonymous": anonymous,
        }
        yield request.param, runner, state


#: (action, params from the prepared state, expected status). Destructive ones come last.
PUBLIC_CALLS = [
    ("send_private_msg", lambda s: {"user_id": 10001, "message": "hello"}, "ok"),
    ("send_group_msg", lambda s: {"group_id": 20001, "message": [
        {"type": "text", "data": {"text": "hi "}}, {"type": "face", "data": {"id": "1"}}]}, "ok"),
    ("send_msg", lambda s: {"message_type": "private", "user_id": 10002,
                            "message": {"type": "text", "data": {"text": "one segment"}}}, "ok"),
    ("delete_msg", lambda s: {"message_id": s["sent"]}, "ok"),
    ("get_msg", lambda s: {"message_id": s["received"]}, "ok"),
    ("get_forward_msg", lambda s: {"id": s["forward_id"]}, "ok"),
    ("send_like", lambda s: {"user_id": 10001, "times": 1}, "ok"),
    ("set_group_ban", lambda s: {"group_id": 20001, "user_id": 10002, "duration": 60}, "ok"),
    ("set_group_anonymous_ban", lambda s: {"group_id": 20003, "anonymous": s["anonymous"],
                                           "duration": 60}, "ok"),
    ("set_group_whole_ban", lambda s: {"group_id": 20001, "enable": False}, "ok"),
    ("set_group_admin", lambda s: {"group_id": 20001, "user_id": 10002, "enable": True}, "ok"),
    ("set_group_anonymous", lambda s: {"group_id": 20001, "enable": True}, "ok"),
    ("set_group_card", lambda s: {"group_id": 20001, "user_id": 10002, "card": "B"}, "ok"),
    ("set_group_name", lambda s: {"group_id": 20001, "group_name": "Renamed"}, "ok"),
    ("set_group_special_title", lambda s: {"group_id": 20001, "user_id": 10002,
                                           "special_title": "T", "duration": -1}, "ok"),
    ("set_friend_add_request", lambda s: {"flag": s["friend_flag"], "approve": True,
                                          "remark": "new"}, "ok"),
    ("set_group_add_request", lambda s: {"flag": s["group_flag"], "sub_type": "add",
                                         "approve": True}, "ok"),
    ("get_login_info", lambda s: {}, "ok"),
    ("get_stranger_info", lambda s: {"user_id": 10009, "no_cache": True}, "ok"),
    ("get_friend_list", lambda s: {}, "ok"),
    ("get_group_info", lambda s: {"group_id": 20001}, "ok"),
    ("get_group_list", lambda s: {}, "ok"),
    ("get_group_member_info", lambda s: {"group_id": 20001, "user_id": 10001}, "ok"),
    ("get_group_member_list", lambda s: {"group_id": 20001}, "ok"),
    ("get_group_honor_info", lambda s: {"group_id": 20001, "type": "all"}, "ok"),
    ("get_cookies", lambda s: {"domain": "qun.qq.com"}, "ok"),
    ("get_csrf_token", lambda s: {}, "ok"),
    ("get_credentials", lambda s: {}, "ok"),
    ("get_record", lambda s: {"file": "meow.amr", "out_format": "mp3"}, "ok"),
    ("get_image", lambda s: {"file": "cat.jpg"}, "ok"),
    ("can_send_image", lambda s: {}, "ok"),
    ("can_send_record", lambda s: {}, "ok"),
    ("get_status", lambda s: {}, "ok"),
    ("get_version_info", lambda s: {}, "ok"),
    ("clean_cache", lambda s: {}, "ok"),
    ("set_group_kick", lambda s: {"group_id": 20001, "user_id": 10003,
                                  "reject_add_request": False}, "ok"),
    ("set_group_leave", lambda s: {"group_id": 20002}, "ok"),
    # api/public.md#set_restart: "需要异步地重启，接口返回的 status 是 async"
    ("set_restart", lambda s: {"delay": 0}, "async"),
]


def test_public_calls_cover_api_public_md():
    """The table below names every action of api/public.md (the actions package lists them)."""
    from onebot_ref.actions import PUBLIC

    assert {name for name, _, _ in PUBLIC_CALLS} == {fn.__name__ for fn in PUBLIC}


@pytest.mark.parametrize("action, make_params, status", PUBLIC_CALLS,
                         ids=[f"API-{name}" for name, _, _ in PUBLIC_CALLS])
def test_every_public_action_answers(prepared, action, make_params, status):
    """HTTP-4/5 + PARAM-1: GET + query, POST + urlencoded form, POST + JSON, same answer."""
    how, runner, state = prepared
    envelope = http_call(runner, action, how=how, **make_params(state))
    assert envelope["status"] == status, envelope
    assert envelope["retcode"] == {"ok": 0, "async": 1}[status]

