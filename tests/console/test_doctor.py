"""``python -m onebot_ref doctor -c FILE``: the config check and, per enabled mode, the settings
for NoneBot2 (nonebot/adapter-onebot v11 config.py, adapter.py), aiocqhttp (aiocqhttp/__init__.py)
and Koishi (koishi-plugin-adapter-onebot src/bot/index.ts, http.ts, ws.ts)."""

from __future__ import annotations

import pytest

from onebot_ref.cli import main


def doctor(capsys, tmp_path, yaml: str | None) -> tuple[int, str, str]:
    argv = ["doctor"]
    if yaml is not None:
        path = tmp_path / "config.yaml"
        path.write_text(yaml)
        argv += ["-c", str(path)]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


CASES = [
    pytest.param("use_http: true\nport: 5701\n", [
        "[HTTP API] onebot_ref listens on http://127.0.0.1:5701/:action",
        'ONEBOT_API_ROOTS={"10000": "http://127.0.0.1:5701/"}', "DRIVER=~fastapi+~httpx",
        'bot = CQHttp(api_root="http://127.0.0.1:5701/")',
        "protocol: http", "selfId: '10000'", "endpoint: http://127.0.0.1:5701",
        "the HTTP API alone delivers no events"], id="http-api"),
    pytest.param("use_http: false\nuse_ws: true\nws_port: 6701\naccess_token: tok\n", [
        "[forward WebSocket] onebot_ref listens on ws://127.0.0.1:6701/",
        'ONEBOT_WS_URLS=["ws://127.0.0.1:6701/"]', "ONEBOT_ACCESS_TOKEN=tok",
        "aiocqhttp has no forward WebSocket client", "protocol: ws",
        "endpoint: ws://127.0.0.1:6701", "token: tok", "no problems found"], id="ws-forward"),
    pytest.param("use_http: true\npost_url: http://127.0.0.1:8080/onebot/v11/http\n"
                 "secret: shh\n", [
        "[HTTP POST] onebot_ref posts every event to http://127.0.0.1:8080/onebot/v11/http",
        "HOST=127.0.0.1", "PORT=8080", "ONEBOT_SECRET=shh",
        'bot = CQHttp(api_root="http://127.0.0.1:5700/", secret="shh")',
        'bot.run(host="127.0.0.1", port=8080)', "aiocqhttp receives HTTP POST at /, not "
        "/onebot/v11/http", "path: /onebot/v11/http", "secret: shh"], id="http-post"),
    pytest.param("use_http: false\nuse_ws_reverse: true\nws_reverse_use_universal_client: true\n"
                 "ws_reverse_url: ws://127.0.0.1:8080/onebot/v11/ws\n", [
        "[reverse WebSocket] onebot_ref connects to Universal ws://127.0.0.1:8080/onebot/v11/ws",
        "DRIVER=~fastapi", "PORT=8080", "protocol: ws-reverse", "path: /onebot/v11/ws",
        "aiocqhttp accepts the universal connection at /ws/"], id="ws-reverse"),
    pytest.param("use_http: false\nuse_ws_reverse: true\nws_reverse_url: ws://127.0.0.1:9/ws/\n", [
        "connects to Api ws://127.0.0.1:9/ws/, Event ws://127.0.0.1:9/ws/",
        "set ws_reverse_use_universal_client: true",
        "NoneBot2 accepts reverse WebSockets at /onebot/v11/ws, not /ws/ (api URL)",
        "aiocqhttp accepts the api connection at /ws/api/, not /ws/"], id="ws-reverse-split"),
    pytest.param("use_http: false\n", ["no communication mode is enabled"], id="no-mode"),
    pytest.param("host: 0.0.0.0\n", ["host 0.0.0.0 accepts connections from the whole network "
                                      "and access_token is empty"], id="open-host"),
    pytest.param("world:\n  self: {user_id: 4242, nickname: Robo}\n", [
        "bot account      4242 (Robo)", 'ONEBOT_API_ROOTS={"4242": "http://127.0.0.1:5700/"}',
        "selfId: '4242'"], id="self-id"),
]


@pytest.mark.parametrize("yaml,expected", CASES)
def test_doctor_prints_the_settings_of_each_enabled_mode(capsys, tmp_path, yaml, expected):
    code, out, err = doctor(capsys, tmp_path, yaml)
    assert code == 0, err
    assert "the config is valid" in out.splitlines()[0]
    for text in expected:
        assert text in out


def test_doctor_shows_only_enabled_modes(capsys, tmp_path):
    _, out, _ = doctor(capsys, tmp_path, "use_http: true\n")
    assert "[HTTP API]" in out
    for section in ("[HTTP POST]", "[forward WebSocket]", "[reverse WebSocket]"):
        assert section not in out


def test_doctor_without_config_matches_serve_defaults(capsys, tmp_path):
    """Without -c, serve opens the HTTP API and the forward WebSocket."""
    code, out, _ = doctor(capsys, tmp_path, None)
    assert code == 0 and "[HTTP API]" in out and "[forward WebSocket]" in out


def test_doctor_bad_config_lists_the_problems_exit_2(capsys, tmp_path):
    code, out, err = doctor(capsys, tmp_path, "use_htp: true\nport: 99999\n")
    assert code == 2 and out == ""
    assert "config error: use_htp: unknown config key (did you mean 'use_http'?)" in err
    assert "config error: port: expected a port number 0-65535, got 99999" in err


def test_doctor_says_whether_the_server_runs(make_runner, capsys, tmp_path):
    with make_runner(use_console=True) as runner:
        port = runner.ports["console"]
        _, out, _ = doctor(capsys, tmp_path, f"console_port: {port}\n")
    assert f"http://127.0.0.1:{port}/ — server running (bot 10000)" in out
    _, out, _ = doctor(capsys, tmp_path, f"console_port: {port}\n")
    assert "no server running there now" in out
