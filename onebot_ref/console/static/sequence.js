// The sequence view's model: which party each journal frame goes between (identify), which
// frames are shown (visible), where everything is drawn (layout) and the SVG text (svg). Line
// for line the Python of onebot_ref/console/sequence.py, diagram.py and svg.py (what
// `tail --svg` writes), both reading their rules and geometry from static/sequence.json, so
// the page and the CLI draw the same lanes and arrows at the same coordinates
// (tests/console/test_browser.py compares them). No DOM here: sequence-view.js draws it.
"use strict";

const Sequence = (() => {
  let RULES = null, GEO = null, BAD = null;
  const BROADCAST = /^\d+ connections$/;
  const HOST_PORT = /^(.*):\d+$/;
  const CONTROL = /[\u0000-\u001f\u007f\ud800-\udfff]/gu;  // u: a lone surrogate only
  // East Asian wide characters take two units of width (the same ranges as diagram.py)
  const WIDE = [[0x1100, 0x115F], [0x2E80, 0xA4CF], [0xAC00, 0xD7A3], [0xF900, 0xFAFF],
                [0xFE30, 0xFE4F], [0xFF00, 0xFF60], [0xFFE0, 0xFFE6], [0x20000, 0x3FFFD]];

  async function load() {
    const response = await fetch("/static/sequence.json");
    RULES = await response.json();
    GEO = RULES.geometry;
    BAD = new RegExp(RULES.bad_verdict, "i");
    return RULES;
  }

  function tr(strings, key, values = {}) {
    let text = strings[key] ?? key;
    for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  function header(frame, name) {
    for (const [key, value] of Object.entries(frame.headers || {})) {
      if (key.toLowerCase() === name.toLowerCase()) return value;
    }
    return null;
  }

  function hostOf(peer) {
    const match = HOST_PORT.exec(peer || "");
    return match ? match[1] : (peer || "");
  }

  function wsPath(frame) {
    const path = (frame.path || "").split("?")[0];
    return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : (path || "/");
  }

  function getsEvents(lane, rule) {
    const wanted = rule.events_on || [];
    if (wanted.includes("*")) return true;
    return wanted.includes(lane.path) || lane.roles.some((role) => wanted.includes(role));
  }

  function makeLane(lanes, key, channel, rule, peer) {
    if (!lanes.has(key)) {
      lanes.set(key, { key, channel, label: rule.label || "lane.other", peer, path: "", agent: "",
                       roles: [], closed: false });
    }
    return lanes.get(key);
  }

  // Every frame placed ({frame, kind, lane, targets}), and the bot side's lanes by key.
  function identify(frames) {
    const lanes = new Map(), clientOf = new Map(), placed = [];
    for (const frame of frames) {
      const channel = frame.channel || "", peer = frame.peer || "";
      const rule = RULES.channels[channel] || RULES.other_channel;
      const kind = rule.lane;
      const data = frame.data && typeof frame.data === "object" && !Array.isArray(frame.data) ? frame.data : {};
      if (kind === "note" || kind === "self") {
        placed.push({ frame, kind, lane: kind === "self" ? "server" : null, targets: [] });
        continue;
      }
      if (kind === "console") { placed.push({ frame, kind: "arrow", lane: "console", targets: [] }); continue; }
      if (kind === "fault") {
        let key = null;
        for (const [k, lane] of lanes) if (lane.peer === peer) { key = k; break; }
        key = key || makeLane(lanes, `fault|${peer}`, channel, rule, peer).key;
        placed.push({ frame, kind: "arrow", lane: key, targets: [] });
        continue;
      }
      if (BROADCAST.test(peer) && (kind === "connection" || kind === "peer")) {
        let targets = [...lanes.values()].filter((lane) => lane.channel === channel && !lane.closed &&
                                                 getsEvents(lane, rule)).map((lane) => lane.key);
        if (!targets.length) targets = [makeLane(lanes, `${channel}|*`, channel, rule, peer).key];
        placed.push({ frame, kind: "arrow", lane: targets[0], targets });
        continue;
      }
      const agent = header(frame, "User-Agent");
      let lane;
      if (kind === "client") {
        let key;
        if (frame.direction === "in" && agent !== null) {
          key = `${channel}|${hostOf(peer)}|${agent}`;
          clientOf.set(`${channel}|${peer}`, key);
        } else {
          key = clientOf.get(`${channel}|${peer}`) || `${channel}|${hostOf(peer)}|${agent || ""}`;
        }
        lane = makeLane(lanes, key, channel, rule, hostOf(peer));
      } else if (kind === "connection") {
        // an event pushed to one connection is journalled with its peer but no path
        const known = frame.path ? null : [...lanes.values()].reverse().find(
          (lane) => lane.channel === channel && lane.peer === peer);
        const path = known ? known.path : wsPath(frame);
        lane = makeLane(lanes, known ? known.key : `${channel}|${path}|${peer}`, channel, rule, peer);
        lane.path = path;
      } else {
        lane = makeLane(lanes, `${channel}|${peer}`, channel, rule, peer);
      }
      if (agent && !lane.agent) lane.agent = agent;
      const role = RULES.roles[String(data.role ?? "").toLowerCase()];
      if (role && !lane.roles.includes(role)) lane.roles.push(role);
      if (data.event === "open" || data.event === "close") lane.closed = data.event === "close";
      placed.push({ frame, kind: "arrow", lane: lane.key, targets: [] });
    }
    return { placed, lanes };
  }

  // The frames shown: of these channels (all: null), and with `only`, those on a lane whose
  // key contains it (the notes stay); the last max_rows of them.
  function visible(placed, channels = null, only = "") {
    const rows = placed.filter((item) => {
      if (channels !== null && !channels.has(item.frame.channel)) return false;
      if (!only || item.kind === "note") return true;
      return (item.targets.length ? item.targets : [item.lane || ""]).some((key) => key.includes(only));
    });
    return rows.length > GEO.max_rows ? rows.slice(rows.length - GEO.max_rows) : rows;
  }

  function textUnits(text) {
    let units = 0;
    for (const ch of text) {
      const code = ch.codePointAt(0);
      units += WIDE.some(([a, b]) => a <= code && code <= b) ? 2 : 1;
    }
    return units;
  }

  function fit(text, width) {
    const room = Math.floor(width * 10 / GEO.char_width_tenths);
    if (textUnits(text) <= room) return text;
    let out = "", used = 1;
    for (const ch of text) {
      used += textUnits(ch);
      if (used > room) break;
      out += ch;
    }
    return out + "…";
  }

  function fitEnd(text, width) {  // cut at its start: the end of a URL says the most
    const room = Math.floor(width * 10 / GEO.char_width_tenths);
    if (textUnits(text) <= room) return text;
    const out = [];
    let used = 1;
    for (const ch of [...text].reverse()) {
      used += textUnits(ch);
      if (used > room) break;
      out.push(ch);
    }
    return "…" + out.reverse().join("");
  }

  function clock(when) {
    const d = new Date(when * 1000), two = (n) => String(n).padStart(2, "0");
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.` +
           String(d.getMilliseconds()).padStart(3, "0");
  }

  const clean = (text) => String(text).replace(CONTROL, " ");

  function laneTexts(lane, strings) {
    const demo = lane.agent.includes(RULES.demo_bot) || lane.peer.includes(RULES.demo_bot);
    const tag = (demo ? tr(strings, "lane.demo_bot") + " · " : "") + lane.channel;
    let label = tr(strings, lane.label);
    if (lane.channel.startsWith("ws") || lane.channel === "milky_event") {
      label += " " + (lane.channel === "ws_reverse" && lane.roles.length ? lane.roles.join("/") : lane.path);
    }
    if (lane.key.endsWith("|*")) label += " " + tr(strings, "lane.connections");
    const sub = lane.peer + ((lane.channel === "http" || lane.channel === "milky") && lane.agent
                             ? ` · ${lane.agent}` : "");
    return [tag, label.trim(), sub];
  }

  function noteTexts(data, strings, lang) {
    const title = (lang.startsWith("zh") ? data.title_zh : null) || data.title || "";
    if ("step" in data) {
      const first = `${tr(strings, "seq.step")} ${data.step}/${data.of ?? "?"} · ${title}`;
      const second = [data.page || "", (data.rules || []).join(" "), data.quote || ""].filter((x) => x).join(" · ");
      return [first, second];
    }
    if (data.event === "done") {
      return [`${tr(strings, "seq.demo")} ${data.demo || ""} · ${tr(strings, "seq.demo_done")}`, data.summary || ""];
    }
    return [`${tr(strings, "seq.demo")} ${data.demo || ""} · ${title}`,
            tr(strings, "seq.demo_bot_is", { bot: data.bot || "" })];
  }

  // The diagram of `rows`: lanes with their x, rows with their y, their arrow's ends and texts.
  function layout(rows, lanes, strings, summarize, lang = "en") {
    const g = GEO, colours = RULES.colours, used = [];
    for (const item of rows) {
      for (const key of item.targets.length ? item.targets : [item.lane]) {
        if (key && key !== "console" && key !== "server" && !used.includes(key)) used.push(key);
      }
    }
    const order = (rows.some((item) => item.lane === "console") ? ["console"] : []).concat(["server"], used);
    const xs = new Map(order.map((key, i) => [key, g.gutter + g.margin + g.lane_width * i + Math.floor(g.lane_width / 2)]));
    const width = Math.max(g.min_width, g.gutter + 2 * g.margin + g.lane_width * order.length);
    const height = g.header_height + 2 * g.margin + g.row_height * rows.length;
    const outLanes = order.map((key) => {
      let texts;
      if (key === "console") texts = ["console", tr(strings, "lane.console"), tr(strings, "lane.console_sub")];
      else if (key === "server") texts = ["onebot_ref", tr(strings, "lane.server"), tr(strings, "lane.server_sub")];
      else texts = laneTexts(lanes.get(key), strings);
      const room = g.lane_width - 20;
      return { key, channel: lanes.has(key) ? lanes.get(key).channel : (key === "server" ? "onebot_ref" : key),
               x: xs.get(key), tag: fit(texts[0], room), label: fit(texts[1], room), sub: fitEnd(texts[2], room),
               demo: texts[0].startsWith(tr(strings, "lane.demo_bot")) };
    });
    const outRows = rows.map((item, index) => {
      const frame = item.frame, top = g.header_height + g.margin + g.row_height * index;
      const channel = frame.channel || "";
      const row = { seq: frame.seq, kind: item.kind, channel, top, time: clock(frame.time || 0), dots: [],
                    dashed: channel === "fault", colour: colours[channel] || colours.other };
      let verdict = clean(frame.verdict || ""), labelX, text;
      if (item.kind === "note") {
        const data = frame.data && typeof frame.data === "object" ? frame.data : {};
        const [first, second] = noteTexts(data, strings, lang);
        Object.assign(row, { x1: g.gutter + Math.floor(g.margin / 2), x2: width - Math.floor(g.margin / 2),
                             frm: "", to: "", bad: false, title: clean(`${first} — ${second}`) });
        labelX = row.x1 + 8; text = clean(first); verdict = clean(second);
      } else {
        const summary = clean(summarize(frame));
        if (item.kind === "self") {
          Object.assign(row, { x1: xs.get("server"), x2: xs.get("server"), frm: "server", to: "server" });
          labelX = xs.get("server") + g.self_loop + 6;
        } else {
          const targets = item.targets.length ? item.targets : [item.lane];
          let far = targets[0];
          for (const key of targets) {
            if (Math.abs(xs.get(key) - xs.get("server")) > Math.abs(xs.get(far) - xs.get("server"))) far = key;
          }
          row.dots = targets.filter((key) => key !== far).map((key) => xs.get(key));
          const ends = frame.direction === "in" ? [far, "server"] : ["server", far];
          Object.assign(row, { x1: xs.get(ends[0]), x2: xs.get(ends[1]), frm: ends[0], to: ends[1] });
          labelX = Math.min(row.x1, row.x2) + 6;
        }
        row.bad = Boolean(verdict) && BAD.test(verdict);
        row.title = clean(`#${frame.seq} ${channel} ${frame.direction || ""} ${frame.peer || ""}: ${summary}` +
                          (verdict ? ` [${verdict}]` : ""));
        text = summary;
      }
      const room = width - g.margin - labelX;
      Object.assign(row, { label_x: labelX, label: fit(text, room), verdict: fit(verdict, room) });
      return row;
    });
    return { width, height, lanes: outLanes, rows: outRows,
             first: outRows.length ? outRows[0].seq : 0, last: outRows.length ? outRows[outRows.length - 1].seq : 0 };
  }

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  const esc = (text) => String(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
  const textEl = (x, y, body, fill, extra = "") => `<text x="${x}" y="${y}" fill="${fill}"${extra}>${esc(body)}</text>`;

  // The diagram as an SVG document: the markup of svg.py, character for character.
  function svg(diagram, title) {
    const g = GEO, c = RULES.colours, { width, height } = diagram;
    const mono = ` font-family="${esc(RULES.mono)}" font-size="10"`;
    const small = ' font-size="10" text-anchor="middle"';
    const halo = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"';
    const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
                 `viewBox="0 0 ${width} ${height}" font-family="${esc(RULES.font)}" ` +
                 `font-size="${g.font_size}" data-first="${diagram.first}" data-last="${diagram.last}">`,
                 `<title>${esc(title)}</title>`, `<rect width="${width}" height="${height}" fill="#ffffff"/>`];
    for (const lane of diagram.lanes) {
      const x = lane.x, stroke = c[lane.channel] || c.lane_stroke;
      const fill = lane.demo ? c.demo_lane_fill : c.lane_fill;
      out.push(`<g class="seq-lane" data-lane="${esc(lane.key)}" data-channel="${esc(lane.channel)}">` +
               `<line x1="${x}" y1="${g.header_height}" x2="${x}" y2="${height - g.margin}" ` +
               `stroke="${c.lifeline}" stroke-dasharray="3 3"/>` +
               `<rect x="${x - Math.floor(g.lane_width / 2) + 6}" y="6" width="${g.lane_width - 12}" ` +
               `height="${g.header_height - 12}" rx="6" fill="${fill}" stroke="${stroke}"/>` +
               textEl(x, 19, lane.tag, c.muted, small) +
               textEl(x, 34, lane.label, c.text, ' font-weight="600" text-anchor="middle"') +
               textEl(x, 48, lane.sub, c.muted, small) + "</g>");
    }
    for (const row of diagram.rows) out.push(svgRow(row, c, mono, halo));
    out.push("</svg>");
    return out.join("\n") + "\n";
  }

  // The lanes' headers alone: the page keeps them in view above the rows (sequence-view.js).
  function headSvg(diagram) {
    const g = GEO, c = RULES.colours, width = diagram.width;
    const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${g.header_height}" ` +
                 `font-family="${esc(RULES.font)}" font-size="${g.font_size}">`,
                 `<rect width="${width}" height="${g.header_height}" fill="#ffffff"/>`];
    for (const lane of diagram.lanes) {
      const x = lane.x, stroke = c[lane.channel] || c.lane_stroke;
      out.push(`<g class="seq-lane-head" data-key="${esc(lane.key)}">` +
               `<rect x="${x - Math.floor(g.lane_width / 2) + 6}" y="6" width="${g.lane_width - 12}" ` +
               `height="${g.header_height - 12}" rx="6" fill="${lane.demo ? c.demo_lane_fill : c.lane_fill}" stroke="${stroke}"/>` +
               textEl(x, 19, lane.tag, c.muted, ' font-size="10" text-anchor="middle"') +
               textEl(x, 34, lane.label, c.text, ' font-weight="600" text-anchor="middle"') +
               textEl(x, 48, lane.sub, c.muted, ' font-size="10" text-anchor="middle"') + "</g>");
    }
    out.push("</svg>");
    return out.join("");
  }

  function svgRow(row, c, mono, halo) {
    const g = GEO, top = row.top, colour = row.colour, y = top + g.arrow_dy, head = g.head;
    const parts = [`<g class="seq-row seq-${row.kind}" data-seq="${row.seq}" data-channel="${esc(row.channel)}" ` +
                   `data-from="${esc(row.frm)}" data-to="${esc(row.to)}">`, `<title>${esc(row.title)}</title>`,
                   textEl(g.margin, top + g.label_dy, `#${row.seq}`, c.muted, mono),
                   textEl(g.margin, top + g.verdict_dy, row.time, c.muted, mono)];
    const { x1, x2 } = row;
    if (row.kind === "note") {
      parts.push(`<rect x="${x1}" y="${top + 3}" width="${x2 - x1}" height="${g.row_height - 6}" rx="5" ` +
                 `fill="${c.note_fill}" stroke="${c.note_stroke}"/>`);
      parts.push(textEl(row.label_x, top + g.label_dy, row.label, c.text, ' font-weight="600"'));
      if (row.verdict) parts.push(textEl(row.label_x, top + g.verdict_dy, row.verdict, c.muted));
      return parts.join("") + "</g>";
    }
    const dash = row.dashed ? ' stroke-dasharray="5 3"' : "";
    if (row.kind === "self") {
      const loop = g.self_loop;
      parts.push(`<path d="M${x1},${y - 8} h${loop} v12 h-${loop - head}" fill="none" ` +
                 `stroke="${colour}" stroke-width="1.5"${dash}/>`);
      parts.push(`<polygon points="${x1},${y + 4} ${x1 + head},${y} ${x1 + head},${y + 8}" fill="${colour}"/>`);
    } else {
      const way = x2 >= x1 ? 1 : -1;
      parts.push(`<line x1="${x1}" y1="${y}" x2="${x2 - way * head}" y2="${y}" ` +
                 `stroke="${colour}" stroke-width="1.5"${dash}/>`);
      parts.push(`<polygon points="${x2},${y} ${x2 - way * head},${y - 4} ${x2 - way * head},${y + 4}" ` +
                 `fill="${colour}"/>`);
      for (const x of row.dots) parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${colour}"/>`);
    }
    parts.push(textEl(row.label_x, top + g.label_dy, row.label, c.text, halo));
    if (row.verdict) {
      parts.push(textEl(row.label_x, top + g.verdict_dy, row.verdict, row.bad ? c.bad : c.verdict, halo));
    }
    return parts.join("") + "</g>";
  }

  return { load, identify, visible, layout, svg, headSvg, laneTexts, tr, fit, get rules() { return RULES; } };
})();
