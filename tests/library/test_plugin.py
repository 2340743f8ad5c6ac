"""The pytest plugin (onebot_ref/testing/plugin.py), loaded through the ``pytest11`` entry point
of setup.cfg: inner pytest runs (pytester) use the fixtures and the marker as a bot's suite
would, and a failing expectation reads as the failure text, not as the plugin's internals."""

from __future__ import annotations

import subprocess
import sys

pytest_plugins = ["pytester"]
#: the inner runs need none of this environment's other plugins (hypothesis alone would be
#: imported again by each in-process run: seconds on a loaded machine)
INNER = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:anyio")


def test_fixtures_and_marker(pytester):
    pytester.makepyfile("""
        import pytest

        def test_default(onebot):
            assert onebot.ws_url and onebot.http_url and onebot.console_url
            assert onebot.config.post_message_format == "string"
            assert onebot.world["self"]["user_id"] == 10000

        @pytest.mark.onebot(post_message_format="array", use_ws=False,
                            world={"self": {"user_id": 7, "nickname": "seven"}})
        def test_marker(onebot):
            assert onebot.config.post_message_format == "array" and onebot.ws_url is None
            assert onebot.world["self"]["user_id"] == 7

        def test_factory(onebot_factory, onebot):
            a, b = onebot_factory(), onebot_factory(clock="manual")
            assert len({a.console_url, b.console_url, onebot.console_url}) == 3
            assert b.config.clock == "manual"
    """)
    result = pytester.runpytest("--strict-markers", *INNER)
    result.assert_outcomes(passed=3)


def test_a_failing_expectation_reads_as_the_failure_text(pytester):
    pytester.makepyfile("""
        def test_bot_replies(onebot):
            onebot.say(10001, "/echo hi")
            onebot.expect_message("hi", to_user=10001, timeout=0.2)
    """)
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        '>       onebot.expect_message("hi", to_user=10001, timeout=0.2)',
        "E       AssertionError: expected a message from the bot to user 10001 with text 'hi' "
        "within 0.2 s of the last say/event (#* private_message from 10001: \"/echo hi\")",
        "E       this server: HTTP API http://127.0.0.1:*",
        "E       hint: no bot has connected to this server since it started*",
        "E       last frames of the traffic journal*",
        "E         #* console in 127.0.0.1 /sim/private_message *injected private message*",
    ])
    assert "onebot_ref/testing/" not in out and "def _expect" not in out  # no internals


def test_a_bad_marker_is_a_usage_error(pytester):
    pytester.makepyfile("""
        import pytest

        @pytest.mark.onebot({"use_ws": False})
        def test_it(onebot):
            pass
    """)
    result = pytester.runpytest(*INNER)
    result.stdout.fnmatch_lines(["*onebot takes keywords only*"])
    assert result.ret != 0


def test_loading_the_plugin_imports_nothing_heavy():
    """Every pytest run of this environment loads the plugin: it must not start importing the
    server (Flask, requests, the runner), which the fixtures do when a test asks for one."""
    probe = ("import sys, onebot_ref.testing.plugin; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('flask', 'werkzeug', 'requests', 'yaml') or m.startswith('onebot_ref.')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=30, check=True).stdout
    assert out.strip() == "['onebot_ref.testing', 'onebot_ref.testing.plugin']"
