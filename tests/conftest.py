"""Shared fixtures. Keep them generic: every test file may use them. They delegate to
``helpers.py``, where the recipes live (import those directly for module-scoped fixtures).

- ``make_runner(**config)``: a context manager starting :class:`onebot_ref.runner.Runner` with
  every port 0 on 127.0.0.1, the console off, ``data_dir`` in ``tmp_path``; any config key can
  be overridden (``make_runner(use_ws=True, access_token="t")``). See ``helpers.start_runner``.
- ``fakebot``: a started :class:`fakebot.FakeBot` (HTTP POST receiver + reverse-WS server).
"""

from __future__ import annotations

import pytest

from fakebot import FakeBot
from helpers import start_runner


@pytest.fixture
def make_runner(tmp_path):
    """``with make_runner(use_ws=True) as runner:`` → a started Runner, stopped on exit."""
    def make(**overrides):
        return start_runner(tmp_path, **overrides)

    return make


@pytest.fixture
def fakebot():
    with FakeBot() as bot:
        yield bot
