// onebot_ref console: play the other QQ users, watch every frame. Plain JS, no build step.
// Talks only to the JSON API of this server (/sim/*, see docs/console-api.md),
// with long polling (?wait=) for messages and traffic, so updates arrive without reloading.
// Every string it shows is t(key) of the tables static/i18n-*.json (i18n.js); the traffic
// pane's sequence view is sequence-view.js.
"use strict";

const TOKEN = new URLSearchParams(location.search).get("access_token");
// the channels offered as filter chips; a channel not listed gets its chip with its first frame
const CHANNELS = ["http", "http_post", "ws", "ws_reverse", "milky", "milky_event", "milky_webhook",
                  "console", "demo", "fault", "server"];
// which face a channel's frames belong to (docs/milky.md: one world, two protocols)
const FACE = { milky: "Milky", milky_event: "Milky", milky_webhook: "Milky", console: "console",
               demo: "demo", fault: "fault", server: "server" };
const faceOf = (channel) => FACE[channel] || "OneBot 11";
const MAX_FRAMES = 2000;
const WAIT = 25;            // seconds a long poll is held by the server
const BEYOND = 2 ** 52;     // a cursor past the end: the answer is the current cursor

const state = {
  selfId: null, nickname: "", world: null, kinds: [],
  convs: new Map(),         // "private:10001" | "group:20001" -> conversation
  byId: new Map(),          // message_id -> message (for replies)
  current: null, replyTo: null,
  msgCursor: 0, trafficCursor: 0, frames: [],  // the frames received (at most MAX_FRAMES)
  known: [...CHANNELS], channels: new Set(CHANNELS), search: "", paused: false,
  senderByGroup: new Map(),
};

