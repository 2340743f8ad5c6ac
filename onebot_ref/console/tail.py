"""``python -m onebot_ref tail``: the traffic journal of a running server, one line per frame.

    12:03:04.123 #42    ws         in  127.0.0.1:50412  send_msg user_id=10001 message="hi"  [verdict]

Colour on a terminal (channel, direction, a 4xx/5xx verdict in red); ``--json`` prints the frames
as they are. The line reads a frame's data the way the web page does (app.js ``summarize``).
``--svg FILE`` writes the frames there are as the page's sequence view draws them (sequence.py,
diagram.py, svg.py) and stops.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

BEYOND = 2**52  # an ``after`` past the end: the answer carries the current cursor

# --- tail --------------------------------------------------------------------------------------

CHANNEL_COLOURS = {"http": "36", "http_post": "35", "ws": "34", "ws_reverse": "33", "console": "90",
                   "demo": "93", "fault": "95", "server": "31"}


def summarize(frame: dict) -> str:
    """One readable line for a frame's data (the same reading as the web page)."""
    data = frame.get("data")
    if not isinstance(data, dict):
        return json.dumps(data, ensure_ascii=False)[:200]
    if frame.get("channel") == "fault":  # the verdict says what it did
        return f"{data.get('fault')} {data.get('type')}"
    if frame.get("channel") == "demo":  # a guided demo's note: its verdict says the rest
        return f"demo {data.get('demo', '')}" + (f" step {data['step']}/{data.get('of')}"
                                                 if "step" in data else "")
    parts = [str(data[k]) for k in ("method", "action", "event") if data.get(k)]
    if data.get("post_type"):
        kind = data.get(f"{data['post_type']}_type")
        parts.append(".".join(str(p) for p in (data["post_type"], kind, data.get("sub_type"))
                              if p))
        if "raw_message" in data:
            parts.append(json.dumps(data["raw_message"], ensure_ascii=False))
    params = data.get("params") if isinstance(data.get("params"), dict) else (
        data if frame.get("channel") == "console" and "post_type" not in data else None)
    if frame.get("channel") == "console" and frame.get("path"):
        parts.append(frame["path"].removeprefix("/sim/"))
    if params:
        parts += [f"{k}={json.dumps(params[k], ensure_ascii=False)}" for k in
                  ("message_type", "group_id", "user_id", "comment", "message") if k in params]
    if "retcode" in data:
        parts.append(f"{data.get('status')} retcode={data['retcode']}")
    elif not parts and "status" in data:
        parts.append(f"status {data['status']}")
        if "body" in data:  # an HTTP POST answer's quick operation
            parts.append(json.dumps(data["body"], ensure_ascii=False))
    for key in ("code", "reason", "url", "job", "error"):  # job, error: a server frame
        if key in data and not ("retcode" in data and key == "reason"):
            parts.append(f"{key}={data[key]}")
    if "echo" in data:
        parts.append(f"echo={json.dumps(data['echo'], ensure_ascii=False)}")
    return " ".join(parts) or json.dumps(data, ensure_ascii=False)[:200]


def format_frame(frame: dict, colour: bool = False) -> str:
    stamp = datetime.fromtimestamp(frame["time"]).strftime("%H:%M:%S.%f")[:-3]
    channel, direction = frame["channel"], frame["direction"]
    verdict = frame.get("verdict")
    if not colour:
        tail = f"  [{verdict}]" if verdict else ""
        return (f"{stamp} #{frame['seq']:<5} {channel:<10} {direction:<3} {frame['peer']}  "
                f"{summarize(frame)}{tail}")

    def paint(code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m"

    bad = bool(verdict) and verdict[:1] in "45"
    tail = "  " + paint("31" if bad else "33", f"[{verdict}]") if verdict else ""
    return (f"{paint('90', stamp)} {paint('90', '#' + str(frame['seq']).ljust(5))}"
            f"{paint(CHANNEL_COLOURS.get(channel, '0'), channel.ljust(10))} "
            f"{paint('32' if direction == 'in' else '34', direction.ljust(3))} "
            f"{paint('90', frame['peer'])}  {summarize(frame)}{tail}")


def cmd_tail(args: argparse.Namespace, client) -> int:
    """Follow /sim/traffic with long polls (``client``: a cli.ConsoleClient)."""
    if args.svg:
        return write_svg(args, client)
    colour = sys.stdout.isatty() and not args.no_color and not args.json
    channels = {"channel": args.channel} if args.channel else {}
    end = client.get("/sim/traffic", after=BEYOND)["cursor"]
    cursor = 0 if args.all else max(0, end - (10 if args.lines is None else args.lines))
    try:
        while True:
            page = client.get("/sim/traffic", timeout=40, after=cursor,
                              wait=0 if args.once else 25, **channels)
            cursor = page["cursor"]
            for frame in page["frames"]:
                print(json.dumps(frame, ensure_ascii=False) if args.json
                      else format_frame(frame, colour), flush=True)
            if args.once:  # print what is there and stop (scripts, tests)
                return 0
    except KeyboardInterrupt:
        return 0


def write_svg(args: argparse.Namespace, client) -> int:
    """``tail --svg FILE``: the frames there are (``-n``/``--all``; by default as many as the
    page draws), as the page's sequence view draws them, in ``--lang``."""
    from . import diagram, sequence, svg  # only this option needs them

    channels = {"channel": args.channel} if args.channel else {}
    end = client.get("/sim/traffic", after=BEYOND)["cursor"]
    wanted = sequence.GEO["max_rows"] if args.lines is None else args.lines
    cursor, frames = 0 if args.all else max(0, end - wanted), []
    while True:
        page = client.get("/sim/traffic", after=cursor, limit=5000, **channels)
        frames += page["frames"]
        if not page["frames"] or page["cursor"] >= end:
            break
        cursor = page["cursor"]
    placed, lanes = sequence.identify(frames)
    rows = sequence.visible(placed, only=args.connection or "")
    strings = sequence.load_strings(args.lang)
    drawn = diagram.layout(rows, lanes, strings, summarize, args.lang)
    title = sequence.t(strings, "seq.title", first=drawn["first"], last=drawn["last"])
    with open(args.svg, "w", encoding="utf-8") as fh:
        fh.write(svg.render(drawn, title))
    print(f"wrote {args.svg}: {len(rows)} frames (#{drawn['first']} to #{drawn['last']}), "
          f"{len(drawn['lanes'])} lanes")
    return 0
