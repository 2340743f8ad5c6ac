"""Actions.call refusing, with the default world: the retcode table (RESP-4, RESP-7, RESP-8/9,
PARAM-14/15, MSG-19, API-*) and the powers of the bot's role in each group (RESP-9: refusals are
103 and change nothing)."""

from __future__ import annotations

import pytest

from actions_kit import (  # the fixtures config, world, actions
    fixture_actions,  # noqa: F401
    fixture_config,  # noqa: F401
    fixture_world,  # noqa: F401
)
from helpers import direct_call as call  # the envelope of Actions.call, no transport

# --- the retcode table (RESP-8/9, PARAM-14/15) ---------------------------------------------

RETCODES = [
    ("PARAM-14-missing", "send_private_msg", {"message": "x"}, 100),
    ("PARAM-15-user_id-0", "send_private_msg", {"user_id": 0, "message": "x"}, 100),
    ("PARAM-15-message_id-0", "get_msg", {"message_id": 0}, 100),
    ("PARAM-15-times-0", "send_like", {"user_id": 10001, "times": 0}, 100),
    ("PARAM-15-duration", "set_group_ban", {"group_id": 20001, "user_id": 10002,
                                            "duration": -1}, 100),
    ("MSG-19-empty", "send_private_msg", {"user_id": 10001, "message": ""}, 100),
    ("PARAM-2-float", "send_private_msg", {"user_id": 10001.5, "message": "x"}, 100),
    ("API-3-bad-type", "send_msg", {"message_type": "discuss", "user_id": 1, "message": "x"},
     100),
    ("API-3-no-target", "send_msg", {"message": "x"}, 100),
    ("API-10-no-flag", "set_group_anonymous_ban", {"group_id": 20003}, 100),
    ("API-18-empty-flag", "set_friend_add_request", {"flag": ""}, 100),
    ("API-19-bad-type", "set_group_add_request", {"flag": "f", "sub_type": "join"}, 100),
    ("API-27-bad-type", "get_group_honor_info", {"group_id": 20001, "type": "best"}, 100),
    ("API-31-format", "get_record", {"file": "a.silk", "out_format": "aac"}, 100),
    ("kick-self", "set_group_kick", {"group_id": 20001, "user_id": 10000}, 100),
    ("RESP-9-no-friend", "send_private_msg", {"user_id": 99999, "message": "x"}, 102),
    ("RESP-9-not-in-group", "send_group_msg", {"group_id": 29999, "message": "x"}, 102),
    ("RESP-9-not-member", "get_group_member_info", {"group_id": 20001, "user_id": 10004}, 102),
    ("RESP-9-no-message", "delete_msg", {"message_id": 99999}, 102),
    ("RESP-9-no-flag", "set_friend_add_request", {"flag": "nope"}, 102),
    ("RESP-9-no-forward", "get_forward_msg", {"id": "F999"}, 102),
    ("RESP-9-anonymous-flag", "set_group_anonymous_ban", {"group_id": 20003, "flag": "x"},
     102),
    ("API-7-over-ten", "send_like", {"user_id": 10001, "times": 11}, 103),
]


@pytest.mark.parametrize("action, params, retcode", [r[1:] for r in RETCODES],
                         ids=[r[0] for r in RETCODES])
def test_retcode(actions, action, params, retcode):
    envelope = call(actions, action, **params)
    assert (envelope["status"], envelope["retcode"], envelope["data"]) == \
        ("failed", retcode, None)  # RESP-4, RESP-7
    assert envelope["message"]  # the reason, in words


# Roles in the default world: 20001 bot owner (Alice admin, Bob member), 20002 bot member
# (Bob owner, Alice admin, Dave member), 20003 bot admin (Carol owner, Alice admin, Bob member).
PERMISSIONS = [
    ("set_group_kick", 20001, 10001, {}, 0), ("set_group_kick", 20003, 10002, {}, 0),
    ("set_group_kick", 20003, 10001, {}, 103), ("set_group_kick", 20003, 10003, {}, 103),
    ("set_group_kick", 20002, 10004, {}, 103),
    ("set_group_ban", 20003, 10002, {}, 0), ("set_group_ban", 20003, 10001, {}, 103),
    ("set_group_ban", 20002, 10004, {}, 103),
    ("set_group_admin", 20001, 10002, {}, 0), ("set_group_admin", 20003, 10002, {}, 103),
    ("set_group_special_title", 20001, 10002, {"special_title": "t"}, 0),
    ("set_group_special_title", 20003, 10002, {"special_title": "t"}, 103),
    ("set_group_card", 20003, 10002, {"card": "c"}, 0),
    ("set_group_card", 20003, 10001, {"card": "c"}, 103),
    ("set_group_card", 20002, 10000, {"card": "c"}, 0),
    ("set_group_card", 20002, 10004, {"card": "c"}, 103),
    ("set_group_name", 20003, None, {"group_name": "n"}, 0),
    ("set_group_name", 20002, None, {"group_name": "n"}, 103),
    ("set_group_whole_ban", 20002, None, {}, 103),
    ("set_group_anonymous", 20002, None, {}, 103),
    ("set_group_leave", 20001, None, {}, 103),
    ("set_group_leave", 20001, None, {"is_dismiss": True}, 0),
]


@pytest.mark.parametrize("action, group_id, user_id, extra, retcode", PERMISSIONS,
                         ids=[f"{p[0]}-{p[1]}-{p[2]}-{p[4]}" for p in PERMISSIONS])
def test_the_bot_acts_with_the_powers_of_its_role(actions, action, group_id, user_id, extra,
                                                  retcode):
    """RESP-9: owner > admin > member; refusals are 103 and change nothing."""
    params = dict(extra, group_id=group_id)
    if user_id is not None:
        params["user_id"] = user_id
    before = actions.world.snapshot()
    assert call(actions, action, **params)["retcode"] == retcode
    if retcode:
        assert actions.world.snapshot() == before

