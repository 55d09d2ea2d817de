/* Insight Wiki site search: mkdocs-material's header search box over the chunked Pagefind
   index that generator/sitesearch.py writes to <site>/pagefind/.

   - Lazy: pagefind.js loads on the first focus or key press, then fetches only the index
     chunks and result fragments a query needs (never a whole-site index).
   - Safe: results are built with createElement and textContent, never innerHTML.
   - Listeners sit on `document`, so they survive material's instant navigation, which swaps
     the page's content but keeps the header; the site's base URL is made absolute once. */
(() => {
  "use strict";

  if (window.__insightsSearch) return; // loaded twice: the first copy already listens
  window.__insightsSearch = true;

  const PAGE_SIZE = 10; // results rendered at a time; more load as the list scrolls
  const OPEN_KEYS = new Set(["/", "s", "f"]); // as in material
  const config = readConfig();
  const base = new URL(String(config.base || ".").replace(/\/?$/, "/"), location.href);
  const state = { pagefind: null, query: "", done: "", running: false, seq: 0, results: [],
    shown: 0, more: null };

  function readConfig() {
    const script = document.getElementById("__config");
    try {
      return script ? JSON.parse(script.textContent) : {};
    } catch {
      return {};
    }
  }

  function translate(key, fallback) {
    return (config.translations || {})[key] || fallback;
  }

  // --- The elements (looked up each time: they may be replaced) --------------------------

  const box = () => document.querySelector("[data-insights-search]");
  const input = () => box()?.querySelector(".md-search__input");
  const list = () => box()?.querySelector(".md-search-result__list");
  const meta = () => box()?.querySelector(".md-search-result__meta");
  const links = () => [...(list()?.querySelectorAll(".md-search-result__link") || [])];
  const toggle = () => document.getElementById("__search");

  function setOpen(open) {
    const checkbox = toggle();
    if (!checkbox || checkbox.checked === open) return;
    checkbox.checked = open;
    checkbox.dispatchEvent(new Event("change")); // material follows the toggle (scroll lock)
  }

  function open() {
    setOpen(true);
    const field = input();
    field?.focus();
    field?.select();
  }

  function close() {
    setOpen(false);
    input()?.blur();
  }

  // --- Pagefind ----------------------------------------------------------------------------

  function loadPagefind() {
    state.pagefind ??= import(new URL("pagefind/pagefind.js", base).href)
      .then(async (pagefind) => {
        await pagefind.options({ baseUrl: base.pathname, excerptLength: 24 });
        await pagefind.init();
        return pagefind;
      })
      .catch((error) => {
        state.pagefind = null; // try again on the next key press
        throw error;
      });
    return state.pagefind;
  }

  // One search at a time, always of the newest text: no timer delays the first query, and
  // keys typed while a search runs are folded into the next one.
  async function search(query) {
    state.query = query;
    if (state.running) return;
    state.running = true;
    try {
      while (state.done !== state.query) await searchOnce(state.query);
    } finally {
      state.running = false;
    }
  }

  async function searchOnce(query) {
    const seq = ++state.seq;
    state.done = query;
    const term = query.trim();
    if (!term) return showPlaceholder();
    try {
      const pagefind = await loadPagefind();
      const found = await pagefind.search(term);
      if (seq === state.seq) await showResults(found.results, seq);
    } catch (error) {
      if (seq === state.seq) showUnavailable(error);
    }
  }

  // --- Rendering -------------------------------------------------------------------------

  function showPlaceholder() {
    state.results = [];
    list()?.replaceChildren();
    announce(translate("search.result.placeholder", "Type to start searching"));
  }

  function showUnavailable(error) {
    console.warn("Insight Wiki search could not load its index:", error);
    list()?.replaceChildren();
    announce("Search is unavailable: its index could not be loaded."); // e.g. from file://
  }

  async function showResults(results, seq) {
    state.results = results;
    state.shown = 0;
    const items = await nextItems(seq);
    if (seq !== state.seq) return;
    list()?.replaceChildren(...items);
    announce(countText(results.length));
  }

  function showMore() {
    if (state.more || state.shown >= state.results.length) return state.more;
    const seq = state.seq;
    state.more = nextItems(seq)
      .then((items) => seq === state.seq && list()?.append(...items))
      .finally(() => (state.more = null));
    return state.more;
  }

  async function nextItems(seq) {
    const batch = state.results.slice(state.shown, state.shown + PAGE_SIZE);
    state.shown += batch.length;
    const pages = await Promise.all(batch.map((result) => result.data()));
    return seq === state.seq ? pages.map(resultItem) : [];
  }

  function countText(count) {
    if (count === 0) return translate("search.result.none", "No matching documents");
    if (count === 1) return translate("search.result.one", "1 matching document");
    return translate("search.result.other", "# matching documents").replace("#", count);
  }

  function announce(text) {
    const region = meta();
    if (region && region.textContent !== text) region.textContent = text;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function resultItem(page) {
    const item = element("li", "md-search-result__item");
    const link = element("a", "md-search-result__link");
    const article = element("article", "md-search-result__article md-typeset");
    link.href = page.url;
    article.append(
      element("div", "md-search-result__icon md-icon"),
      element("h1", "", page.meta?.title || page.url),
      snippet(page.excerpt || ""),
    );
    link.append(article);
    item.append(link);
    return item;
  }

  // Pagefind's excerpt is the page's text with < and > escaped and each matched word wrapped
  // in <mark></mark>: split on those tags and the parts alternate plain text, matched word.
  function snippet(excerpt) {
    const paragraph = element("p");
    excerpt.split(/<\/?mark>/).forEach((part, index) => {
      const text = part.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
      paragraph.append(index % 2 ? element("mark", "", text) : text);
    });
    return paragraph;
  }

  // --- Keyboard ----------------------------------------------------------------------------

  function isEditable(target) {
    return target instanceof HTMLElement && (target.isContentEditable ||
      ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
  }

  function onKeydown(event) {
    if (event.metaKey || event.ctrlKey || event.altKey || !box()) return;
    if (toggle()?.checked) return searchKey(event);
    if (OPEN_KEYS.has(event.key) && !isEditable(event.target)) {
      event.preventDefault();
      open();
      loadPagefind().catch(() => {}); // start early; search() reports a failure
    }
  }

  function searchKey(event) {
    const field = input();
    const focused = document.activeElement;
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      moveFocus(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && focused === field) {
      event.preventDefault();
      links()[0]?.click();
    } else if (focused !== field && (event.key.length === 1 || event.key === "Backspace")) {
      field?.focus(); // typing on a result goes on in the box
    }
  }

  function moveFocus(step) {
    const targets = [input(), ...links()];
    const at = Math.max(0, targets.indexOf(document.activeElement));
    const next = (at + step + targets.length) % targets.length;
    targets[next]?.focus();
    if (next === targets.length - 1) showMore(); // reaching the last one: render the next page
  }

  // --- Wiring ------------------------------------------------------------------------------

  const inBox = (event) => event.target instanceof Element && box()?.contains(event.target);

  document.addEventListener("keydown", onKeydown);
  document.addEventListener("focusin", (event) => {
    if (event.target !== input()) return;
    setOpen(true);
    loadPagefind().catch(() => {});
  });
  document.addEventListener("input", (event) => {
    if (event.target === input()) search(event.target.value);
  });
  document.addEventListener("submit", (event) => inBox(event) && event.preventDefault());
  document.addEventListener("reset", (event) => {
    if (!inBox(event)) return;
    search("");
    setTimeout(() => input()?.focus());
  });
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest(".md-search-result__link")) {
      setOpen(false);
    }
  });
  document.addEventListener("change", (event) => {
    if (event.target === toggle() && toggle().checked) input()?.focus();
  });
  document.addEventListener("scroll", (event) => {
    const wrap = event.target;
    if (!(wrap instanceof Element) || !wrap.matches(".md-search__scrollwrap")) return;
    if (wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 80) showMore();
  }, true);
})();
