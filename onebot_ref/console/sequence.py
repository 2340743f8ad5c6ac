"""The sequence view of the traffic journal: which party each frame goes between, and where it
is drawn. The console page draws it (``static/sequence.js``) and ``tail --svg`` writes it
(:mod:`.svg`); both read their rules and geometry from ``static/sequence.json``, and this
module is the page's ``identify`` and ``layout`` line for line, so that the two draw the same
lanes and the same arrows at the same coordinates (``tests/console/test_browser.py`` compares
them).

Lanes, left to right: the console users, onebot_ref, then every bot connection in the order it
first appears. What a lane is depends on its channel's ``lane`` rule:

- ``client`` (the HTTP API): one lane per client host and User-Agent, since a client may open a
  new TCP connection per request; an answer goes to the lane of the request on its connection.
- ``connection`` (the forward WebSocket): one lane per connection, by path (``/``, ``/api``,
  ``/event``) and peer.
- ``peer`` (reverse WebSocket, HTTP POST): one lane per URL; a reverse lane collects the roles
  (``X-Client-Role``) of the connections made to it.
- An event pushed to several connections is journalled once (peer ``"N connections"``); it is
  drawn to every connection of its channel open at that moment that receives events.
- ``fault``: on the lane of the connection it hit (the same peer); ``self`` (channel
  ``server``): a loop on onebot_ref's lane; ``note`` (channel ``demo``): a band across.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

STATIC_DIR = os.path.join(os.path.dirname(__file__), "static")


def load_rules() -> dict:
    with open(os.path.join(STATIC_DIR, "sequence.json"), encoding="utf-8") as fh:
        return json.load(fh)


def load_strings(lang: str = "en") -> dict[str, str]:
    """The page's string table of ``lang`` (``en`` or ``zh-CN``)."""
    with open(os.path.join(STATIC_DIR, f"i18n-{lang}.json"), encoding="utf-8") as fh:
        return json.load(fh)


RULES = load_rules()
GEO = RULES["geometry"]
BROADCAST = re.compile(r"^\d+ connections$")
HOST_PORT = re.compile(r"^(.*):\d+$")
BAD = re.compile(RULES["bad_verdict"], re.IGNORECASE)


@dataclass
class Lane:
    key: str
    channel: str  # "console", "server" or the frames' channel
    label: str  # a key of the string table
    peer: str = ""
    path: str = ""
    agent: str = ""
    roles: list[str] = field(default_factory=list)
    closed: bool = False


@dataclass
class Placed:
    """A frame and where it goes: ``kind`` arrow | self | note; ``lane`` the bot-side lane of
    an arrow; ``targets`` every lane of a broadcast."""

    frame: dict
    kind: str
    lane: str | None = None
    targets: list[str] = field(default_factory=list)


def t(strings: dict, key: str, **values: Any) -> str:
    text = strings.get(key, key)
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def header(frame: dict, name: str) -> str | None:
    for key, value in (frame.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def host_of(peer: str) -> str:
    match = HOST_PORT.match(peer or "")
    return match.group(1) if match else (peer or "")


def ws_path(frame: dict) -> str:
    path = (frame.get("path") or "").split("?")[0]
    return path[:-1] if len(path) > 1 and path.endswith("/") else (path or "/")


def gets_events(lane: Lane, rule: dict) -> bool:
    wanted = rule.get("events_on") or []
    if "*" in wanted:
        return True
    return lane.path in wanted or any(role in wanted for role in lane.roles)


def identify(frames: list[dict]) -> tuple[list[Placed], dict[str, Lane]]:
    """Every frame placed, and the lanes of the bot side by key, in order of appearance."""
    lanes: dict[str, Lane] = {}
    client_of: dict[str, str] = {}  # channel|peer -> lane: an answer goes where its request went
    placed: list[Placed] = []
    for frame in frames:
        channel, peer = frame.get("channel", ""), frame.get("peer") or ""
        rule = RULES["channels"].get(channel, RULES["other_channel"])
        kind, data = rule["lane"], frame.get("data")
        data = data if isinstance(data, dict) else {}
        if kind in ("note", "self"):
            placed.append(Placed(frame, kind, "server" if kind == "self" else None))
            continue
        if kind == "console":
            placed.append(Placed(frame, "arrow", "console"))
            continue
        if kind == "fault":
            key = next((k for k, lane in lanes.items() if lane.peer == peer), None)
            key = key or _lane(lanes, f"fault|{peer}", channel, rule, peer).key
            placed.append(Placed(frame, "arrow", key))
            continue
        if BROADCAST.match(peer) and kind in ("connection", "peer"):
            targets = [k for k, lane in lanes.items() if lane.channel == channel
                       and not lane.closed and gets_events(lane, rule)]
            if not targets:
                targets = [_lane(lanes, f"{channel}|*", channel, rule, peer).key]
            placed.append(Placed(frame, "arrow", targets[0], targets))
            continue
        agent = header(frame, "User-Agent")
        if kind == "client":
            if frame.get("direction") == "in" and agent is not None:
                key = client_of[f"{channel}|{peer}"] = f"{channel}|{host_of(peer)}|{agent}"
            else:
                key = client_of.get(f"{channel}|{peer}") or \
                    f"{channel}|{host_of(peer)}|{agent or ''}"
            lane = _lane(lanes, key, channel, rule, host_of(peer))
        elif kind == "connection":
            # an event pushed to one connection is journalled with its peer but no path
            known = None if frame.get("path") else next(
                (k for k, lane in reversed(lanes.items()) if lane.channel == channel
                 and lane.peer == peer), None)
            path = lanes[known].path if known else ws_path(frame)
            lane = _lane(lanes, known or f"{channel}|{path}|{peer}", channel, rule, peer)
            lane.path = path
        else:
            lane = _lane(lanes, f"{channel}|{peer}", channel, rule, peer)
        if agent and not lane.agent:
            lane.agent = agent
        role = RULES["roles"].get(str(data.get("role", "")).lower())
        if role and role not in lane.roles:
            lane.roles.append(role)
        if data.get("event") in ("open", "close"):
            lane.closed = data["event"] == "close"
        placed.append(Placed(frame, "arrow", lane.key))
    return placed, lanes


def _lane(lanes: dict[str, Lane], key: str, channel: str, rule: dict, peer: str) -> Lane:
    if key not in lanes:
        lanes[key] = Lane(key, channel, rule.get("label", "lane.other"), peer=peer)
    return lanes[key]


def visible(placed: list[Placed], *, channels: set[str] | None = None,
            only: str = "") -> list[Placed]:
    """The frames shown: of these channels (all: None), and with ``only``, those on a lane
    whose key contains it (the notes stay); the last ``max_rows`` of them."""
    def shown(item: Placed) -> bool:
        if channels is not None and item.frame.get("channel") not in channels:
            return False
        if not only or item.kind == "note":
            return True
        return any(only in key for key in (item.targets or [item.lane or ""]))
    rows = [item for item in placed if shown(item)]
    return rows[len(rows) - GEO["max_rows"]:] if len(rows) > GEO["max_rows"] else rows
