"""Query analysis and ranking, over the same postings the browser reads.

theme/static/js/search-core.js mirrors this module function for function (parseQuery, evaluate,
results, markSpans); tests/search_cases.json and the ranking tests hold both to the same answers.

How people type: without spaces, with numbers run into the words. A query's runs (see
analysis.runs) are its clauses; a document must satisfy every clause. Before that, a number's
unit is split off the words after it (2023年决算 -> 2023, 决算: 年/年度/月/月份/季度/日 would
otherwise make bigrams such as 年决 that no document holds), and the unit is dropped (the number
alone finds 2023年, 2023 年 and 2023年度). A clause has alternatives: the run itself and the run
with a synonym swapped in. An alternative is a conjunction of parts, cut at the synonym terms it
contains: a term (as typed, or swapped in) needs all its bigrams, since a term is a fixed
phrase; the free text between terms needs two thirds of its bigrams (so 养老机构补贴 still finds
养老机构运营补贴); the bigrams across a term's edge are not asked for, so 低保名单 means 低保 and
名单, like 低保 名单. A single free character next to a term (低保户) asks for either bigram it forms.

Ranking: exact 文号/索引号 match, then every clause matched in 事项名称, then matched as typed (not
only through a synonym), then BM25F score, then document order. When no document satisfies every
clause, the partial matches are the documents satisfying at least one part, most parts first.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from .analysis import HAN, WORD, char_kind, compact, normalise, run_tokens, runs
from .synonyms import EMPTY, SynonymTable

K1 = 1.2
B = 0.75
SCALE = 4            # stored term weight = round(BM25F pseudo-frequency * SCALE)
MAX_ALTERNATIVES = 12
EXACT_PREFIX = "#"   # postings key of a 文号 or 索引号 in compact form
EXACT_MIN_CHARS = 6
# Units typed straight after a number, longest first: split off and dropped (see above).
UNITS = ("年度", "月份", "季度", "年", "月", "日")


@dataclass(frozen=True)
class Part:
    tokens: tuple
    required: int


@dataclass(frozen=True)
class Alternative:
    text: str
    parts: tuple        # of Part: a document must meet every part's `required`
    phrases: tuple = ()  # what a result highlights: (normalised phrase, loose), see mark_spans

    @property
    def tokens(self) -> tuple:
        return tuple(dict.fromkeys(t for p in self.parts for t in p.tokens))


@dataclass(frozen=True)
class Clause:
    text: str
    alternatives: tuple


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    clauses: tuple
    exact_key: str | None
    tried: tuple = ()  # synonyms searched as well, as written in schema/synonyms.yaml


def required_of(count: int) -> int:
    """How many of a run's `count` distinct tokens a document must have: all but every third."""
    return count - count // 3


def free_part(text: str, fold=None) -> Part:
    """Typed text: two thirds of each run's bigrams (a lone character or a word: itself)."""
    tokens, required = [], 0
    for kind, run in runs(normalise(text, fold)):
        distinct = list(dict.fromkeys(run_tokens(kind, run, unigrams=False)))
        required += required_of(len(distinct))
        tokens += [t for t in distinct if t not in tokens]
    return Part(tuple(tokens), min(required, len(tokens)))


def term_part(term: str, fold=None) -> Part:
    """A synonym term: every one of its tokens."""
    tokens = tuple(dict.fromkeys(t for kind, run in runs(normalise(term, fold))
                                 for t in run_tokens(kind, run, unigrams=False)))
    return Part(tokens, len(tokens))


def term_phrases(term: str, fold=None) -> list:
    """A term is highlighted whole, or (written with punctuation) by its runs of two or more."""
    text = normalise(term, fold)
    pieces = [run for _kind, run in runs(text)]
    return [(text, False)] + [(run, False) for run in pieces if len(pieces) > 1 and len(run) >= 2]


def alternative(text: str, fold=None) -> Alternative:
    """A word run as one part."""
    return Alternative(text, (free_part(text, fold),), ((normalise(text, fold), False),))


