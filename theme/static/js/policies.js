/* 政策文件库 (theme/templates/policies.html): combine the 有效性, 年份 and 发布机构 filters on the
 * whole list, in place. The choices live in the URL (?validity=&year=&unit=, the slugs of the
 * server-side pages), so a filtered list can be bookmarked and shared. Without JavaScript the form
 * stays hidden and the links to /policies/<facet>/<value>/ (one filter each) do the same job. */
(function () {
  "use strict";
  var form = document.getElementById("policy-tools");
  var table = document.getElementById("policy-table");
  if (!form || !table) return;
  var KEYS = ["validity", "year", "unit"];
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var count = document.getElementById("policy-count");

  function state() {
    var params = new URLSearchParams(window.location.search), found = {};
    KEYS.forEach(function (k) { found[k] = params.get(k) || ""; });
    return found;
  }

  function apply(chosen) {
    var shown = 0;
    KEYS.forEach(function (k) { form.elements[k].value = chosen[k]; });
    rows.forEach(function (row) {
      var keep = KEYS.every(function (k) { return !chosen[k] || row.getAttribute("data-" + k) === chosen[k]; });
      row.hidden = !keep;
      if (keep) shown += 1;
    });
    count.textContent = shown;
  }

  form.addEventListener("change", function () {
    var chosen = {}, params = new URLSearchParams();
    KEYS.forEach(function (k) { chosen[k] = form.elements[k].value; if (chosen[k]) params.set(k, chosen[k]); });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    apply(chosen);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.hidden = false;
  apply(state());
  window.addEventListener("pageshow", function () { apply(state()); });
})();
