"""`python -m onebot_ref serve` as a user runs it: banner, endpoints, clean stop (exit 0)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent


def start(tmp_path, extra: str = "") -> tuple[subprocess.Popen, str]:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"host: 127.0.0.1\nport: 0\nuse_ws: true\nws_host: 127.0.0.1\nws_port: 0\n"
                   f"console_port: 0\ndata_dir: {tmp_path / 'data'}\n{extra}", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "onebot_ref", "serve", "-c", str(cfg)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    banner = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        banner.append(line)
        if "console" in line:
            break
    return proc, "".join(banner)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_banner_lists_every_endpoint_and_stop_is_clean(tmp_path, sig):
    proc, banner = start(tmp_path)
    try:
        assert banner.startswith("onebot_ref "), banner
        assert "bot account: " in banner
        http = re.search(r"(http://127\.0\.0\.1:\d+)/:action", banner).group(1)
        assert re.search(r"ws://127\.0\.0\.1:\d+/ +ws://127\.0\.0\.1:\d+/api", banner)
        assert re.search(r"http://127\.0\.0\.1:\d+/\n", banner)  # the console
        # the URL it printed works as pasted
        assert requests.get(f"{http}/get_login_info", timeout=5).json()["status"] == "ok"
        began = time.monotonic()
        proc.send_signal(sig)
        assert proc.wait(timeout=5) == 0
        assert time.monotonic() - began < 2.0, "must stop within 2 s"
    finally:
        proc.kill()
        proc.wait(5)


def test_every_thread_is_named_and_gone_after_stop(make_runner):
    """Every thread onebot_ref starts has a name saying what it is, and stop() ends them."""
    import threading

    import requests

    from fakebot import connect

    before = set(threading.enumerate())
    with make_runner(use_ws=True, enable_heartbeat=True, heartbeat_interval=100) as runner:
        ws = connect(f"{runner.url('ws')}/")
        ws.receive()  # lifecycle connect: the session is up
        requests.get(f"{runner.url('http')}/get_login_info", timeout=5)
        ours = set(threading.enumerate()) - before
        unnamed = [t.name for t in ours if t.name.startswith("Thread-")
                   and "simple_websocket" not in t.name]
        assert not unnamed, unnamed
        ws.close()
    deadline = time.monotonic() + 5
    for thread in ours:
        thread.join(max(0.0, deadline - time.monotonic()))
    left = [t.name for t in ours if t.is_alive()]
    assert not left, left


#: What a serve with only the HTTP API (console off, no -c) has no use for (issue 10: startup
#: within 1.5x a bare Flask process): the console's Flask and werkzeug, the CLI verbs' requests,
#: PyYAML.
UNUSED = ("flask", "werkzeug", "requests", "yaml")


def test_a_serve_imports_only_what_its_config_uses(tmp_path):
    script = (
        "import sys\n"
        "from onebot_ref.cli import build_parser\n"
        "from onebot_ref.config import load_config\n"
        "from onebot_ref.runner import Runner\n"
        "build_parser()\n"
        "config = load_config(None)\n"
        "config.host, config.port, config.use_console = '127.0.0.1', 0, False\n"
        f"config.data_dir = {str(tmp_path / 'data')!r}\n"
        "with Runner(config):\n"
        f"    print(sorted(set({UNUSED!r}) & set(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout
