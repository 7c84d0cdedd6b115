"""From Whoosh's statistics to the static files the browser searches, and the same data in memory
for the command line.

Files (under search/ in the output):
  index-meta.json            counts, facet names, per-document facets, fold map, synonyms, and the
                             name of the data folder (fetched on every visit, revalidated)
  data-<hash>/s/<xxx>.json   postings shards: token -> [doc, value, doc delta, value, ...]
  data-<hash>/d/<n>.json     result records, CHUNK documents per file
The data folder is named after its content, so a browser never mixes two builds.

A posting value is (round(BM25F pseudo-frequency * SCALE) << 1) | (1 if the token is in 事项名称).
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from array import array
from dataclasses import dataclass

from ..vocabulary import LIMIT, Vocabulary
from .analysis import compact, fold_map
from .documents import FIELDS, TITLE, badge, field_texts, owner, snippet_source
from .query import EXACT_PREFIX, K1, SCALE, B

CHUNK = 8                  # result records per file: a page of results fetches few bytes
POSTINGS_PER_SHARD = 1500  # average; the shard count is the power of two nearest to total / this
MIN_SHARDS, MAX_SHARDS = 8, 8192
GENERATED_NOTE = "由 search_index 插件在构建时生成，请勿手工修改"  # kept as published: the index's own words


@dataclass
class SearchData:
    """The public items in document order and their postings: token -> (doc numbers, values)."""

    items: list
    postings: dict

    @property
    def doc_count(self) -> int:
        return len(self.items)


def build_search_data(items: list, fold: dict | None = None, workers: int | None = None) -> SearchData:
    """Index `items` (already public-only and in document order) and compute the posting values."""
    from .whoosh_index import build_stats  # imported where it runs (see incremental._shards)

    postings = weighted_postings(build_stats([field_texts(i) for i in items], fold, workers))
    add_exact(postings, [exact_keys(item, fold) for item in items])
    return SearchData(items, postings)


def exact_keys(item, fold: dict | None = None) -> tuple[str, ...]:
    """The item's 文号 and 索引号, compacted: an exact query for either puts it first."""
    return tuple(sorted({compact(item.meta.get("文号", ""), fold), compact(item.index_no, fold)} - {""}))


def add_exact(postings: dict, keys_by_doc: list) -> None:
    for doc, keys in enumerate(keys_by_doc):
        for key in keys:
            postings.setdefault(EXACT_PREFIX + key, (array("I"), array("I")))
            postings[EXACT_PREFIX + key][0].append(doc)
            postings[EXACT_PREFIX + key][1].append(0)


def average_length(total: int, n: int) -> float:
    """A field's average length, rounded to a grid of 1/32 octave (±1.1 %): ranking does not notice,
    but one edited item almost never moves it, so an incremental export changes only the postings of
    that item's tokens (search/incremental.py) and stays byte-identical to a full one."""
    average = total / max(n, 1)
    return 2.0 ** (round(math.log2(average) * 32) / 32) if average > 0 else 1.0


def norm(weight: float, length: int, average: float) -> float:
    return weight / (1 - B + B * length / average)


def weighted_postings(stats) -> dict:
    """BM25F: per token and document, sum over fields of weight * tf / (1 - b + b * len / avglen).

    Token by token, so only one token's accumulator is alive at a time."""
    norms, by_token = {}, {}
    for f in FIELDS:
        lengths = stats.lengths[f.name]
        average = average_length(sum(lengths), stats.doc_count)
        norms[f.name] = [norm(f.weight, length, average) for length in lengths]
        for token, pair in stats.postings[f.name].items():
            by_token.setdefault(token, []).append((f.name, pair))
    return {token: _values(fields, norms) for token, fields in by_token.items()}


def _values(fields: list, norms: dict) -> tuple:
    if len(fields) == 1:  # most tokens occur in one field only: no merging needed
        name, (ids, freqs) = fields[0]
        norm, title = norms[name], int(name == TITLE)
        return ids, array("I", [_quantised(tf * norm[d]) | title for d, tf in zip(ids, freqs)])
    total, in_title = {}, ()
    for name, (ids, freqs) in fields:
        norm, get = norms[name], total.get
        for doc, tf in zip(ids, freqs):
            total[doc] = get(doc, 0.0) + tf * norm[doc]
        if name == TITLE:
            in_title = set(ids)
    ids = sorted(total)
    return array("I", ids), array("I", [_quantised(total[d]) | (d in in_title) for d in ids])


def _quantised(pseudo_frequency: float) -> int:
    """The stored value without its 事项名称 bit: round(x * SCALE), at least 1, shifted left."""
    return (int(pseudo_frequency * SCALE + 0.5) or 1) << 1


def shard_of(token: str, shards: int) -> int:
    """FNV-1a over the token's code points; shardOf() in search-core.js computes the same."""
    h = 0x811C9DC5
    for ch in token:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h & (shards - 1)


def shard_count(total_postings: int) -> int:
    count = MIN_SHARDS
    while count < MAX_SHARDS and count * POSTINGS_PER_SHARD < total_postings:
        count *= 2
    return count


