"""Shared fixtures. Keep them generic: every test file may use them.

- ``make_runner(**config)``: a context manager starting :class:`onebot_ref.runner.Runner` with
  every port 0 on 127.0.0.1, the console off, ``data_dir`` in ``tmp_path``; any config key can
  be overridden (``make_runner(use_ws=True, access_token="t")``).
- ``fakebot``: a started :class:`fakebot.FakeBot` (HTTP POST receiver + reverse-WS server).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `import fakebot` from any folder

from fakebot import FakeBot  # noqa: E402


def runner_config(tmp_path: Path, **overrides):
    """A validated Config for tests: loopback, port 0 everywhere, console off."""
    from onebot_ref.config import from_mapping

    mapping = {"host": "127.0.0.1", "port": 0, "ws_host": "127.0.0.1", "ws_port": 0,
               "console_host": "127.0.0.1", "console_port": 0, "use_console": False,
               "data_dir": str(tmp_path / "data")}
    mapping.update(overrides)
    return from_mapping(mapping)


@pytest.fixture
def make_runner(tmp_path):
    """``with make_runner(use_ws=True) as runner:`` → a started Runner, stopped on exit."""
    from onebot_ref.runner import Runner

    @contextlib.contextmanager
    def make(**overrides):
        runner = Runner(runner_config(tmp_path, **overrides)).start()
        try:
            yield runner
        finally:
            runner.stop()

    return make


@pytest.fixture
def fakebot():
    with FakeBot() as bot:
        yield bot
