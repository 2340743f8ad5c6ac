"""What the Actions.call tests of this folder share (test_actions*.py): the default world, a
config with a short rate_limit_interval and a data_dir in tmp_path, and the Actions over them.
The fixtures are named ``config``, ``world`` and ``actions``; a test module imports them."""

from __future__ import annotations

import pytest

from onebot_ref.actions import Actions
from onebot_ref.bus import Bus
from onebot_ref.config import Config
from onebot_ref.world import World


@pytest.fixture(name="config")
def fixture_config(tmp_path):
    return Config(rate_limit_interval=100, data_dir=str(tmp_path / "data"))


@pytest.fixture(name="world")
def fixture_world():
    w = World(None, Bus())
    yield w
    w.close()


@pytest.fixture(name="actions")
def fixture_actions(world, config):
    a = Actions(world, config)
    yield a
    a.stop()
