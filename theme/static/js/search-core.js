/* Search core: normalisation, tokens, query parsing and ranking. No DOM, no network.
 * A line-by-line mirror of plugins/gongkai/search/analysis.py and query.py (same names in
 * camelCase); tests/search_cases.json and the ranking tests hold both to the same answers.
 * Exposed as window.GongkaiSearch. Strings are walked by code point, as Python does. */
(function (root) {
  "use strict";

  var HAN_RANGES = [[0x3007, 0x3007], [0x3400, 0x4DBF], [0x4E00, 0x9FFF], [0xF900, 0xFAFF],
    [0x20000, 0x2A6DF], [0x2A700, 0x2EE5F], [0x2F800, 0x2FA1F], [0x30000, 0x323AF]];
  /* Default_Ignorable_Code_Point: the same list as INVISIBLE_RANGES in plugins/gongkai/textnorm.py. */
  var INVISIBLE_RANGES = [[0x00AD, 0x00AD], [0x034F, 0x034F], [0x061C, 0x061C], [0x115F, 0x1160], [0x17B4, 0x17B5],
    [0x180B, 0x180F], [0x200B, 0x200F], [0x202A, 0x202E], [0x2060, 0x206F], [0x3164, 0x3164],
    [0xFE00, 0xFE0F], [0xFEFF, 0xFEFF], [0xFFA0, 0xFFA0], [0xFFF0, 0xFFF8], [0x1BCA0, 0x1BCA3],
    [0x1D173, 0x1D17A], [0xE0000, 0xE0FFF]];
  var HAN = "han", WORD = "word";
  var LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
  var DECIMAL = /\p{Nd}/u;
  var K1 = 1.2, SCALE = 4, MAX_ALTERNATIVES = 12, EXACT_PREFIX = "#", EXACT_MIN_CHARS = 6;

  /* The fold map arrives with the index as two strings of equal length in code points. */
  function makeFold(pair) {
    var from = Array.from(pair.from), to = Array.from(pair.to), fold = new Map();
    for (var i = 0; i < from.length; i++) fold.set(from[i], to[i]);
    return fold;
  }

  function isInvisible(ch) {
    var code = ch.codePointAt(0);
    return INVISIBLE_RANGES.some(function (r) { return r[0] <= code && code <= r[1]; });
  }

  /* textnorm.visible (NFKC, invisible characters removed), lower case, fold. */
  function normalise(text, fold) {
    var visible = "", out = "";
    for (var ch of text.normalize("NFKC")) if (!isInvisible(ch)) visible += ch;
    for (var c of visible.toLowerCase()) out += (fold && fold.get(c)) || c;
    return out;
  }

  function isHan(ch) {
    var code = ch.codePointAt(0);
    return HAN_RANGES.some(function (r) { return r[0] <= code && code <= r[1]; });
  }

  function charKind(ch) {
    if (isHan(ch)) return HAN;
    return LETTER_OR_DIGIT.test(ch) ? WORD : null;
  }

  function runs(normalised) {
    var found = [], current = [], kind = null;
    for (var ch of normalised) {
      var self = charKind(ch);
      if (self !== kind) {
        if (kind) found.push([kind, current.join("")]);
        current = [];
        kind = self;
      }
      current.push(ch);
    }
    if (kind) found.push([kind, current.join("")]);
    return found;
  }

  function runTokens(kind, text, unigrams) {
    if (kind === WORD) return [text];
    var chars = Array.from(text), bigrams = [];
    for (var i = 0; i + 1 < chars.length; i++) bigrams.push(chars[i] + chars[i + 1]);
    return unigrams !== false || chars.length === 1 ? chars.concat(bigrams) : bigrams;
  }

  function tokens(text, fold, unigrams) {
    var out = [];
    runs(normalise(text, fold)).forEach(function (r) { out = out.concat(runTokens(r[0], r[1], unigrams)); });
    return out;
  }

  function compact(text, fold) {
    return runs(normalise(text, fold)).map(function (r) { return r[1]; }).join("");
  }

  function codeLength(text) { return Array.from(text).length; }

  function unique(list) { return Array.from(new Set(list)); }

  /* Synonym groups from schema/synonyms.yaml: each term's compact key -> its group. */
  function SynonymTable(groups, fold) {
    this.groups = groups || [];
    this.fold = fold;
    this.keys = new Map();
    var self = this;
    this.groups.forEach(function (group, index) {
      group.forEach(function (term) {
        var key = compact(term, fold);
        if (!self.keys.has(key)) self.keys.set(key, index);
      });
    });
    this.ordered = Array.from(this.keys.keys()).sort(function (a, b) {
      return codeLength(b) - codeLength(a) || (a < b ? -1 : a > b ? 1 : 0);
    });
  }
  SynonymTable.prototype.others = function (key) {
    var fold = this.fold;
    return this.groups[this.keys.get(key)].filter(function (t) { return compact(t, fold) !== key; });
  };

  function requiredOf(count) { return count - Math.floor(count / 3); }

  function alternative(text, fold) {
    var toks = [], required = 0;
    runs(normalise(text, fold)).forEach(function (r) {
      var distinct = unique(runTokens(r[0], r[1], false));
      required += requiredOf(distinct.length);
      distinct.forEach(function (t) { if (toks.indexOf(t) < 0) toks.push(t); });
    });
    return {text: text, tokens: toks, required: Math.min(required, toks.length)};
  }

  function occurrences(run, keys) {
    var found = [], i = 0;
    while (i < run.length) {
      var key = null;
      for (var k = 0; k < keys.length; k++) {
        if (run.startsWith(keys[k], i)) { key = keys[k]; break; }
      }
      if (key) found.push([i, key]);
      i += key ? key.length : String.fromCodePoint(run.codePointAt(i)).length;
    }
    return found;
  }

  function product(choices, limit) {
    var result = [[]];
    choices.forEach(function (options) {
      var next = [];
      result.forEach(function (prefix) {
        options.forEach(function (option) { next.push(prefix.concat([option])); });
      });
      result = next;
    });
    return result.slice(0, limit);
  }

  function variants(run, table) {
    var spots = occurrences(run, table.ordered);
    var choices = spots.map(function (s) { return [s[1]].concat(table.others(s[1])); });
    var result = product(choices, MAX_ALTERNATIVES).map(function (combo) {
      var text = "", last = 0;
      spots.forEach(function (s, n) {
        text += run.slice(last, s[0]) + combo[n];
        last = s[0] + s[1].length;
      });
      return text + run.slice(last);
    });
    return result.length ? result : [run];
  }

  function parseQuery(query, table, fold) {
    table = table || new SynonymTable([], fold);
    var text = normalise(query, fold), whole = compact(query, fold), groups;
    if (table.keys.has(whole) && runs(text).length > 1) {
      groups = [[text, [query].concat(table.others(whole))]];
    } else {
      groups = runs(text).map(function (r) { return [r[1], variants(r[1], table)]; });
    }
    var clauses = groups.map(function (g) {
      return {text: g[0], alternatives: g[1].map(function (v) { return alternative(v, fold); })};
    });
    var tried = [];
    clauses.forEach(function (c) { c.alternatives.slice(1).forEach(function (a) { tried.push(a.text); }); });
    var exact = codeLength(whole) >= EXACT_MIN_CHARS && DECIMAL.test(whole) ? whole : null;
    return {text: text, clauses: clauses, exactKey: exact, tried: unique(tried)};
  }

  function queryTokens(parsed) {
    var keys = [];
    parsed.clauses.forEach(function (c) {
      c.alternatives.forEach(function (a) { keys = keys.concat(a.tokens); });
    });
    if (parsed.exactKey) keys.push(EXACT_PREFIX + parsed.exactKey);
    return unique(keys);
  }

  function idf(docCount, df) { return Math.log(1 + (docCount - df + 0.5) / (df + 0.5)); }

  function termScore(value, weight) {
    var x = (value >> 1) / SCALE;
    return weight * (K1 + 1) * x / (K1 + x);
  }

  var NONE = {ids: [], values: []};

  function evaluateAlternative(alt, postings, docCount) {
    var counts = new Map();
    alt.tokens.forEach(function (token) {
      var p = postings.get(token) || NONE, weight = idf(docCount, p.ids.length);
      for (var i = 0; i < p.ids.length; i++) {
        var entry = counts.get(p.ids[i]);
        if (!entry) counts.set(p.ids[i], entry = [0, 0, 0]);
        entry[0] += 1;
        entry[1] += p.values[i] & 1;
        entry[2] += termScore(p.values[i], weight);
      }
    });
    counts.forEach(function (e, doc) { if (e[0] < alt.required) counts.delete(doc); });
    return counts;
  }

  function evaluate(parsed, postings, docCount) {
    var hits = null;
    parsed.clauses.forEach(function (clause) {
      var best = new Map();
      clause.alternatives.forEach(function (alt) {
        evaluateAlternative(alt, postings, docCount).forEach(function (e, doc) {
          var hit = best.get(doc);
          if (!hit) best.set(doc, hit = {doc: doc, score: e[2], title: false, exact: false});
          hit.score = Math.max(hit.score, e[2]);
          hit.title = hit.title || e[1] >= alt.required;
        });
      });
      hits = hits === null ? best : intersect(hits, best);
    });
    hits = hits || new Map();
    if (parsed.exactKey) {
      (postings.get(EXACT_PREFIX + parsed.exactKey) || NONE).ids.forEach(function (doc) {
        var hit = hits.get(doc);
        if (!hit) hits.set(doc, hit = {doc: doc, score: 0, title: false, exact: false});
        hit.exact = true;
      });
    }
    return hits;
  }

  function intersect(hits, more) {
    var joined = new Map();
    hits.forEach(function (hit, doc) {
      var other = more.get(doc);
      if (other) joined.set(doc, {doc: doc, score: hit.score + other.score, title: hit.title && other.title, exact: false});
    });
    return joined;
  }

  function compareHits(a, b) {
    return (b.exact - a.exact) || (b.title - a.title) ||
      (Math.floor(b.score * 1e6 + 0.5) - Math.floor(a.score * 1e6 + 0.5)) || (a.doc - b.doc);
  }

  function ranked(parsed, postings, docCount) {
    return Array.from(evaluate(parsed, postings, docCount).values()).sort(compareHits);
  }

  /* Postings shard of a token: FNV-1a over code points, as export.shard_of(). */
  function shardOf(token, shards) {
    var h = 0x811C9DC5;
    for (var ch of token) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return h & (shards - 1);
  }

  function shardName(n, shards) {
    var width = (shards - 1).toString(16).length;
    return "s/" + n.toString(16).padStart(width, "0") + ".json";
  }

  /* [doc, value, doc delta, value, ...] -> {ids, values} */
  function decodePostings(flat) {
    var ids = new Array(flat.length / 2), values = new Array(flat.length / 2), doc = 0;
    for (var i = 0; i < flat.length; i += 2) {
      doc += flat[i];
      ids[i / 2] = doc;
      values[i / 2] = flat[i + 1];
    }
    return {ids: ids, values: values};
  }

  root.GongkaiSearch = {
    HAN: HAN, WORD: WORD, makeFold: makeFold, normalise: normalise, charKind: charKind, runs: runs,
    runTokens: runTokens, tokens: tokens, compact: compact, SynonymTable: SynonymTable,
    requiredOf: requiredOf, alternative: alternative, variants: variants, parseQuery: parseQuery,
    queryTokens: queryTokens, idf: idf, termScore: termScore, evaluate: evaluate, ranked: ranked,
    compareHits: compareHits, shardOf: shardOf, shardName: shardName, decodePostings: decodePostings
  };
})(typeof window !== "undefined" ? window : globalThis);
