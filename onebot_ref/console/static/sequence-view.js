// The traffic pane's sequence view: the journal as a sequence diagram (sequence.js draws it),
// live as frames arrive, filtered by the channel chips, the text filter and one connection,
// a click on an arrow showing that frame's JSON and headers, and Export SVG saving what is
// shown (the same file `python -m onebot_ref tail --svg` writes).
"use strict";

const SequenceView = (() => {
  const STORE = "onebot_ref.view";
  let app = null;          // what app.js gives: frames(), channels(), search(), paused(), summarize, detail
  let view = "list", only = "", picked = null, pending = null, wide = false;
  let current = { placed: [], lanes: new Map(), diagram: null, text: "" };

  function init(hooks) {
    app = hooks;
    document.getElementById("view-list").addEventListener("click", () => setView("list", true));
    document.getElementById("view-sequence").addEventListener("click", () => setView("sequence", true));
    document.getElementById("seq-connection").addEventListener("change", (ev) => { only = ev.target.value; render(); });
    document.getElementById("seq-export").addEventListener("click", download);
    document.getElementById("seq-wide").addEventListener("click", () => {
      wide = !wide;
      document.body.classList.toggle("seq-wide", wide);
      document.getElementById("seq-wide").classList.toggle("on", wide);
    });
    document.getElementById("seq-detail-close").addEventListener("click", () => pick(null));
    document.getElementById("seq-box").addEventListener("click", (ev) => {
      const row = ev.target.closest("g.seq-row");
      if (row) pick(Number(row.dataset.seq));
    });
    let asked = new URLSearchParams(location.search).get("view");
    if (!asked) { try { asked = localStorage.getItem(STORE); } catch (_) { /* storage off */ } }
    setView(asked === "sequence" ? "sequence" : "list", false);
  }

  function setView(name, remember) {
    view = name;
    if (remember) { try { localStorage.setItem(STORE, name); } catch (_) { /* storage off */ } }
    for (const button of document.querySelectorAll(".view-switch button")) {
      button.classList.toggle("on", button.dataset.view === name);
    }
    document.getElementById("frames").hidden = name !== "list";
    document.getElementById("sequence").hidden = name !== "sequence";
    document.getElementById("seq-tools").hidden = name !== "sequence";
    document.body.classList.toggle("seq-wide", wide && name === "sequence");
    if (name === "sequence") render();
  }

  // New frames: redrawn once per burst (a long poll may bring hundreds at once).
  function update() {
    if (view !== "sequence" || pending !== null) return;
    pending = setTimeout(() => { pending = null; render(); }, 40);
  }

  function render() {
    if (view !== "sequence" || !Sequence.rules) return;
    const search = app.search();
    const { placed, lanes } = Sequence.identify(app.frames());
    const matching = search ? placed.filter((item) => item.kind === "note" ||
                                            JSON.stringify(item.frame).toLowerCase().includes(search)) : placed;
    const rows = Sequence.visible(matching, app.channels(), only);
    const diagram = Sequence.layout(rows, lanes, I18N.strings, app.summarize, I18N.lang);
    const title = t("seq.title", { first: diagram.first, last: diagram.last });
    const box = document.getElementById("seq-box");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    current = { placed, lanes, diagram, text: Sequence.svg(diagram, title) };
    // the lanes' headers stay in view (a sticky copy over the diagram's own), the rows scroll
    box.innerHTML = rows.length ? `<div class="seq-head">${Sequence.headSvg(diagram)}</div>` + current.text : "";
    if (!rows.length) box.append(Object.assign(document.createElement("div"), { className: "empty", textContent: t("seq.empty") }));
    renderConnections(lanes);
    if (picked !== null) box.querySelector(`g.seq-row[data-seq="${picked}"]`)?.classList.add("picked");
    if (atBottom && !app.paused()) box.scrollTop = box.scrollHeight;
  }

  function renderConnections(lanes) {
    const select = document.getElementById("seq-connection");
    const options = [["", t("seq.connection_all")]];
    for (const lane of lanes.values()) {
      const [tag, label, sub] = Sequence.laneTexts(lane, I18N.strings);
      options.push([lane.key, `${label} · ${sub || tag}`]);
    }
    if (only && !lanes.has(only)) options.push([only, only]);
    const wanted = JSON.stringify(options);
    if (select.dataset.options !== wanted) {
      select.replaceChildren(...options.map(([value, text]) => Object.assign(document.createElement("option"), { value, textContent: text })));
      select.dataset.options = wanted;
    }
    select.value = only;
  }

  function pick(seq) {
    picked = seq;
    const box = document.getElementById("seq-box");
    for (const node of box.querySelectorAll("g.seq-row.picked")) node.classList.remove("picked");
    const panel = document.getElementById("seq-detail");
    const item = seq === null ? null : current.placed.find((p) => p.frame.seq === seq);
    panel.hidden = !item;
    if (!item) return;
    box.querySelector(`g.seq-row[data-seq="${seq}"]`)?.classList.add("picked");
    document.getElementById("seq-detail-body").replaceChildren(app.detail(item.frame));
  }

  // What Export SVG saves: the diagram shown, as a standalone file.
  function exportSvg() { return current.text; }

  function download() {
    if (!current.diagram || !current.diagram.rows.length) return;
    const blob = new Blob([current.text], { type: "image/svg+xml" });
    const link = Object.assign(document.createElement("a"), {
      href: URL.createObjectURL(blob),
      download: `onebot_ref-sequence-${current.diagram.first}-${current.diagram.last}.svg` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  }

  return { init, update, render, setView, exportSvg, pick, get view() { return view; },
           get diagram() { return current.diagram; } };
})();
