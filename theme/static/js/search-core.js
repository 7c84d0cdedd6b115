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

  /* Units typed straight after a number, longest first (query.UNITS). */
  var UNITS = ["年度", "月份", "季度", "年", "月", "日"];
  var ALL_DECIMAL = /^\p{Nd}+$/u;

  function freePart(text, fold) {
    var toks = [], required = 0;
    runs(normalise(text, fold)).forEach(function (r) {
      var distinct = unique(runTokens(r[0], r[1], false));
      required += requiredOf(distinct.length);
      distinct.forEach(function (t) { if (toks.indexOf(t) < 0) toks.push(t); });
    });
    return {tokens: toks, required: Math.min(required, toks.length)};
  }

  function termPart(term, fold) {
    var toks = [];
    runs(normalise(term, fold)).forEach(function (r) { toks = toks.concat(runTokens(r[0], r[1], false)); });
    toks = unique(toks);
    return {tokens: toks, required: toks.length};
  }

  function makeAlternative(text, parts, phrases) {
    var toks = [];
    parts.forEach(function (p) { toks = toks.concat(p.tokens); });
    return {text: text, parts: parts, phrases: phrases, tokens: unique(toks)};
  }

  function uniquePhrases(list) {
    var seen = new Set();
    return list.filter(function (p) {
      var key = p[0] + "\u0000" + p[1];
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  function termPhrases(term, fold) {
    var text = normalise(term, fold), pieces = runs(text).map(function (r) { return r[1]; });
    var out = [[text, false]];
    pieces.forEach(function (run) { if (pieces.length > 1 && codeLength(run) >= 2) out.push([run, false]); });
    return out;
  }

  function alternative(text, fold) {
    return makeAlternative(text, [freePart(text, fold)], [[normalise(text, fold), false]]);
  }

  function piecesAlternative(pieces, fold) {
    var parts = [], phrases = [];
    pieces.forEach(function (piece, n) {
      var text = piece[0], isTerm = piece[1], length = codeLength(text);
      if (isTerm) {
        parts.push(termPart(text, fold));
        phrases = phrases.concat(termPhrases(text, fold));
      } else if (length >= 2 || pieces.length === 1) {
        parts.push(freePart(text, fold));
        phrases.push([text, length >= 2]);
      } else {
        var before = n ? Array.from(compact(pieces[n - 1][0], fold)).slice(-1).join("") : "";
        var after = n + 1 < pieces.length ? Array.from(compact(pieces[n + 1][0], fold)).slice(0, 1).join("") : "";
        var edges = [before + text, text + after].filter(function (e) { return codeLength(e) === 2; });
        parts.push({tokens: unique(edges), required: 1});
      }
    });
    return makeAlternative(pieces.map(function (p) { return p[0]; }).join(""), parts, uniquePhrases(phrases));
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

  /* The run, then the run with each term swapped, as pieces [[text, isTerm]]. */
  function variants(run, table) {
    var spots = occurrences(run, table.ordered);
    var choices = spots.map(function (s) { return [s[1]].concat(table.others(s[1])); });
    var result = product(choices, MAX_ALTERNATIVES).map(function (combo) {
      var pieces = [], last = 0;
      spots.forEach(function (s, n) {
        if (s[0] > last) pieces.push([run.slice(last, s[0]), false]);
        pieces.push([combo[n], true]);
        last = s[0] + s[1].length;
      });
      if (last < run.length) pieces.push([run.slice(last), false]);
      return pieces;
    });
    return result.length ? result : [[[run, false]]];
  }

  function queryRuns(text) {
    var result = [];
    runs(text).forEach(function (r) {
      var kind = r[0], run = r[1], prev = result[result.length - 1];
      if (kind === HAN && prev && prev[0] === WORD && ALL_DECIMAL.test(prev[1])) {
        var unit = UNITS.find(function (u) { return run.startsWith(u); }) || "";
        if (unit && codeLength(run) - codeLength(unit) !== 1) run = run.slice(unit.length);
      }
      if (run) result.push([kind, run]);
    });
    return result;
  }

  function makeClause(kind, run, table, fold) {
    var alternatives = variants(run, table).map(function (pieces) {
      return kind === WORD ? alternative(pieces.map(function (p) { return p[0]; }).join(""), fold)
        : piecesAlternative(pieces, fold);
    });
    return {text: run, alternatives: alternatives};
  }

  function parseQuery(query, table, fold) {
    table = table || new SynonymTable([], fold);
    var text = normalise(query, fold), whole = compact(query, fold), clauses;
    if (table.keys.has(whole) && runs(text).length > 1) {
      clauses = [{text: text, alternatives: [query].concat(table.others(whole)).map(function (t) {
        return makeAlternative(t, [termPart(t, fold)], termPhrases(t, fold));
      })}];
    } else {
      clauses = queryRuns(text).map(function (r) { return makeClause(r[0], r[1], table, fold); });
    }
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

  /* each(doc, parts met, parts met in 事项名称, score) for every doc holding one of its tokens.
   * Per document: tokens found and found in 事项名称 for each part, and the score, in one array. */
  function evaluateAlternative(alt, postings, docCount, each) {
    var where = new Map(), width = alt.parts.length, counts = new Map();
    alt.parts.forEach(function (part, n) {
      part.tokens.forEach(function (t) {
        if (!where.has(t)) where.set(t, []);
        where.get(t).push(n);
      });
    });
    where.forEach(function (inParts, token) {
      var p = postings.get(token) || NONE, weight = idf(docCount, p.ids.length);
      for (var i = 0; i < p.ids.length; i++) {
        var entry = counts.get(p.ids[i]), title = p.values[i] & 1;
        if (!entry) {
          entry = new Array(2 * width + 1).fill(0);
          counts.set(p.ids[i], entry);
        }
        for (var k = 0; k < inParts.length; k++) {
          entry[2 * inParts[k]] += 1;
          entry[2 * inParts[k] + 1] += title;
        }
        entry[2 * width] += termScore(p.values[i], weight);
      }
    });
    var required = alt.parts.map(function (part) { return part.required; });
    counts.forEach(function (e, doc) {
      var found = 0, titled = 0;
      for (var n = 0; n < width; n++) {
        if (e[2 * n] >= required[n]) found += 1;
        if (e[2 * n + 1] >= required[n]) titled += 1;
      }
      each(doc, found, titled, e[2 * width]);
    });
  }

  function newHit(doc, score, parts) {
    return {doc: doc, score: score, title: false, exact: false, typed: false, parts: parts};
  }

  function clauseHits(clause, postings, docCount) {
    var best = new Map();
    clause.alternatives.forEach(function (alt, n) {
      var whole = alt.parts.length;
      evaluateAlternative(alt, postings, docCount, function (doc, parts, titled, score) {
        if (!parts) return;
        var hit = best.get(doc);
        if (!hit) best.set(doc, hit = newHit(doc, score, parts));
        else if (parts > hit.parts || (parts === hit.parts && score > hit.score)) {
          hit.parts = parts;
          hit.score = score;
        }
        if (parts === whole) {
          hit.title = hit.title || titled === whole;
          hit.typed = hit.typed || n === 0;
        }
      });
    });
    return best;
  }

  function evaluate(parsed, postings, docCount) {
    return strict(parsed, parsed.clauses.map(function (c) { return clauseHits(c, postings, docCount); }), postings);
  }

  function strict(parsed, perClause, postings) {
    var hits = null;
    parsed.clauses.forEach(function (clause, n) {
      var whole = clause.alternatives[0].parts.length, met = new Map();
      perClause[n].forEach(function (h, doc) { if (h.parts === whole) met.set(doc, h); });
      hits = hits === null ? met : intersect(hits, met);
    });
    hits = hits || new Map();
    if (parsed.exactKey) {
      (postings.get(EXACT_PREFIX + parsed.exactKey) || NONE).ids.forEach(function (doc) {
        var hit = hits.get(doc);
        if (!hit) hits.set(doc, hit = newHit(doc, 0, 0));
        hit.exact = true;
      });
    }
    return hits;
  }

  function intersect(hits, more) {
    var joined = new Map();
    hits.forEach(function (hit, doc) {
      var other = more.get(doc);
      if (other) {
        var h = newHit(doc, hit.score + other.score, hit.parts + other.parts);
        h.title = hit.title && other.title;
        h.typed = hit.typed && other.typed;
        joined.set(doc, h);
      }
    });
    return joined;
  }

  function partial(perClause) {
    var hits = new Map();
    perClause.forEach(function (found) {
      found.forEach(function (h, doc) {
        var hit = hits.get(doc);
        if (!hit) hits.set(doc, hit = newHit(doc, 0, 0));
        hit.parts += h.parts;
        hit.score += h.score;
      });
    });
    return hits;
  }

  function rounded(score) { return Math.floor(score * 1e6 + 0.5); }

  function compareHits(a, b) {
    return (b.exact - a.exact) || (b.title - a.title) || (b.typed - a.typed) ||
      (rounded(b.score) - rounded(a.score)) || (a.doc - b.doc);
  }

  function comparePartial(a, b) {
    return (b.parts - a.parts) || (rounded(b.score) - rounded(a.score)) || (a.doc - b.doc);
  }

  function ranked(parsed, postings, docCount) {
    return Array.from(evaluate(parsed, postings, docCount).values()).sort(compareHits);
  }

  /* {hits, partial}: the documents matching the whole query, or else those matching part of it. */
  function results(parsed, postings, docCount) {
    var perClause = parsed.clauses.map(function (c) { return clauseHits(c, postings, docCount); });
    var hits = Array.from(strict(parsed, perClause, postings).values()).sort(compareHits);
    if (hits.length || !perClause.length) return {hits: hits, partial: false};
    return {hits: Array.from(partial(perClause).values()).sort(comparePartial), partial: true};
  }

  /* ---------- highlighting (query.mark_spans) ---------- */

  /* Normalised character by character; origin: the character each UTF-16 unit came from. */
  function mapped(text, fold) {
    var chars = Array.from(text), norm = "", origin = [];
    chars.forEach(function (ch, i) {
      var n = normalise(ch, fold);
      norm += n;
      for (var k = 0; k < n.length; k++) origin.push(i);
    });
    return {chars: chars, norm: norm, origin: origin};
  }

  function isWord(ch) { return charKind(ch) === WORD; }

  function lastChar(text) { var chars = Array.from(text); return chars[chars.length - 1]; }

  function markSpans(text, parsed, fold) {
    var m = mapped(text, fold), norm = m.norm, marked = new Array(m.chars.length).fill(false);

    function mark(phrase) {
      var found = false, first = String.fromCodePoint(phrase.codePointAt(0)), last = lastChar(phrase);
      for (var at = norm.indexOf(phrase); at >= 0; at = norm.indexOf(phrase, at + 1)) {
        var end = at + phrase.length;
        var before = at ? lastChar(norm.slice(0, at)) : "", after = end < norm.length ? String.fromCodePoint(norm.codePointAt(end)) : "";
        if ((isWord(first) && before && isWord(before)) || (isWord(last) && after && isWord(after))) continue;
        found = true;
        for (var k = at; k < end; k++) marked[m.origin[k]] = true;
      }
      return found;
    }

    parsed.clauses.forEach(function (c) {
      c.alternatives.forEach(function (alt) {
        alt.phrases.forEach(function (p) {
          if (mark(p[0]) || !p[1]) return;
          var cps = Array.from(p[0]), i = 0;
          while (i < cps.length - 1) {
            var j = i;
            for (var end = cps.length; end > i + 1; end--) {
              if (norm.indexOf(cps.slice(i, end).join("")) >= 0) { j = end; break; }
            }
            i = j > i && mark(cps.slice(i, j).join("")) ? j : i + 1;
          }
        });
      });
    });
    return marked;
  }

  function markedPieces(text, parsed, fold) {
    var marked = markSpans(text, parsed, fold), pieces = [];
    Array.from(text).forEach(function (ch, i) {
      if (!marked[i]) return;
      if (i && marked[i - 1]) pieces[pieces.length - 1] += ch;
      else pieces.push(ch);
    });
    return pieces;
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
    requiredOf: requiredOf, alternative: alternative, parseQuery: parseQuery,
    queryTokens: queryTokens, idf: idf, termScore: termScore, evaluate: evaluate, ranked: ranked,
    results: results, compareHits: compareHits, markSpans: markSpans, markedPieces: markedPieces,
    shardOf: shardOf, shardName: shardName, decodePostings: decodePostings
  };
})(typeof window !== "undefined" ? window : globalThis);
