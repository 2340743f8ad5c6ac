"""The sequence diagram (:func:`.diagram.layout`) as an SVG document, written by hand (no
library): presentation attributes only, so the file stands alone (slides, issues, docs), every
text escaped, CJK kept as it is (UTF-8). The page's ``svg`` in ``static/sequence.js`` writes
the same markup from the same diagram, which is what its *Export SVG* saves.
"""

from __future__ import annotations

from .sequence import GEO, RULES

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def esc(text: object) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def _text(x: int, y: int, body: str, fill: str, extra: str = "") -> str:
    return f'<text x="{x}" y="{y}" fill="{fill}"{extra}>{esc(body)}</text>'


def render(diagram: dict, title: str) -> str:
    g, c = GEO, RULES["colours"]
    width, height = diagram["width"], diagram["height"]
    mono = f' font-family="{esc(RULES["mono"])}" font-size="10"'
    small = ' font-size="10" text-anchor="middle"'
    halo = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{esc(RULES["font"])}" '
           f'font-size="{g["font_size"]}" data-first="{diagram["first"]}" '
           f'data-last="{diagram["last"]}">',
           f"<title>{esc(title)}</title>",
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for lane in diagram["lanes"]:
        x, stroke = lane["x"], c.get(lane["channel"], c["lane_stroke"])
        fill = c["demo_lane_fill"] if lane["demo"] else c["lane_fill"]
        out.append(
            f'<g class="seq-lane" data-lane="{esc(lane["key"])}" '
            f'data-channel="{esc(lane["channel"])}">'
            f'<line x1="{x}" y1="{g["header_height"]}" x2="{x}" y2="{height - g["margin"]}" '
            f'stroke="{c["lifeline"]}" stroke-dasharray="3 3"/>'
            f'<rect x="{x - g["lane_width"] // 2 + 6}" y="6" width="{g["lane_width"] - 12}" '
            f'height="{g["header_height"] - 12}" rx="6" fill="{fill}" stroke="{stroke}"/>'
            + _text(x, 19, lane["tag"], c["muted"], small)
            + _text(x, 34, lane["label"], c["text"], ' font-weight="600" text-anchor="middle"')
            + _text(x, 48, lane["sub"], c["muted"], small) + "</g>")
    for row in diagram["rows"]:
        out.append(_row(row, c, mono, halo))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _row(row: dict, c: dict, mono: str, halo: str) -> str:
    g, top, colour = GEO, row["top"], row["colour"]
    y, head = top + g["arrow_dy"], g["head"]
    parts = [f'<g class="seq-row seq-{row["kind"]}" data-seq="{row["seq"]}" '
             f'data-channel="{esc(row["channel"])}" data-from="{esc(row["frm"])}" '
             f'data-to="{esc(row["to"])}">',
             f"<title>{esc(row['title'])}</title>",
             _text(g["margin"], top + g["label_dy"], f"#{row['seq']}", c["muted"], mono),
             _text(g["margin"], top + g["verdict_dy"], row["time"], c["muted"], mono)]
    x1, x2 = row["x1"], row["x2"]
    if row["kind"] == "note":
        parts.append(f'<rect x="{x1}" y="{top + 3}" width="{x2 - x1}" '
                     f'height="{g["row_height"] - 6}" rx="5" fill="{c["note_fill"]}" '
                     f'stroke="{c["note_stroke"]}"/>')
        parts.append(_text(row["label_x"], top + g["label_dy"], row["label"], c["text"],
                           ' font-weight="600"'))
        if row["verdict"]:
            parts.append(_text(row["label_x"], top + g["verdict_dy"], row["verdict"],
                               c["muted"]))
        return "".join(parts) + "</g>"
    dash = ' stroke-dasharray="5 3"' if row["dashed"] else ""
    if row["kind"] == "self":
        loop = g["self_loop"]
        parts.append(f'<path d="M{x1},{y - 8} h{loop} v12 h-{loop - head}" fill="none" '
                     f'stroke="{colour}" stroke-width="1.5"{dash}/>')
        parts.append(f'<polygon points="{x1},{y + 4} {x1 + head},{y} {x1 + head},{y + 8}" '
                     f'fill="{colour}"/>')
    else:
        way = 1 if x2 >= x1 else -1
        parts.append(f'<line x1="{x1}" y1="{y}" x2="{x2 - way * head}" y2="{y}" '
                     f'stroke="{colour}" stroke-width="1.5"{dash}/>')
        parts.append(f'<polygon points="{x2},{y} {x2 - way * head},{y - 4} '
                     f'{x2 - way * head},{y + 4}" fill="{colour}"/>')
        parts += [f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>' for x in row["dots"]]
    parts.append(_text(row["label_x"], top + g["label_dy"], row["label"], c["text"], halo))
    if row["verdict"]:
        parts.append(_text(row["label_x"], top + g["verdict_dy"], row["verdict"],
                           c["bad"] if row["bad"] else c["verdict"], halo))
    return "".join(parts) + "</g>"
