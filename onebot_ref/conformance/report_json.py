"""``index.json``, the machine-readable report of a run (Autobahn's ``index.json`` model), and
the merge of several into one compatibility matrix (``conform --merge a.json b.json``).

index.json (``format`` 1; a public interface, docs/conformance.md describes it): ``tool``,
``version``, ``spec`` (the pinned commit), ``target`` (``get_version_info``'s data and the bot's
``self_id``), ``agent`` (one line naming it), ``urls`` (the token masked), ``options``,
``seed``, ``started`` (ISO 8601, UTC), ``duration_ms``, ``counts`` (every verdict), ``cases``
(id -> ``{verdict, level, rules, page, duration_ms, reason, row}``), ``not_covered`` and
``disclaimer``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .. import __version__
from .execute import Result
from .model import SPEC_COMMIT, SPEC_REPO
from .wirelog import Mask

FORMAT = 1
DISCLAIMER = (
    "onebot_ref conform checks the behaviours its cases list, each against one sentence of "
    f"OneBot 11 as pinned at {SPEC_REPO}@{SPEC_COMMIT[:7]}. It does not cover every "
    "requirement of the spec (see what it does not cover), and it certifies nothing: an "
    "implementation passing every case may still be wrong where no case looks.")
#: What no case checks, said in every report.
NOT_COVERED = (
    "message, notice and request events, which need another account to act (only meta "
    "events and the notices the runner's own writes cause are seen)",
    "quick operations in an HTTP POST answer (the receiver always answers 204) and the "
    "effect of .handle_quick_operation",
    "set_group_kick, set_group_leave, set_group_anonymous_ban, set_group_anonymous and "
    "set_restart: never called, even with --destructive",
    "get_record and get_image of a real file, get_forward_msg of a real forward (no received "
    "media or forwards to ask about)",
    "the queueing and spacing of _rate_limited calls, and the effect of an _async call",
    "lifecycle disable, and enable unless the listeners were up before the target started",
    "HTTP POST timeouts and retries, TLS, reverse WebSocket reconnection timing beyond "
    "\"it reconnects\"",
    "the implementation's own configuration and every extension beyond OneBot 11",
)


def mask_url(url: str | None, token: str) -> str | None:
    """``url`` with an ``access_token`` in its query (or the token anywhere) shown as ***."""
    if not url:
        return url
    parts = urlsplit(url)
    query = urlencode([(k, "***" if k == "access_token" else v)
                       for k, v in parse_qsl(parts.query, keep_blank_values=True)])
    return Mask(token)(urlunsplit(parts._replace(query=query)))


def agent(result: Result) -> str:
    version = result.version
    if "app_name" in version:
        return f"{version.get('app_name')} {version.get('app_version', '')}".strip()
    return result.target.http or result.target.ws or "unknown target"


def index(result: Result) -> dict:
    target, options = result.target, result.options
    listen = {"post": target.listen_post, "reverse": target.listen_reverse}
    return {
        "format": FORMAT, "tool": "onebot_ref conform", "version": __version__,
        "spec": f"{SPEC_REPO}@{SPEC_COMMIT}",
        "target": {"version_info": result.version, "self_id": result.self_id},
        "agent": agent(result),
        "urls": {"http": mask_url(target.http, target.token),
                 "ws": mask_url(target.ws, target.token),
                 **{f"listen_{k}": f"{v[0]}:{v[1]}" if v else None for k, v in listen.items()}},
        "options": {"cases": list(options.cases), "exclude": list(options.exclude),
                    "profile": options.profile, "strict": options.strict,
                    "timeout": options.timeout, "destructive": options.destructive,
                    "user_id": target.user_id, "group_id": target.group_id,
                    "token": "set" if target.token else "none",
                    "secret": "set" if target.secret else "none"},
        "seed": result.seed,
        "started": datetime.fromtimestamp(result.started, timezone.utc).isoformat(
            timespec="seconds"),
        "duration_ms": round(result.duration * 1000),
        "counts": result.summary,
        "cases": {r.case.id: {"verdict": r.verdict.value, "level": r.case.level.value,
                              "rules": list(r.case.rules), "page": r.case.page,
                              "duration_ms": round(r.duration * 1000, 1), "reason": r.reason,
                              **({"row": r.row} if r.row else {})}
                  for r in result.results},
        "not_covered": list(NOT_COVERED),
        "disclaimer": DISCLAIMER,
    }


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def merge(indexes: list[tuple[str, dict]]) -> dict:
    """Several (file name, index.json) into one matrix: ``agents`` (one per file, in order)
    and ``cases`` (id -> {agent: verdict}); a case a run did not select is absent there."""
    agents: list[str] = []
    cases: dict[str, dict[str, str]] = {}
    for name, data in indexes:
        if not isinstance(data, dict) or data.get("format") != FORMAT or \
                not isinstance(data.get("cases"), dict):
            raise ValueError(f"{name}: not an index.json of onebot_ref conform (format "
                             f"{FORMAT})")
        label = f"{data.get('agent') or name} [{data.get('options', {}).get('profile', '?')}]"
        while label in agents:
            label += "'"
        agents.append(label)
        for case_id, entry in data["cases"].items():
            cases.setdefault(case_id, {})[label] = entry.get("verdict", "?")
    return {"format": FORMAT, "tool": "onebot_ref conform --merge", "version": __version__,
            "agents": agents, "cases": dict(sorted(cases.items())),
            "disclaimer": DISCLAIMER}


def matrix_text(merged: dict) -> str:
    agents = merged["agents"]
    width = max([len(c) for c in merged["cases"]] + [4])
    lines = [" ".join([f"{'case':<{width}}"] + [f"[{n + 1}]".ljust(13)
                                                for n in range(len(agents))])]
    for case_id, row in merged["cases"].items():
        lines.append(" ".join([f"{case_id:<{width}}"] + [row.get(a, "-").ljust(13)
                                                          for a in agents]))
    lines += [""] + [f"[{n + 1}] {a}" for n, a in enumerate(agents)]
    return "\n".join(lines)
