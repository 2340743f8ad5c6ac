"""What the bad-input regression tests share (BAD-1..6): one runner per module with the HTTP API,
the forward WebSocket and the console, and the check that the journal and the message list
still answer after each bad request."""

from __future__ import annotations

import pytest
import requests

from helpers import HTTP_TIMEOUT, start_runner, strict_json

ALICE = 10001
SURROGATE_JSON = '"a\\ud800b"'  # JSON text: a valid escape of no Unicode character


@pytest.fixture(scope="module", name="runner")
def fixture_runner(tmp_path_factory):
    with start_runner(tmp_path_factory.mktemp("bad-input"), use_ws=True,
                      use_console=True) as runner:
        yield runner


def http(runner) -> str:
    return runner.url("http")


def console(runner) -> str:
    return runner.url("console")


def journal_and_messages_answer(runner) -> list[dict]:
    """BAD-5: /sim/traffic and /sim/messages answer strict JSON; returns the journal."""
    for path in ("/sim/messages?limit=5000", "/sim/traffic?limit=5000"):
        response = requests.get(console(runner) + path, timeout=HTTP_TIMEOUT)
        assert response.status_code == 200, response.text[:300]
        value = strict_json(response.content)
    return value["frames"]


def stored_count(runner) -> int:
    return runner.world.store.count()
