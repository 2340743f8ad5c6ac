"""A recorded session: what the other users did and what the bot called in answer, as a YAML
file that ``replay`` plays again (``python -m onebot_ref record``, ``ob.save()``,
``ob.replay()``; the format is documented in docs/console-api.md, "Session files").

    onebot_ref_session: 1
    steps:
    - private_message: {user_id: 10001, message: /echo hi}      # the body POSTed to the console
      calls:                                                     # what the bot called after it
      - {action: send_msg, params: {message_type: private, user_id: 10001, message: 'echo: hi'},
         channel: ws, response: {status: ok, retcode: 0, data: {message_id: 2}}}
    - event: {post_type: request, request_type: friend, user_id: 10009, comment: hi}
      calls: [...]

A step is one injection (``private_message``, ``group_message`` or ``event``: the console
endpoint and its body) and the calls the bot made after it, before the next one. Calls made
before the first injection (a bot's start-up) are left out. Pure: no I/O but reading and
writing the file.
"""

from __future__ import annotations

import difflib
import json

from ..protocol.message import normalize, to_format
from ..protocol.response import ActionError

FORMAT = 1
INJECTIONS = ("private_message", "group_message", "event")
#: parameters that differ from run to run whatever the bot does: left out of the comparison
DEFAULT_IGNORE = ("message_id", "time", "echo", "flag", "seq")


class SessionError(ValueError):
    """A session file that cannot be read; the message names the place."""


def steps_of(entries: list[dict]) -> list[dict]:
    """The steps of ``GET /sim/session`` entries: each injection with the calls after it."""
    injections = sorted((e for e in entries if e["kind"] == "inject"), key=lambda e: e["at"])
    steps = [{e["endpoint"]: e["body"], "calls": []} for e in injections]
    for call in (e for e in entries if e["kind"] == "call"):
        owner = None
        for index, injection in enumerate(injections):  # the last injection begun before it
            if injection["at"] < call["seq"]:
                owner = index
        if owner is not None:
            steps[owner]["calls"].append({"action": call["action"], "params": call["params"],
                                          "channel": call["channel"],
                                          "response": call["response"]})
    return steps


def dump(steps: list[dict], path: str) -> None:
    import yaml  # only when a session is written or read: `serve` imports this module too

    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump({"onebot_ref_session": FORMAT, "steps": steps}, fh, allow_unicode=True,
                       sort_keys=False, width=100, default_flow_style=None)


def load(path: str) -> list[dict]:
    """The steps of a session file, checked; SessionError naming what is wrong."""
    import yaml  # as in dump()

    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except OSError as err:
        raise SessionError(f"{path}: cannot read it: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise SessionError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict) or data.get("onebot_ref_session") != FORMAT:
        raise SessionError(f"{path}: not an onebot_ref session file (expected "
                           f"'onebot_ref_session: {FORMAT}' and 'steps')")
    steps = data.get("steps")
    if not isinstance(steps, list):
        raise SessionError(f"{path}: steps: expected a list")
    for i, step in enumerate(steps):
        where = f"{path}: steps[{i}]"
        kinds = [k for k in INJECTIONS if isinstance(step, dict) and k in step]
        if len(kinds) != 1 or not isinstance(step[kinds[0]], dict):
            raise SessionError(f"{where}: expected one of {', '.join(INJECTIONS)} with its body")
        extra = [k for k in step if k not in INJECTIONS and k != "calls"]
        if extra:
            raise SessionError(f"{where}: unknown key {extra[0]!r}")
        calls = step.setdefault("calls", [])
        if not isinstance(calls, list) or not all(
                isinstance(c, dict) and isinstance(c.get("action"), str)
                and isinstance(c.get("params", {}), dict) for c in calls):
            raise SessionError(f"{where}.calls: expected a list of {{action, params}}")
    return steps


def injection(step: dict) -> tuple[str, dict]:
    """(console endpoint, body) of a step."""
    kind = next(k for k in INJECTIONS if k in step)
    return kind, step[kind]


def describe(step: dict) -> str:
    kind, body = injection(step)
    if kind == "event":
        return f"event {body.get('post_type')} " + str(body.get(f"{body.get('post_type')}_type"))
    where = f" in {body.get('group_id')}" if kind == "group_message" else ""
    text = json.dumps(body.get("message"), ensure_ascii=False)
    return f"{kind} from {body.get('user_id')}{where}: {text}"


def call_line(call: dict, ignore: tuple[str, ...]) -> str:
    """One call as the comparison sees it: the action and its parameters, sorted, without
    ``ignore``d keys; a message as its CQ string (a string, an array and a segment saying the
    same are the same message, and auto_escape only says how it was written)."""
    params = {k: v for k, v in call.get("params", {}).items() if k not in ignore}
    if "message" in params:
        try:
            escape = params.pop("auto_escape", False) in (True, "true", "1", "yes")
            params["message"] = to_format(normalize(params["message"], escape), "string")
        except ActionError:
            pass  # not a message: compared as it is
    return f"{call['action']} {json.dumps(params, ensure_ascii=False, sort_keys=True)}"


def diff(recorded: list[dict], actual: list[dict], ignore: tuple[str, ...]) -> list[str]:
    """The unified diff of two steps' calls; [] when they are the same."""
    want = [call_line(c, ignore) for c in recorded]
    got = [call_line(c, ignore) for c in actual]
    if want == got:
        return []
    return list(difflib.unified_diff(want, got, "recorded", "this run", lineterm=""))


def report(path: str, differences: list[tuple[int, dict, list[str]]], total: int,
           ignore: tuple[str, ...]) -> str:
    """The failure text of a replay: every step whose calls differ, with its diff."""
    lines = [f"replay of {path}: the bot's calls differ in {len(differences)} of {total} "
             f"step(s) (ignoring {', '.join(ignore) or 'nothing'})"]
    for index, step, lines_of_diff in differences:
        lines.append(f"step {index + 1}: {describe(step)}")
        lines += [f"  {line}" for line in lines_of_diff]
    return "\n".join(lines)
