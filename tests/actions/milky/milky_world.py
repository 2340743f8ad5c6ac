"""What the Milky action tests share: a world whose every number is a Milky uin, the calls, and
a snapshot of the whole world for "nothing half-applied".

- WORLD: the default world with the bot at 10086 (the default's 10000 is no uin, MLK-20).
- ``make(tmp_path)``: (world, MilkyActions, events) over a real, unstarted Bus (it delivers
  inline); ``events`` is the list of every Milky event rendered, as a transport's sink would.
- ``ok(milky, api, **body)``: calls, asserts status ok and that ``data`` conforms to the IR
  (protocol/milky/conform.output_problems), returns ``data``.
- ``refused(milky, api, retcode, **body)``: calls, asserts the failure retcode, returns the
  message.
- ``state(world)``: every piece of the world (accounts, friends, groups with their files,
  announcements, essence, reactions; requests and their log, notifications, pins, read marks,
  private files, the stored messages), as plain data to compare.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from onebot_ref.actions.milky import MilkyActions
from onebot_ref.bus import Bus
from onebot_ref.protocol.milky import conform
from onebot_ref.world import DEFAULT_WORLD, World

BOT, ALICE, BOB, CAROL, DAVE, MALLORY = 10086, 10001, 10002, 10003, 10004, 10009
#: the bot is owner of OWNED, admin of ADMINED, a plain member of MEMBER_OF
OWNED, MEMBER_OF, ADMINED = 20001, 20002, 20003
PNG = "base64://iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
TEXT_FILE = "base64://aGVsbG8gZmlsZQ=="  # "hello file"


def _milky_world() -> dict:
    text = json.dumps(DEFAULT_WORLD).replace("10000", str(BOT))
    return json.loads(text)


WORLD = _milky_world()


def make(tmp_path: Path, database: str | None = None):
    """(world, milky, events): events collects every rendered Milky event, in order."""
    bus = Bus()
    world = World(copy.deepcopy(WORLD), bus, database=database,
                  data_dir=str(tmp_path / "data"))
    milky = MilkyActions(world, base_url="http://127.0.0.1:3000")
    rendered: list[dict] = []

    def sink(published) -> None:
        event = milky.render(published)
        if event is not None:
            rendered.append(event)

    bus.add_sink(sink, "push", also_facts_only=True)
    return world, milky, rendered


def ok(milky: MilkyActions, api: str, **body) -> dict:
    envelope = milky.call(api, body)
    assert envelope["status"] == "ok", envelope
    assert conform.output_problems(api, envelope["data"]) == [], envelope["data"]
    return envelope["data"]


def refused(milky: MilkyActions, api: str, retcode: int, **body) -> str:
    envelope = milky.call(api, body)
    assert (envelope["status"], envelope["retcode"]) == ("failed", retcode), envelope
    assert "data" not in envelope  # MLK-41
    return envelope["message"]


def state(world: World) -> dict:
    """The whole world, deep-copied (dataclasses compare field by field), with the store's rows
    and the files under data_dir."""
    with world.lock:
        plain = {name: copy.deepcopy(getattr(world, name)) for name in (
            "accounts", "friends", "groups", "requests", "request_log", "notifications",
            "pins", "read_marks", "private_files", "nickname", "likes")}
        plain["messages"] = world.store.since(0, 100000)
        plain["forwards"] = world.store._db.execute("SELECT * FROM forwards").fetchall()
        plain["peers"] = world.store._db.execute("SELECT * FROM peers").fetchall()
    data = Path(world.data_dir)
    plain["files"] = sorted(str(p.relative_to(data)) for p in data.rglob("*")) \
        if data.exists() else []
    return plain


def group_message(world: World, text: str = "hi", group_id: int = OWNED,
                  user_id: int = ALICE) -> int:
    """A member speaks; returns the message's seq in the group's chat."""
    event = world.receive_group_message(group_id, user_id, text)
    return world.message_record(event["message_id"])["peer_seq"]