def pieces_alternative(pieces: list, fold=None) -> Alternative:
    """[(text, is_term)] of a Han run -> its parts (see the module's docstring)."""
    parts, phrases = [], []
    for n, (text, is_term) in enumerate(pieces):
        if is_term:
            parts.append(term_part(text, fold))
            phrases += term_phrases(text, fold)
        elif len(text) >= 2 or len(pieces) == 1:
            parts.append(free_part(text, fold))
            phrases.append((text, len(text) >= 2))
        else:  # one character beside a term: either bigram it forms with its neighbours
            before = compact(pieces[n - 1][0], fold)[-1:] if n else ""
            after = compact(pieces[n + 1][0], fold)[:1] if n + 1 < len(pieces) else ""
            edges = [e for e in (before + text, text + after) if len(e) == 2]
            parts.append(Part(tuple(dict.fromkeys(edges)), 1))
    return Alternative("".join(text for text, _t in pieces), tuple(parts), tuple(dict.fromkeys(phrases)))


def occurrences(run: str, keys: list[str]) -> list[tuple[int, str]]:
    """Synonym keys found in `run`, scanning left to right, the longest key winning at each place."""
    found, i = [], 0
    while i < len(run):
        key = next((k for k in keys if run.startswith(k, i)), None)
        if key:
            found.append((i, key))
        i += len(key) if key else 1
    return found


def variants(run: str, table: SynonymTable) -> list[list[tuple[str, bool]]]:
    """The run, then the run with each found term replaced by the other terms of its group, each
    as pieces [(text, is_term)]: the free text between terms, and the terms."""
    spots = occurrences(run, table.longest_first())
    choices = [[key] + table.others(key) for _i, key in spots]
    result = []
    for combo in itertools.islice(itertools.product(*choices), MAX_ALTERNATIVES):
        pieces, last = [], 0
        for (i, key), term in zip(spots, combo):
            pieces += [(run[last:i], False)] if i > last else []
            pieces.append((term, True))
            last = i + len(key)
        result.append(pieces + ([(run[last:], False)] if last < len(run) else []))
    return result or [[(run, False)]]


def query_runs(text: str) -> list[tuple[str, str]]:
    """runs(text), with a unit typed after a number split off the Han run that follows and
    dropped, unless that would leave one character (2023年报 keeps 年报)."""
    result = []
    for kind, run in runs(text):
        if kind == HAN and result and result[-1][0] == WORD and result[-1][1].isdecimal():
            unit = next((u for u in UNITS if run.startswith(u)), "")
            if unit and len(run) - len(unit) != 1:
                run = run[len(unit):]
        if run:
            result.append((kind, run))
    return result


def clause(kind: str, run: str, table: SynonymTable, fold=None) -> Clause:
    if kind == WORD:  # a word is one token: synonyms swap whole words only
        return Clause(run, tuple(alternative("".join(t for t, _ in v), fold) for v in variants(run, table)))
    return Clause(run, tuple(pieces_alternative(v, fold) for v in variants(run, table)))


def parse_query(query: str, table: SynonymTable = EMPTY, fold=None) -> ParsedQuery:
    text = normalise(query, fold)
    whole = compact(query, fold)
    if whole in table.keys and len(runs(text)) > 1:
        # a punctuated term typed on its own, e.g. 因公出国(境)费: one clause, the whole group
        clauses = (Clause(text, tuple(Alternative(t, (term_part(t, fold),), tuple(term_phrases(t, fold)))
                                      for t in [query] + table.others(whole))),)
    else:
        clauses = tuple(clause(kind, run, table, fold) for kind, run in query_runs(text))
    tried = tuple(dict.fromkeys(a.text for c in clauses for a in c.alternatives[1:]))
    exact = whole if len(whole) >= EXACT_MIN_CHARS and any(ch.isdecimal() for ch in whole) else None
    return ParsedQuery(text, clauses, exact, tried)


def query_tokens(parsed: ParsedQuery) -> list[str]:
    """Every postings key the query needs (what the browser fetches shards for)."""
    keys = [t for c in parsed.clauses for a in c.alternatives for t in a.tokens]
    if parsed.exact_key:
        keys.append(EXACT_PREFIX + parsed.exact_key)
    return list(dict.fromkeys(keys))


