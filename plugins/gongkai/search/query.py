"""Query analysis and ranking, over the same postings the browser reads.

theme/static/js/search-core.js mirrors this module function for function (parseQuery, evaluate,
rankKey); tests/search_cases.json and the ranking tests hold both to the same answers.

A query's runs (see analysis.runs) are its clauses; a document must satisfy every clause. A clause
has alternatives: the run itself and the run with a synonym swapped in. An alternative is satisfied
when the document has at least `required` of its tokens (two thirds of its bigrams, so 养老机构补贴
still finds 养老机构运营补贴). Ranking: exact 文号/索引号 match, then every clause matched in 事项名称,
then BM25F score, then document order.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from .analysis import compact, normalise, run_tokens, runs
from .synonyms import EMPTY, SynonymTable

K1 = 1.2
B = 0.75
SCALE = 4            # stored term weight = round(BM25F pseudo-frequency * SCALE)
MAX_ALTERNATIVES = 12
EXACT_PREFIX = "#"   # postings key of a 文号 or 索引号 in compact form
EXACT_MIN_CHARS = 6


@dataclass(frozen=True)
class Alternative:
    text: str
    tokens: tuple
    required: int


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


def alternative(text: str, fold=None) -> Alternative:
    tokens, required = [], 0
    for kind, run in runs(normalise(text, fold)):
        distinct = list(dict.fromkeys(run_tokens(kind, run, unigrams=False)))
        required += required_of(len(distinct))
        tokens += [t for t in distinct if t not in tokens]
    return Alternative(text, tuple(tokens), min(required, len(tokens)))


def occurrences(run: str, keys: list[str]) -> list[tuple[int, str]]:
    """Synonym keys found in `run`, scanning left to right, the longest key winning at each place."""
    found, i = [], 0
    while i < len(run):
        key = next((k for k in keys if run.startswith(k, i)), None)
        if key:
            found.append((i, key))
        i += len(key) if key else 1
    return found


def variants(run: str, table: SynonymTable) -> list[str]:
    """The run, then the run with each found term replaced by the other terms of its group."""
    spots = occurrences(run, table.longest_first())
    choices = [[key] + table.others(key) for _i, key in spots]
    result = []
    for combo in itertools.islice(itertools.product(*choices), MAX_ALTERNATIVES):
        text, last = "", 0
        for (i, key), term in zip(spots, combo):
            text += run[last:i] + term
            last = i + len(key)
        result.append(text + run[last:])
    return result or [run]


def parse_query(query: str, table: SynonymTable = EMPTY, fold=None) -> ParsedQuery:
    text = normalise(query, fold)
    whole = compact(query, fold)
    if whole in table.keys and len(runs(text)) > 1:
        # a punctuated term typed on its own, e.g. 因公出国(境)费: one clause, the whole group
        groups = [(text, [query] + table.others(whole))]
    else:
        groups = [(run, variants(run, table)) for _kind, run in runs(text)]
    clauses = tuple(Clause(t, tuple(alternative(v, fold) for v in vs)) for t, vs in groups)
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
    title: bool = True
    exact: bool = False


def evaluate_alternative(alt: Alternative, postings: dict, doc_count: int) -> dict[int, list]:
    """doc -> [tokens matched, tokens matched in 事项名称, score] for docs meeting `required`."""
    counts: dict[int, list] = {}
    for token in alt.tokens:
        ids, values = postings.get(token, ((), ()))
        weight = idf(doc_count, len(ids))
        for doc, value in zip(ids, values):
            entry = counts.setdefault(doc, [0, 0, 0.0])
            entry[0] += 1
            entry[1] += value & 1
            entry[2] += term_score(value, weight)
    return {d: e for d, e in counts.items() if e[0] >= alt.required}


def evaluate(parsed: ParsedQuery, postings: dict, doc_count: int) -> dict[int, Hit]:
    """Every document matching every clause, plus exact 文号/索引号 matches."""
    hits: dict[int, Hit] | None = None
    for clause in parsed.clauses:
        best: dict[int, Hit] = {}
        for alt in clause.alternatives:
            for doc, (_n, in_title, score) in evaluate_alternative(alt, postings, doc_count).items():
                hit = best.setdefault(doc, Hit(doc, score, False))
                hit.score = max(hit.score, score)
                hit.title = hit.title or in_title >= alt.required
        hits = best if hits is None else _intersect(hits, best)
    hits = hits or {}
    if parsed.exact_key:
        for doc in postings.get(EXACT_PREFIX + parsed.exact_key, ((), ()))[0]:
            hits.setdefault(doc, Hit(doc, 0.0, False)).exact = True
    return hits


def _intersect(hits: dict[int, Hit], more: dict[int, Hit]) -> dict[int, Hit]:
    joined = {}
    for doc, hit in hits.items():
        if doc in more:
            joined[doc] = Hit(doc, hit.score + more[doc].score, hit.title and more[doc].title)
    return joined


def rank_key(hit: Hit) -> tuple:
    """Exact 文号/索引号 first, then all clauses in 事项名称, then score (to 6 places), then doc order."""
    return (not hit.exact, not hit.title, -math.floor(hit.score * 1e6 + 0.5), hit.doc)


def ranked(parsed: ParsedQuery, postings: dict, doc_count: int) -> list[Hit]:
    return sorted(evaluate(parsed, postings, doc_count).values(), key=rank_key)
