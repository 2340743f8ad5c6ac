"""The console and the library know both faces: an injection reaches OneBot and Milky bots
alike, ``/sim/event`` takes the Milky-only kinds through the world's inject_* (MLK-46, MLK-53),
the journal's Milky channels filter, Milky calls are in the call log (channel ``milky``) and
``expect_call`` sees them, ``serve(use_milky=True)`` gives ``milky_url``; the banner, the log
and ``doctor`` name a world a strict Milky client refuses (MLK-59)."""

from __future__ import annotations

import logging

import pytest
import requests

from fakebot import connect
from milky_client import ALICE, GROUP, WORLD, SseReader, joined, milky_runner
from onebot_ref.cli import main
from onebot_ref.testing import serve

TIMEOUT = 5


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    with milky_runner(tmp_path_factory.mktemp("console-milky"), use_console=True,
                      use_ws=True) as runner:
        yield runner


def sim(runner, path: str, body: dict) -> requests.Response:
    return requests.post(runner.url("console") + path, json=body, timeout=TIMEOUT)


def test_a_console_message_reaches_both_faces(runner):
    ws = connect(runner.url("ws") + "/event")
    ws.next_event(lambda e: e.get("meta_event_type") == "lifecycle")
    with SseReader(runner) as milky:
        assert joined(runner, milky)
        answer = sim(runner, "/sim/private_message", {"user_id": ALICE, "message": "both?"})
        assert answer.status_code == 200
        onebot = ws.next_event(lambda e: e.get("post_type") == "message")
        event = milky.next_event()
    assert onebot["raw_message"] == "both?" and onebot["message_id"] == \
        answer.json()["message_id"]
    assert event["event_type"] == "message_receive"
    assert event["data"]["segments"] == [{"type": "text", "data": {"text": "both?"}}]
    ws.close()


MILKY_KINDS = [
    ({"kind": "group_name_change", "group_id": GROUP, "operator_id": ALICE,
      "group_name": "Renamed"}, "group_name_change"),
    ({"kind": "friend_nudge", "user_id": ALICE}, "friend_nudge"),
    ({"kind": "file_upload", "user_id": ALICE, "file_name": "a.txt",
      "file_uri": "base64://aGk="}, "friend_file_upload"),
    ({"kind": "file_upload", "user_id": ALICE, "file_name": "b.txt", "file_uri": "base64://aGk=",
      "group_id": GROUP}, "group_file_upload"),
    ({"kind": "invited_join_request", "group_id": GROUP, "initiator_id": ALICE,
      "target_user_id": 10004}, "group_invited_join_request"),
]


@pytest.mark.parametrize("body,event_type", MILKY_KINDS, ids=[k[1] for k in MILKY_KINDS])
def test_sim_event_takes_the_milky_only_kinds(runner, body, event_type):
    with SseReader(runner) as milky:
        assert joined(runner, milky)
        answer = sim(runner, "/sim/event", body)
        assert answer.status_code == 200, answer.text
        event = milky.next_event()
    taken = answer.json()["event"]
    assert taken["kind"] == body["kind"] and event["event_type"] == event_type
    if body["kind"] == "file_upload":
        assert taken["file_id"] == event["data"]["file_id"]
    if body["kind"] == "invited_join_request":
        assert taken["request"]["seq"] == event["data"]["notification_seq"]


def test_a_reaction_and_an_essence_message_on_a_stored_message(runner):
    sent = sim(runner, "/sim/group_message", {"group_id": GROUP, "user_id": 10002,
                                              "message": "react to me"}).json()
    seq = runner.world.message_record(sent["message_id"])["peer_seq"]
    with SseReader(runner) as milky:
        assert joined(runner, milky)
        assert sim(runner, "/sim/event", {"kind": "reaction", "group_id": GROUP,
                                          "user_id": ALICE, "message_seq": seq,
                                          "face_id": "76"}).status_code == 200
        assert milky.next_event()["event_type"] == "group_message_reaction"
        assert sim(runner, "/sim/event", {"kind": "essence", "group_id": GROUP,
                                          "operator_id": ALICE, "message_seq": seq}
                   ).status_code == 200
        assert milky.next_event()["event_type"] == "group_essence_message_change"


@pytest.mark.parametrize("body,problem", [
    ({"kind": "nope"}, "kind: expected one of group_name_change"),
    ({"kind": "friend_nudge"}, "user_id: missing"),
    ({"kind": "friend_nudge", "user_id": ALICE, "extra": 1}, "extra: unknown field"),
    ({"kind": "friend_nudge", "user_id": 10009}, "not a friend"),
    ({"kind": "group_name_change", "group_id": GROUP, "operator_id": 10003,
      "group_name": "x"}, "cannot rename"),
    ({"kind": "reaction", "group_id": GROUP, "user_id": ALICE, "message_seq": 99999,
      "face_id": "1"}, "message_seq"),
    ({"kind": "friend_nudge", "user_id": "10001"}, "user_id: expected a positive integer"),
], ids=["unknown-kind", "missing", "unknown-field", "not-a-friend", "not-admin", "no-message",
        "string-id"])
