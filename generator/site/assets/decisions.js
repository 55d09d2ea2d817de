/* The decisions listing on decisions/: filters the decisions the page lists by status and area.
 * The filters live in the page's query string (?status=planned&area=billing), so a filtered
 * list can be bookmarked and shared, survives a reload and follows the back button. Without
 * JavaScript the filters stay hidden and every decision is listed. No dependencies. */
(function () {
  "use strict";

  var current = null;

  function Filter(form) {
    this.form = form;
    this.controls = [form.elements.status, form.elements.area];
    this.items = Array.prototype.slice.call(document.querySelectorAll(".decision-list > li"));
    this.count = document.getElementById("decision-count");
    var self = this;
    form.hidden = false;
    form.addEventListener("change", function () { self.write(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.read();
  }

  /* The filters from the URL into the form; unknown values are dropped from the URL. */
  Filter.prototype.read = function () {
    var params = new URLSearchParams(location.search);
    var changed = false;
    this.controls.forEach(function (control) {
      var value = params.get(control.name) || "";
      control.value = value;
      if (control.value !== value) changed = true;
    });
    if (changed) history.replaceState(history.state, "", this.url());
    this.render();
  };

  /* The form into the URL (a new history entry, so the back button undoes a filter). */
  Filter.prototype.write = function () {
    var url = this.url();
    if (url !== location.pathname + location.search + location.hash) {
      history.pushState(history.state, "", url);
    }
    this.render();
  };

  Filter.prototype.url = function () {
    var params = new URLSearchParams();
    this.controls.forEach(function (control) {
      if (control.value) params.set(control.name, control.value);
    });
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "") + location.hash;
  };

  Filter.prototype.render = function () {
    var wanted = this.controls.filter(function (control) { return control.value; });
    var shown = 0;
    this.items.forEach(function (item) {
      var match = wanted.every(function (control) {
        return item.getAttribute("data-" + control.name) === control.value;
      });
      item.hidden = !match;
      if (match) shown += 1;
    });
    var total = this.items.length;
    var noun = total === 1 ? " decision" : " decisions";
    this.count.textContent = shown === total ? "All " + total + noun + ", newest first."
      : shown === 0 ? "No decision matches these filters."
      : shown + " of " + total + noun + " match, newest first.";
  };

  function start() {
    var form = document.getElementById("decision-filters");
    if (!form || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "yes");
    current = new Filter(form);
  }

  window.addEventListener("popstate", function () {
    if (current && document.body.contains(current.form)) current.read();
  });
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(start); /* mkdocs-material: runs on every (instant) page load */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
