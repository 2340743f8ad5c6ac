"""What the console API tests share (test_console_api*.py): the ``console`` fixture (a started
Runner with the console on, one per test; ``console.base`` is its URL) and :func:`get` /
:func:`post` against a runner's ``base``."""

from __future__ import annotations

import pytest
import requests

TIMEOUT = 5


@pytest.fixture(name="console")
def fixture_console(make_runner):
    """A started runner with the console on; ``console.base`` is its URL."""
    with make_runner(use_console=True) as runner:
        runner.base = runner.url("console")
        yield runner


def get(runner, path, **params):
    return requests.get(runner.base + path, params=params, timeout=TIMEOUT)


def post(runner, path, body=None, **kwargs):
    return requests.post(runner.base + path, json=body, timeout=TIMEOUT, **kwargs)
