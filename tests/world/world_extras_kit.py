"""What test_world_extras.py and test_world_injected_more.py share: a world whose bus items
(facts-only ones too) are kept in ``world.items``, and the two ways of reading them."""

from __future__ import annotations

import pytest

from onebot_ref.bus import Bus
from onebot_ref.protocol.response import ActionError
from onebot_ref.world import World

ALICE, BOB, CAROL, DAVE, MALLORY = 10001, 10002, 10003, 10004, 10009
OWNED, MEMBER_OF, ADMINED = 20001, 20002, 20003
TEXT_FILE = "base64://aGVsbG8gZmlsZQ=="


@pytest.fixture(name="world")
def fixture_world(tmp_path):
    w = World(None, Bus(), data_dir=str(tmp_path / "data"))
    w.items = []
    w.bus.add_sink(w.items.append, "push", also_facts_only=True)
    yield w
    w.close()


def kinds(world) -> list[tuple[bool, str]]:
    """(is an event, the facts' kind) of every item published so far."""
    return [(i.event is not None, i.facts["kind"]) for i in world.items if i.facts]


def refused(retcode, fn, *args, **kwargs) -> str:
    """``fn(...)`` raises ActionError with ``retcode``; its message."""
    with pytest.raises(ActionError) as err:
        fn(*args, **kwargs)
    assert err.value.retcode == retcode, err.value.message
    return err.value.message
