/* 目录总表 (theme/templates/table.html): fold each item's long columns behind an 展开 button,
 * sort by a column, and filter. Plain JS, no framework; without JS the full table is there.
 *
 * The filters live in the URL (?q=&category=&unit=&limit=&object=&method=): applied on load, kept
 * when the reader opens an item and comes back (the URL of this history entry is updated, and
 * pageshow/popstate re-apply it), shareable and bookmarkable. The text filter uses the search's
 * own analysis and index (search-core.js, search-data.js): the same normalisation (full/half
 * width, 繁→简), the same synonyms and the same matching rule over the same fields, body
 * included, so 低保 finds here what search finds. Without the index (a site built without the
 * search plugin) the rows' own text is indexed in the browser with the same functions. */
(function () {
  "use strict";
  var S = window.GongkaiSearch;
  var table = document.getElementById("catalogue-table");
  var form = document.getElementById("table-tools");
  if (!table || !form || !S) return;

  var FACETS = ["category", "unit", "limit", "object", "method"], KEYS = ["q"].concat(FACETS);
  var TYPE_DELAY = 250;
  var entries = Array.prototype.slice.call(table.tBodies);
  var total = entries.length;
  var count = document.getElementById("table-count");
  var status = document.getElementById("table-status");
  var empty = document.getElementById("table-empty");
  var collator = new Intl.Collator("zh-CN", {numeric: true});
  var controls = {};
  KEYS.forEach(function (k) { controls[k] = form.elements[k]; });
  var sequence = 0, typing = null, typedEntry = false, matcher = null;

  /* ---------- 展开: the row with the long columns ---------- */

  entries.forEach(function (entry) {
    var main = entry.rows[0], detail = entry.rows[1];
    if (!detail) return;
    var name = main.querySelector(".col-name"), title = name.querySelector("a").textContent;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "detail-toggle";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", detail.id);
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = "：" + title;
    button.append("展开详情", hidden);
    name.appendChild(button);
    detail.hidden = true;
  });

  table.addEventListener("click", function (event) {
    var button = event.target.closest(".detail-toggle");
    if (!button) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    button.firstChild.textContent = open ? "收起详情" : "展开详情";
    document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
  });

  /* ---------- sorting ---------- */

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, index) {
    if (!th.hasAttribute("data-sort")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    button.textContent = th.textContent;
    var icon = document.createElement("span");  // the arrow is decoration: hidden from screen readers
    icon.className = "sort-icon";
    icon.setAttribute("aria-hidden", "true");
    button.appendChild(icon);
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th, index); });
  });

  function cellText(entry, index) {
    var cell = entry.rows[0].cells[index];
    var link = cell.querySelector("a");  // 事项名称: the name, not the path and button under it
    return (link || cell).textContent.trim();
  }

  function sortBy(th, index) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = th.getAttribute("data-sort") === "number";
    entries.sort(function (a, b) {
      var x = cellText(a, index), y = cellText(b, index);
      var order = numeric ? (parseFloat(x) - parseFloat(y)) : collator.compare(x, y);
      return ascending ? order : -order;
    });
    entries.forEach(function (entry) { table.appendChild(entry); });
    status.textContent = "已按" + th.textContent.trim() + (ascending ? "升序" : "降序") + "排列";
  }

  /* ---------- filter state: the URL ---------- */

  function readUrl() {
    var params = new URLSearchParams(location.search), state = {};
    KEYS.forEach(function (k) { state[k] = (params.get(k) || "").trim(); });
    return state;
  }

  function urlOf(state) {
    var params = new URLSearchParams();
    KEYS.forEach(function (k) { if (state[k]) params.set(k, state[k]); });
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "") + location.hash;
  }

  function writeUrl(state, push) {
    if (urlOf(state) === urlOf(readUrl())) return;
    history[push ? "pushState" : "replaceState"](null, "", urlOf(state));
  }

  function formState() {
    var state = {};
    KEYS.forEach(function (k) { state[k] = controls[k].value.trim(); });
    return state;
  }

  function showState(state) {
    KEYS.forEach(function (k) {
      var control = controls[k];
      if (control.tagName === "SELECT" && state[k] &&
          !Array.prototype.some.call(control.options, function (o) { return o.value === state[k]; })) {
        var option = document.createElement("option");  // a value from a shared link that no item has
        option.textContent = state[k];
        control.appendChild(option);
      }
      control.value = state[k];
    });
  }

  /* ---------- text matching with the search's analysis ---------- */

  function docNumbers() {
    return entries.map(function (entry) { return Number(entry.getAttribute("data-doc")); });
  }

  /* The site's search index: the query's postings shards only, evaluated as search does. */
  function indexMatcher(index, meta) {
    var entryOfDoc = new Map();
    entries.forEach(function (entry, i) { entryOfDoc.set(Number(entry.getAttribute("data-doc")), entry); });
    return function (q) {
      var parsed = S.parseQuery(q, meta.synonymTable, meta.foldMap);
      return index.postings(S.queryTokens(parsed)).then(function (postings) {
        var found = new Set();
        S.evaluate(parsed, postings, meta.docs).forEach(function (_hit, doc) {
          if (entryOfDoc.has(doc)) found.add(entryOfDoc.get(doc));
        });
        return found;
      });
    };
  }

  /* No index: postings built from the rows' own text with the same tokeniser. */
  function localMatcher(fold, synonyms) {
    var postings = new Map();
    entries.forEach(function (entry, doc) {
      new Set(S.tokens(entry.textContent, fold)).forEach(function (token) {
        if (!postings.has(token)) postings.set(token, {ids: [], values: []});
        postings.get(token).ids.push(doc);
        postings.get(token).values.push(2);
      });
    });
    return function (q) {
      var parsed = S.parseQuery(q, synonyms, fold), found = new Set();
      S.evaluate(parsed, postings, entries.length).forEach(function (_hit, doc) { found.add(entries[doc]); });
      return Promise.resolve(found);
    };
  }

  function textMatcher() {
    if (!matcher) {
      var index = S.openIndex ? S.openIndex(table.getAttribute("data-search-meta")) : null;
      var numbers = docNumbers();
      matcher = (index ? index.meta() : Promise.reject(new Error("no search-data.js"))).then(function (meta) {
        var complete = (meta.items === undefined ? meta.docs : meta.items) === total && numbers.every(function (n) { return n >= 0 && n < total; });
        return complete ? indexMatcher(index, meta) : localMatcher(meta.foldMap, meta.synonymTable);
      }).catch(function () { return localMatcher(null, null); });
    }
    return matcher;
  }

  /* ---------- applying a state ---------- */

  function apply(state) {
    var mine = ++sequence;
    showState(state);
    var text = state.q ? textMatcher().then(function (match) { return match(state.q); }) : Promise.resolve(null);
    if (state.q) form.setAttribute("aria-busy", "true");
    return text.then(function (found) {
      if (mine !== sequence) return;
      var shown = 0;
      entries.forEach(function (entry) {
        var keep = (!found || found.has(entry)) && FACETS.every(function (f) {
          return !state[f] || entry.getAttribute("data-" + f) === state[f];
        });
        entry.hidden = !keep;
        if (keep) shown += 1;
      });
      form.removeAttribute("aria-busy");
      announce(shown, state);
    }).catch(function () {
      form.removeAttribute("aria-busy");
      count.textContent = "（筛选失败，请刷新页面重试；共 " + total + " 项）";
    });
  }

  function announce(shown, state) {
    var filtered = KEYS.some(function (k) { return state[k]; });
    count.textContent = filtered ? "（找到 " + shown + " 项，共 " + total + " 项）" : "（共 " + total + " 项）";
    empty.hidden = shown > 0;
    document.getElementById("table-clear").hidden = !filtered;
  }

  /* ---------- events ---------- */

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    var state = formState();
    writeUrl(state, !typedEntry);
    typedEntry = false;
    apply(state);
  });

  form.addEventListener("change", function (event) {
    if (event.target === controls.q) return;  // typing is handled below; Enter submits
    var state = formState();
    writeUrl(state, true);
    typedEntry = false;
    apply(state);
  });

  controls.q.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () {
      var state = formState();
      writeUrl(state, !typedEntry);  // one history entry per typing session, not per keystroke
      typedEntry = true;
      apply(state);
    }, TYPE_DELAY);
  });

  function clear(event) {
    event.preventDefault();
    var state = {};
    KEYS.forEach(function (k) { state[k] = ""; });
    writeUrl(state, true);
    typedEntry = false;
    apply(state);
    controls.q.focus();
  }
  document.getElementById("table-clear").addEventListener("click", clear);
  empty.querySelector("[data-clear]").addEventListener("click", clear);

  window.addEventListener("popstate", function () { typedEntry = false; apply(readUrl()); });
  // Back from an item page: a page restored from the back/forward cache keeps its rows, but the
  // form may have been restored differently; the URL decides.
  window.addEventListener("pageshow", function (event) { if (event.persisted) apply(readUrl()); });

  form.hidden = false;
  var initial = readUrl();
  // On a phone the facet selects start folded (unless the URL sets one), so the rows come sooner.
  document.getElementById("table-facets").open = !window.matchMedia("(max-width: 600px)").matches ||
    FACETS.some(function (f) { return initial[f]; });
  apply(initial);
})();
