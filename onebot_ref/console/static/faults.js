// onebot_ref console: the Faults panel (this file, its section of index.html and of style.css;
// app.js's el() and i18n.js's t()): it lists the active faults and the connections and offers
// the common faults as buttons, through the console API only (/sim/faults, /sim/connections;
// see docs/console-api.md "Faults"). Its strings are the tables' faults.* keys.
"use strict";

(() => {
  // Every string the panel shows, from the page's tables (i18n-*.json, keys faults.*).
  const STRINGS = {
    toggle: () => t("faults.toggle"),
    title: () => t("faults.title"),
    sub: () => t("faults.sub"),
    active: () => t("faults.active"),
    connections: () => t("faults.connections"),
    noFaults: () => t("faults.no_faults"),
    noConnections: () => t("faults.no_connections"),
    on: () => t("faults.on"),
    all: () => t("faults.all"),
    drop: () => t("faults.drop"),
    close: (code) => t("faults.close", { code }),
    silence: () => t("faults.silence"),
    restart: () => t("faults.restart"),
    remove: () => t("faults.remove"),
    removeAll: () => t("faults.remove_all"),
    fired: (n, times) => times ? t("faults.fired_of", { n, times }) : t("faults.fired", { n }),
    left: (s) => t("faults.left", { s: s.toFixed(1) }),
    hit: (type, n) => t("faults.hit", { type, n }),
    added: (f) => t("faults.added", { id: f.id, type: f.type }),
    removed: (id) => t("faults.removed", { id }),
    open: () => t("faults.open"),
    closedBy: (c) => t(c.clean ? "faults.closed_by" : "faults.closed_by_unclean",
                       { code: c.close_code ?? "-", by: c.closed_by }),
  };
  const POLL_MS = 1000;
  const SHOWN_CLOSED = 12;  // closed connections listed (the newest)
  const TOKEN = new URLSearchParams(location.search).get("access_token");
  const $ = (id) => document.getElementById(id);
  let timer = null;

  const node = el;  // app.js's element builder (loaded first)

  async function call(method, path, body) {
    const headers = {};
    if (TOKEN) headers.Authorization = "Bearer " + TOKEN;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers,
      body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error((data && data.error) || `HTTP ${response.status}`);
    return data;
  }

  function say(text, bad = false) {
    const box = $("faults-result");
    box.textContent = text;
    box.classList.toggle("bad", bad);
    box.hidden = false;
  }

  async function inject(body) {
    try {
      const f = await call("POST", "/sim/faults", body);
      say(f.connections && (f.type === "close" || f.type === "drop")
        ? STRINGS.hit(f.type, f.connections.length) : STRINGS.added(f));
    } catch (err) { say(err.message, true); }
    refresh();
  }

  async function remove(path, id) {
    try { await call("DELETE", path); say(STRINGS.removed(id)); } catch (err) { say(err.message, true); }
    refresh();
  }

  function target(extra = {}) {
    const channel = $("faults-channel").value;
    return { ...(channel ? { channel } : {}), ...extra };
  }

  function actions() {
    const channel = node("select", { id: "faults-channel", title: STRINGS.on() },
      node("option", { value: "", text: STRINGS.all() }),
      node("option", { value: "ws", text: "ws" }), node("option", { value: "ws_reverse", text: "ws_reverse" }));
    const button = (id, text, body, cls = "small") =>
      node("button", { type: "button", class: cls, id, text, onclick: () => inject(body()) });
    $("faults-actions").replaceChildren(
      node("span", { class: "muted", text: STRINGS.on() }), channel,
      button("fault-drop", STRINGS.drop(), () => ({ type: "drop", target: target() })),
      ...[1000, 1001, 1011].map((code) => button(`fault-close-${code}`, STRINGS.close(code),
        () => ({ type: "close", code, target: target() }))),
      button("fault-silence", STRINGS.silence(), () => ({ type: "no_answer" }), "small danger"),
      button("fault-restart", STRINGS.restart(), () => ({ type: "restart", downtime_ms: 3000 }), "small danger"),
      node("button", { type: "button", class: "small", id: "fault-clear", text: STRINGS.removeAll(),
                       onclick: () => remove("/sim/faults", "all") }));
  }

  function describe(f) {
    const skip = new Set(["id", "type", "target", "times", "probability", "seed", "fired",
                          "created", "until", "cursor", "connections", "holding"]);
    const where = Object.entries(f.target).map(([k, v]) => `${k}=${v}`);
    const attrs = Object.entries(f).filter(([k]) => !skip.has(k)).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return [...attrs, ...where].join(" ");
  }

  // A table is rebuilt only when what it shows changed: a button replaced between a mouse press
  // and its release would lose the click.
  const shown = {};
  function changed(id, what) {
    const text = JSON.stringify(what);
    if (shown[id] === text) return false;
    shown[id] = text;
    return true;
  }

  function renderFaults(faults) {
    $("faults-count").textContent = faults.length;
    $("faults-count").hidden = !faults.length;
    if (!changed("faults-list", [I18N.lang, faults])) return;
    $("faults-list").replaceChildren(...(faults.length ? faults.map((f) => node("tr", { "data-fault": f.id },
      node("td", { class: "mono", text: f.id }), node("td", { text: f.type }),
      node("td", { class: "mono", text: describe(f) }),
      node("td", { text: STRINGS.fired(f.fired, f.times) +
        (f.until ? ", " + STRINGS.left(Math.max(0, f.until - Date.now() / 1000)) : "") }),
      node("td", {}, node("button", { type: "button", class: "small", text: STRINGS.remove(),
                                       onclick: () => remove(`/sim/faults/${f.id}`, f.id) }))))
      : [node("tr", {}, node("td", { class: "empty", text: STRINGS.noFaults() }))]));
  }

  function renderConnections(conns) {
    const open = conns.filter((c) => c.closed === null);
    const closed = conns.filter((c) => c.closed !== null).slice(-SHOWN_CLOSED);
    const row = (c) => node("tr", { class: c.closed === null ? "" : "closed", "data-connection": c.id },
      node("td", { class: "mono", text: c.id }), node("td", { text: c.channel }),
      node("td", { text: c.role || "" }), node("td", { class: "mono", text: c.peer }),
      node("td", { text: c.closed === null ? STRINGS.open() : STRINGS.closedBy(c) }),
      node("td", {}, c.closed === null && c.channel !== "http_post" ? [
        node("button", { type: "button", class: "small", text: STRINGS.drop(),
                         onclick: () => inject({ type: "drop", target: { connection: c.id } }) }),
        c.channel.startsWith("ws") ? node("button", { type: "button", class: "small", text: STRINGS.close(1000),
          onclick: () => inject({ type: "close", code: 1000, target: { connection: c.id } }) }) : null] : []));
    if (!changed("faults-conns", [I18N.lang, open, closed])) return;
    const rows = [...open, ...closed.reverse()].map(row);
    $("faults-conns").replaceChildren(...(rows.length ? rows
      : [node("tr", {}, node("td", { class: "empty", text: STRINGS.noConnections() }))]));
  }

  async function refresh() {  // the count always (the toggle shows it), the rest when open
    try {
      renderFaults((await call("GET", "/sim/faults")).faults);
      if (!$("faults-panel").hidden) renderConnections((await call("GET", "/sim/connections")).connections);
    } catch (_) { /* the console is away: the page's status light says so */ }
  }

  function toggle(show) {
    $("faults-panel").hidden = !show;
    $("faults-toggle").setAttribute("aria-expanded", String(show));
    refresh();
  }

  function label() {  // at the start and after a language switch
    $("faults-label").textContent = STRINGS.toggle();
    $("faults-title").textContent = STRINGS.title();
    $("faults-sub").textContent = STRINGS.sub();
    $("faults-active-title").textContent = STRINGS.active();
    $("faults-conns-title").textContent = STRINGS.connections();
    const channel = $("faults-channel")?.value;
    actions();
    if (channel) $("faults-channel").value = channel;
  }

  function start() {
    label();
    document.addEventListener("languagechange", () => { label(); refresh(); });
    $("faults-toggle").addEventListener("click", () => toggle($("faults-panel").hidden));
    $("faults-close").addEventListener("click", () => toggle(false));
    refresh();
    timer = setInterval(refresh, POLL_MS);
  }

  window.addEventListener("beforeunload", () => clearInterval(timer));
  start();
})();