def idf(doc_count: int, df: int) -> float:
    return math.log(1 + (doc_count - df + 0.5) / (df + 0.5))


def term_score(value: int, weight: float) -> float:
    """BM25 saturation of the stored BM25F pseudo-frequency, times the term's idf."""
    x = (value >> 1) / SCALE
    return weight * (K1 + 1) * x / (K1 + x)


@dataclass
class Hit:
    doc: int
    score: float = 0.0
    title: bool = False    # every clause met in 事项名称
    exact: bool = False    # its 文号 or 索引号 is the query
    typed: bool = False    # every clause met by the query as typed, not only through a synonym
    parts: int = 0         # parts met (partial matches are ranked by it)


def evaluate_alternative(alt: Alternative, postings: dict, doc_count: int) -> dict[int, list]:
    """doc -> [parts met, parts met in 事项名称, score] for every doc holding any of its tokens."""
    where: dict[str, list[int]] = {}
    for n, part in enumerate(alt.parts):
        for token in part.tokens:
            where.setdefault(token, []).append(n)
    counts: dict[int, list] = {}
    width = len(alt.parts)
    for token, in_parts in where.items():
        ids, values = postings.get(token, ((), ()))
        weight = idf(doc_count, len(ids))
        for doc, value in zip(ids, values):
            entry = counts.get(doc)
            if entry is None:
                entry = counts[doc] = [[0] * width, [0] * width, 0.0]
            for n in in_parts:
                entry[0][n] += 1
                entry[1][n] += value & 1
            entry[2] += term_score(value, weight)
    met = {}
    for doc, (found, titled, score) in counts.items():
        met[doc] = [sum(f >= p.required for f, p in zip(found, alt.parts)),
                    sum(t >= p.required for t, p in zip(titled, alt.parts)), score]
    return met


def clause_hits(clause: Clause, postings: dict, doc_count: int) -> dict[int, Hit]:
    """doc -> Hit for every doc meeting a part of an alternative (all alternatives of a clause
    have as many parts): `parts` and `score` of its best alternative (most parts, then score);
    `title` and `typed` as met by an alternative meeting every part."""
    best: dict[int, Hit] = {}
    for n, alt in enumerate(clause.alternatives):
        whole = len(alt.parts)
        for doc, (parts, titled, score) in evaluate_alternative(alt, postings, doc_count).items():
            if not parts:
                continue
            hit = best.get(doc)
            if hit is None:
                hit = best[doc] = Hit(doc, score, False, False, False, parts)
            elif (parts, score) > (hit.parts, hit.score):
                hit.parts, hit.score = parts, score
            if parts == whole:
                hit.title = hit.title or titled == whole
                hit.typed = hit.typed or n == 0
    return best


def evaluate(parsed: ParsedQuery, postings: dict, doc_count: int) -> dict[int, Hit]:
    """Every document matching every clause, plus exact 文号/索引号 matches."""
    return _strict(parsed, [clause_hits(c, postings, doc_count) for c in parsed.clauses], postings)


def _strict(parsed: ParsedQuery, per_clause: list, postings: dict) -> dict[int, Hit]:
    hits: dict[int, Hit] | None = None
    for c, found in zip(parsed.clauses, per_clause):
        whole = len(c.alternatives[0].parts)
        met = {d: h for d, h in found.items() if h.parts == whole}
        hits = met if hits is None else _intersect(hits, met)
    hits = hits or {}
    if parsed.exact_key:
        for doc in postings.get(EXACT_PREFIX + parsed.exact_key, ((), ()))[0]:
            hits.setdefault(doc, Hit(doc, 0.0, False, False, False)).exact = True
    return hits


def _intersect(hits: dict[int, Hit], more: dict[int, Hit]) -> dict[int, Hit]:
    joined = {}
    for doc, hit in hits.items():
        other = more.get(doc)
        if other:
            joined[doc] = Hit(doc, hit.score + other.score, hit.title and other.title, False,
                              hit.typed and other.typed, hit.parts + other.parts)
    return joined


