"""The only module that imports Whoosh: it indexes the public items and reads back the statistics.

Whoosh runs at build time only. Each field of documents.FIELDS is a Whoosh TEXT field analysed by
CatalogueTokenizer (the project's normalisation and unigram/bigram tokens). From the finished
index we read, through Whoosh's reader API, every term's postings with their frequencies and
every document's field lengths: what BM25F needs, and what export.py turns into static files.

Whoosh is pure Python, so a 10,000-item catalogue is indexed in parts: one in-memory index per
BATCH documents (small, so Whoosh's sorting pool never spills and memory stays flat), whose
statistics are kept as compact arrays; on two processes when there are enough items.
"""
from __future__ import annotations

import multiprocessing
import os
from array import array
from dataclasses import dataclass, field

from whoosh import fields as whoosh_fields
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.memory import MemoryCodec

from gongkai.parallel import main_module_hidden

from .analysis import tokens
from .documents import FIELDS

BATCH = 500           # documents per in-memory Whoosh index
PART = 2500           # documents per worker process
PARALLEL_FROM = 2000  # documents; below this, indexing in the build process is quicker


class CatalogueTokenizer(Tokenizer):
    """A Whoosh tokenizer yielding analysis.tokens(): normalised unigrams/bigrams and word runs."""

    def __init__(self, fold: dict | None = None, unigrams: bool = True):
        self.fold, self.unigrams = fold, unigrams

    def __eq__(self, other):
        return type(other) is type(self) and (other.fold, other.unigrams) == (self.fold, self.unigrams)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, text in enumerate(tokens(value, self.fold, self.unigrams)):
            token.text, token.boost, token.stopped = text, 1.0, False
            if positions:
                token.pos = start_pos + pos
            yield token


def schema(fold: dict | None = None) -> whoosh_fields.Schema:
    return whoosh_fields.Schema(**{f.name: whoosh_fields.TEXT(
        analyzer=CatalogueTokenizer(fold, f.short), phrase=False) for f in FIELDS})


@dataclass
class IndexStats:
    """What Whoosh found: per field, each document's length and each term's postings."""

    doc_count: int
    lengths: dict = field(default_factory=dict)   # field -> array of per-document lengths
    postings: dict = field(default_factory=dict)  # field -> {term: (array docnums, array freqs)}


def index_part(docs: list[dict], base: int = 0, fold: dict | None = None) -> IndexStats:
    """Index `docs` (field name -> text) with Whoosh, BATCH documents per in-memory index, and
    keep only the statistics; document numbers start at `base`."""
    sch = schema(fold)
    stats = merge([])
    for start in range(0, len(docs), BATCH):
        batch = docs[start:start + BATCH]
        codec = MemoryCodec()
        writer = codec.writer(sch)
        for doc in batch:
            writer.add_document(**doc)
        writer.commit()
        merge_into(stats, read_stats(codec.reader(sch), len(batch), base + start))
    return stats


def read_stats(reader, doc_count: int, base: int) -> IndexStats:
    """Field lengths and postings (with frequencies) through Whoosh's reader API."""
    stats = IndexStats(doc_count)
    for f in FIELDS:
        stats.lengths[f.name] = array("I", (reader.doc_field_length(d, f.name) for d in range(doc_count)))
        stats.postings[f.name] = {}
    decoders = {f.name: reader.schema[f.name].format.decoder("frequency") for f in FIELDS}
    for fieldname, btext in reader.all_terms():
        docnums, values = zip(*reader.postings(fieldname, btext).all_items())
        ids = array("I", [d + base for d in docnums])
        stats.postings[fieldname][btext.decode("utf-8")] = (ids, array("I", map(decoders[fieldname], values)))
    return stats


def _index_part_args(args):
    return index_part(*args)


def build_stats(docs: list[dict], fold: dict | None = None, workers: int | None = None) -> IndexStats:
    """Index every document. A large catalogue is indexed by worker processes, PART documents
    each, every worker exiting after its part: Python keeps freed memory for itself, so Whoosh's
    garbage would otherwise stay in the build process until it ends."""
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(docs) >= PARALLEL_FROM else 0
    if not workers:
        return index_part(docs, 0, fold)
    parts = [(docs[i:i + PART], i, fold) for i in range(0, len(docs), PART)]
    # Spawned, not forked, like gongkai.parallel: workers inherit nothing (no locks held by
    # Pelican's threads) and behave the same on Windows.
    context = multiprocessing.get_context("spawn")
    with main_module_hidden(), context.Pool(min(workers, len(parts)), maxtasksperchild=1) as pool:
        return merge(pool.map(_index_part_args, parts, chunksize=1))


def merge(parts: list[IndexStats]) -> IndexStats:
    """Parts hold consecutive document ranges, so concatenating keeps postings sorted."""
    merged = IndexStats(0)
    for f in FIELDS:
        merged.lengths[f.name] = array("I")
        merged.postings[f.name] = {}
    for part in parts:
        merge_into(merged, part)
    return merged


def merge_into(merged: IndexStats, part: IndexStats) -> None:
    merged.doc_count += part.doc_count
    for f in FIELDS:
        merged.lengths[f.name].extend(part.lengths[f.name])
        target = merged.postings[f.name]
        for term, (ids, freqs) in part.postings[f.name].items():
            if term in target:
                target[term][0].extend(ids)
                target[term][1].extend(freqs)
            else:
                target[term] = (ids, freqs)
