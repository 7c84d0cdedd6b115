/* Every page: the 关怀模式 switch. The choice is kept in localStorage and applied as the class
 * html.care; a one-line script in <head> (theme/templates/base.html) applies it before the first
 * paint, this file keeps the checkbox and the class in step. Without JavaScript the checkbox still
 * works on the page being read (site.css, :has). */
(function () {
  "use strict";
  var KEY = "gongkai-care", html = document.documentElement;
  var toggle = document.getElementById("care-toggle");
  if (!toggle) return;

  function stored() {
    try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  function store(on) {
    try {
      if (on) localStorage.setItem(KEY, "1");
      else localStorage.removeItem(KEY);
    } catch (e) { /* storage blocked: the mode still applies to this page */ }
  }

  function show(on) {
    toggle.checked = on;
    html.classList.toggle("care", on);
  }

  show(stored());
  toggle.addEventListener("change", function () {
    store(toggle.checked);
    show(toggle.checked);
  });
  // A page restored from the back/forward cache, or another tab changing the setting.
  window.addEventListener("pageshow", function (event) { if (event.persisted) show(stored()); });
  window.addEventListener("storage", function (event) { if (event.key === KEY) show(stored()); });
})();
