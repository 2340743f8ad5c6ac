"""The console verbs of ``python -m onebot_ref``: say, event, tail (talk to a running server's
console over its JSON API) and doctor (reads a config; see doctor.py); expect and record are
in cli_testing.py.

    python -m onebot_ref say --user 10001 "hello"                 # Alice writes to the bot
    python -m onebot_ref say --group 20001 --user 10002 "hi all"  # Bob speaks in a group
    python -m onebot_ref event friend_request --user 10009 --comment "add me"
    python -m onebot_ref tail --channel ws                        # follow the traffic journal
    python -m onebot_ref tail --svg out.svg                       # the sequence view, as SVG
    python -m onebot_ref doctor -c config.yaml                    # what to paste into your bot

Which console: ``--console URL``, else ``console_host:console_port`` of ``-c FILE``, else
http://127.0.0.1:5800. Errors are one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from ..config import load_config
from . import kinds
from .doctor import cmd_doctor, console_url
from .tail import BEYOND, CHANNEL_COLOURS, cmd_tail

DEFAULT_CONSOLE = "http://127.0.0.1:5800"
#: event fields -> command-line options (the rest: --set FIELD=VALUE)
OPTIONS = {"user_id": "--user", "group_id": "--group", "operator_id": "--operator",
           "target_id": "--target", "message_id": "--message-id", "duration": "--duration",
           "comment": "--comment", "honor_type": "--honor-type", "file": "--file"}


class CliError(Exception):
    """A one-line error for the user."""


class ConsoleClient:
    """The JSON API of a running console, with errors turned into one readable line."""

    def __init__(self, url: str, token: str = ""):
        self.url = url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _request(self, method: str, path: str, timeout: float = 10, **kwargs) -> Any:
        import requests  # here, not at the top: `serve` parses these verbs and must start fast

        try:
            response = requests.request(method, self.url + path, headers=self.headers,
                                        timeout=timeout, **kwargs)
        except requests.ConnectionError:
            raise CliError(f"no onebot_ref console at {self.url}: start the server with "
                           f"`python -m onebot_ref serve`, or pass --console URL") from None
        except requests.Timeout:
            raise CliError(f"the console at {self.url} did not answer in {timeout:g} s") \
                from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code in (401, 403):
            raise CliError(f"the console at {self.url} refused the access token "
                           f"({response.status_code}): pass --token TOKEN or -c FILE")
        if not isinstance(body, dict):
            raise CliError(f"{self.url} answered HTTP {response.status_code} without JSON: "
                           f"is it an onebot_ref console?")
        if response.status_code not in (200, 201):
            raise CliError(body.get("error") or f"HTTP {response.status_code}")
        return body

    def get(self, path: str, timeout: float = 10, **params) -> Any:
        return self._request("GET", path, timeout=timeout, params=params)

    def post(self, path: str, body: dict) -> Any:
        return self._request("POST", path, json=body)

    def delete(self, path: str) -> Any:
        return self._request("DELETE", path)


def _client(args: argparse.Namespace) -> ConsoleClient:
    token = args.token
    if args.console:
        url = args.console if "://" in args.console else "http://" + args.console
    elif args.config:
        config = load_config(args.config)
        if not config.use_console:
            raise CliError(f"{args.config}: use_console is false: this server has no console")
        url, token = console_url(config), token or config.access_token
    else:
        url = DEFAULT_CONSOLE
    return ConsoleClient(url, token or "")


def _connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("which server")
    group.add_argument("--console", metavar="URL",
                       help=f"the console's URL (default: from -c FILE, else {DEFAULT_CONSOLE})")
    group.add_argument("-c", "--config", metavar="FILE",
                       help="the server's config: console_host, console_port, access_token")
    group.add_argument("--token", default="", help="access token (a non-loopback console)")


# --- say ---------------------------------------------------------------------------------------

def _names(world: dict) -> dict[int, str]:
    names = {world["self"]["user_id"]: world["self"]["nickname"]}
    for group in world["groups"]:
        names.update({m["user_id"]: m["nickname"] for m in group["members"]})
    names.update({f["user_id"]: f["nickname"] for f in world["friends"]})
    return names


def cmd_say(args: argparse.Namespace) -> int:
    client = _client(args)
    message = " ".join(args.message)
    names = _names(client.get("/sim/world"))
    cursor = client.get("/sim/messages", after=BEYOND)["cursor"]
    if args.group is not None and not args.temp:
        answer = client.post("/sim/group_message", {"group_id": args.group,
                                                    "user_id": args.user, "message": message})
        where = f"in group {args.group}"
    else:
        body = {"user_id": args.user, "message": message}
        if args.group is not None:
            body["group_id"] = args.group
        answer = client.post("/sim/private_message", body)
        where = "to the bot" + (f" (via group {args.group})" if args.group is not None else "")
    print(f"{names.get(args.user, args.user)} ({args.user}) {where}: {message}  "
          f"[message_id {answer['message_id']}]")
    # Show the bot's replies in this conversation that arrive within --wait seconds.
    deadline, replied = time.monotonic() + args.wait, False
    while (left := deadline - time.monotonic()) > 0:
        page = client.get("/sim/messages", timeout=left + 10, after=cursor,
                          wait=f"{min(left, 0.3) if replied else left:.2f}")
        cursor = page["cursor"]
        for item in page["messages"]:
            same = (item.get("group_id") == args.group if item["message_type"] == "group" and
                    not args.temp else item.get("target_id") == args.user)
            if item["from_self"] and same:
                replied = True
                print(f"  bot {names.get(item['user_id'], '')} ({item['user_id']}): "
                      f"{item['raw_message']}  [message_id {item['message_id']}]")
        if replied and not page["messages"]:
            break
    if not replied and args.wait > 0:
        print(f"  (no reply from the bot within {args.wait:g} s)")
    return 0


# --- event -------------------------------------------------------------------------------------

def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def cmd_event(args: argparse.Namespace) -> int:
    client = _client(args)
    if args.json:
        partial = _json_value(args.json)
        if not isinstance(partial, dict):
            raise CliError("--json: expected a JSON object with post_type")
    elif args.kind:
        shape = kinds.KINDS.get(args.kind)  # None: a Milky-only kind (--set its fields)
        values: dict[str, Any] = {}
        for field, option in OPTIONS.items():
            value = getattr(args, option[2:].replace("-", "_"))
            if value is not None:
                values[field] = _json_value(value) if field == "file" else value
        if shape is not None and len(shape.sub_types) > 1:  # the spec's first unless told
            values["sub_type"] = args.sub_type or shape.sub_types[0]
        for item in args.set:
            key, sep, value = item.partition("=")
            if not sep:
                raise CliError(f"--set {item!r}: expected FIELD=VALUE")
            values[key] = _json_value(value)
        partial = kinds.partial_event(args.kind, values)
    else:
        raise CliError(f"event: give a KIND ({', '.join(kinds.KINDS)}) or --json '{{...}}'")
    event = client.post("/sim/event", partial)["event"]
    print(json.dumps(event, ensure_ascii=False))
    if event.get("post_type") == "request":
        action = "set_friend_add_request" if event["request_type"] == "friend" \
            else "set_group_add_request"
        print(f"the bot answers it with {action} flag={event['flag']!r}", file=sys.stderr)
    return 0


# --- registration ------------------------------------------------------------------------------

def _run(fn):
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except CliError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    return run


def add_commands(sub) -> None:
    """Register say, event, tail and doctor on the ``python -m onebot_ref`` subparsers."""
    say = sub.add_parser("say", help="send a message as one of the other users",
                         description="Send a message as a simulated user (a CQ string: "
                                     "[CQ:face,id=14] works) and print the bot's replies.")
    say.add_argument("--user", type=int, required=True, help="who speaks (QQ number)")
    say.add_argument("--group", type=int, help="speak in this group (else: a private message)")
    say.add_argument("--temp", action="store_true",
                     help="with --group: a private message from a group member (sub_type group)")
    say.add_argument("--wait", type=float, default=2.0, metavar="SECONDS",
                     help="how long to wait for the bot's replies (default 2; 0: don't wait)")
    say.add_argument("message", nargs="+", help="the message text")
    _connection_options(say)
    say.set_defaults(func=_run(cmd_say))

    event = sub.add_parser(
        "event", help="send a notice or request event (friend_request, group_increase, ...)",
        description="Send a notice or request event as the other users would cause it. The "
                    "server fills time, self_id and a request's flag, and changes the world "
                    "(group_increase adds the member). Kinds: " + ", ".join(kinds.KINDS) + ".")
    event.add_argument("kind", nargs="?", choices=[*kinds.KINDS, *kinds.MILKY_KINDS],
                       metavar="KIND", help="the event kind: " + ", ".join(kinds.KINDS)
                       + "; Milky only: " + ", ".join(kinds.MILKY_KINDS))
    for field, option in OPTIONS.items():
        event.add_argument(option, type=int if field.endswith("_id") or field == "duration"
                           else str, help=f"the event's {field}"
                           + (" (a JSON object: id, name, size, busid)" if field == "file"
                              else ""))
    event.add_argument("--sub-type", help="sub_type (default: the first the spec lists)")
    event.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                       help="any other field (VALUE is JSON when it parses)")
    event.add_argument("--json", metavar="EVENT", help="the whole partial event as JSON")
    _connection_options(event)
    event.set_defaults(func=_run(cmd_event))

    tail = sub.add_parser("tail", help="follow the traffic journal, one line per frame",
                          description="Follow the traffic journal of a running server: every "
                                      "HTTP request, POST, WebSocket frame and connection, "
                                      "with the server's verdict. Ctrl-C stops.")
    tail.add_argument("--channel", action="append", choices=list(CHANNEL_COLOURS),
                      help="only this channel (repeatable)")
    tail.add_argument("-n", "--lines", type=int, help="start with the last N frames (default "
                      "10; with --svg, as many as the page's sequence view draws)")
    tail.add_argument("--all", action="store_true", help="start from the first frame kept")
    tail.add_argument("--json", action="store_true", help="one JSON frame per line")
    tail.add_argument("--no-color", action="store_true", help="no colours even on a terminal")
    tail.add_argument("--once", action="store_true",
                      help="print the frames there are and stop instead of following")
    tail.add_argument("--svg", metavar="FILE", help="write the frames there are to FILE as the "
                      "page's sequence view draws them (SVG), and stop")
    tail.add_argument("--lang", choices=["en", "zh-CN"], default="en",
                      help="with --svg: the language of the lanes' names (default en)")
    tail.add_argument("--connection", metavar="TEXT", help="with --svg: only the connections "
                      "whose lane names TEXT (a peer, a path: 127.0.0.1:50412, /api)")
    _connection_options(tail)
    tail.set_defaults(func=_run(lambda args: cmd_tail(args, _client(args))))

    doctor = sub.add_parser(
        "doctor", help="check a config and print what to paste into NoneBot2, aiocqhttp, Koishi",
        description="Check a config and print, for each enabled mode, the settings that "
                    "connect NoneBot2 (.env), aiocqhttp (CQHttp(...)) and Koishi "
                    "(adapter-onebot) to it.")
    doctor.add_argument("-c", "--config", metavar="FILE",
                        help="the config to check (default: what `serve` runs without -c)")
    doctor.set_defaults(func=_run(cmd_doctor))

    from .cli_faults import add_command as add_fault_command  # fault
    from .cli_testing import add_commands as add_test_commands  # expect, record

    add_test_commands(sub)
    add_fault_command(sub)
