/* Loading the static search index written by plugins/search_index/export.py: the meta file
 * (counts, facets, fold map, synonyms), the postings shards of a query's tokens and the result
 * records, each file fetched once. Shared by the search page (search.js) and the 目录总表's
 * filter (table.js), so both read the same index the same way. Needs search-core.js. */
(function (root) {
  "use strict";
  var S = root.GongkaiSearch;
  if (!S) return;

  /* metaUrl: the address of index-meta.json. Returns {meta(), postings(tokens), records(docs)},
   * each a Promise; meta() also gives the fold map and the synonym table built from it. */
  S.openIndex = function (metaUrl) {
    var files = new Map(), meta = null;

    function fetchJson(url, options) {
      if (!files.has(url)) {
        files.set(url, fetch(url, options).then(function (r) {
          if (!r.ok) throw new Error(url + " " + r.status);
          return r.json();
        }));
      }
      return files.get(url);
    }

    function loadMeta() {
      return fetchJson(metaUrl, {cache: "no-cache"}).then(function (m) {
        if (!meta) {
          meta = m;
          meta.base = new URL(m.data, new URL(metaUrl, location.href)).href;
          meta.foldMap = S.makeFold(m.fold);
          meta.synonymTable = new S.SynonymTable(m.synonyms, meta.foldMap);
        }
        return meta;
      });
    }

    function loadPostings(tokens) {
      var shards = new Map();
      tokens.forEach(function (t) {
        var name = S.shardName(S.shardOf(t, meta.shards), meta.shards);
        if (!shards.has(name)) shards.set(name, fetchJson(meta.base + name));
      });
      return Promise.all(Array.from(shards.values())).then(function (loaded) {
        var postings = new Map();
        tokens.forEach(function (t) {
          for (var i = 0; i < loaded.length; i++) {
            if (loaded[i][t]) { postings.set(t, S.decodePostings(loaded[i][t])); break; }
          }
        });
        return postings;
      });
    }

    function loadRecords(docs) {
      var chunks = Array.from(new Set(docs.map(function (d) { return Math.floor(d / meta.chunk); })));
      return Promise.all(chunks.map(function (c) { return fetchJson(meta.base + "d/" + c + ".json"); }))
        .then(function (loaded) {
          var records = new Map();
          docs.forEach(function (d) {
            records.set(d, loaded[chunks.indexOf(Math.floor(d / meta.chunk))][d % meta.chunk]);
          });
          return records;
        });
    }

    return {meta: loadMeta, postings: loadPostings, records: loadRecords};
  };
})(typeof window !== "undefined" ? window : globalThis);
