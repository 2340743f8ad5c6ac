"""The fault tests' shared stack: one fake bot (HTTP POST receiver and reverse-WebSocket
server) and one runner per module with every face on (HTTP API, forward WS, a reverse
Universal client, HTTP POST signed with a secret, the console), so that each fault is tried on
every channel it names over real sockets. Every test leaves no fault behind (checked).

- ``stack``: ``(runner, bot)``, the reverse connection up;
- ``fault(runner, **body)``: ``POST /sim/faults``, checked to be 201; its answer;
- ``fault_frames(runner, after)``: the verdicts of the journal's ``fault`` channel;
- ``wait_fault(runner, text, after)``: the first ``fault`` frame containing ``text``.
"""

from __future__ import annotations

import pytest
import requests

from fakebot import FakeBot
from helpers import HTTP_TIMEOUT, start_runner

SECRET = "fault-secret"
INTERVAL = 100  # ms between reverse reconnects


def fault(runner, **body) -> dict:
    response = requests.post(runner.url("console") + "/sim/faults", json=body,
                             timeout=HTTP_TIMEOUT)
    assert response.status_code == 201, response.text
    return response.json()


def remove(runner, fid: str) -> requests.Response:
    return requests.delete(f"{runner.url('console')}/sim/faults/{fid}", timeout=HTTP_TIMEOUT)


def fault_frames(runner, after: int = 0) -> list[str]:
    return [f["verdict"] for f in runner.traffic.since(after, 10**6)[0] if f["channel"] == "fault"]


def wait_fault(runner, text: str, after: int = 0, timeout: float = 5.0) -> dict:
    frame = runner.traffic.find(lambda f: f["channel"] == "fault" and text in f["verdict"],
                                timeout, after)
    assert frame is not None, f"no fault frame with {text!r}: {fault_frames(runner, after)}"
    return frame


def connections(runner, **query) -> list[dict]:
    return requests.get(runner.url("console") + "/sim/connections", params=query,
                        timeout=HTTP_TIMEOUT).json()["connections"]


def stack_config(bot: FakeBot, **keys) -> dict:
    return {"use_http": True, "use_ws": True, "use_console": True, "use_ws_reverse": True,
            "ws_reverse_use_universal_client": True, "ws_reverse_url": bot.ws_url,
            "ws_reverse_reconnect_interval": INTERVAL, "post_url": bot.post_url,
            "secret": SECRET, **keys}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with FakeBot() as bot, start_runner(tmp_path_factory.mktemp("faults"),
                                        **stack_config(bot)) as runner:
        bot.wait_connection("Universal")
        bot.wait_post(lambda p: (p.json or {}).get("sub_type") == "enable")
        yield runner, bot


@pytest.fixture(autouse=True)
def _no_fault_left_behind(request):
    yield
    if "stack" in request.fixturenames:
        runner = request.getfixturevalue("stack")[0]
        runner.faults.clear()
        assert not runner.faults.active
