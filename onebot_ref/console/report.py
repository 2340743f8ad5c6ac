"""The failure text of an expectation that was not met: the product of ``/sim/expect`` and of
``onebot_ref.testing``'s ``expect_*`` (a failing CI log must say why without a re-run).

In this order: what was expected and since when; a hint when no bot ever connected; the
nearest misses, each with what differs (a text as an ndiff); the bot's messages and calls
since the last injection; the last frames of the traffic journal with their verdicts.
pytest-httpserver prints "similar requests", WireMock ranks near misses, responses says why
each mock missed: this does all three. Pure: it formats what :mod:`.watch` gathered.
"""

from __future__ import annotations

from dataclasses import dataclass

from .matching import Expectation, plain_text, rank_calls, rank_messages, shown_value, where

#: how many of each section a failure shows (the newest when there are more)
NEAR_MISSES, MESSAGES, CALLS, FRAMES = 3, 15, 15, 12


@dataclass
class Evidence:
    """What :class:`~.watch.Watch` gathered for a report."""

    #: the last injection (a /sim/session "inject" entry), None: nothing injected yet
    injection: dict | None
    messages: list[dict]  # the bot's messages since it
    calls: list[dict]  # the bot's calls since it
    matched_messages: set[int]  # seqs of the messages an earlier expectation matched
    matched_calls: set[int]  # the same for calls
    frames: list[dict]  # the last frames of the traffic journal
    #: how the bot was seen ("forward WebSocket 127.0.0.1:5012 opened (#4)"), None: never
    bot_seen: str | None
    modes: list[str]  # the enabled OneBot modes, as people name them


def failure(exp: Expectation, ev: Evidence, matched_instead: list[dict] | None = None) -> str:
    """The whole text; ``matched_instead``: for no_message, the messages that came."""
    since = "the last say/event" if ev.injection is not None else "the server started"
    lines = [_headline(exp, ev, since)]
    if ev.bot_seen is None and exp.kind != "no_message":
        lines.append(_no_bot_hint(ev))
    if matched_instead:
        lines.append("but the bot sent:")
        lines += [f"  {_message_line(m)}" for m in matched_instead]
    elif exp.kind in ("message", "call"):
        lines += _near_misses(exp, ev)
    lines += _section(f"the bot's messages since {since}", ev.messages, MESSAGES,
                      lambda m: _message_line(m, ev.matched_messages))
    lines += _section(f"the bot's calls since {since}", ev.calls, CALLS,
                      lambda c: _call_line(c, ev.matched_calls))
    frames = [f for f in ev.frames if not _is_heartbeat(f) and f.get("path") != "/sim/expect"]
    lines.append("last frames of the traffic journal (heartbeats and expectations left out):"
                 if frames else "the traffic journal is empty")
    lines += [f"  {_frame_line(f)}" for f in frames[-FRAMES:]]
    return "\n".join(lines)


def _headline(exp: Expectation, ev: Evidence, since: str) -> str:
    head = f"expected {exp.describe()} within {exp.seconds:g} s of {since}"
    if ev.injection is not None:
        head += f" ({_injection_line(ev.injection)})"
    return head


def _no_bot_hint(ev: Evidence) -> str:
    modes = ", ".join(ev.modes) or "no OneBot mode is enabled"
    return ("hint: no bot has connected to this server since it started (enabled: "
            f"{modes}): is the bot running and pointed at these URLs? For the reverse "
            "WebSocket and HTTP POST, the journal below shows the connection attempts.")


def _near_misses(exp: Expectation, ev: Evidence) -> list[str]:
    if exp.kind == "call":
        ranked, matched = rank_calls(exp, ev.calls), ev.matched_calls
        nothing = f"no call of {exp.action} (or a look-alike) since then"
        show = _call_line
    else:
        ranked, matched = rank_messages(exp, ev.messages), ev.matched_messages
        nothing = "no message from the bot since then"
        show = _message_line
    if not ranked:
        return [f"nearest misses: none ({nothing})"]
    lines = ["nearest misses:"]
    for entry, why in ranked[:NEAR_MISSES]:
        taken = " (meets it, but an earlier expectation matched it)" \
            if entry["seq"] in matched and not why else ""
        lines.append(f"  {show(entry)}{taken}")
        for reason in why:
            first, *rest = reason.split("\n")
            lines.append(f"      {first}")
            lines += [f"        {line}" for line in rest]
    return lines


def _section(title: str, items: list[dict], limit: int, show) -> list[str]:
    if not items:
        return [f"{title}: none"]
    more = f", the last {limit} shown" if len(items) > limit else ""
    return [f"{title} ({len(items)}{more}):"] + [f"  {show(i)}" for i in items[-limit:]]


def _message_line(entry: dict, consumed: set[int] = frozenset()) -> str:
    mark = " [matched earlier]" if entry["seq"] in consumed else ""
    text = plain_text(entry["message"])
    plain = f" (text {shown_value(text)})" if text != entry["raw_message"] else ""
    return f"#{entry['seq']} {where(entry)}: {shown_value(entry['raw_message'])}{plain}{mark}"


def _call_line(entry: dict, consumed: set[int] = frozenset()) -> str:
    response = entry["response"]
    answer = response.get("status", "?")
    if response.get("status") == "failed":
        answer += f" {response.get('retcode')} {response.get('message', '')}".rstrip()
    elif response.get("data") is not None:
        answer += f" {shown_value(response['data'], 80)}"
    mark = " [matched earlier]" if entry["seq"] in consumed else ""
    return (f"#{entry['seq']} {entry['action']} via {entry['channel']} "
            f"{shown_value(entry['params'])} -> {answer}{mark}")


def _injection_line(entry: dict) -> str:
    body = entry["body"]
    who = body.get("user_id")
    if entry["endpoint"] == "private_message":
        return f"#{entry['seq']} private_message from {who}: {shown_value(body.get('message'))}"
    if entry["endpoint"] == "group_message":
        return (f"#{entry['seq']} group_message from {who} in {body.get('group_id')}: "
                f"{shown_value(body.get('message'))}")
    event = entry["event"]
    kind = event.get(f"{event.get('post_type')}_type", "")
    return f"#{entry['seq']} event {event.get('post_type')} {kind}".rstrip()


def _frame_line(frame: dict) -> str:
    path = f" {frame['path']}" if frame.get("path") else ""
    verdict = f"  -- {frame['verdict']}" if frame.get("verdict") else ""
    return (f"#{frame['seq']} {frame['channel']} {frame['direction']} {frame['peer']}{path} "
            f"{shown_value(frame['data'], 140)}{verdict}")


def _is_heartbeat(frame: dict) -> bool:
    data = frame.get("data")
    return isinstance(data, dict) and data.get("meta_event_type") == "heartbeat"