def _partial(per_clause: list) -> dict[int, Hit]:
    """Documents meeting part of the query: the parts met in all clauses, the scores summed."""
    hits: dict[int, Hit] = {}
    for found in per_clause:
        for doc, h in found.items():
            hit = hits.setdefault(doc, Hit(doc, 0.0, False, False, False, 0))
            hit.parts += h.parts
            hit.score += h.score
    return hits


def rank_key(hit: Hit) -> tuple:
    """Exact 文号/索引号 first, then all clauses in 事项名称, then as typed, then score (to 6
    places), then doc order."""
    return (not hit.exact, not hit.title, not hit.typed, -math.floor(hit.score * 1e6 + 0.5), hit.doc)


def partial_key(hit: Hit) -> tuple:
    return (-hit.parts, -math.floor(hit.score * 1e6 + 0.5), hit.doc)


def ranked(parsed: ParsedQuery, postings: dict, doc_count: int) -> list[Hit]:
    return sorted(evaluate(parsed, postings, doc_count).values(), key=rank_key)


def results(parsed: ParsedQuery, postings: dict, doc_count: int) -> tuple[list[Hit], bool]:
    """(hits, False) for the documents matching the whole query; when there are none, (the
    partial matches, True)."""
    per_clause = [clause_hits(c, postings, doc_count) for c in parsed.clauses]
    hits = sorted(_strict(parsed, per_clause, postings).values(), key=rank_key)
    if hits or not per_clause:
        return hits, False
    return sorted(_partial(per_clause).values(), key=partial_key), True


# ---------- highlighting ----------

def mapped(text: str, fold=None) -> tuple[list[str], str, list[int]]:
    """(characters, normalised text, origin): normalised character by character, remembering
    which character each normalised one came from (NFKC may turn one into several)."""
    chars, norm, origin = list(text), [], []
    for i, ch in enumerate(chars):
        n = normalise(ch, fold)
        norm.append(n)
        origin += [i] * len(n)
    return chars, "".join(norm), origin


def _is_word(ch: str) -> bool:
    return char_kind(ch) == WORD


def mark_spans(text: str, parsed: ParsedQuery, fold=None) -> list[bool]:
    """Which characters of `text` a result highlights: every occurrence of a query phrase (a
    term or a typed word, whole: 最低生活保障, never 保障 and 生活 apart). Typed Han text that
    occurs only in pieces (养老机构补贴 in 养老机构运营补贴) is highlighted by its longest pieces
    of two characters or more. A number or Latin word only where it stands whole (37, not the 37
    inside 2537)."""
    chars, norm, origin = mapped(text, fold)
    marked = [False] * len(chars)

    def mark(phrase: str) -> bool:
        found, at = False, norm.find(phrase)
        while at >= 0:
            end = at + len(phrase)
            if not (_is_word(phrase[0]) and at and _is_word(norm[at - 1])
                    or _is_word(phrase[-1]) and end < len(norm) and _is_word(norm[end])):
                found = True
                for k in range(at, end):
                    marked[origin[k]] = True
            at = norm.find(phrase, at + 1)
        return found

    for c in parsed.clauses:
        for alt in c.alternatives:
            for phrase, loose in alt.phrases:
                if not mark(phrase) and loose:
                    i = 0
                    while i < len(phrase) - 1:
                        j = next((j for j in range(len(phrase), i + 1, -1) if phrase[i:j] in norm), i)
                        i = j if j > i and mark(phrase[i:j]) else i + 1
    return marked


def marked_pieces(text: str, parsed: ParsedQuery, fold=None) -> list[str]:
    """The highlighted stretches of `text`, in order (what tests/search_cases.json states)."""
    marked, pieces = mark_spans(text, parsed, fold), []
    for i, ch in enumerate(text):
        if marked[i]:
            if i and marked[i - 1]:
                pieces[-1] += ch
            else:
                pieces.append(ch)
    return pieces
