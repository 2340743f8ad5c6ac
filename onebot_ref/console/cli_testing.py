"""The test verbs of ``python -m onebot_ref``: expect and record, for shell-driven CI and for
recording a conversation a person has with the bot (docs/console-api.md).

    python -m onebot_ref expect message "echo: hi" --to-user 10001 --timeout 5
    python -m onebot_ref expect call set_group_ban group_id=20001 user_id=10002
    python -m onebot_ref expect no_message --within 1
    python -m onebot_ref expect bot --timeout 30              # a bot has connected
    python -m onebot_ref record -o session.yaml               # Ctrl-C writes the file

``expect`` exits 0 when met (the matched entry as JSON on stdout), 1 when not (the failure text
on stderr), 2 for a usage error or when it could not ask (no console, a refused field).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from typing import Any

from . import session
from .cli import CliError, _client, _connection_options, _json_value, _run
from .tail import BEYOND

NOT_MET, CANNOT_ASK = 1, 2


# --- expect ------------------------------------------------------------------------------------

def expectation(args: argparse.Namespace) -> tuple[dict, float]:
    """The ``POST /sim/expect`` body of the command line, and how long it may wait."""
    body: dict[str, Any] = {"kind": args.kind}
    if args.kind == "call":
        params = {}
        for item in args.params:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise CliError(f"{item!r}: expected PARAM=VALUE (VALUE is JSON when it parses)")
            params[key] = _json_value(value)
        body.update(action=args.action, params=params)
    if args.kind in ("message", "no_message"):
        text = getattr(args, "text", None) or getattr(args, "text_option", None)
        for key, value in (("text", text), ("regex", args.regex), ("to_user", args.to_user),
                           ("to_group", args.to_group)):
            if value is not None:
                body[key] = value
    if args.kind == "no_message":
        body["within"] = args.within
        return body, args.within
    body["timeout"] = args.timeout
    return body, args.timeout


def cmd_expect(args: argparse.Namespace) -> int:
    import requests  # here, not at the top: `serve` parses these verbs and must start fast

    try:
        body, seconds = expectation(args)
        client = _client(args)
        response = requests.post(client.url + "/sim/expect", json=body, headers=client.headers,
                                 timeout=seconds + 30)
    except CliError as err:
        print(f"error: {err}", file=sys.stderr)
        return CANNOT_ASK
    except requests.RequestException:
        print(f"error: no onebot_ref console at {client.url}: start the server with "
              "`python -m onebot_ref serve`, or pass --console URL", file=sys.stderr)
        return CANNOT_ASK
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code == 200:
        print(json.dumps(answer.get("matched"), ensure_ascii=False))
        return 0
    if response.status_code == 408:
        print(answer.get("error", ""), file=sys.stderr)
        return NOT_MET
    print(f"error: {answer.get('error') or f'HTTP {response.status_code}'}", file=sys.stderr)
    return CANNOT_ASK


# --- record ------------------------------------------------------------------------------------

def cmd_record(args: argparse.Namespace) -> int:
    client = _client(args)
    cursor = client.get("/sim/session", after=BEYOND, limit=1)["cursor"]
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"recording {client.url}: chat with the bot (its web page, `python -m onebot_ref "
          f"say`); Ctrl-C writes {args.output}", flush=True)
    deadline = None if args.duration is None else time.monotonic() + args.duration
    entries: list[dict] = []
    try:
        while not stop.is_set():
            left = 1.0 if deadline is None else deadline - time.monotonic()
            if left <= 0:
                break
            wait = min(left, 1.0)
            page = client.get("/sim/session", timeout=wait + 10, after=cursor, limit=5000,
                              wait=f"{wait:.2f}")
            entries += page["entries"]
            cursor = page["cursor"]
    except KeyboardInterrupt:
        pass
    page = client.get("/sim/session", after=cursor, limit=5000)  # what came meanwhile
    steps = session.steps_of(entries + page["entries"])
    session.dump(steps, args.output)
    calls = sum(len(step["calls"]) for step in steps)
    print(f"wrote {len(steps)} step(s) with {calls} call(s) of the bot to {args.output}")
    return 0


# --- registration ------------------------------------------------------------------------------

def add_commands(sub) -> None:
    """Register expect and record on the ``python -m onebot_ref`` subparsers."""
    expect = sub.add_parser(
        "expect", help="wait for the bot to send a message, call an action, stay silent or "
                       "connect (exit 0 met, 1 not met, 2 usage)",
        description="Wait for what the bot does after the last say/event, as "
                    "onebot_ref.testing's expect_* do (POST /sim/expect). Exit 0 when met (the "
                    "match as JSON), 1 when not (why, on stderr), 2 for a usage error.")
    kinds = expect.add_subparsers(dest="kind", metavar="KIND", required=True)
    message = kinds.add_parser("message", help="the bot's next message")
    message.add_argument("text", nargs="?", help="its plain text (exact; spaces around ignored)")
    no_message = kinds.add_parser("no_message", help="no message from the bot for a while")
    no_message.add_argument("--within", type=float, default=1.0, metavar="SECONDS",
                            help="how long nothing may come (default 1)")
    no_message.add_argument("--text", dest="text_option", help="only messages with this text")
    for parser in (message, no_message):
        parser.add_argument("--regex", help="a regular expression found in the text")
        parser.add_argument("--to-user", type=int, help="a private message to this user")
        parser.add_argument("--to-group", type=int, help="a message in this group")
    call = kinds.add_parser("call", help="the bot's next call of an action")
    call.add_argument("action", help="the action's name, e.g. send_msg")
    call.add_argument("params", nargs="*", metavar="PARAM=VALUE",
                      help="parameters it must have (VALUE is JSON when it parses)")
    bot = kinds.add_parser("bot", help="a bot has connected")
    for parser in (message, call, bot):
        parser.add_argument("--timeout", type=float, default=5.0, metavar="SECONDS",
                            help="how long to wait (default 5)")
    for parser in (message, no_message, call, bot):
        _connection_options(parser)
        parser.set_defaults(func=cmd_expect)

    record = sub.add_parser(
        "record", help="record a conversation with the bot into a session file to replay",
        description="Record what the other users do through the console (the web page, say, "
                    "event) and the bot's calls in answer, until Ctrl-C (or --duration), into "
                    "a YAML session that onebot_ref.testing's ob.replay() plays again.")
    record.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="the session file to write (YAML)")
    record.add_argument("--duration", type=float, metavar="SECONDS",
                        help="stop by itself after this long")
    _connection_options(record)
    record.set_defaults(func=_run(cmd_record))
