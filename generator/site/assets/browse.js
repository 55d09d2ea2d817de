/* The faceted insight browser on browse/: filters the notes listed in browse/insights.json by
 * area, tag, source, customer, team and date, all combined. The filters live in the page's query
 * string, so a filtered list can be bookmarked and shared, survives a reload and follows the
 * back button. No dependencies; text from the JSON is only ever set with textContent. */
(function () {
  "use strict";

  var FACETS = [
    { name: "area", label: "Area", any: "Any area", field: "area", many: false },
    { name: "tag", label: "Tag", any: "Any tag", field: "tags", many: true },
    { name: "source", label: "Source", any: "Any source", field: "source", many: false },
    { name: "customer", label: "Customer", any: "Any customer", field: "customers", many: true },
    { name: "team", label: "Team", any: "Any team", field: "team", many: false }
  ];
  var DATES = [
    { name: "from", label: "Heard from" },
    { name: "to", label: "Heard until" }
  ];
  var PAGE = 100;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var current = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function humanDate(iso) {
    var parts = iso.split("-");
    return Number(parts[2]) + " " + MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  function safeUrl(href, base) {
    var url = new URL(href, base);
    return url.protocol === "http:" || url.protocol === "https:" || url.protocol === "file:"
      ? url.href : "#";
  }

  /* One browser: its data, its form and list, and the filters it shows. */
  function Browser(root, data, src) {
    this.root = root;
    this.data = data;
    this.src = src;
    this.shown = PAGE;
    this.index = {};
    var self = this;
    FACETS.forEach(function (facet) {
      self.index[facet.name] = {};
      (data.facets[facet.name] || []).forEach(function (pair, position) {
        self.index[facet.name][pair[0]] = position;
      });
    });
    this.build();
    this.read();
  }

  Browser.prototype.build = function () {
    var self = this;
    this.root.textContent = "";
    this.form = el("form", { "class": "insight-browser__filters", role: "search",
                             "aria-label": "Filter insights" });
    this.controls = {};
    FACETS.forEach(function (facet) {
      var select = el("select", { id: "insight-browser-" + facet.name, name: facet.name });
      select.appendChild(el("option", { value: "" }, facet.any));
      (self.data.facets[facet.name] || []).forEach(function (pair) {
        select.appendChild(el("option", { value: pair[0] }, pair[1]));
      });
      self.field(facet, select);
    });
    DATES.forEach(function (date) {
      self.field(date, el("input", { id: "insight-browser-" + date.name, name: date.name,
                                     type: "date" }));
    });
    var clear = el("button", { type: "reset", "class": "md-button insight-browser__clear" },
                   "Clear filters");
    this.form.appendChild(el("div", { "class": "insight-browser__field" })).appendChild(clear);
    this.count = el("p", { "class": "insight-browser__count", role: "status",
                           "aria-live": "polite" });
    this.list = el("ol", { "class": "insight-browser__list" });
    this.more = el("button", { type: "button", "class": "md-button insight-browser__more" },
                   "Show more");
    this.more.hidden = true;
    this.root.append(this.form, this.count, this.list, this.more);
    this.form.addEventListener("change", function () { self.write(); });
    this.form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.form.addEventListener("reset", function () { setTimeout(function () { self.write(); }); });
    this.more.addEventListener("click", function () { self.shown += PAGE; self.render(); });
  };

  Browser.prototype.field = function (spec, control) {
    var wrap = el("div", { "class": "insight-browser__field" });
    wrap.append(el("label", { "for": control.id }, spec.label), control);
    this.form.appendChild(wrap);
    this.controls[spec.name] = control;
  };

  /* The filters from the URL into the form; unknown values are dropped from the URL. */
  Browser.prototype.read = function () {
    var params = new URLSearchParams(location.search);
    var changed = false;
    var self = this;
    Object.keys(this.controls).forEach(function (name) {
      var control = self.controls[name];
      var value = params.get(name) || "";
      control.value = value;
      if (control.value !== value) changed = true;
    });
    if (changed) history.replaceState(history.state, "", this.url());
    this.shown = PAGE;
    this.render();
  };

  /* The form into the URL (a new history entry, so the back button undoes a filter). */
  Browser.prototype.write = function () {
    var url = this.url();
    if (url !== location.pathname + location.search + location.hash) {
      history.pushState(history.state, "", url);
    }
    this.shown = PAGE;
    this.render();
  };

  Browser.prototype.url = function () {
    var params = new URLSearchParams();
    var self = this;
    Object.keys(this.controls).forEach(function (name) {
      if (self.controls[name].value) params.set(name, self.controls[name].value);
    });
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "") + location.hash;
  };

  Browser.prototype.matches = function () {
    var wanted = [];
    var self = this;
    FACETS.forEach(function (facet) {
      var value = self.controls[facet.name].value;
      if (value) wanted.push({ field: facet.field, many: facet.many,
                               position: self.index[facet.name][value] });
    });
    var from = this.controls.from.value;
    var to = this.controls.to.value;
    return this.data.notes.filter(function (note) {
      if ((from && note.date < from) || (to && note.date > to)) return false;
      return wanted.every(function (want) {
        var value = note[want.field];
        return want.many ? (value || []).indexOf(want.position) >= 0 : value === want.position;
      });
    });
  };

  Browser.prototype.render = function () {
    var found = this.matches();
    var total = this.data.notes.length;
    var noun = total === 1 ? " insight" : " insights";
    this.count.textContent = found.length === total
      ? "All " + total + noun + ", newest first."
      : found.length === 0 ? "No insights match these filters."
      : found.length + " of " + total + noun + " match, newest first.";
    this.list.textContent = "";
    var self = this;
    found.slice(0, this.shown).forEach(function (note) { self.list.appendChild(self.item(note)); });
    this.more.hidden = found.length <= this.shown;
    this.more.textContent = "Show more (" + Math.max(found.length - this.shown, 0) + " left)";
  };

  Browser.prototype.item = function (note) {
    var facets = this.data.facets;
    var li = el("li", { "class": "insight-browser__item" });
    li.appendChild(el("a", { href: safeUrl(note.url, this.src) }, note.title));
    var meta = [humanDate(note.date), facets.area[note.area][1], facets.source[note.source][1]];
    if (note.team !== undefined) meta.push(facets.team[note.team][1]);
    li.appendChild(el("span", { "class": "insight-browser__meta" }, meta.join(" · ")));
    var more = (note.customers || []).map(function (c) { return facets.customer[c][1]; });
    more = more.concat((note.tags || []).map(function (t) { return "#" + facets.tag[t][1]; }));
    if (more.length) li.appendChild(el("span", { "class": "insight-browser__tags" },
                                       more.join(" ")));
    return li;
  };

  function start() {
    var root = document.getElementById("insight-browser");
    if (!root || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "loading");
    var src = new URL(root.getAttribute("data-src") || "insights.json", location.href).href;
    fetch(src)
      .then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      })
      .then(function (data) {
        current = new Browser(root, data, src);
        root.setAttribute("data-ready", "yes");
      })
      .catch(function (error) {
        root.setAttribute("data-ready", "failed");
        root.appendChild(el("p", { "class": "insight-browser__error" },
                            "The list of insights could not be loaded (" + error.message + ")."));
      });
  }

  window.addEventListener("popstate", function () {
    if (current && document.body.contains(current.root)) current.read();
  });
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(start); /* mkdocs-material: runs on every (instant) page load */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
