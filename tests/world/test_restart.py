"""Restarting the server: with `database:` the message history survives; without it the world
starts fresh (Foundation issue acceptance). Over the real HTTP API of two successive runners."""

from __future__ import annotations

from helpers import http_call


def test_restart_with_database_keeps_history(make_runner, tmp_path):
    db = str(tmp_path / "world.sqlite3")
    with make_runner(database=db) as runner:
        sent = http_call(runner, "send_private_msg", user_id=10001, message="before [the] restart")
        message_id = sent["data"]["message_id"]
    with make_runner(database=db) as runner:
        got = http_call(runner, "get_msg", message_id=message_id)
        assert got["status"] == "ok", got
        assert got["data"]["message"] == "before &#91;the&#93; restart"
        later = http_call(runner, "send_private_msg", user_id=10001, message="after")
        assert later["data"]["message_id"] > message_id  # ids keep increasing


def test_without_database_the_world_starts_fresh(make_runner):
    with make_runner() as runner:
        message_id = http_call(runner, "send_private_msg", user_id=10001,
                               message="gone")["data"]["message_id"]
        changed = http_call(runner, "set_group_card", group_id=20001, user_id=10001, card="changed")
        assert changed["status"] == "ok", changed
    with make_runner() as runner:
        got = http_call(runner, "get_msg", message_id=message_id)
        assert (got["status"], got["retcode"]) == ("failed", 102), got
        member = http_call(runner, "get_group_member_info", group_id=20001, user_id=10001)["data"]
        assert member["card"] != "changed"  # the world is the config again
