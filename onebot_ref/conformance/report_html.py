"""The HTML report: one self-contained page (no script or style from elsewhere) with the run's
summary and every case, each with the requirement it quotes (linked to the pinned spec page),
what was expected, what came back, a reproducer and the wire log of that case. Cases that did
not pass are open; the verdict buttons at the top filter the list.
"""

from __future__ import annotations

from html import escape

from .execute import Result
from .model import Verdict
from .report_json import DISCLAIMER, NOT_COVERED, agent, index

COLOURS = {
    "PASS": "#1a7f37", "NON-STRICT": "#9a6700", "INFORMATIONAL": "#57606a",
    "UNSUPPORTED": "#6e40c9", "KNOWN": "#0969da", "FAIL": "#cf222e", "TIMEOUT": "#bc4c00",
    "SKIPPED": "#8c959f",
}
CLOSED = {Verdict.PASS, Verdict.SKIPPED, Verdict.INFORMATIONAL}

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif;
       margin: 0 auto; max-width: 1180px; padding: 16px 24px; color: #1f2328; }
h1 { font-size: 22px; margin: 4px 0 2px; } h2 { font-size: 16px; margin: 22px 0 8px; }
.sub { color: #57606a; margin-bottom: 12px; }
table.meta td { padding: 1px 12px 1px 0; vertical-align: top; } table.meta td:first-child
{ color: #57606a; white-space: nowrap; }
.badge { display: inline-block; min-width: 104px; text-align: center; color: #fff;
         border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 600; }
.counts button { border: 0; cursor: pointer; margin: 0 6px 6px 0; }
.counts button.off { opacity: .35; }
details { border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; }
summary { cursor: pointer; padding: 6px 10px; list-style: none; display: grid; gap: 10px;
          grid-template-columns: 116px 290px 150px 1fr 56px; align-items: baseline; }
summary .badge { min-width: 0; font-size: 11px; }
summary code { font-weight: 600; } summary .lvl { color: #57606a; font-size: 12px; }
summary .ms { color: #57606a; font-size: 12px; text-align: right; }
.body { padding: 4px 12px 12px; border-top: 1px solid #d0d7de; }
.body dt { color: #57606a; margin-top: 8px; font-size: 12px; text-transform: uppercase; }
.body dd { margin: 2px 0 0; } blockquote { margin: 2px 0; padding: 4px 10px;
          border-left: 3px solid #d0d7de; background: #f6f8fa; }
pre { background: #f6f8fa; padding: 8px 10px; border-radius: 4px; overflow-x: auto;
      white-space: pre-wrap; word-break: break-all; margin: 2px 0; font-size: 12px; }
.note { background: #fff8c5; border: 1px solid #d4a72c66; border-radius: 6px;
        padding: 8px 12px; margin: 10px 0; }
"""

SCRIPT = """
document.querySelectorAll('.counts button').forEach(b => b.onclick = () => {
  b.classList.toggle('off');
  const off = [...document.querySelectorAll('.counts button.off')].map(x => x.dataset.v);
  document.querySelectorAll('details.case').forEach(d =>
    d.style.display = off.includes(d.dataset.v) ? 'none' : '');
});
"""


def badge(verdict: str) -> str:
    return (f'<span class="badge" style="background:{COLOURS.get(verdict, "#57606a")}">'
            f"{escape(verdict)}</span>")


def page(result: Result) -> str:
    data = index(result)
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>OneBot 11 conformance: {escape(agent(result))}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>OneBot 11 conformance: {escape(agent(result))}</h1>",
        f'<div class="sub">onebot_ref conform {escape(data["version"])} · spec '
        f'{escape(data["spec"])} · {escape(data["started"])} · '
        f'{data["duration_ms"] / 1000:.1f} s · seed {data["seed"]}</div>',
        '<div class="counts">' + "".join(
            f'<button class="badge" data-v="{escape(v)}" style="background:{COLOURS[v]}">'
            f"{escape(v)} {n}</button>" for v, n in data["counts"].items() if n) + "</div>",
        _meta(data), f'<div class="note">{escape(DISCLAIMER)} '
                     f'<a href="#not-covered">What this run does not cover</a>.</div>',
        "<h2>Cases</h2>",
        *[_case(r) for r in result.results],
        '<h2 id="not-covered">What this run does not cover</h2><ul>',
        *[f"<li>{escape(item)}</li>" for item in NOT_COVERED],
        *[f"<li><code>{escape(r.case.id)}</code>: {escape(r.reason)}</li>"
          for r in result.results if r.verdict is Verdict.SKIPPED],
        "</ul>",
    ]
    if result.preflight:
        parts.append("<h2>Before the cases</h2><pre>" + escape("\n".join(result.preflight)) +
                     "</pre>")
    parts.append(f"<script>{SCRIPT}</script></body></html>\n")
    return "\n".join(parts)


def _meta(data: dict) -> str:
    version = data["target"]["version_info"]
    rows = [("target", ", ".join(f"{k}: {v}" for k, v in version.items()) or "unknown"),
            ("bot account", data["target"]["self_id"]),
            *[(k, v) for k, v in data["urls"].items() if v],
            ("options", ", ".join(f"{k}={v}" for k, v in data["options"].items()
                                  if v not in (None, [], False)))]
    return '<table class="meta">' + "".join(
        f"<tr><td>{escape(str(k))}</td><td>{escape(str(v))}</td></tr>" for k, v in rows) + \
        "</table>"


def _case(r) -> str:
    case = r.case
    rules = ", ".join(case.rules)
    items = [
        ("requirement", f'<blockquote>{escape(case.quote)}</blockquote><a href="'
                        f'{escape(case.url)}">{escape(case.page)}</a> · {escape(case.level.value)}'
                        f" · docs/rules.md: {escape(rules)}"),
        ("expected", escape(case.expected)),
    ]
    if r.reason:
        items.append(("verdict", f"{badge(r.verdict.value)} {escape(r.reason)}"))
    if r.actual:
        items.append(("what came back", f"<pre>{escape(r.actual)}</pre>"))
    if r.reproducers:
        items.append(("reproduce", "".join(f"<pre>{escape(x)}</pre>" for x in r.reproducers)))
    if r.log:
        items.append(("wire log", f"<pre>{escape(chr(10).join(r.log))}</pre>"))
    opened = "" if r.verdict in CLOSED else " open"
    return (f'<details class="case" id="{escape(case.id)}" data-v="{escape(r.verdict.value)}"'
            f"{opened}><summary>"
            f"{badge(r.verdict.value)}<code>{escape(case.id)}</code>"
            f'<span class="lvl">{escape(case.level.value)}</span>'
            f"<span>{escape(case.title)}</span>"
            f'<span class="ms">{r.duration * 1000:.0f} ms</span></summary>'
            f'<dl class="body">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) +
            "</dl></details>")


def matrix(merged: dict) -> str:
    """The page of ``conform --merge``: a case per row, an implementation per column."""
    agents = merged["agents"]
    head = "".join(f"<th>{escape(a)}</th>" for a in agents)
    rows = "".join(
        f"<tr><td><code>{escape(case_id)}</code></td>" + "".join(
            f"<td>{badge(row[a]) if a in row else '-'}</td>" for a in agents) + "</tr>"
        for case_id, row in merged["cases"].items())
    return ("<!doctype html><html lang=en><head><meta charset=utf-8><title>OneBot 11 "
            f"conformance matrix</title><style>{STYLE} td, th {{ padding: 2px 8px; "
            "text-align: left; }</style></head><body><h1>OneBot 11 conformance matrix</h1>"
            f'<div class="note">{escape(DISCLAIMER)}</div><table><tr><th>case</th>{head}</tr>'
            f"{rows}</table></body></html>\n")
