"""Command line: ``python -m onebot_ref serve [-c config.yaml]``.

``main(argv)`` returns the exit code instead of exiting, so tests call it directly. Exit codes:
0 after a clean stop (Ctrl-C, SIGTERM), 2 for usage and configuration errors (like argparse),
1 for anything unexpected.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from . import __version__
from .config import ConfigError, load_config

DESCRIPTION = """\
onebot_ref: the OneBot 11 reference server. It simulates the QQ world (the bot's account,
friends, groups, messages) and speaks the real OneBot 11 wire: HTTP API, HTTP POST, forward
and reverse WebSocket. Point your bot at it; play the other users from the console.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m onebot_ref", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"onebot_ref {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = sub.add_parser(
        "serve", help="run the server (all modes enabled in the config, and the console)",
        description="Run the server. Without -c: the embedded default world, the HTTP API on "
                    "0.0.0.0:5700, the forward WebSocket on 0.0.0.0:6700 and the console on "
                    "127.0.0.1:5800. Stop with Ctrl-C or SIGTERM.")
    serve.add_argument("-c", "--config", metavar="FILE",
                       help="YAML config (see config.example.yaml); keys are the legacy CQHTTP "
                            "names")
    serve.add_argument("--log-level", default="INFO",
                       choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                       help="log verbosity on stderr (default INFO)")
    serve.set_defaults(func=cmd_serve)
    _add_console_commands(sub)
    return parser


def _add_console_commands(sub) -> None:
    """The verbs that talk to a running server's console (say, event, tail, doctor),
    ``conform``, which checks any implementation (onebot_ref's own server not involved), and
    ``demo``, which runs a server with onebot_ref's own demo bot."""
    from .conformance.cli import add_command
    from .console.cli import add_commands
    from .demo.cli import add_command as add_demo

    add_commands(sub)
    add_command(sub)
    add_demo(sub)


def cmd_serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: "
                                                     "%(message)s")
    config = load_config(args.config)
    if args.config is None:
        # With no config, open the forward WebSocket too, so every bot SDK can connect.
        config.use_ws = True
    from .runner import Runner  # imported late: `--help` stays fast

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    runner = Runner(config)
    runner.start()
    try:
        print(runner.banner(), flush=True)
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("onebot_ref: stopping", file=sys.stderr, flush=True)
        runner.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except ConfigError as err:
        for problem in err.problems:
            print(f"config error: {problem}", file=sys.stderr)
        return 2
