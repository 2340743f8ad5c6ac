"""Harness of the interop tests: real bot frameworks as subprocesses against an in-process Runner.

    with contextlib.ExitStack() as stack:      # stops them in reverse order, even on failure
        runner = start_runner(stack, make_runner, use_ws=True)    # conftest's fixture
        bot = start_bot(stack, "nonebot_echo.py", {...}, tmp_path)
        bot.wait_for_line("READY 10000")                          # the bot's connection is up
        assert_echoes(runner, bot, "hello")  # a private and a group message, both answered

Every wait has a timeout and polls something observable: a line on the bot's output, a port
accepting connections, the traffic journal growing. A failure message carries the bot's output.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from onebot_ref.runner import Runner

BOTS = Path(__file__).parent / "bots"
SELF_ID = 10000
FRIEND_ID = 10001
GROUP_ID = 20001
STARTUP_TIMEOUT = 20.0  # a cold NoneBot start takes ~1.2 s here; leave room for a loaded CI
REPLY_TIMEOUT = 10.0

WORLD = {
    "self": {"user_id": SELF_ID, "nickname": "onebot-ref"},
    "friends": [{"user_id": FRIEND_ID, "nickname": "Alice"}],
    "groups": [{"group_id": GROUP_ID, "group_name": "Interop", "members": [
        {"user_id": SELF_ID, "role": "owner"},
        {"user_id": FRIEND_ID, "nickname": "Alice", "role": "member"}]}],
}

#: Environment variables the frameworks read as settings; the tests pass settings explicitly.
_FRAMEWORK_ENV = ("ENVIRONMENT", "HOST", "PORT", "DRIVER", "LOG_LEVEL", "SUPERUSERS",
                  "NICKNAME", "COMMAND_START", "COMMAND_SEP", "API_TIMEOUT")


def free_port() -> int:
    """A port that was free a moment ago (the bot, not us, has to listen on it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_runner(stack: contextlib.ExitStack, make_runner, **config) -> Runner:
    """A started Runner (conftest's ``make_runner``: every port 0, loopback) with the interop
    world and ``config`` on top; ``stack`` stops it. Reverse WS retries every 100 ms, so a bot
    that is still starting costs little."""
    settings = {"use_http": False, "ws_reverse_reconnect_interval": 100, "world": WORLD}
    return stack.enter_context(make_runner(**(settings | config)))


def start_bot(stack: contextlib.ExitStack, script: str, settings: dict,
              tmp_path: Path, command: list[str] | None = None) -> "BotProcess":
    """Launch bots/``script`` (or ``command``, e.g. a Node bot); ``stack`` stops it."""
    bot = BotProcess(script, settings, tmp_path, command)
    stack.callback(bot.stop)
    return bot


class BotProcess:
    """A bot script of bots/ run with ``settings`` (JSON on argv), its output collected."""

    def __init__(self, script: str, settings: dict, cwd: Path,
                 command: list[str] | None = None):
        env = {k: v for k, v in os.environ.items()
               if k.upper() not in _FRAMEWORK_ENV and not k.upper().startswith("ONEBOT")}
        env["PYTHONUNBUFFERED"] = "1"
        self.name = script
        self.lines: list[str] = []
        self._changed = threading.Condition()
        # cwd: an empty directory, so NoneBot finds no .env file of ours or the user's
        self.process = subprocess.Popen(
            [*(command or [sys.executable, str(BOTS / script)]), json.dumps(settings)],
            cwd=cwd, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8", errors="replace")
        self._reader = threading.Thread(target=self._read, name=f"interop-{script}",
                                        daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()  # end of output: the process is gone

    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines[-60:])

    def wait_for_line(self, line: str, timeout: float = STARTUP_TIMEOUT, count: int = 1) -> None:
        """Wait until the bot printed exactly ``line`` (``count`` times); fail early if it
        exited."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.lines.count(line) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None and \
                        not self._reader.is_alive():
                    raise AssertionError(f"{self.name} did not print {line!r} ({count} "
                                         f"time(s)) within {timeout} s"
                                         f" (exit code {self.process.poll()}); its output:\n"
                                         f"{self.output()}")
                self._changed.wait(min(remaining, 0.5))

    def wait_listening(self, port: int, timeout: float = STARTUP_TIMEOUT) -> None:
        """Wait until the bot's server accepts TCP connections on 127.0.0.1:``port``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"{self.name} is not listening on {port} after "
                                         f"{timeout} s (exit code {self.process.poll()}); its "
                                         f"output:\n{self.output()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM, and SIGKILL after 3 s: how a framework shuts down is not under test."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._reader.join(5)
        self.process.stdout.close()


def plain_text(message: list[dict]) -> str:
    return "".join(seg["data"]["text"] for seg in message if seg["type"] == "text")


def wait_reply(runner: Runner, after: int, message_type: str, text: str,
               bot: BotProcess, timeout: float = REPLY_TIMEOUT) -> dict:
    """Wait for the bot's own message (from_self) of ``message_type`` whose text is ``text``.

    Woken by the traffic journal growing (the bot's send_msg is a frame), checked in the
    world's message history, which is the observable result of the bot's answer."""
    deadline = time.monotonic() + timeout
    seen: list[dict] = []
    traffic_cursor = 0
    while True:
        _, traffic_cursor = runner.traffic.since(traffic_cursor, limit=1000)
        messages, after = runner.world.messages_since(after, 500)
        seen += messages
        for message in messages:
            if message["from_self"] and message["message_type"] == message_type \
                    and plain_text(message["message"]) == text:
                return message
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(
                f"no {message_type} reply {text!r} from {bot.name} within {timeout} s; "
                f"messages seen: {seen}; bot output:\n{bot.output()}")
        runner.traffic.wait(traffic_cursor, min(remaining, 0.5))


def assert_echoes(runner: Runner, bot: BotProcess, text: str) -> None:
    """A user's private message and group message are each answered "echo: <text>" (EVT-*,
    MSG-26: the text carries CQ-special characters, which must survive escaping both ways)."""
    message = [{"type": "text", "data": {"text": text}}]
    after = last_seq(runner)
    runner.world.receive_private_message(FRIEND_ID, message)
    reply = wait_reply(runner, after, "private", f"echo: {text}", bot)
    assert reply["target_id"] == FRIEND_ID, reply

    after = last_seq(runner)
    runner.world.receive_group_message(GROUP_ID, FRIEND_ID, message)
    reply = wait_reply(runner, after, "group", f"echo: {text}", bot)
    assert reply["group_id"] == GROUP_ID, reply


def last_seq(runner: Runner) -> int:
    """The cursor after the newest message of the world's history."""
    cursor = 0
    while True:
        messages, next_cursor = runner.world.messages_since(cursor, 500)
        if not messages:
            return next_cursor
        cursor = next_cursor
