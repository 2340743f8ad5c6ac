"""``python -m onebot_ref conform``: options, exit codes, and the files it writes (the terminal
table's last line, index.json, the HTML page, JUnit XML, ``--merge``)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from helpers import start_runner
from onebot_ref import profiles
from onebot_ref.cli import main
from onebot_ref.conformance.model import SPEC_COMMIT

TOKEN = "cli-token-42"
CLOSING = re.compile(r"^\d+ passed, \d+ failed$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    with start_runner(tmp_path, use_ws=True, access_token=TOKEN) as runner:
        yield runner


def conform(capsys, *args: str) -> tuple[int, list[str]]:
    code = main(["conform", *args])
    return code, capsys.readouterr().out.splitlines()


def test_a_run_writes_the_table_index_html_and_junit(server, tmp_path, capsys):
    report, junit = tmp_path / "report", tmp_path / "junit.xml"
    code, out = conform(capsys, "--http", server.url("http"), "--ws", server.url("ws"),
                        "--token", TOKEN, "--cases", "communication/http/*",
                        "communication/ws/2*", "--exclude", "communication/http/4*",
                        "--report", str(report), "--junit", str(junit), "--seed", "3")
    assert code == 0, "\n".join(out)
    assert CLOSING.match(out[-1]) and out[-1].endswith(" 0 failed"), out[-3:]
    assert any(line.startswith("report: ") for line in out)

    data = json.loads((report / "index.json").read_text(encoding="utf-8"))
    assert data["format"] == 1 and data["tool"] == "onebot_ref conform"
    assert data["spec"].endswith(SPEC_COMMIT) and data["seed"] == 3
    assert data["target"]["version_info"]["protocol_version"] == "v11"
    assert data["agent"].startswith("onebot_ref")
    assert data["options"]["token"] == "set" and data["options"]["exclude"] == [
        "communication/http/4*"]
    assert data["cases"]["communication/http/1"]["verdict"] == "PASS"
    assert data["cases"]["communication/http/40"]["verdict"] == "SKIPPED"  # excluded
    assert "excluded" in data["cases"]["communication/http/40"]["reason"]
    assert sum(data["counts"].values()) == len(data["cases"])
    assert data["not_covered"] and "certifies nothing" in data["disclaimer"]

    html = (report / "index.html").read_text(encoding="utf-8")
    assert "certifies nothing" in html and "communication/ws/20" in html
    assert "如果 POST 请求的 Content-Type 不支持，状态码为 406" in html  # the quoted requirement
    assert "curl -i -X POST" in html  # a reproducer
    for text in (html, (report / "index.json").read_text(encoding="utf-8"),
                 junit.read_text(encoding="utf-8")):
        assert TOKEN not in text

    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite" and int(suite.get("tests")) == len(data["cases"])
    assert int(suite.get("failures")) == 0


def test_merge_makes_one_matrix(server, tmp_path, capsys):
    for name, extra, exits in (("a", [], 0), ("b", ["--strict"], 1)):
        code, _ = conform(capsys, "--http", server.url("http"), "--token", TOKEN, "--cases",
                          "communication/http/4[0-5]", "--report", str(tmp_path / name), *extra)
        assert code == exits  # --strict: NON-STRICT is a FAIL
    code, out = conform(capsys, "--merge", str(tmp_path / "a" / "index.json"),
                        str(tmp_path / "b" / "index.json"), "--report", str(tmp_path / "m"))
    assert code == 0
    merged = json.loads((tmp_path / "m" / "matrix.json").read_text(encoding="utf-8"))
    assert len(merged["agents"]) == 2
    # RESP-10: the extra `message` key is NON-STRICT, and FAIL under --strict
    assert list(merged["cases"]["communication/http/43"].values()) == ["NON-STRICT", "FAIL"]
    assert any(line.startswith("communication/http/43") for line in out)
    assert (tmp_path / "m" / "matrix.html").exists()


def test_zero_cases_run_is_a_failure(server, capsys):
    code, out = conform(capsys, "--http", server.url("http"), "--cases", "no/such/*")
    assert code == 1 and "no case ran" in "\n".join(out)
    code, out = conform(capsys, "--http", server.url("http"), "--cases", "communication/ws/1")
    assert code == 1  # selected, but skipped: no --ws


def test_a_failure_exits_1(capsys):
    port = free_port()
    code, out = conform(capsys, "--http", f"http://127.0.0.1:{port}", "--cases",
                        "communication/http/1", "--timeout", "0.5")
    assert code == 1
    assert out[-1] == "0 passed, 1 failed" and "connection refused" in "\n".join(out)


def test_listen_post_and_reverse_by_address(tmp_path, capsys):
    post, reverse = free_port(), free_port()
    keys = dict(post_url=f"http://127.0.0.1:{post}/", enable_heartbeat=True,
                heartbeat_interval=200, use_ws_reverse=True,
                ws_reverse_url=f"ws://127.0.0.1:{reverse}/ws", ws_reverse_reconnect_interval=100,
                ws_reverse_use_universal_client=True, secret="s3cret")
    with start_runner(tmp_path, **keys) as runner:
        code, out = conform(capsys, "--http", runner.url("http"), "--secret", "s3cret",
                            "--listen-post", f"127.0.0.1:{post}", "--listen-reverse",
                            f"127.0.0.1:{reverse}", "--cases", "communication/http-post/*",
                            "communication/ws-reverse/[1256]", "event/meta/1[23]")
    assert code == 0, "\n".join(out)
    assert "FAIL" not in "\n".join(out[:-1])


def test_dry_run_lists_without_contacting_anything(capsys):
    code, out = conform(capsys, "--dry-run", "--cases", "communication/ws/*")
    assert code == 0
    listed = "\n".join(out)
    assert re.search(r"^communication/ws/20 .*\n +\(would skip: needs --ws or "
                     r"--listen-reverse\)$", listed, re.M), listed
    assert re.match(r"\d+ cases selected, \d+ would run$", out[-1])
    assert conform(capsys, "--dry-run", "--cases", "none")[0] == 1


def test_usage_errors_exit_2(capsys):
    assert main(["conform"]) == 2  # neither --http nor --ws
    for name in profiles.NAMES:
        try:
            profiles.get(name)
        except LookupError:
            assert main(["conform", "--http", "http://127.0.0.1:1", "--profile", name]) == 2
    with pytest.raises(SystemExit) as exit_:
        main(["conform", "--listen-post", "nowhere"])
    assert exit_.value.code == 2


def test_python_m_onebot_ref_conform():
    done = subprocess.run([sys.executable, "-m", "onebot_ref", "conform", "--dry-run",
                           "--cases", "api/public/*"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "api/public/get_msg/1" in done.stdout
