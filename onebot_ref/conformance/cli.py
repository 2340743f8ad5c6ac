"""``python -m onebot_ref conform``: check any OneBot 11 implementation over the wire.

Exit codes: 0 when every case that ran passed (or was an accepted deviation, informational,
unsupported or known), 1 on any FAIL or TIMEOUT and when no case ran at all (a run that checks
nothing must not look green), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import profiles

DESCRIPTION = """\
Check a OneBot 11 implementation against the spec, over the wire only: its HTTP API, its
forward WebSocket, and (listening here) its HTTP POST and reverse WebSocket. Each case quotes
the spec sentence it checks. Cases that change state (send messages, set a card) run only with
--destructive, and only against --user-id / --group-id. The report certifies nothing.
"""


def add_command(sub) -> None:
    conform = sub.add_parser("conform", help="check a OneBot 11 implementation against the spec",
                             description=DESCRIPTION,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    add = conform.add_argument
    add("--http", metavar="URL", help="the HTTP API, e.g. http://127.0.0.1:5700")
    add("--ws", metavar="URL", help="the forward WebSocket, e.g. ws://127.0.0.1:6700")
    add("--token", default="", help="the target's access_token")
    add("--secret", default="", help="the target's HTTP POST secret (checks X-Signature)")
    add("--listen-post", metavar="HOST:PORT", type=_address,
        help="receive the target's HTTP POST here (its post_url: http://HOST:PORT/)")
    add("--listen-reverse", metavar="HOST:PORT", type=_address,
        help="accept the target's reverse WebSocket here (its URL: ws://HOST:PORT/)")
    add("--user-id", type=int, help="a test friend: the destructive cases write only here")
    add("--group-id", type=int, help="a test group: the destructive cases write only here")
    add("--destructive", action="store_true",
        help="run the cases that change state (messages to --user-id, cards in --group-id...)")
    add("--cases", nargs="+", action="extend", metavar="GLOB",
        help="run only these case ids (globs: 'communication/ws/*')")
    add("--exclude", nargs="+", action="extend", metavar="GLOB", default=[],
        help="do not run these case ids")
    add("--profile", default="spec", choices=profiles.NAMES,
        help="the implementation's documented deviations become KNOWN (default: spec)")
    add("--strict", action="store_true",
        help="accepted deviations (NON-STRICT) and failed SHOULD cases count as FAIL")
    add("--timeout", type=float, default=5.0, metavar="S",
        help="seconds to wait for each answer, frame or connection (default 5)")
    add("--seed", type=int, help="seed of the texts the runner sends (default: random)")
    add("--report", metavar="DIR", help="write DIR/index.json and DIR/index.html")
    add("--junit", metavar="FILE", help="write a JUnit XML report")
    add("--dry-run", action="store_true", help="list the selected cases, contact nothing")
    add("--merge", nargs="+", metavar="INDEX", help="merge several index.json into one matrix "
                                                    "(printed; with --report also written)")
    conform.set_defaults(func=cmd_conform)


def _address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


def cmd_conform(args: argparse.Namespace) -> int:
    from . import cases as _cases  # noqa: F401  # registers every case
    from .execute import run, select
    from .report_text import footer, line
    from .session import Options, Target

    if args.merge:
        return _merge(args)
    try:
        profile = profiles.get(args.profile)
    except LookupError as err:
        print(f"conform: {err}", file=sys.stderr)
        return 2
    target = Target(http=args.http, ws=args.ws, token=args.token, secret=args.secret,
                    listen_post=args.listen_post, listen_reverse=args.listen_reverse,
                    user_id=args.user_id, group_id=args.group_id)
    options = Options(cases=tuple(args.cases or ("*",)), exclude=tuple(args.exclude),
                      profile=profile.name, strict=args.strict, timeout=args.timeout,
                      destructive=args.destructive, seed=args.seed)
    if args.dry_run:
        chosen = select(target, options)
        for case, reason in chosen:
            print(f"{case.id:<40} {case.level.value:<22} {case.title}"
                  + (f"\n{'':41}(would skip: {reason})" if reason else ""))
        print(f"{len(chosen)} cases selected, {sum(not r for _, r in chosen)} would run")
        return 0 if chosen else 1
    if not (args.http or args.ws):
        print("conform: give --http URL and/or --ws URL (the target's API)", file=sys.stderr)
        return 2
    try:
        result = run(target, options, on_result=lambda r: print(line(r), flush=True))
    except OSError as err:  # a listener could not bind
        print(f"conform: cannot listen: {err}", file=sys.stderr)
        return 2
    _write_reports(args, result)  # before the footer: the table ends with "N passed, N failed"
    print("\n" + "\n".join(footer(result)), flush=True)
    return 1 if result.failed else 0


def _write_reports(args: argparse.Namespace, result) -> None:
    from .report_html import page
    from .report_json import dumps, index
    from .report_text import junit
    from .wirelog import Mask

    mask = Mask(args.token, args.secret)
    if args.report:
        os.makedirs(args.report, exist_ok=True)
        _write(os.path.join(args.report, "index.json"), mask(dumps(index(result))))
        _write(os.path.join(args.report, "index.html"), mask(page(result)))
        print(f"report: {os.path.join(args.report, 'index.html')}")
    if args.junit:
        _write(args.junit, junit(result, mask).decode("utf-8"))


def _merge(args: argparse.Namespace) -> int:
    import json

    from .report_html import matrix
    from .report_json import dumps, matrix_text, merge

    loaded = []
    for name in args.merge:
        try:
            with open(name, encoding="utf-8") as fh:
                loaded.append((name, json.load(fh)))
        except (OSError, ValueError) as err:
            print(f"conform --merge: {name}: {err}", file=sys.stderr)
            return 2
    try:
        merged = merge(loaded)
    except ValueError as err:
        print(f"conform --merge: {err}", file=sys.stderr)
        return 2
    print(matrix_text(merged))
    if args.report:
        os.makedirs(args.report, exist_ok=True)
        _write(os.path.join(args.report, "matrix.json"), dumps(merged))
        _write(os.path.join(args.report, "matrix.html"), matrix(merged))
    return 0


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
