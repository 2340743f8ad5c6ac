"""``python -m onebot_ref fault ...``: inject faults into a running server through its console
(docs/console-api.md, "Faults"); one sub-verb per fault type, made from the fault table.

    python -m onebot_ref fault drop --channel ws                  # every forward WS, no close frame
    python -m onebot_ref fault close --code 1011 --role Universal
    python -m onebot_ref fault no-answer --action get_msg --times 1
    python -m onebot_ref fault delay-answer --ms 40000 --channel ws
    python -m onebot_ref fault restart --downtime-ms 3000
    python -m onebot_ref fault list                               # active faults and connections
    python -m onebot_ref fault remove f3
    python -m onebot_ref fault clear

Prints what was done (``--json``: the console's answer as it is); errors are one line on
stderr and exit code 1 (a refused field is named, as the console names it).
"""

from __future__ import annotations

import argparse
import json
import time

from ..faults.table import REQUIRED, TARGET_KEYS, TYPES, body_of
from .cli import _client, _connection_options, _json_value, _run

_KINDS = {"int": int, "str": str, "json": _json_value, "choice": str}


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def cmd_add(args: argparse.Namespace) -> int:
    row = TYPES[args.fault_type]
    values = {key: getattr(args, key) for key in (*row.attrs, *TARGET_KEYS, "times",
                                                  "probability", "seed") if hasattr(args, key)}
    fault = _client(args).post("/sim/faults", body_of(row.name, **values))
    print(json.dumps(fault, ensure_ascii=False) if args.json else _line(fault))
    return 0


def _line(fault: dict) -> str:
    """One readable line for a fault as the console answered it."""
    target = " ".join(f"{k}={','.join(v) if isinstance(v, list) else v}"
                      for k, v in fault.get("target", {}).items())
    skip = {"id", "type", "target", "times", "probability", "seed", "fired", "created", "until",
            "cursor", "connections", "holding"}
    attrs = " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in fault.items()
                     if k not in skip)
    times = f"/{fault['times']}" if fault.get("times") else ""
    left = f", {max(0.0, fault['until'] - time.time()):.1f} s left" if fault.get("until") else ""
    line = f"{fault['id']} {fault['type']} {attrs} {target}".replace("  ", " ").rstrip()
    if "connections" in fault and TYPES[fault["type"]].once:
        hit = ", ".join(f"{c['channel']} {c['id']} ({c['role'] or ''} {c['peer']})".replace(
            "( ", "(") for c in fault["connections"])
        return f"{line}: {len(fault['connections'])} connection(s) hit{': ' if hit else ''}{hit}"
    return f"{line}  [fired {fault['fired']}{times}{left}]"


def cmd_list(args: argparse.Namespace) -> int:
    client = _client(args)
    faults = client.get("/sim/faults")["faults"]
    conns = client.get("/sim/connections", open="true")["connections"]
    if args.json:
        print(json.dumps({"faults": faults, "connections": conns}, ensure_ascii=False))
        return 0
    print("active faults:" if faults else "no active fault")
    for fault in faults:
        print("  " + _line(fault))
    print("open connections:" if conns else "no open connection")
    for conn in conns:
        print(f"  {conn['id']:>4} {conn['channel']:<10} {conn['role'] or '-':<9} "
              f"{conn['peer']}  {conn['path'] or ''}".rstrip())
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    removed = _client(args).delete(f"/sim/faults/{args.id}")["removed"]
    print(f"removed {_line(removed)}")
    return 0


def cmd_clear(args: argparse.Namespace) -> int:
    print(f"removed {_client(args).delete('/sim/faults')['removed']} fault(s)")
    return 0


def add_command(sub) -> None:
    """Register ``fault`` and its sub-verbs on the ``python -m onebot_ref`` subparsers."""
    fault = sub.add_parser("fault", help="inject a fault (drop, no-answer, restart, ...), list "
                                         "or clear them",
                           description="Make the running server misbehave on demand: one "
                                       "sub-command per fault type, plus list, remove, clear.")
    verbs = fault.add_subparsers(dest="fault_verb", metavar="TYPE", required=True)
    for row in TYPES.values():
        verb = verbs.add_parser(row.name.replace("_", "-"), help=row.doc, description=(
            f"{row.doc}. Acts on: {', '.join(row.channels)}."))
        for key, attr in row.attrs.items():
            extra = {"choices": attr.choices} if attr.choices else {}
            if attr.kind == "bool":
                verb.add_argument(_option(key), dest=key, action="store_true", default=None,
                                  help=attr.doc)
            else:
                default = (" (required)" if attr.default is REQUIRED else "" if attr.default
                           in (None, "") else f" (default {attr.default})")
                verb.add_argument(_option(key), dest=key, type=_KINDS[attr.kind],
                                  help=attr.doc + default, **extra)
        target = verb.add_argument_group("where it acts")
        helps = {"channel": f"one of {', '.join(row.channels)}",
                 "role": "API, Event, Universal, or a forward path (/, /api, /event)",
                 "connection": "a connection id (fault list)",
                 "action": "an action name (repeatable)"}
        for key in row.targets:
            target.add_argument(_option(key), dest=key, help=helps[key],
                                type=int if key == "connection" else str,
                                action="append" if key == "action" else "store")
        if row.repeats:
            verb.add_argument("--times", type=int, help="removed after firing this often")
        if not row.once:
            verb.add_argument("--probability", type=float, help="fire with this probability")
            verb.add_argument("--seed", type=int, help="the random seed (reproducible flakiness)")
        verb.add_argument("--json", action="store_true", help="print the console's answer")
        _connection_options(verb)
        verb.set_defaults(func=_run(cmd_add), fault_type=row.name)
    for name, fn, text in (("list", cmd_list, "the active faults and the open connections"),
                           ("clear", cmd_clear, "remove every fault")):
        verb = verbs.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        if name == "list":
            verb.add_argument("--json", action="store_true", help="print them as JSON")
        _connection_options(verb)
        verb.set_defaults(func=_run(fn))
    remove = verbs.add_parser("remove", help="remove one fault by its id",
                              description="Remove one fault (its held answers are let go).")
    remove.add_argument("id", help="the fault's id, e.g. f3")
    _connection_options(remove)
    remove.set_defaults(func=_run(cmd_remove))
