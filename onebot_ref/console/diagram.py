"""The sequence diagram of placed frames (:mod:`.sequence`): lanes with their x, rows with their
y, their arrow's ends and their texts cut to fit. ``static/sequence.js`` ``layout`` is this
function line for line; :mod:`.svg` and the page write the same SVG from what it returns.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from .sequence import BAD, GEO, RULES, Lane, Placed, t

#: East Asian wide characters take two units of width (the same ranges as sequence.js)
WIDE = ((0x1100, 0x115F), (0x2E80, 0xA4CF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF),
        (0xFE30, 0xFE4F), (0xFF00, 0xFF60), (0xFFE0, 0xFFE6), (0x20000, 0x3FFFD))


def text_units(text: str) -> int:
    return sum(2 if any(a <= ord(ch) <= b for a, b in WIDE) else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """``text`` cut to what ``width`` pixels hold (``…`` at the cut)."""
    room = width * 10 // GEO["char_width_tenths"]
    if text_units(text) <= room:
        return text
    out, used = [], 1
    for ch in text:
        used += text_units(ch)
        if used > room:
            break
        out.append(ch)
    return "".join(out) + "…"


def fit_end(text: str, width: int) -> str:
    """``text`` cut at its start (``…`` there): the end of a URL says the most."""
    room = width * 10 // GEO["char_width_tenths"]
    if text_units(text) <= room:
        return text
    out, used = [], 1
    for ch in reversed(text):
        used += text_units(ch)
        if used > room:
            break
        out.append(ch)
    return "…" + "".join(reversed(out))


def clock(when: float) -> str:
    """HH:MM:SS.mmm, local time; milliseconds cut, not rounded (as JavaScript's Date does)."""
    ms = int(when * 1000)
    return datetime.fromtimestamp(ms // 1000).strftime("%H:%M:%S.") + f"{ms % 1000:03d}"


def lane_texts(lane: Lane, strings: dict) -> tuple[str, str, str]:
    """(tag, label, sub) of a lane's header."""
    demo = RULES["demo_bot"] in lane.agent or RULES["demo_bot"] in lane.peer
    tag = (t(strings, "lane.demo_bot") + " · " if demo else "") + lane.channel
    label = t(strings, lane.label)
    if lane.channel.startswith("ws") or lane.channel == "milky_event":
        label += " " + ("/".join(lane.roles) if lane.channel == "ws_reverse" and lane.roles
                        else lane.path)
    if lane.key.endswith("|*"):
        label += " " + t(strings, "lane.connections")
    sub = lane.peer + (f" · {lane.agent}" if lane.channel in ("http", "milky") and lane.agent
                       else "")
    return tag, label.strip(), sub


def note_texts(data: dict, strings: dict, lang: str) -> tuple[str, str]:
    """The two lines of a demo's note: what the step shows, and where the spec says it."""
    title = (data.get("title_zh") if lang.startswith("zh") else None) or data.get("title", "")
    if "step" in data:
        first = f"{t(strings, 'seq.step')} {data['step']}/{data.get('of', '?')} · {title}"
        second = " · ".join(x for x in (data.get("page", ""), " ".join(data.get("rules", [])),
                                         data.get("quote", "")) if x)
    elif data.get("event") == "done":
        first = f"{t(strings, 'seq.demo')} {data.get('demo', '')} · {t(strings, 'seq.demo_done')}"
        second = data.get("summary", "")
    else:
        first = f"{t(strings, 'seq.demo')} {data.get('demo', '')} · {title}"
        second = t(strings, "seq.demo_bot_is", bot=data.get("bot", ""))
    return first, second


CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def clean(text: Any) -> str:
    """One line of text an SVG can hold (XML 1.0 has no control characters, UTF-8 no lone
    surrogate: each becomes a space)."""
    return CONTROL.sub(" ", str(text))


def layout(rows: list[Placed], lanes: dict[str, Lane], strings: dict, summarize,
           lang: str = "en") -> dict:
    """The diagram of ``rows`` (see :func:`visible`): lanes with their x, rows with their y and
    their arrow's ends; ``summarize(frame)`` gives an arrow's text (tail.summarize here,
    app.js ``summarize`` in the page)."""
    g, colours = GEO, RULES["colours"]
    used: list[str] = []
    for item in rows:
        for key in item.targets or [item.lane]:
            if key and key not in ("console", "server") and key not in used:
                used.append(key)
    order = (["console"] if any(item.lane == "console" for item in rows) else []) + \
        ["server"] + used
    xs = {key: g["gutter"] + g["margin"] + g["lane_width"] * i + g["lane_width"] // 2
          for i, key in enumerate(order)}
    width = max(g["min_width"], g["gutter"] + 2 * g["margin"] + g["lane_width"] * len(order))
    height = g["header_height"] + 2 * g["margin"] + g["row_height"] * len(rows)
    out_lanes = []
    for key in order:
        if key == "console":
            tag, label, sub = "console", t(strings, "lane.console"), t(strings, "lane.console_sub")
        elif key == "server":
            tag, label, sub = "onebot_ref", t(strings, "lane.server"), t(strings, "lane.server_sub")
        else:
            tag, label, sub = lane_texts(lanes[key], strings)
        room = g["lane_width"] - 20
        channel = lanes[key].channel if key in lanes else ("onebot_ref" if key == "server" else key)
        out_lanes.append({"key": key, "channel": channel,
                          "x": xs[key], "tag": fit(tag, room), "label": fit(label, room),
                          "sub": fit_end(sub, room),
                          "demo": tag.startswith(t(strings, "lane.demo_bot"))})
    out_rows = []
    for index, item in enumerate(rows):
        frame, top = item.frame, g["header_height"] + g["margin"] + g["row_height"] * index
        channel = frame.get("channel", "")
        row = {"seq": frame.get("seq"), "kind": item.kind, "channel": channel, "top": top,
               "time": clock(frame.get("time", 0)), "dots": [], "dashed": channel == "fault",
               "colour": colours.get(channel, colours["other"])}
        verdict = clean(frame.get("verdict") or "")
        if item.kind == "note":
            data = frame.get("data") if isinstance(frame.get("data"), dict) else {}
            first, second = note_texts(data, strings, lang)
            row.update(x1=g["gutter"] + g["margin"] // 2, x2=width - g["margin"] // 2,
                       frm="", to="", bad=False, title=clean(f"{first} — {second}"))
            label_x, text, verdict = row["x1"] + 8, clean(first), clean(second)
        else:
            summary = clean(summarize(frame))
            if item.kind == "self":
                row.update(x1=xs["server"], x2=xs["server"], frm="server", to="server")
                label_x = xs["server"] + g["self_loop"] + 6
            else:
                targets = item.targets or [item.lane]
                far = max(targets, key=lambda k: abs(xs[k] - xs["server"]))
                row["dots"] = [xs[k] for k in targets if k != far]
                ends = (far, "server") if frame.get("direction") == "in" else ("server", far)
                row.update(x1=xs[ends[0]], x2=xs[ends[1]], frm=ends[0], to=ends[1])
                label_x = min(row["x1"], row["x2"]) + 6
            row["bad"] = bool(verdict) and bool(BAD.search(verdict))
            row["title"] = clean(f"#{frame.get('seq')} {channel} {frame.get('direction', '')} "
                                 f"{frame.get('peer', '')}: {summary}"
                                 + (f" [{verdict}]" if verdict else ""))
            text = summary
        room = width - g["margin"] - label_x
        row.update(label_x=label_x, label=fit(text, room), verdict=fit(verdict, room))
        out_rows.append(row)
    seqs = [row["seq"] for row in out_rows]
    return {"width": width, "height": height, "lanes": out_lanes, "rows": out_rows,
            "first": seqs[0] if seqs else 0, "last": seqs[-1] if seqs else 0}
