// The page's strings: one table per language, static/i18n-en.json and static/i18n-zh-CN.json
// (`tail --svg --lang` reads the same files). Elements of index.html name their string with
// data-i18n (text), data-i18n-html (our own markup: <code>), data-i18n-title,
// data-i18n-placeholder and data-i18n-aria-label; scripts call t(key, {values}).
// The language: ?lang= in the URL, else the one picked in the page before (localStorage),
// else the first of the browser's languages (navigator.languages) that the page speaks.
"use strict";

const I18N = (() => {
  const LANGS = { "en": "English", "zh-CN": "中文" };
  const STORE = "onebot_ref.lang";
  const tables = {};
  let lang = "en";

  function pick(languages) {
    for (const name of languages || []) {
      if (/^zh\b/i.test(name)) return "zh-CN";
      if (/^en\b/i.test(name)) return "en";
    }
    return "en";
  }

  function initial() {
    const asked = new URLSearchParams(location.search).get("lang");
    if (asked && asked in LANGS) return asked;
    let stored = null;
    try { stored = localStorage.getItem(STORE); } catch (_) { /* storage off */ }
    if (stored && stored in LANGS) return stored;
    return pick(navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language]);
  }

  async function table(name) {
    if (!tables[name]) tables[name] = await (await fetch(`/static/i18n-${name}.json`)).json();
    return tables[name];
  }

  // Switch to `name` (remembered when `remember`), apply it to the static markup.
  async function use(name, remember = false) {
    await Promise.all([table("en"), table(name)]);
    lang = name;
    if (remember) { try { localStorage.setItem(STORE, name); } catch (_) { /* storage off */ } }
    apply(document);
    document.dispatchEvent(new CustomEvent("languagechange", { detail: name }));
  }

  // The string `key` in the current language (English if the table lacks it), {name} filled.
  function t(key, values = {}) {
    let text = tables[lang]?.[key] ?? tables.en?.[key] ?? key;
    for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  function apply(root) {
    document.documentElement.lang = lang;
    for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of root.querySelectorAll("[data-i18n-html]")) node.innerHTML = t(node.dataset.i18nHtml);
    for (const [attr, data] of [["title", "i18nTitle"], ["placeholder", "i18nPlaceholder"], ["aria-label", "i18nAriaLabel"]]) {
      for (const node of root.querySelectorAll(`[data-${attr === "aria-label" ? "i18n-aria-label" : "i18n-" + attr}]`)) {
        node.setAttribute(attr, t(node.dataset[data]));
      }
    }
    if (tables[lang]?.["page.title"]) document.title = t("page.title");
  }

  return { LANGS, pick, initial, use, t, apply, get lang() { return lang; }, get strings() { return tables[lang] || {}; } };
})();
const t = I18N.t;