def test_a_refused_milky_kind_is_400_naming_the_field_and_changes_nothing(runner, body,
                                                                         problem):
    before = runner.world.snapshot()
    answer = sim(runner, "/sim/event", body)
    assert answer.status_code == 400 and problem in answer.json()["error"], answer.text
    assert runner.world.snapshot() == before


def test_kinds_json_lists_the_milky_kinds(runner):
    kinds = requests.get(runner.url("console") + "/kinds.json", timeout=TIMEOUT).json()["kinds"]
    milky = {k["name"]: k for k in kinds if k.get("face") == "milky"}
    assert set(milky) == {"group_name_change", "reaction", "friend_nudge", "essence",
                          "file_upload", "invited_join_request"}
    assert {"name": "is_add", "kind": "bool", "required": False} in milky["reaction"]["fields"]


def test_milky_calls_are_in_the_call_log_and_the_journal_filters_by_channel(runner):
    response = requests.post(runner.url("milky") + "/api/get_friend_info", timeout=TIMEOUT,
                             json={"user_id": ALICE})
    assert response.json()["retcode"] == 0
    calls = requests.get(runner.url("console") + "/sim/calls?action=get_friend_info",
                         timeout=TIMEOUT).json()["calls"]
    assert calls[-1]["channel"] == "milky"
    assert calls[-1]["params"] == {"user_id": ALICE, "no_cache": False}  # as bound, defaults in
    frames = requests.get(runner.url("console") + "/sim/traffic?channel=milky&limit=5000",
                          timeout=TIMEOUT).json()["frames"]
    assert frames and {f["channel"] for f in frames} == {"milky"}


def test_the_library_serves_the_milky_face_and_expects_its_calls():
    with serve(world=WORLD, use_milky=True) as ob:
        assert ob.milky_url.startswith("http://127.0.0.1:") and ob.urls()["Milky"] == \
            ob.milky_url
        ob.say(ALICE, "hi milky")
        requests.post(ob.milky_url + "/api/send_private_message", timeout=TIMEOUT, json={
            "user_id": ALICE, "message": [{"type": "text", "data": {"text": "hello back"}}]})
        call = ob.expect_call("send_private_message", user_id=ALICE, message="hello back")
        assert call["channel"] == "milky" and call["response"]["status"] == "ok"
        ob.expect_message("hello back", to_user=ALICE)
        assert ob.event("friend_nudge", user_id=ALICE)["kind"] == "friend_nudge"
        assert ob.wait_for_bot(timeout=1).startswith("Milky API request")
    with serve() as plain:
        assert plain.milky_url is None


def test_the_banner_and_the_log_name_numbers_outside_the_uin_range(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    with milky_runner(tmp_path / "default", world={}) as runner:  # the default world: 10000
        banner = runner.banner()
    assert "Milky 1.2" in banner and "/api/:api" in banner
    [line] = [line for line in banner.splitlines() if "uin range" in line]
    assert "10000 (the bot)" in line and "world.self.user_id >= 10001" in line
    assert any("uin range" in record.getMessage() for record in caplog.records)
    with milky_runner(tmp_path / "milky") as runner:  # every number a uin: nothing to say
        assert "uin range" not in runner.banner() and runner.warnings() == []


def test_doctor_prints_the_milky_clients_settings(capsys, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("use_milky: true\nmilky_port: 3001\nmilky_access_token: mt\n"
                    "milky_webhook_urls: [http://127.0.0.1:8080/milky/]\n")
    assert main(["doctor", "-c", str(path)]) == 0
    out = capsys.readouterr().out
    for expected in (
            "[Milky 1.2] onebot_ref listens on http://127.0.0.1:3001/api/:api",
            'MILKY_CLIENTS=[{"host": "127.0.0.1", "port": 3001, "access_token": "mt"}]',
            "DRIVER=~httpx+~websockets", "DRIVER=~fastapi+~httpx", "HOST=127.0.0.1",
            "PORT=8080",
            'MILKY_WEBHOOK={"host": "127.0.0.1", "port": 3001, "access_token": "mt"}',
            'client = MilkyClient("http://127.0.0.1:3001", "mt")',
            "10000 (the bot) outside the uin range"):
        assert expected in out, (expected, out)
    path.write_text("use_milky: true\nmilky_webhook_urls: [http://127.0.0.1:8080/hook]\n"
                    "milky_revision: seed\n")
    assert main(["doctor", "-c", str(path)]) == 0
    out = capsys.readouterr().out
    assert "no public Milky client speaks the seed draft" in out


def test_the_cli_sends_a_milky_only_kind(runner, capsys):
    with SseReader(runner) as milky:
        assert joined(runner, milky)
        assert main(["event", "friend_nudge", "--user", str(ALICE), "--set", "to_self=false",
                     "--console", runner.url("console")]) == 0
        event = milky.next_event()
    assert '"kind": "friend_nudge"' in capsys.readouterr().out
    assert event["event_type"] == "friend_nudge" and event["data"]["is_self_receive"] is False
