"""``python -m onebot_ref demo NAME``: play a guided demo (see the package's docstring).

    python -m onebot_ref demo --list
    python -m onebot_ref demo http                  # a step every 4 s; the console on :5800
    python -m onebot_ref demo reverse-ws --step-delay 0 --keep

Exit codes: 0 when every frame the steps announced was seen, 1 when one was missing, 2 for a
usage or configuration error (an unknown demo, a console port in use).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading

from . import DEMOS, get

STEP_DELAY = 4.0  # seconds: time to read a step's note and its arrows


def add_command(sub) -> None:
    demo = sub.add_parser(
        "demo", help="play a guided demo with onebot_ref's own demo bot (no bot needed)",
        description="Start the server with a small demo bot of onebot_ref's own and play one "
                    "scenario step by step; open the console's sequence view to watch it. "
                    "Each step names the spec page and rule ids it demonstrates. Demos: "
                    + ", ".join(DEMOS) + ".")
    demo.add_argument("name", nargs="?", metavar="NAME", help="the demo: " + ", ".join(DEMOS))
    demo.add_argument("--list", action="store_true", help="list the demos and stop")
    demo.add_argument("--step-delay", type=float, default=STEP_DELAY, metavar="SECONDS",
                      help=f"pause before each step (default {STEP_DELAY:g}; 0: no pause)")
    demo.add_argument("--keep", action="store_true",
                      help="keep the server up after the last step (Ctrl-C stops it)")
    demo.add_argument("--console-port", type=int, default=5800, metavar="PORT",
                      help="the console's port on 127.0.0.1 (default 5800; 0: a free one)")
    demo.add_argument("--log-level", default="ERROR",
                      choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                      help="server log verbosity on stderr (default ERROR: the journal shows "
                           "everything)")
    demo.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    if args.list or not args.name:
        for name in DEMOS:
            demo = get(name)
            print(f"{name:<12} {demo.title} ({len(demo.steps)} steps)")
        return 0 if args.list else 2
    if args.name not in DEMOS:
        print(f"demo: no demo {args.name!r}; the demos are {', '.join(DEMOS)}", file=sys.stderr)
        return 2
    logging.basicConfig(level=args.log_level, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="onebot_ref-demo-") as data_dir:
        return run(get(args.name), data_dir, step_delay=args.step_delay, keep=args.keep,
                   console_port=args.console_port)


def run(demo, data_dir: str, *, step_delay: float, keep: bool, console_port: int,
        out=print) -> int:
    """Start the listener and the server, play ``demo``, stop everything; the exit code."""
    from ..config import from_mapping
    from ..runner import Runner
    from .listener import Listener
    from .player import play
    from .wire import USER_AGENT

    listener = Listener(demo.secret).start()
    config = from_mapping({"host": "127.0.0.1", "port": 0, "ws_host": "127.0.0.1",
                           "ws_port": 0, "console_host": "127.0.0.1",
                           "console_port": console_port, "data_dir": data_dir,
                           **demo.config(listener)})
    runner = Runner(config)
    stop = threading.Event()
    out(f"onebot_ref demo {demo.name}: {demo.title} ({len(demo.steps)} steps)")
    out(f"  the demo bot: onebot_ref's own small bot, User-Agent {USER_AGENT}, listening on "
        f"{listener.url('/')}")

    def listening() -> None:
        out(f"  watch it in the console: {runner.url('console')}/?view=sequence")
        if step_delay > 0 and sys.stdin.isatty():  # a person: let them open the page first
            input("  open it, then press Enter to begin… ")

    result = None
    try:
        result = play(demo, runner, listener, step_delay=step_delay, out=out, stop=stop,
                      on_listen=listening)
        if keep:
            out(f"the server stays up: {runner.url('console')}/?view=sequence (Ctrl-C stops "
                f"it)")
            while not stop.wait(0.5):
                pass
    except KeyboardInterrupt:
        pass
    finally:
        runner.stop()
        listener.stop()
    return 0 if result is None or result.ok else 1
