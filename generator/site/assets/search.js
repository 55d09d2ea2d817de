/* Insight Wiki site search: mkdocs-material's header search box over the chunked index that
   generator/site/sitesearch.py writes to <site>/search/ (its docstring describes the files).

   - Lazy: search/meta.json loads on the first focus or key press; a query then fetches only
     the chunks of terms it needs, and the small chunk of pages holding each result shown
     (never a whole-site index), each through a small group file naming its chunks' firsts.
   - Ranked: a page must hold every word of the query (the last one as a prefix while it is
     being typed); pages are ranked by BM25, with a bonus for a word in a heading or the
     title (each posting's score holds all but the word's idf). A common word (its chunk
     holds only its best pages) is a stop word beside a rarer one: it only adds its score to
     the pages it has; searched for alone, its best pages show first, the rest on scrolling.
   - Safe: results are built with createElement and textContent, never innerHTML.
   - Listeners sit on `document`, so they survive material's instant navigation, which swaps
     the page's content but keeps the header; the site's base URL is made absolute once. */
(() => {
  "use strict";

  if (window.__insightsSearch) return; // loaded twice: the first copy already listens

  const PAGE_SIZE = 10; // results rendered at a time; more load as the list scrolls
  const OPEN_KEYS = new Set(["/", "s", "f"]); // as in material
  const config = readConfig();
  const base = new URL(String(config.base || ".").replace(/\/?$/, "/"), location.href);
  const INDEX_FORMAT = 2; // searchfiles.FORMAT
  const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"; // searchfiles
  const VALUE = new Int8Array(128).fill(-1);
  [...DIGITS].forEach((digit, value) => (VALUE[digit.charCodeAt(0)] = value));
  const MAX_PREFIX_CHUNKS = 3; // chunks of terms fetched for a word typed so far
  const EXCERPT_WORDS = 24;
  const state = { index: null, query: "", done: "", running: false, seq: 0, results: [],
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

  // --- Words: as generator/words.py finds them (words, fold, stem) -----------------------

  const WORD = /[\p{L}\p{N}]+/gu;
  const UNSPACED = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])/u;
  const ASCII = /^[\x00-\x7f]*$/;

  function fold(word) {
    return ASCII.test(word) ? word : word.normalize("NFKD").replace(/\p{Mn}/gu, "");
  }

  function words(text) {
    const found = [];
    for (const [word] of text.normalize("NFKC").toLowerCase().matchAll(WORD)) {
      if (ASCII.test(word)) found.push(word);
      else found.push(...fold(word).split(UNSPACED).filter(Boolean));
    }
    return found;
  }

  function stem(word) {
    if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
    if (word.endsWith("ies") && word.length > 4) word = word.slice(0, -3) + "y";
    else if (word.endsWith("sses")) word = word.slice(0, -2);
    else if (word.endsWith("s") && !/(ss|us|is)$/.test(word)) word = word.slice(0, -1);
    for (const suffix of ["ing", "ed"]) {
      const base = word.slice(0, -suffix.length);
      if (word.endsWith(suffix) && base.length >= 3 && /[aeiouy]/.test(base)) {
        word = base;
        if (word.at(-1) === word.at(-2) && !"aeiouylsz".includes(word.at(-1))) {
          word = word.slice(0, -1); // shipping: ship
        }
        break;
      }
    }
    if (word.length >= 5 && word.endsWith("e")) word = word.slice(0, -1);
    return word;
  }

  // Loaded (see above); and the word functions, for tests/test_sitesearch_browser.py.
  window.__insightsSearch = { words, stem };

  // --- The index ---------------------------------------------------------------------------

  async function fetchJSON(path) {
    const response = await fetch(new URL(path, base));
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  }

  function loadIndex() {
    state.index ??= fetchJSON("search/meta.json")
      .then((meta) => {
        if (meta.format !== INDEX_FORMAT) throw new Error(`index format ${meta.format}`);
        return { meta, files: new Map() };
      })
      .catch((error) => {
        state.index = null; // try again on the next key press
        throw error;
      });
    return state.index;
  }

  function load(index, path) {
    if (!index.files.has(path)) {
      const loading = fetchJSON(path);
      loading.catch(() => index.files.delete(path)); // fetched again next time
      index.files.set(path, loading);
    }
    return index.files.get(path);
  }

  // The last of sorted firsts that is not after a term or page.
  function lastNotAfter(firsts, key) {
    let low = 0;
    let high = firsts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (firsts[middle] <= key) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  // The chunk of terms ("terms") or pages ("pages") a key would be in: its number, its first
  // key, and the first of the next chunk (undefined after the last).
  async function chunkOf(index, kind, key) {
    const { group } = index.meta;
    const tops = index.meta[kind === "terms" ? "terms" : "records"];
    if (!tops.length) return null;
    const at = lastNotAfter(tops, key);
    const firsts = await load(index, `search/groups/${kind}-${at}.json`);
    const inGroup = lastNotAfter(firsts, key);
    const next = inGroup + 1 < firsts.length ? firsts[inGroup + 1] : tops[at + 1];
    return { number: at * group + inGroup, first: firsts[inGroup], next };
  }

  // A posting list's (page, score) pairs (searchfiles.encode).
  function decode(text) {
    const pairs = [];
    let page = 0;
    for (let at = 0; at < text.length; at += 3) {
      let gap = 0;
      let digit;
      while ((digit = VALUE[text.charCodeAt(at++)]) < 32) gap = gap * 32 + digit;
      page += gap * 32 + digit - 32;
      const score = VALUE[text.charCodeAt(at)] * 4096 + VALUE[text.charCodeAt(at + 1)] * 64 +
        VALUE[text.charCodeAt(at + 2)];
      pairs.push([page, score]);
    }
    return pairs;
  }

  // The terms a word matches, each as [term, entry, weight]: its stem; and, for the word
  // being typed or a stem no page holds, every longer term it begins (at half weight, when
  // the stem itself was found: "pay" ranks pages with "pay" above those with "payment").
  async function postings(index, term, typing) {
    let at = await chunkOf(index, "terms", term);
    if (!at) return [];
    const first = await load(index, `search/terms/${at.number}.json`);
    const found = Object.hasOwn(first, term) ? [[term, first[term], 1]] : [];
    if (found.length && !typing) return found;
    const weight = found.length ? 0.5 : 1;
    for (let fetched = 1; ; fetched++) {
      const terms = await load(index, `search/terms/${at.number}.json`);
      for (const key of Object.keys(terms)) {
        if (key !== term && key.startsWith(term)) found.push([key, terms[key], weight]);
      }
      if (at.next === undefined || !at.next.startsWith(term)) break;
      if (fetched >= MAX_PREFIX_CHUNKS) break;
      at = await chunkOf(index, "terms", at.next);
    }
    return found;
  }

  // Each page holding a word, with its BM25 score for it (its best term's, for a prefix);
  // `common` when every term it matched is common (only its best pages are known), unless
  // `whole`: then the word's own whole list is fetched; and `pages`, how many hold it.
  async function scores(index, term, typing, matched, whole) {
    const { pages, unit } = index.meta;
    const found = new Map();
    let common = true;
    let count = 0;
    for (const [key, entry, weight] of await postings(index, term, typing)) {
      matched.add(key);
      const head = Array.isArray(entry);
      let text = head ? entry[1] : entry;
      // whole lists of the words themselves only: a prefix may begin many common words
      if (head && whole && key === term) text = await load(index, `search/lists/${entry[2]}.json`);
      common &&= head && !whole;
      const list = decode(text);
      const df = head ? entry[0] : list.length;
      count = Math.max(count, df);
      const idf = weight * Math.log(1 + (pages - df + 0.5) / (df + 0.5));
      for (const [page, score] of list) {
        const value = (idf * score) / unit;
        if (value > (found.get(page) ?? 0)) found.set(page, value);
      }
    }
    return { found, common: common && found.size > 0, pages: count };
  }

  // The pages holding every word of the query, best first. The last word is still being
  // typed unless a space follows it. `total` says how many pages match, and `rest`, if
  // set, gives the whole list when only the best pages of a common word were ranked.
  async function find(query, whole = false) {
    const index = await loadIndex();
    const stems = words(query).map(stem);
    const typing = /[\p{L}\p{N}]$/u.test(query) ? stems.at(-1) : null;
    const terms = [...new Set(stems)];
    const matched = new Set(); // the terms found, for the excerpts to highlight
    const each = await Promise.all(
      terms.map((term) => scores(index, term, term === typing, matched, whole)));
    if (each.length > 1 && each.every((word) => word.common)) return find(query, true);
    const required = each.filter((word) => !word.common).map((word) => word.found);
    const optional = each.filter((word) => word.common).map((word) => word.found);
    required.sort((a, b) => a.size - b.size);
    const ranked = [];
    for (const [page, score] of required[0] || optional[0] || []) {
      let total = score;
      for (const other of required.slice(1)) total += other.get(page) ?? NaN;
      for (const other of required.length ? optional : []) total += other.get(page) ?? 0;
      if (!Number.isNaN(total)) ranked.push([page, total]);
    }
    ranked.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const results = ranked.map(([page]) => ({ data: () => pageData(index, page, matched) }));
    results.total = results.length;
    if (!required.length && each.length === 1 && each[0].pages > ranked.length) {
      results.total = each[0].pages; // a common word alone: its best pages first
      results.rest = () => find(query, true);
    }
    return results;
  }

  async function pageData(index, page, matched) {
    const { number, first } = await chunkOf(index, "pages", page);
    const { url, title, text } = (await load(index, `search/pages/${number}.json`))[page - first];
    return { url: new URL(url, base).pathname, title, excerpt: excerpt(text, matched) };
  }

  // The stretch of the text with the most words of the terms found: [[text, marked], ...].
  function excerpt(text, matched) {
    const tokens = [...text.matchAll(WORD)];
    const hits = tokens.map(([token]) => words(token).some((word) => matched.has(stem(word))));
    let start = 0;
    let best = -1;
    hits.forEach((hit, at) => {
      if (!hit) return;
      const from = Math.max(0, at - 3);
      const count = hits.slice(from, from + EXCERPT_WORDS).filter(Boolean).length;
      if (count > best) [start, best] = [from, count];
    });
    const end = Math.min(tokens.length, start + EXCERPT_WORDS);
    if (!tokens.length) return [[text.slice(0, 200), false]];
    const parts = [[start > 0 ? "… " : "", false]];
    let at = tokens[start].index;
    for (let i = start; i < end; i++) {
      if (!hits[i]) continue;
      parts.push([text.slice(at, tokens[i].index), false], [tokens[i][0], true]);
      at = tokens[i].index + tokens[i][0].length;
    }
    const stop = tokens[end - 1].index + tokens[end - 1][0].length;
    parts.push([text.slice(at, stop) + (end < tokens.length ? " …" : ""), false]);
    return parts.filter(([part]) => part);
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
      const found = await find(query); // untrimmed: a space ends the word being typed
      if (seq === state.seq) await showResults(found, seq);
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
    announce(countText(results.total));
  }

  function showMore() {
    const ended = state.shown >= state.results.length;
    if (state.more || (ended && !state.results.rest)) return state.more;
    const seq = state.seq;
    state.more = (ended ? state.results.rest() : Promise.resolve(state.results))
      .then((results) => {
        if (seq === state.seq) state.results = results; // the same first pages, and the rest
        return nextItems(seq);
      })
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
      element("h1", "", page.title || page.url),
      snippet(page.excerpt),
    );
    link.append(article);
    item.append(link);
    return item;
  }

  function snippet(parts) {
    const paragraph = element("p");
    for (const [text, marked] of parts) paragraph.append(marked ? element("mark", "", text) : text);
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
      loadIndex().catch(() => {}); // start early; search() reports a failure
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
    loadIndex().catch(() => {});
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