def encode_postings(ids, values) -> list[int]:
    flat, last = [], 0
    for doc, value in zip(ids, values):
        flat += [doc - last, value]
        last = doc
    return flat


def dumps(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def shard_files(postings: dict) -> tuple[int, dict[str, bytes]]:
    shards = shard_count(sum(len(ids) for ids, _v in postings.values()))
    grouped: dict[int, dict] = {}
    for token in sorted(postings):
        grouped.setdefault(shard_of(token, shards), {})[token] = encode_postings(*postings[token])
    return shards, {shard_name(n, shards): dumps(content) for n, content in sorted(grouped.items())}


def shard_name(number: int, shards: int) -> str:
    return f"s/{number:0{len(f'{shards - 1:x}')}x}.json"


def record(item, freshness: dict) -> list:
    """What one result shows: [url, 事项名称, 二级事项, 发布日期, 更新日期, badge label, status,
    有效性, snippet text, 文号, 索引号]."""
    label, status = badge(item, freshness)
    updated = item.updated.isoformat() if item.updated else ""  # 更新日期, else the last commit's date
    # A 公开信息 shows the item it belongs to after its 二级事项: 社会救助 › 最低生活保障 › 低保名单
    where = item.subcategory if owner(item) is None else f"{item.subcategory} › {owner(item).title}"
    return [item.url, item.title, where, item.meta["发布日期"], updated,
            label, status, item.validity, snippet_source(item), item.meta.get("文号", ""), item.index_no]


def doc_files(items: list, freshness: dict) -> dict[str, bytes]:
    return {f"d/{start // CHUNK}.json": dumps([record(i, freshness) for i in items[start:start + CHUNK]])
            for start in range(0, len(items), CHUNK)}


FACET_ORDER = ("category", "unit", "limit")


def facets(items: list, catalogue, words: Vocabulary) -> tuple[dict, list, list]:
    """Facet names (registry order, only those used); the distinct facet sets, each [category,
    unit, limit] numbers (FACET_ORDER); and each document's set number. One number per document,
    not three: every query fetches index-meta.json, and a 公开信息 shares its item's facets, so a
    50,000-document site has a few hundred sets (52 KB of a query's bytes, gzipped, before)."""
    names = {"category": [c.name for c in catalogue.categories],
             "unit": [u.name for u in catalogue.units], "limit": list(words.values(LIMIT))}
    values = {"category": [i.category for i in items], "unit": [i.unit for i in items],
              "limit": [i.limit_type for i in items]}
    used = {k: [n for n in names[k] if n in set(values[k])] for k in names}
    position = {k: {n: i for i, n in enumerate(used[k])} for k in names}
    sets: dict[tuple, int] = {}
    per_document = [sets.setdefault(tuple(position[k][values[k][d]] for k in FACET_ORDER), len(sets))
                    for d in range(len(items))]
    return used, [list(s) for s in sets], per_document


DATA_FOLDER = re.compile(r"data-[0-9a-f]{10}/")


def previous_path(previous_meta: bytes | None):
    """name -> where the previous export kept the same file: its data folder (named in its
    index-meta.json, `previous_meta`) in place of this one's. A name that does not fit the format
    (a hand-edited or hostile file: "../../") maps every file to itself."""
    try:
        old = json.loads(previous_meta)["data"] if previous_meta else None
    except (ValueError, TypeError, KeyError):
        old = None
    if not isinstance(old, str) or not DATA_FOLDER.fullmatch(old):
        return lambda name: name

    def where(name: str) -> str:
        match = DATA_FOLDER.match(name)
        return old + name[match.end():] if match else name

    return where


def export(data: SearchData, catalogue, synonyms, freshness: dict, words: Vocabulary) -> dict[str, bytes]:
    """Every file of the search index, path (relative to search/) -> bytes."""
    return assemble(*shard_files(data.postings), data.items, catalogue, synonyms, freshness, words)


def assemble(shards: int, shard_bytes: dict, items: list, catalogue, synonyms, freshness: dict,
             words: Vocabulary) -> dict[str, bytes]:
    """The postings shards, the result records and index-meta.json: every file under search/."""
    files = dict(shard_bytes)
    files.update(doc_files(items, freshness))
    digest = hashlib.sha1()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path])
    folder = f"data-{digest.hexdigest()[:10]}/"
    names, sets, per_document = facets(items, catalogue, words)
    badge_classes = {kind: f"badge-{slug}" for kind, slug in words.slugs(LIMIT).items()}
    fold = fold_map()
    item_count = sum(1 for i in items if owner(i) is None)  # the 目录总表 rows: documents 0..items-1
    meta = {"说明": GENERATED_NOTE, "version": 1, "data": folder, "docs": len(items), "items": item_count,
            "shards": shards, "chunk": CHUNK, "bm25": {"k1": K1, "b": B, "scale": SCALE},
            "facets": names, "facetOrder": list(FACET_ORDER), "facetSets": sets, "docFacetSet": per_document,
            "badgeClasses": badge_classes,
            "fold": {"from": "".join(fold), "to": "".join(fold.values())},
            "synonyms": [list(g) for g in synonyms.groups]}
    result = {folder + path: content for path, content in files.items()}
    result["index-meta.json"] = dumps(meta)
    return result
