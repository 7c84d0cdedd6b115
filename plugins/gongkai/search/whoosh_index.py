"""The only module that imports Whoosh: it indexes the public items and reads back the statistics.

Whoosh runs at build time only. Each field of documents.FIELDS is a Whoosh TEXT field analysed by
CatalogueTokenizer (the project's normalisation and unigram/bigram tokens), whose frequencies
CountedFrequency counts in one pass (Whoosh's own format builds a Token per token). From the finished
index we read, through Whoosh's reader API, every term's postings with their frequencies and
every document's field lengths: what BM25F needs, and what export.py turns into static files.
(A persistent part filled from empty takes the same numbers from Whoosh's own analysis while it
indexes: _Recorder.)

Whoosh is pure Python, so a 10,000-item catalogue is indexed in parts: one in-memory index per
BATCH documents (small, so Whoosh's sorting pool never spills and memory stays flat), whose
statistics are kept as compact arrays; on two processes when there are enough items.
"""
from __future__ import annotations

import os
from array import array
from collections import Counter
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from whoosh import fields as whoosh_fields
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.memory import MemoryCodec
from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from gongkai import memory
from gongkai.parallel import main_module_hidden, worker_context

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


class CountedFrequency(Frequency):
    """Whoosh's Frequency format, counting our tokens in one pass (collections.Counter over
    analysis.tokens) instead of through a Token object per token: the same (term, frequency,
    weight, encoded frequency) tuples in the same order (each term at its first occurrence), and
    a tenth less time for the whole search process. Any other analyzer or value goes Whoosh's own way."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, CatalogueTokenizer) or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        boost = self.field_boost
        counted = Counter(tokens(value, analyzer.fold, analyzer.unigrams))
        return ((term, freq, freq * boost, pack_uint(freq)) for term, freq in counted.items())


def text_fields(fold: dict | None = None) -> dict:
    """documents.FIELDS as Whoosh TEXT fields (frequencies, no positions), counted by CountedFrequency."""
    made = {}
    for f in FIELDS:
        made[f.name] = whoosh_fields.TEXT(analyzer=CatalogueTokenizer(fold, f.short), phrase=False)
        made[f.name].format = CountedFrequency(field_boost=made[f.name].format.field_boost)
    return made


def schema(fold: dict | None = None) -> whoosh_fields.Schema:
    return whoosh_fields.Schema(**text_fields(fold))


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
    # Started like every worker (gongkai.parallel.worker_context): never forked from the build's
    # process, so they inherit no lock held by Pelican's threads.
    context = worker_context()
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


# ---------------------------------------------------------------- the persistent index
#
# Between builds the search documents live in an on-disk Whoosh index in the build's cache folder
# (search/incremental.py decides when to trust it: every file is checked against a manifest signed
# by gongkai.cache before Whoosh opens anything, because Whoosh unpickles its TOC, its segments and
# stored fields). The index is split into PARTS independent Whoosh indexes by fingerprint, so a cold
# build fills them on two processes; a rebuild deletes and adds only the changed documents. Each
# document carries its fingerprint (unique `fp`), its exact-match keys and its field texts
# (stored): a changed document's old terms are those of its stored texts, analysed by the same
# Whoosh fields (term vectors would do the same and double the indexing time).

PARTS = 2
# Whoosh sorts a segment's postings in a pool that spills sorted runs to temporary files and merges
# them once it holds this much (its own estimate); spilling cost 40 % of a 10,000-item cold index.
# Documents are committed SEGMENT at a time instead, one segment each, so the pool never fills:
# at 10,000 items the search process peaked at 303 MB with one 5,000-document segment a part and
# a 256 MB pool, and at 171 MB with 1,000 (10.5 s -> 11.7-12.5 s); at 2,000 items 1,000 documents
# took it to 95 MB, the build's largest process, and 500 to 79 MB (the same time within the
# noise). The export reads every segment and numbers documents by fingerprint, so the files are
# the same however the parts are cut.
POOL_MB = 64
SEGMENT = 500
# Whoosh's own merge policy (MERGE_SMALL) rewrites the full segments too: from 17 in a part (a
# 17,000-document site) it merges them into one at a commit, again and again as a 50,000-document
# index fills. merge_policy() merges only the small segments rebuilds leave (an edit each), once
# there are MERGE_FROM of them (MERGE_SMALL's own threshold), and any segment a quarter deleted.
MERGE_FROM = 5


def merge_policy(writer, segments: list) -> list:
    """A Whoosh merge policy (writer.commit's mergetype): the segments it merges go to
    writer.add_reader, the ones it returns stay as they are."""
    from whoosh.reading import SegmentReader

    small = [s for s in segments if s.doc_count_all() < SEGMENT // 2]
    worn = [s for s in segments if s not in small and s.deleted_count() * 4 > s.doc_count_all()]
    merged = (small if len(small) >= MERGE_FROM else []) + worn
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in merged]


@dataclass
class DocVector:
    """One document's terms: per-field lengths, token -> ((field number, tf), ...), exact keys."""

    lengths: tuple
    terms: dict
    exact: tuple


@dataclass
class PartStats:
    """A whole part, read back: its fingerprints (by position), per-field lengths and postings
    (field -> {term: (positions, freqs)}) whose positions index `fps`."""

    fps: list
    exact: list
    lengths: dict
    postings: dict


def persistent_schema(fold: dict | None = None) -> whoosh_fields.Schema:
    return whoosh_fields.Schema(fp=whoosh_fields.ID(unique=True, stored=True), exact=whoosh_fields.STORED(),
                                texts=whoosh_fields.STORED(), **text_fields(fold))


class _Codec(W3Codec):
    """Whoosh's own codec without length statistics: writing a segment would otherwise look up the
    document's field length (rounded to a byte, unused here: the export sums the frequencies) for
    every posting, a third of the indexing time."""

    length_stats = False


def part_of(fp: str) -> int:
    return int(fp[:8], 16) % PARTS


def update_part(folder: str, fold, adds: list[tuple[str, tuple, dict]], removes: list[str], full: bool):
    """Delete `removes` and add `adds` ((fp, exact keys, field texts)) in one part (creating it when
    missing). Returns (terms of the removed, terms of the added or, when `full`, the whole part's
    PartStats)."""
    from whoosh import index as whoosh_index

    os.makedirs(folder, exist_ok=True)
    if whoosh_index.exists_in(folder):
        ix = whoosh_index.open_dir(folder)
    else:
        ix = whoosh_index.create_in(folder, persistent_schema(fold))
    old = {}
    # A part filled from empty (a cold build) takes its statistics from Whoosh's own analysis as it
    # indexes (_Recorder) instead of reading every posting back: the same numbers, and 22 % less
    # of the search process's CPU at 3,000 documents.
    recorder = _Recorder() if full and not removes and ix.doc_count_all() == 0 else None
    if removes or adds:
        if removes:
            with ix.searcher() as searcher:
                for fp in removes:
                    number = searcher.document_number(fp=fp)
                    if number is not None:
                        stored = searcher.stored_fields(number)
                        old[fp] = analysed(ix.schema, stored["texts"], stored["exact"])
        for start in range(0, max(len(adds), 1), SEGMENT):
            writer = ix.writer(codec=_Codec(), compound=False, limitmb=POOL_MB)
            for fp in removes if start == 0 else ():
                writer.delete_by_term("fp", fp)
            with recorder.recording(writer.schema) if recorder else nullcontext():
                for fp, exact, texts in adds[start:start + SEGMENT]:
                    if recorder:
                        recorder.document(fp, exact)
                    writer.add_document(fp=fp, exact=tuple(exact), texts=texts, **texts)
            writer.commit(mergetype=merge_policy)
            memory.release()  # the segment's pool, before the next one fills
    if recorder:
        return old, recorder.stats()
    if full:
        with ix.reader() as reader:
            return old, _part_stats(reader)
    return old, {fp: analysed(ix.schema, texts, exact) for fp, exact, texts in adds}


def analysed(sch, texts: dict, exact) -> DocVector:
    """A document's terms as the Whoosh fields index them; lengths as Whoosh counts them (the sum
    of the frequencies: Whoosh's on-disk doc_field_length is rounded to a byte)."""
    terms, lengths = {}, []
    for n, f in enumerate(FIELDS):
        total = 0
        for btext, freq, _weight, _value in sch[f.name].index(texts.get(f.name, "")):
            terms.setdefault(btext.decode("utf-8"), []).append((n, freq))
            total += freq
        lengths.append(total)
    return DocVector(tuple(lengths), {t: tuple(v) for t, v in terms.items()}, tuple(exact))


def _update_part_args(args):
    return update_part(*args)


def update_parts(folder, fold, adds: list, removes: list, full: bool, workers: int = 0) -> list:
    """update_part for every part; on `workers` worker processes when asked (a cold build)."""
    jobs = [(os.path.join(folder, f"part-{p}"), fold, [a for a in adds if part_of(a[0]) == p],
             [r for r in removes if part_of(r) == p], full) for p in range(PARTS)]
    if not workers:
        return [update_part(*job) for job in jobs]
    context = worker_context()
    with main_module_hidden(), context.Pool(min(workers, PARTS), maxtasksperchild=1) as pool:
        return pool.map(_update_part_args, jobs, chunksize=1)


class _Recorder:
    """Whoosh's own analysis of each added document (FieldType.index: each term's bytes and
    frequency, what the postings hold), kept as PartStats while Whoosh indexes. Documents are
    numbered in the order they are added, and the terms sorted as Whoosh's reader lists them, so
    stats() equals _part_stats() of the same part (tests/test_search_incremental.py)."""

    def __init__(self):
        self.fps, self.exact = [], []
        self.lengths = {f.name: array("I") for f in FIELDS}
        self.postings = {f.name: {} for f in FIELDS}

    def document(self, fp: str, exact) -> None:
        """The next add_document's document."""
        self.fps.append(fp)
        self.exact.append(tuple(exact))
        for lengths in self.lengths.values():
            lengths.append(0)

    @contextmanager
    def recording(self, sch):
        """The writer's schema (its own copy, read from the index's TOC) reports what it indexes;
        the hooks are gone again before the writer pickles the schema into the TOC at commit."""
        hooked = [name for name in self.lengths if name in sch]
        for name in hooked:
            sch[name].index = self._tee(name, sch[name].index)
        try:
            yield
        finally:
            for name in hooked:
                del sch[name].index

    def _tee(self, name: str, index):
        postings, lengths = self.postings[name], self.lengths[name]

        def recorded(value, **kwargs):
            items = list(index(value, **kwargs))
            n, total = len(self.fps) - 1, 0
            for btext, freq, _weight, _value in items:
                entry = postings.get(btext)
                if entry is None:
                    postings[btext] = entry = (array("I"), array("I"))
                entry[0].append(n)
                entry[1].append(freq)
                total += freq
            lengths[n] = total
            return items
        return recorded

    def stats(self) -> PartStats:
        postings = {name: {btext.decode("utf-8"): value for btext, value in sorted(terms.items())}
                    for name, terms in self.postings.items()}
        return PartStats(self.fps, self.exact, self.lengths, postings)


def _part_stats(reader) -> PartStats:
    numbers = list(reader.all_doc_ids())  # live documents only, ascending
    position = {n: i for i, n in enumerate(numbers)}
    stored = [reader.stored_fields(n) for n in numbers]
    stats = PartStats([s["fp"] for s in stored], [tuple(s["exact"]) for s in stored], {}, {})
    for f in FIELDS:
        stats.lengths[f.name] = array("I", bytes(4 * len(numbers)))  # summed from the postings (see _vector)
        stats.postings[f.name] = {}
    decoders = {f.name: reader.schema[f.name].format.decoder("frequency") for f in FIELDS}
    for fieldname, btext in reader.all_terms():
        if fieldname not in decoders:
            continue
        items = list(reader.postings(fieldname, btext).all_items())
        if not items:  # a term left only by deleted documents
            continue
        docnums, values = zip(*items)
        positions, freqs = array("I", [position[d] for d in docnums]), array("I", map(decoders[fieldname], values))
        lengths = stats.lengths[fieldname]
        for p, tf in zip(positions, freqs):
            lengths[p] += tf
        stats.postings[fieldname][btext.decode("utf-8")] = (positions, freqs)
    return stats
