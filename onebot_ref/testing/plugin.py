"""The pytest plugin (entry point ``pytest11`` in setup.cfg: installing onebot_ref is enough).

    def test_echo(onebot):                       # a fresh server per test: default world,
        start_my_bot(onebot.ws_url)              #   forward WS, HTTP API and console on
        onebot.say(10001, "/echo hi")
        onebot.expect_message("hi", to_user=10001)

    @pytest.mark.onebot(post_message_format="array", clock="manual")
    def test_with_config(onebot): ...            # the marker's keywords are serve()'s

    def test_reverse(onebot_factory):            # any number, any modes; all stopped after
        ob = onebot_factory(use_ws_reverse=True, ws_reverse_url=bot_url)

It is loaded by every pytest run of an environment where onebot_ref is installed, so importing
it costs nothing: the library is imported by the fixtures, when a test asks for one.
"""

from __future__ import annotations

from typing import Any

import pytest

MARKER = ("onebot(world=None, **config): the config of the onebot fixture's server "
          "(onebot_ref.testing.serve's keywords)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


@pytest.fixture
def onebot(request: pytest.FixtureRequest):
    """A running ``onebot_ref.testing.serve()`` for this test, configured by
    ``@pytest.mark.onebot(**config)``; stopped after the test, whatever happened."""
    from onebot_ref.testing import serve

    marker = request.node.get_closest_marker("onebot")
    if marker is not None and marker.args:
        raise pytest.UsageError("@pytest.mark.onebot takes keywords only: "
                                "@pytest.mark.onebot(use_ws_reverse=True, ...)")
    with serve(**(marker.kwargs if marker is not None else {})) as server:
        yield server


@pytest.fixture
def onebot_factory():
    """``onebot_factory(world=None, **config)`` starts one more server (same keywords as
    ``serve``) and returns it; every one is stopped after the test."""
    from onebot_ref.testing import serve

    servers = []

    def make(world: Any = None, **config: Any):
        server = serve(world, **config).start()
        servers.append(server)
        return server

    yield make
    for server in reversed(servers):
        server.stop()
