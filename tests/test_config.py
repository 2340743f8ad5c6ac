"""Config loading: legacy keys (CFG-*), defaults, and one clear line per problem."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from onebot_ref.cli import main
from onebot_ref.config import ConfigError, describe, from_mapping, load_config

ROOT = Path(__file__).resolve().parent.parent


def problems_of(mapping) -> list[str]:
    with pytest.raises(ConfigError) as info:
        from_mapping(mapping)
    return info.value.problems


def test_defaults_are_the_legacy_ones():
    """CFG-1..16: the legacy CQHTTP defaults."""
    cfg = from_mapping({})
    assert (cfg.use_http, cfg.host, cfg.port) == (True, "0.0.0.0", 5700)
    assert (cfg.use_ws, cfg.ws_port, cfg.use_ws_reverse) == (False, 6700, False)
    assert cfg.ws_reverse_reconnect_interval == 3000
    assert cfg.ws_reverse_reconnect_on_code_1000 is True
    assert (cfg.post_url, cfg.post_timeout, cfg.secret, cfg.access_token) == ("", 0, "", "")
    assert cfg.post_message_format == "string"
    assert (cfg.enable_heartbeat, cfg.heartbeat_interval) == (False, 15000)
    assert cfg.rate_limit_interval == 500
    assert cfg.console_host == "127.0.0.1"


@pytest.mark.parametrize("spelling,value", [
    ("yes", True), ("TRUE", True), ("1", True), (1, True),
    ("no", False), ("False", False), ("0", False), (0, False)])
def test_cfg22_boolean_spellings(spelling, value):
    assert from_mapping({"use_ws": spelling}).use_ws is value


def test_cfg22_integer_strings():
    assert from_mapping({"port": "5701"}).port == 5701


@pytest.mark.parametrize("mapping,expected", [
    ({"use_htp": True}, "use_htp: unknown config key (did you mean 'use_http'?)"),
    ({"port": "abc"}, "port: expected an integer, got 'abc'"),
    ({"port": 70000}, "port: expected a port number 0-65535, got 70000"),
    ({"use_ws": "maybe"}, "use_ws: expected a boolean (true/false), got 'maybe'"),
    ({"post_message_format": "xml"}, "post_message_format: expected one of string, array, "
                                     "got 'xml'"),
    ({"post_url": "ftp://x"}, "post_url: expected a URL starting with http(s)://, got 'ftp://x'"),
    ({"use_ws_reverse": True}, "ws_reverse_url: required when use_ws_reverse is true"),
    ({"heartbeat_interval": 0}, "heartbeat_interval: expected a positive integer to 2147483647, got 0"),
    ({"console_host": "0.0.0.0"}, "console_host: '0.0.0.0' is not loopback"),
    ({"event_filter": "filter.json"}, "event_filter: event filters are not implemented"),
], ids=["unknown-key", "bad-int", "bad-port", "bad-bool", "bad-format", "bad-url",
        "reverse-without-url", "zero-interval", "console-exposed", "unsupported-legacy"])
def test_bad_config_names_the_key(mapping, expected):
    assert any(p.startswith(expected) for p in problems_of(mapping)), problems_of(mapping)


def test_every_problem_is_reported_at_once():
    assert len(problems_of({"port": "x", "ws_port": "y", "nope": 1})) == 3


def test_cfg21_legacy_keys_without_effect_are_accepted():
    assert from_mapping({"thread_pool_size": 8, "log_level": "debug"}).port == 5700


def test_example_file_lists_every_key_with_its_default():
    text = (ROOT / "config.example.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for name, default, *_ in describe():
        assert name in data, f"config.example.yaml lacks {name}"
        if name != "world":
            assert data[name] == default, f"{name}: example says {data[name]!r}"
    load_config(str(ROOT / "config.example.yaml"))  # and it is valid


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("port: 5700\n  use_ws: [\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(str(path))
    assert "line" in str(info.value) and "bad.yaml" in str(info.value)


def test_cli_exits_2_with_one_line_per_problem(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text("use_htp: true\nport: -1\n", encoding="utf-8")
    assert main(["serve", "-c", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["config error: use_htp: unknown config key (did you mean 'use_http'?)",
                   "config error: port: expected a port number 0-65535, got -1"]


def test_port_in_use_says_which_port(tmp_path, capsys):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    path = tmp_path / "c.yaml"
    path.write_text(f"host: 127.0.0.1\nport: {port}\nuse_console: false\n"
                    f"data_dir: {tmp_path / 'data'}\n", encoding="utf-8")
    try:
        assert main(["serve", "-c", str(path)]) == 2
    finally:
        busy.close()
    err = capsys.readouterr().err
    assert f"port: cannot listen on 127.0.0.1:{port}" in err


def test_help_is_useful():
    out = subprocess.run([sys.executable, "-m", "onebot_ref", "serve", "--help"],
                         capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert out.returncode == 0
    assert "-c FILE" in out.stdout and "SIGTERM" in out.stdout


# --- the config file through the one boundary (BAD-1, BAD-3) ----------------------------------
@pytest.mark.parametrize("content, problem", [
    pytest.param('access_token: "\\ud800"\n'.encode(), "access_token: holds a lone surrogate "
                 "\\ud800, which is not Unicode text", id="BAD-1-lone-surrogate-escape"),
    pytest.param('world:\n  self: {user_id: 1, nickname: "a\\udc00"}\n'.encode(),
                 "world.self.nickname: holds a lone surrogate \\udc00", id="BAD-1-in-the-world"),
    pytest.param(b"port: 5700\nsecret: \xff\n", "not valid UTF-8 (byte 0xff at offset 19)",
                 id="BAD-1-invalid-utf-8"),
    pytest.param(b"heartbeat_interval: 1000000000000000000000000000000\n",
                 "heartbeat_interval: expected a positive integer to 2147483647, got "
                 "1000000000000000000000000000000", id="BAD-3-a-wait-past-int32"),
    pytest.param(b"post_timeout: 2147483648\n", "post_timeout: expected 0 to 2147483647",
                 id="BAD-3-seconds-past-int32"),
    pytest.param(b"[" * 5000, "nests deeper than YAML is read", id="BAD-1-deep-yaml"),
])
def test_the_config_file_is_strict_and_exits_2_naming_the_key(tmp_path, capsys, content, problem):
    path = tmp_path / "c.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as info:
        load_config(str(path))
    assert problem in str(info.value)
    assert main(["serve", "-c", str(path)]) == 2
    assert problem in capsys.readouterr().err