const $ = (id) => document.getElementById(id);
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// --- the API -------------------------------------------------------------------------------
async function api(path, body) {
  const headers = {};
  if (TOKEN) headers.Authorization = "Bearer " + TOKEN;
  const init = { headers };
  if (body !== undefined) {
    init.method = "POST";
    headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try { data = await response.json(); } catch (_) { /* not JSON */ }
  if (!response.ok) {
    const err = new Error((data && data.error) || `HTTP ${response.status}`);
    err.status = response.status;
    throw err;
  }
  return data;
}

// text: the server's own words, or null and a key of the string tables (kept across languages)
function setStatus(live, text, key = null) {
  $("status").dataset.state = live ? "live" : "down";
  if (key) $("status-text").dataset.i18n = key; else $("status-text").removeAttribute("data-i18n");
  $("status-text").textContent = key ? t(key) : text;
}

// --- names and colours ---------------------------------------------------------------------
function colourOf(id) {
  const hues = [210, 340, 160, 30, 270, 190, 0, 100, 300, 50];
  return `hsl(${hues[Math.abs(Number(id)) % hues.length]} 55% 50%)`;
}
function initials(name) { return (name || "?").trim().slice(0, 1).toUpperCase() || "?"; }
function avatar(id, name, group = false) {
  return el("span", { class: "avatar" + (group ? " group" : ""), style: `background:${colourOf(id)}` },
            initials(name));
}
function groupOf(id) { return (state.world?.groups || []).find((g) => g.group_id === id); }
function memberOf(group, userId) { return group?.members.find((m) => m.user_id === userId); }
function nameOf(userId, groupId) {
  if (userId === state.selfId) return state.nickname || String(userId);
  const member = memberOf(groupOf(groupId), userId);
  if (member) return member.card || member.nickname || String(userId);
  const friend = (state.world?.friends || []).find((f) => f.user_id === userId);
  if (friend) return friend.remark || friend.nickname;
  const stranger = (state.world?.strangers || []).find((s) => s.user_id === userId);
  return stranger ? stranger.nickname : String(userId);
}

// --- conversations -------------------------------------------------------------------------
function conv(key) {
  if (!state.convs.has(key)) {
    const [type, id] = key.split(":");
    state.convs.set(key, { key, type, id: Number(id), messages: [], unread: 0 });
  }
  return state.convs.get(key);
}
function convTitle(c) {
  if (c.type === "group") return groupOf(c.id)?.group_name || t("chat.group", { id: c.id });
  return nameOf(c.id);
}

function renderSidebar() {
  const w = state.world;
  const item = (key, title, sub, isGroup) => {
    const c = conv(key);
    return el("li", {}, el("button", {
      type: "button", class: "conv" + (state.current === key ? " active" : ""),
      "data-conv": key, onclick: () => openConv(key),
    }, avatar(c.id, title, isGroup),
       el("span", { class: "conv-text" }, el("span", { class: "conv-name", text: title }),
          el("span", { class: "conv-sub", text: sub })),
       c.unread ? el("span", { class: "badge", text: c.unread }) : null));
  };
  $("friend-list").replaceChildren(...w.friends.map((f) =>
    item(`private:${f.user_id}`, f.remark || f.nickname, `${f.user_id}`, false)));
  $("group-list").replaceChildren(...w.groups.map((g) =>
    item(`group:${g.group_id}`, g.group_name, t("side.group_sub", { id: g.group_id, n: g.members.length }), true)));
  $("open-events").classList.toggle("active", state.current === "events");
}

function openConv(key) {
  state.current = key;
  const events = key === "events";
  $("chat-pane").hidden = events;
  $("events-pane").hidden = !events;
  if (!events) {
    const c = conv(key);
    c.unread = 0;
    setReply(null);
    renderChatHead(c);
    renderSenders(c);
    renderMessages(c);
    $("text").disabled = $("send").disabled = false;
    $("text").focus();
  }
  renderSidebar();
}

function renderChatHead(c) {
  $("chat-title").removeAttribute("data-i18n");
  $("chat-subtitle").removeAttribute("data-i18n");
  $("chat-title").textContent = convTitle(c);
  $("chat-subtitle").textContent = c.type === "group"
    ? t("chat.group_sub", { id: c.id })
    : t("chat.private_sub", { name: convTitle(c), id: c.id, self: state.selfId });
}

function renderSenders(c) {
  const select = $("sender");
  let options;
  if (c.type === "group") {
    const members = (groupOf(c.id)?.members || []).filter((m) => m.user_id !== state.selfId);
    options = members.map((m) => [m.user_id, `${m.card || m.nickname} (${m.user_id})`]);
  } else {
    options = [[c.id, `${nameOf(c.id)} (${c.id})`]];
  }
  select.replaceChildren(...options.map(([v, t]) => el("option", { value: v, text: t })));
  select.disabled = c.type !== "group";
  const remembered = state.senderByGroup.get(c.id);
  if (c.type === "group" && remembered) select.value = remembered;
}

// --- messages ------------------------------------------------------------------------------
function keyOf(m) {
  if (m.message_type === "group") return `group:${m.group_id}`;
  return `private:${m.from_self ? m.target_id : m.user_id}`;
}

function addMessages(list) {
  const touched = new Set();
  for (const m of list) {
    state.byId.set(m.message_id, m);
    const c = conv(keyOf(m));
    c.messages.push(m);
    if (c.messages.length > 500) c.messages.shift();
    touched.add(c.key);
    if (state.current !== c.key && !m.from_self) c.unread += 1;
  }
  if (touched.has(state.current)) renderMessages(conv(state.current));
  if (touched.size) renderSidebar();
}

function imageSource(data) {
  const src = data.url || data.file || "";
  if (/^https?:\/\//i.test(src) || src.startsWith("data:")) return src;
  if (src.startsWith("base64://")) return "data:image/png;base64," + src.slice(9);
  return null;
}

function chip(text, title) { return el("span", { class: "seg-chip", title: title || null, text }); }

function renderSegment(seg, m) {
  const d = seg.data || {};
  switch (seg.type) {
    case "text": return document.createTextNode(d.text ?? "");
    case "image": {
      const src = imageSource(d);
      if (!src) return chip(`🖼 ${d.file || t("seg.image")}`, t("seg.image_local"));
      return el("img", { class: "seg-image", src, alt: d.file || t("seg.image"), loading: "lazy",
                         onclick: () => window.open(src, "_blank") });
    }
    case "face": return chip(`☺ ${t("seg.face", { id: d.id })}`, t("seg.face_title", { id: d.id }));
    case "at": return el("span", { class: "seg-at",
      text: d.qq === "all" ? t("seg.at_all") : "@" + nameOf(Number(d.qq), m.group_id) });
    case "reply": {
      const quoted = state.byId.get(Number(d.id));
      const plain = (segs) => segs.map((x) => x.type === "text" ? x.data.text : `[${x.type}]`).join("");
      const text = quoted ? `${nameOf(quoted.user_id, quoted.group_id)}: ${plain(quoted.message || [])}`
                          : t("seg.message_n", { id: d.id });
      return el("span", { class: "seg-reply", title: t("seg.reply_title", { id: d.id }), text: "↩ " + text });
    }
    case "record": return chip(`🔊 ${t("seg.voice")} ${d.file || ""}`);
    case "video": return chip(`🎬 ${t("seg.video")} ${d.file || ""}`);
    case "share": return el("span", { class: "seg-card" }, "🔗 ",
      el("a", { href: d.url, target: "_blank", rel: "noopener", text: d.title || d.url }),
      d.content ? el("div", { class: "muted", text: d.content }) : null);
    case "location": return chip(`📍 ${d.title || ""} (${d.lat}, ${d.lon})`);
    case "music": return chip(d.type === "custom" ? `🎵 ${d.title || d.url}` : `🎵 ${d.type} ${d.id}`);
    case "contact": return chip(`👤 ${d.type} ${d.id}`);
    case "forward": return chip(`📦 ${t("seg.forward", { id: d.id })}`);
    case "node": return chip(`📦 ${t("seg.node")}`);
    case "poke": return chip(`👉 ${t("seg.poke")} ${d.type || ""}`);
    case "json": case "xml": return chip(`{ } ${seg.type} ${t("seg.card")}`, d.data);
    default: return chip(`[${seg.type}]`, JSON.stringify(d));
  }
}

function renderMessage(m) {
  const self = m.from_self;
  const name = nameOf(m.user_id, m.group_id);
  const time = new Date(m.time * 1000).toLocaleTimeString();
  const bubble = el("div", { class: "bubble" },
    (m.message || []).map((seg) => renderSegment(seg, m)));
  return el("div", { class: "msg" + (self ? " self" : ""), "data-message-id": m.message_id },
    avatar(m.user_id, name),
    el("div", { class: "msg-body" },
      el("div", { class: "msg-meta" },
        el("span", { text: self ? t("chat.bot_name", { name }) : name }),
        el("span", { text: `#${m.message_id} · ${time}` }),
        el("button", { type: "button", class: "reply-btn", title: t("chat.reply_title"),
                       onclick: () => setReply(m) }, "↩")),
      bubble));
}

function renderMessages(c) {
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  if (!c.messages.length) {
    box.replaceChildren(el("div", { class: "empty", text: t("chat.no_messages") }));
    return;
  }
  box.replaceChildren(...c.messages.map(renderMessage));
  if (atBottom || c._first !== false) box.scrollTop = box.scrollHeight;
  c._first = false;
}

function setReply(m) {
  state.replyTo = m;
  $("reply-bar").hidden = !m;
  if (m) $("reply-text").textContent = t("chat.replying", { id: m.message_id, text: m.raw_message.slice(0, 60) });
}

async function sendMessage(ev) {
  ev.preventDefault();
  const c = conv(state.current);
  const text = $("text").value;
  if (!text.trim()) return;
  const message = (state.replyTo ? `[CQ:reply,id=${state.replyTo.message_id}]` : "") + text;
  const userId = Number($("sender").value);
  $("composer-error").hidden = true;
  try {
    if (c.type === "group") {
      state.senderByGroup.set(c.id, userId);
      await api("/sim/group_message", { group_id: c.id, user_id: userId, message });
    } else {
      await api("/sim/private_message", { user_id: c.id, message });
    }
    $("text").value = "";
    setReply(null);
  } catch (err) {
    $("composer-error").textContent = err.message;
    $("composer-error").hidden = false;
  }
}

// --- traffic -------------------------------------------------------------------------------
function summarize(f) {
  const d = f.data;
  if (d === null || typeof d !== "object") return String(d ?? "");
  if (f.channel === "fault") return `${d.fault} ${d.type}`;  // the verdict says what it did
  if (f.channel === "demo") return `demo ${d.demo || ""}` + ("step" in d ? ` step ${d.step}/${d.of}` : "");
  const parts = [];
  if (d.method) parts.push(d.method);
  if (d.action) parts.push(d.action);
  if (d.api) parts.push(d.api);  // a Milky API call
  if (d.event_type) {  // a Milky event
    parts.push(d.event_type);
    const m = d.data?.message_scene ? d.data : null;
    if (m) parts.push(`${m.message_scene} ${m.peer_id} seq=${m.message_seq}`);
  }
  if (d.post_type) {
    const kind = d[`${d.post_type}_type`];
    parts.push([d.post_type, kind, d.sub_type].filter(Boolean).join("."));
    if (d.raw_message !== undefined) parts.push(JSON.stringify(d.raw_message));
    else if (typeof d.message === "string") parts.push(JSON.stringify(d.message));
  }
  const brief = (p) => ["message_type", "notice_type", "request_type", "sub_type", "group_id",
    "user_id", "comment", "message"].filter((k) => k in p).map((k) => `${k}=${JSON.stringify(p[k])}`).join(" ");
  if (d.params && typeof d.params === "object") parts.push(brief(d.params) || JSON.stringify(d.params));
  if (f.channel === "console" && f.path) {
    parts.push(f.path.replace(/^\/sim\//, ""));
    if (!d.post_type) parts.push(brief(d));
  }
  if ("retcode" in d) parts.push(`${d.status} retcode=${d.retcode}` + (d.message ? ` ${d.message}` : ""));
  if (!parts.length) {
    if (d.status !== undefined) parts.push(`status ${d.status}`);
    if (d.body !== undefined) parts.push(JSON.stringify(d.body));  // an HTTP POST answer's quick operation
    if (d.reason) parts.push(d.reason);
    if (d.event) parts.push(d.event);
    if (d.code !== undefined) parts.push(`code ${d.code}`);
    if (d.url) parts.push(d.url);
    if (d.job) parts.push(d.job);  // a server frame: a thread's job that failed
    if (d.error) parts.push(d.error);
  }
  if ("echo" in d) parts.push(`echo=${JSON.stringify(d.echo)}`);
  return parts.join(" ") || JSON.stringify(d).slice(0, 160);
}

function highlight(value) {
  const json = JSON.stringify(value, null, 2) ?? "undefined";
  const out = el("pre");
  const re = /("(?:\\.|[^"\\])*")(\s*:)?|\b(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\b|\b(true|false|null)\b/g;
  let last = 0, match;
  while ((match = re.exec(json))) {
    out.append(json.slice(last, match.index));
    if (match[1]) {
      out.append(el("span", { class: match[2] ? "j-key" : "j-str", text: match[1] }));
      if (match[2]) out.append(match[2]);
    } else if (match[3]) out.append(el("span", { class: "j-num", text: match[3] }));
    else out.append(el("span", { class: "j-lit", text: match[4] }));
    last = re.lastIndex;
  }
  out.append(json.slice(last));
  return out;
}

function frameDetail(f) {
  const box = el("div", { class: "frame-detail" });
  const facts = [[t("detail.time"), new Date(f.time * 1000).toISOString()], [t("detail.face"), faceOf(f.channel)],
                 [t("detail.channel"), f.channel], [t("detail.direction"), f.direction], [t("detail.peer"), f.peer]];
  if (f.path) facts.push([t("detail.path"), f.path]);
  if (f.verdict) facts.push([t("detail.verdict"), f.verdict]);
  box.append(el("table", {}, facts.map(([k, v]) => el("tr", {}, el("td", { text: k }), el("td", { text: v })))));
  if (f.headers) {
    box.append(el("h4", { text: t("detail.headers") }),
      el("table", {}, Object.entries(f.headers).map(([k, v]) =>
        el("tr", {}, el("td", { text: k }), el("td", { text: v })))));
  }
  box.append(el("h4", { text: t("detail.data") }), highlight(f.data));
  return box;
}

function frameNode(f) {
  const verdictBad = f.verdict && (/^(4\d\d|5\d\d|1[0-9]{3}|error|failed|refused)/i.test(f.verdict) ||
                                   (f.channel === "server" && / (failed|stopped): /.test(f.verdict)));
  const node = el("div", { class: "frame", "data-channel": f.channel, "data-seq": f.seq,
                           "data-face": faceOf(f.channel) });
  const time = new Date(f.time * 1000);
  const row = el("div", { class: "frame-row", onclick: () => {
      const open = node.classList.toggle("open");
      if (open) node.append(frameDetail(f)); else node.querySelector(".frame-detail")?.remove();
    } },
    el("span", { class: "f-seq", text: "#" + f.seq }),
    el("span", { class: "f-time", text: time.toLocaleTimeString([], { hour12: false }) +
                 "." + String(time.getMilliseconds()).padStart(3, "0") }),
    el("span", { class: `f-chan chan-${f.channel}`, title: `${faceOf(f.channel)}: ${f.channel}`,
                 text: f.channel }),
    el("span", { class: "f-dir " + f.direction, title: t(f.direction === "in" ? "traffic.in_title" : "traffic.out_title"),
                 text: t(f.direction === "in" ? "traffic.in" : "traffic.out") }),
    el("span", { class: "f-sum" }, el("span", { class: "f-peer", text: f.peer || "" }),
       el("span", { class: "f-text", text: summarize(f) }),
       f.verdict ? el("span", { class: "f-verdict" + (verdictBad ? " bad" : ""), title: f.verdict, text: f.verdict }) : null));
  node.append(row);
  node._text = JSON.stringify(f).toLowerCase();
  return node;
}

function visible(node) {
  return state.channels.has(node.dataset.channel) &&
         (!state.search || node._text.includes(state.search));
}

function addFrames(frames) {
  const box = $("frames");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  for (const f of frames) {
    if (!state.known.includes(f.channel)) {  // a channel this page does not list: a chip for it
      state.known.push(f.channel);
      state.channels.add(f.channel);
      renderFilters();
    }
    state.frames.push(f);
    const node = frameNode(f);
    node.hidden = !visible(node);
    box.append(node);
  }
  if (state.frames.length > MAX_FRAMES) state.frames.splice(0, state.frames.length - MAX_FRAMES);
  while (box.childElementCount > MAX_FRAMES) box.firstElementChild.remove();
  if (atBottom && !state.paused) box.scrollTop = box.scrollHeight;
  SequenceView.update();
}

function rebuildFrames() {
  $("frames").replaceChildren();
  const frames = state.frames;
  state.frames = [];
  addFrames(frames);
}

function applyFilters() {
  for (const node of $("frames").children) node.hidden = !visible(node);
  SequenceView.render();
}

function renderFilters() {
  $("channel-filters").replaceChildren(...state.known.map((ch) => el("button", {
    type: "button", class: "chan-btn" + (state.channels.has(ch) ? " on" : ""), "data-channel": ch,
    title: t("traffic.show_hide", { channel: ch }),
    onclick: (ev) => {
      if (state.channels.has(ch)) state.channels.delete(ch); else state.channels.add(ch);
      ev.currentTarget.classList.toggle("on", state.channels.has(ch));
      applyFilters();
    } }, el("span", { class: `swatch chan-${ch}` }), ch, el("small", { class: "face-tag", text: faceOf(ch) }))));
}

// --- the event form ------------------------------------------------------------------------
function idOptions(field) {
  const w = state.world;
  if (!w) return [];
  if (field === "group_id") return w.groups.map((g) => [g.group_id, g.group_name]);
  const people = new Map();
  for (const f of w.friends) people.set(f.user_id, f.nickname);
  for (const s of w.strangers || []) people.set(s.user_id, s.nickname);
  for (const g of w.groups) for (const m of g.members) people.set(m.user_id, m.nickname);
  people.set(state.selfId, t("events.the_bot", { name: state.nickname }));
  return [...people.entries()];
}

function renderEventFields() {
  const kind = state.kinds.find((k) => k.name === $("event-kind").value);
  const box = $("event-fields");
  box.replaceChildren();
  if (!kind) return;
  $("event-spec").textContent = kind.spec;
  const rows = [];
  if (kind.sub_types.length > 1) {
    rows.push(["sub_type", el("select", { "data-field": "sub_type" },
      kind.sub_types.map((s) => el("option", { value: s, text: s })))]);
  }
  for (const field of kind.fields) {
    let input;
    if (field.choices) {
      input = el("select", { "data-field": field.name }, field.choices.map((c) => el("option", { value: c, text: c })));
    } else if (field.kind === "int") {
      const listId = "ids-" + field.name;
      input = el("span", { class: "field-input" }, el("input", { "data-field": field.name, "data-kind": "int", list: listId,
        inputmode: "numeric", placeholder: field.name }),
        el("datalist", { id: listId }, idOptions(field.name).map(([v, t]) => el("option", { value: v, label: t }))));
    } else if (field.kind === "bool") {
      input = el("select", { "data-field": field.name, "data-kind": "bool" },
        ["", "true", "false"].map((c) => el("option", { value: c, text: c || "(default)" })));
    } else if (field.kind === "object") {
      input = el("input", { "data-field": field.name, "data-kind": "object",
        value: field.name === "file" ? '{"id": "abc", "name": "notes.txt", "size": 1024, "busid": 102}' : "{}" });
    } else {
      input = el("input", { "data-field": field.name, placeholder: field.name });
    }
    rows.push([field.name, input]);
  }
  box.append(...rows.map(([label, input]) => el("div", { class: "field-row" }, el("label", { text: label }), input)));
  box.querySelectorAll("[data-field]").forEach((node) => node.addEventListener("input", updateEventJson));
  box.querySelectorAll("select[data-field]").forEach((node) => node.addEventListener("change", updateEventJson));
  updateEventJson();
}

function updateEventJson() {
  const kind = state.kinds.find((k) => k.name === $("event-kind").value);
  if (!kind) return;
  // a Milky-only kind is {"kind": name, ...}; a OneBot 11 one a partial event
  const event = kind.face === "milky" ? { kind: kind.name } : { post_type: kind.post_type, [kind.kind_key]: kind.kind };
  if (kind.sub_types.length === 1) event.sub_type = kind.sub_types[0];
  for (const node of $("event-fields").querySelectorAll("[data-field]")) {
    const raw = node.value;
    if (raw === "" && node.dataset.kind) continue;
    let value = raw;
    if (node.dataset.kind === "int") value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (node.dataset.kind === "bool") value = raw === "true";
    if (node.dataset.kind === "object") { try { value = JSON.parse(raw); } catch (_) { value = raw; } }
    event[node.dataset.field] = value;
  }
  $("event-json").value = JSON.stringify(event, null, 2);
}

async function sendEvent(ev) {
  ev.preventDefault();
  const box = $("event-result");
  box.hidden = false;
  try {
    let body;
    try { body = JSON.parse($("event-json").value); } catch (err) { throw new Error(t("events.json_error", { error: err.message })); }
    const answer = await api("/sim/event", body);
    const e = answer.event;
    box.className = "event-result ok";
    const hint = e.post_type === "request"
      ? t("events.pending", { action: `set_${e.request_type === "friend" ? "friend" : "group"}_add_request`, flag: e.flag })
      : e.kind ? t("events.delivered_milky") : t("events.delivered");
    box.replaceChildren(el("b", { text: t("events.sent") }), hint, highlight(e));
    await loadWorld();
  } catch (err) {
    box.className = "event-result bad";
    box.replaceChildren(el("b", { text: t("events.refused") }), err.message);
  }
}

// --- loading and live loops ----------------------------------------------------------------
async function loadWorld() {
  state.world = await api("/sim/world");
  state.selfId = state.world.self.user_id;
  state.nickname = state.world.self.nickname;
  renderBotInfo();
  renderSidebar();
  if (state.current && state.current !== "events") {
    const c = conv(state.current);
    renderChatHead(c);
    if (c.type === "group") renderSenders(c);
  }
}

function renderBotInfo() {
  if (!state.world) return;
  const profile = state.world.profile;
  $("bot-info").replaceChildren(t("topbar.bot") + " ", el("b", { text: `${state.nickname} (${state.selfId})` }),
    t("topbar.counts", { friends: state.world.friends.length, groups: state.world.groups.length }),
    // the compat profile: what the bots are answered as; its rows in the tooltip
    el("b", { text: profile.name, title: profile.rows.length
      ? t("topbar.profile_rows", { implementation: profile.implementation }) + "\n" +
        profile.rows.map((r) => `${r.id}: ${r.what}`).join("\n")
      : t("topbar.profile_spec") }));
}

async function pollMessages() {
  for (;;) {
    try {
      const page = await api(`/sim/messages?after=${state.msgCursor}&limit=1000&wait=${WAIT}`);
      state.msgCursor = page.cursor;
      const unknown = page.messages.some((m) => m.message_type === "group" && !groupOf(m.group_id));
      if (unknown) await loadWorld();
      addMessages(page.messages);
      setStatus(true, null, "status.live");
    } catch (err) {
      if (err.status) setStatus(false, err.message); else setStatus(false, null, "status.unreachable");
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function pollTraffic() {
  try {  // start with the last 300 frames
    const end = await api(`/sim/traffic?after=${BEYOND}`);
    state.trafficCursor = Math.max(0, end.cursor - 300);
  } catch (_) { /* the loop reports it */ }
  for (;;) {
    try {
      const page = await api(`/sim/traffic?after=${state.trafficCursor}&limit=1000&wait=${WAIT}`);
      state.trafficCursor = page.cursor;
      addFrames(page.frames);
      if (page.frames.some((f) => f.channel === "console" || /request$|_kick|_leave|_admin|_card|_name/.test(f.data?.action || ""))) {
        loadWorld().catch(() => {});
      }
    } catch (err) {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

// The language changed: every string drawn by a script is drawn again (i18n.js did the markup).
function redraw() {
  renderFilters();
  rebuildFrames();
  renderBotInfo();
  if (state.world) renderSidebar();
  if (state.current && state.current !== "events") {
    const c = conv(state.current);
    renderChatHead(c);
    renderMessages(c);
  }
  $("pause").textContent = t(state.paused ? "traffic.follow" : "traffic.pause");
  SequenceView.render();
}

async function main() {
  try { await I18N.use(I18N.initial()); } catch (_) { /* the English markup stays */ }
  $("lang").replaceChildren(...Object.entries(I18N.LANGS).map(([value, name]) => el("option", { value, text: name })));
  $("lang").value = I18N.lang;
  $("lang").addEventListener("change", (ev) => I18N.use(ev.target.value, true));
  document.addEventListener("languagechange", redraw);
  try { await Sequence.load(); } catch (_) { /* the list view still works */ }
  SequenceView.init({ frames: () => state.frames, channels: () => state.channels, search: () => state.search,
                      paused: () => state.paused, summarize, detail: frameDetail });
  renderFilters();
  $("composer").addEventListener("submit", sendMessage);
  $("reply-cancel").addEventListener("click", () => setReply(null));
  $("open-events").addEventListener("click", () => openConv("events"));
  $("event-form").addEventListener("submit", sendEvent);
  $("event-kind").addEventListener("change", renderEventFields);
  $("frame-search").addEventListener("input", (ev) => { state.search = ev.target.value.toLowerCase(); applyFilters(); });
  $("pause").addEventListener("click", (ev) => {
    state.paused = !state.paused;
    ev.target.classList.toggle("on", state.paused);
    ev.target.dataset.i18n = state.paused ? "traffic.follow" : "traffic.pause";
    ev.target.textContent = t(ev.target.dataset.i18n);
  });
  $("clear").addEventListener("click", () => {
    state.frames = [];
    $("frames").replaceChildren();
    SequenceView.render();
  });
  for (;;) {  // a server not up yet (a demo starting, a restart): try again until it answers
    try {
      const kinds = await api("/kinds.json");
      state.kinds = kinds.kinds;
      $("event-kind").replaceChildren(...state.kinds.map((k) =>
        el("option", { value: k.name, text: k.face === "milky" ? t("events.milky_only", { name: k.name })
                                                               : `${k.name}  (${k.post_type}.${k.kind})` })));
      await loadWorld();
      setStatus(true, null, "status.live");
      break;
    } catch (err) {
      $("messages").replaceChildren(el("div", { class: "empty", text: t("chat.cannot_load", { error: err.message }) +
        (err.status === 401 || err.status === 403 ? t("chat.token_hint") : "") }));
      if (err.status) { setStatus(false, err.message); return; }
      setStatus(false, null, "status.unreachable");
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  renderEventFields();
  pollMessages();
  pollTraffic();
}

main();
