/* The search page: reads ?q= and the filters from the URL, fetches only the index files a query
 * needs (meta, the postings shards of its tokens, the result records shown), ranks with
 * search-core.js and renders. No framework; every request goes to this site only. */
(function () {
  "use strict";
  var S = window.GongkaiSearch;
  var root = document.getElementById("search");
  if (!S || !root) return;

  var PAGE = 10, TYPE_DELAY = 300, SNIPPET = 90;
  var PARTIAL = "没有同时包含全部词语的结果，以下是部分匹配的结果";
  var FACETS = ["category", "limit", "unit"];
  var el = {
    form: document.getElementById("search-form"), input: document.getElementById("search-q"),
    filters: document.getElementById("search-filters"), status: document.getElementById("search-status"),
    tried: document.getElementById("search-tried"), results: document.getElementById("search-results"),
    more: document.getElementById("search-more"), empty: document.getElementById("search-empty"),
    header: document.getElementById("site-search")
  };
  var selects = {};
  FACETS.forEach(function (f) { selects[f] = el.filters.querySelector("select[data-facet=" + f + "]"); });
  var site = root.dataset.site, meta = null, fold = null, table = null;
  var current = null, sequence = 0, typing = null, liveEntry = false;

  /* ---------- loading (search-data.js) ---------- */

  var index = S.openIndex(root.dataset.meta);

  function loadMeta() {
    return index.meta().then(function (m) {
      meta = m;
      fold = m.foldMap;
      table = m.synonymTable;
      return meta;
    });
  }

  var loadPostings = index.postings, loadRecords = index.records;

  /* ---------- URL state ---------- */

  function readUrl() {
    var params = new URLSearchParams(location.search), state = {q: params.get("q") || ""};
    FACETS.forEach(function (f) { state[f] = params.get(f) || ""; });
    return state;
  }

  function writeUrl(state, push) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    FACETS.forEach(function (f) { if (state[f]) params.set(f, state[f]); });
    var url = location.pathname + (params.toString() ? "?" + params : "");
    history[push ? "pushState" : "replaceState"](state, "", url);
  }

  function formState() {
    var state = {q: el.input.value.trim()};
    FACETS.forEach(function (f) { state[f] = selects[f].value; });
    return state;
  }

  /* ---------- searching ---------- */

  function search(state) {
    var mine = ++sequence, timing = {};
    el.input.value = state.q;
    if (el.header) el.header.value = state.q;
    if (!state.q) return showPrompt();
    root.dataset.state = "loading";
    setStatus("正在搜索……");
    var t0 = performance.now();
    return loadMeta().then(function () {
      var parsed = S.parseQuery(state.q, table, fold);
      return loadPostings(S.queryTokens(parsed)).then(function (postings) {
        if (mine !== sequence) return;
        var t1 = performance.now();
        var found = S.results(parsed, postings, meta.docs);
        timing.fetchIndex = t1 - t0;
        timing.rank = performance.now() - t1;
        current = {state: state, parsed: parsed, hits: found.hits, partial: found.partial, shown: 0, timing: timing};
        return show(mine);
      });
    }).catch(function (error) {
      if (mine !== sequence) return;
      root.dataset.state = "error";
      setStatus("搜索索引加载失败，请刷新页面重试。");
      if (window.console) console.error(error);
    });
  }

  function filtered() {
    return current.hits.filter(function (h) { return passes(h.doc, null); });
  }

  /* A document's facet value: its facet set (index-meta.json facetSets, one number per document). */
  function facetOf(f, doc) {
    return meta.facets[f][meta.facetSets[meta.docFacetSet[doc]][meta.facetOrder.indexOf(f)]];
  }

  function passes(doc, skip) {
    return FACETS.every(function (f) {
      var chosen = current.state[f];
      return f === skip || !chosen || facetOf(f, doc) === chosen;
    });
  }

  /* Render the first page. Timing (exposed as GongkaiSearch.lastTiming for the benchmark):
   * afterShards = ranking + rendering, i.e. everything after the postings arrived except the
   * fetch of the result records. */
  function show(mine) {
    var hits = filtered(), t0 = performance.now();
    renderFacets();
    el.results.textContent = "";
    current.shown = 0;
    current.visible = hits;
    return renderMore(mine).then(function (spent) {
      if (!spent) return;
      announce(hits.length);
      var timing = current.timing;
      timing.records = spent.fetch;
      timing.render = performance.now() - t0 - spent.fetch;
      timing.afterShards = timing.rank + timing.render;
      S.lastTiming = timing;
      root.dataset.state = "done";
    });
  }

  function renderMore(mine) {
    var page = current.visible.slice(current.shown, current.shown + PAGE), t0 = performance.now();
    return loadRecords(page.map(function (h) { return h.doc; })).then(function (records) {
      if (mine !== undefined && mine !== sequence) return null;
      var fetched = performance.now();
      page.forEach(function (h) { el.results.appendChild(renderHit(h, records.get(h.doc))); });
      current.shown += page.length;
      el.more.hidden = current.shown >= current.visible.length;
      return {fetch: fetched - t0};
    });
  }

  /* ---------- rendering ---------- */

  function setStatus(text) { el.status.textContent = text; }

  function showPrompt() {
    current = null;
    root.dataset.state = "done";
    el.results.textContent = "";
    el.more.hidden = el.empty.hidden = el.filters.hidden = el.tried.hidden = true;
    setStatus("请输入要搜索的事项名称、关键词、文号或索引号。");
  }

  function announce(count) {
    var total = current.hits.length, q = current.state.q;
    var filteredNote = count !== total ? "（筛选前共 " + total + " 个）" : "";
    if (current.partial && count) {
      setStatus(PARTIAL + "：共 " + count + " 个事项" + filteredNote + "。");
    } else {
      setStatus(count ? "找到 " + count + " 个与“" + q + "”相关的事项" + filteredNote + "。"
        : "没有找到与“" + q + "”相关的事项" + filteredNote + "。");
    }
    el.results.classList.toggle("search-partial", current.partial);
    el.tried.hidden = !current.parsed.tried.length;
    el.tried.textContent = current.parsed.tried.length ? "已同时搜索同义词：" + current.parsed.tried.join("、") : "";
    el.empty.hidden = count > 0;
    el.filters.hidden = total === 0;
  }

  function renderFacets() {
    FACETS.forEach(function (f) {
      var counts = new Map(), select = selects[f], chosen = current.state[f];
      current.hits.forEach(function (h) {
        if (passes(h.doc, f)) {
          var name = facetOf(f, h.doc);
          counts.set(name, (counts.get(name) || 0) + 1);
        }
      });
      select.textContent = "";
      select.appendChild(option("", "全部"));
      meta.facets[f].forEach(function (name) {
        if (counts.has(name) || name === chosen) select.appendChild(option(name, name + "（" + (counts.get(name) || 0) + "）"));
      });
      select.value = chosen;
    });
  }

  function option(value, label) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    return o;
  }

  function node(tag, className, children) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    (children || []).forEach(function (c) { n.append(c); });
    return n;
  }

  /* record: [url, 事项名称, 二级事项, 发布日期, 更新日期, badge, status, 有效性, snippet, 文号, 索引号] */
  function renderHit(hit, r) {
    var doc = hit.doc, category = facetOf("category", doc);
    var unit = facetOf("unit", doc), kind = facetOf("limit", doc);
    var link = node("a", null, [highlight(r[1])]);
    link.href = site + r[0];
    var badges = node("span", "badges", [node("span", "badge " + meta.badgeClasses[kind], [r[5]])]);
    if (r[6]) badges.append(node("span", "badge badge-alert", [r[6]]));
    if (r[7] !== "有效") badges.append(node("span", "badge badge-invalid", ["已" + r[7]]));
    var facts = node("p", "result-facts", [badges, " ", node("span", "result-category", [category + " › " + r[2]]),
      " ", node("span", "result-unit", [unit]), " ", node("span", "result-dates", [dates(r)])]);
    var item = node("li", "search-result", [node("h2", "result-title", [link]), facts]);
    var snippet = snippetOf(r[8]);
    if (snippet) item.append(node("p", "result-snippet", [snippet]));
    var ids = node("p", "result-ids");
    if (r[9]) ids.append("文号：", highlight(r[9]), "　");
    ids.append("索引号：", highlight(r[10]));
    item.append(ids);
    if (hit.exact) item.classList.add("search-result-exact");
    return item;
  }

  function dates(r) {
    return "发布 " + r[3] + (r[4] ? "，更新 " + r[4] : "");
  }

  /* Whole query phrases marked (search-core.js markSpans), never scattered characters. */
  function highlight(text, from, to, marked) {
    var chars = Array.from(text), fragment = document.createDocumentFragment();
    marked = marked || S.markSpans(text, current.parsed, fold);
    from = from || 0;
    to = to === undefined ? chars.length : to;
    var i = from;
    while (i < to) {
      var j = i;
      while (j < to && marked[j] === marked[i]) j++;
      var piece = chars.slice(i, j).join("");
      fragment.append(marked[i] ? node("mark", null, [piece]) : piece);
      i = j;
    }
    return fragment;
  }

  /* A window of the text around its first match (or its beginning); the text as written, so a
   * masked name (李*华, 杨**) stays masked. */
  function snippetOf(text) {
    if (!text) return null;
    var length = Array.from(text).length, marked = S.markSpans(text, current.parsed, fold);
    var first = marked.indexOf(true);
    var start = first > 20 ? first - 20 : 0, end = Math.min(length, start + SNIPPET);
    var fragment = document.createDocumentFragment();
    if (start > 0) fragment.append("…");
    fragment.append(highlight(text, start, end, marked));
    if (end < length) fragment.append("…");
    return fragment;
  }

  /* ---------- events ---------- */

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    var state = formState();
    FACETS.forEach(function (f) { state[f] = ""; });  // a new query starts unfiltered
    writeUrl(state, !liveEntry && state.q !== readUrl().q);
    liveEntry = false;
    search(state);
  });

  el.input.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () {
      var state = formState();
      FACETS.forEach(function (f) { state[f] = ""; });
      if (state.q === readUrl().q) return;
      writeUrl(state, !liveEntry);  // the first change after a finished search adds a history entry
      liveEntry = true;
      search(state);
    }, TYPE_DELAY);
  });

  el.filters.addEventListener("change", function () {
    if (!current) return;
    var state = formState();
    state.q = current.state.q;
    writeUrl(state, true);
    liveEntry = false;
    current.state = state;
    show(sequence);
  });

  el.more.addEventListener("click", function () {
    var next = el.results.children.length;
    renderMore().then(function () {
      var link = el.results.children[next] && el.results.children[next].querySelector("a");
      if (link) link.focus();  // keyboard users continue where the new results start
    });
  });

  window.addEventListener("popstate", function () {
    clearTimeout(typing);
    liveEntry = false;
    search(readUrl());
  });

  root.hidden = false;
  var initial = readUrl();
  FACETS.forEach(function (f) {
    if (initial[f]) selects[f].appendChild(option(initial[f], initial[f]));
    selects[f].value = initial[f];
  });
  search(initial);
})();
