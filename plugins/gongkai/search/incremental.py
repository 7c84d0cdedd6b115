"""The search index kept between builds: a persistent Whoosh index updated by document, and an
export that rewrites only the postings shards whose content changed.

Each search document (a site item) is keyed by its fingerprint: the SHA-256 of what it is indexed
from (its parse's origin, cache.ParseCache.origin, and what it takes from its item; or, without an
origin, the texts of documents.FIELDS and the exact-match keys themselves). A build compares the
fingerprints with those in the Whoosh index (whoosh_index.py, in the build's cache folder): it
deletes the documents that are gone and adds the new ones (an edited item is one of each);
unchanged items are not analysed again, and their texts are not even worked out: the search
process is handed the texts of the documents the index does not hold (known_fingerprints).

The export then takes one of two paths, both ending in the same bytes:
- full (no usable state, or documents added or removed so that document numbers move, or a
  field's rounded average length or the shard count changed): every term's postings are read from
  Whoosh (on two processes for a large catalogue; a part filled from empty, as in a cold build,
  keeps what Whoosh indexed as it indexed it instead) and every shard is encoded (export.py);
- incremental (an edit: every document keeps its number): only the tokens of the changed
  documents' old and new versions (their Whoosh term vectors) are patched in the previous shards,
  whose bytes are kept in the signed state; every other shard is reused as it was.
tests/test_search_incremental.py holds the two to byte identity after edits, additions and deletions.

Trust: the state is a signed cache file (gongkai.cache); the Whoosh folder is opened only when every
file in it matches a manifest signed by the same module (cache.trusted_folder), since Whoosh
unpickles its TOC, segments and stored fields. Anything else, and the folder is deleted and the
index rebuilt. Both live in the build's cache folder (the intranet build has its own).
"""
from __future__ import annotations

import hashlib
import json
import os
import weakref
from array import array
from collections.abc import Callable
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from .. import cache
from ..errors import BuildRefused
from ..parallel import main_module_hidden, worker_context
from .documents import FIELDS, TITLE, category_text, field_texts
from .export import (
    EXACT_PREFIX,
    _quantised,
    add_exact,
    assemble,
    average_length,
    build_search_data,
    dumps,
    exact_keys,
    export,
    norm,
    shard_count,
    shard_files,
    shard_name,
    shard_of,
    weighted_postings,
)

INDEX = "search-index"
MANIFEST = "search-index.manifest"
STATE = "gongkai-search.cache"
HANDOVER = "gongkai-search-handover.cache"
# From this many documents the build's Whoosh work runs in another process (begin_search): the
# build goes on while it indexes, so the process's start-up is hidden, not added.
WORKERS_FROM = 300
TITLE_FIELD = next(n for n, f in enumerate(FIELDS) if f.name == TITLE)


@dataclass
class State:
    """What the previous export was made of: fingerprints in document order, per-field length sums,
    rounded averages, posting count, shard count and the shard files' bytes."""

    order: list
    sums: tuple
    averages: tuple
    total: int
    shards: int
    files: dict


def document(item, fold=None, fp: str | None = None) -> tuple[str, tuple, dict]:
    """(fingerprint, exact keys, field texts) of one search document; `fp`: its fingerprint, when
    already worked out."""
    texts, exact = field_texts(item), exact_keys(item, fold)
    return fp or fingerprint(item, fold, texts, exact), exact, texts


def fingerprint(item, fold=None, texts: dict | None = None, exact: tuple | None = None) -> str:
    """What a search document is indexed from, hashed. An item parsed this build (its origin
    known, cache.ParseCache.origin) is named by its origin, the fold map and the texts it takes
    from elsewhere (a 公开信息's item: category_text, unit), with no text worked out: a rebuild needs
    the texts of the changed documents only (known_fingerprints). Without an origin: the texts
    and exact keys themselves."""
    origin = getattr(item, "origin", None)
    if origin:
        return hashlib.sha256("\0".join(("origin", origin, _fold_key(fold), category_text(item), item.unit)).encode()).hexdigest()
    texts, exact = texts if texts is not None else field_texts(item), exact if exact is not None else exact_keys(item, fold)
    return hashlib.sha256(json.dumps([texts, exact], ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _fold_key(fold) -> str:
    """The fold map in a fingerprint: "" for the built-in one (its source is in every cache key)."""
    if fold is None:
        return ""
    if id(fold) not in _FOLD_KEYS or _FOLD_KEYS[id(fold)][0] is not fold:
        _FOLD_KEYS[id(fold)] = (fold, hashlib.sha256(json.dumps(fold, sort_keys=True).encode()).hexdigest())
    return _FOLD_KEYS[id(fold)][1]


_FOLD_KEYS: dict[int, tuple] = {}


def known_fingerprints(cache_dir: Path, root: Path, fold) -> set:
    """The documents the persistent index held when the last build sealed it (from its signed
    manifest): their texts need not go to the search process. If the folder no longer matches the
    manifest, the process finds texts missing and the work is done here (start_search_files)."""
    sealed = cache.load(Path(cache_dir) / MANIFEST, _index_key(fold), root)
    return set(sealed[1]) if isinstance(sealed, tuple) and len(sealed) == 2 and isinstance(sealed[1], list) else set()


def search_files(items: list, catalogue, synonyms, freshness: dict, words, cache_dir: Path | None,
                 root: Path, fold: dict | None = None) -> dict[str, bytes]:
    """Every file under search/ (export.export's result), through the persistent index when the
    build keeps caches (`cache_dir`), else indexed from scratch in memory."""
    return start_search_files(items, catalogue, synonyms, freshness, words, cache_dir, root, fold)()


def start_search_files(items: list, catalogue, synonyms, freshness: dict, words, cache_dir: Path | None,
                       root: Path, fold: dict | None = None) -> Callable[[], dict[str, bytes]]:
    """search_files, started: returns the function that gives its files (begin_search)."""
    run = begin_search(items, cache_dir, root, fold)
    return lambda: run.files(catalogue, synonyms, freshness, words)


class SearchRun:
    """A search index on its way: files() gives its files (errors are raised there), once the rest
    of the build knows the synonyms and freshness verdicts the files also carry; cancel() stops its
    process when the build fails first, so a failing build does not wait for Whoosh. (A process
    stopped mid-write leaves a folder that no longer matches its signed manifest: the next build
    indexes from scratch.) `result()`: the index's SearchData when there is no persistent index
    (`place` None), else its (shard count, shard files, State)."""

    def __init__(self, items: list, result: Callable[[], object], place: tuple | None = None,
                 processes: tuple = ()):
        self.items, self._result, self._place, self._processes = items, result, place, processes
        if processes:
            _RUNNING.add(self)

    def files(self, catalogue, synonyms, freshness: dict, words) -> dict[str, bytes]:
        if self._place is None:
            return export(self._result(), catalogue, synonyms, freshness, words)
        (cache_dir, root, fold), (shards, files, state) = self._place, self._result()
        _RUNNING.discard(self)  # its process is done: nothing to stop any more
        cache.save(cache_dir / STATE, _state_key(fold), state, root)
        return assemble(shards, files, self.items, catalogue, synonyms, freshness, words)

    def cancel(self) -> None:
        _RUNNING.discard(self)
        for process in self._processes:
            if process.is_alive():  # asks first: the number of a process that has ended may be reused
                process.kill()


_RUNNING: weakref.WeakSet = weakref.WeakSet()  # SearchRuns whose process may still work


def cancel_running() -> None:
    """Stop every search process still working: the build has failed (gongkai_pelican.boundary),
    and a process that is still running would keep the build's own from ending until it is done."""
    for run in list(_RUNNING):
        run.cancel()


def begin_search(items: list, cache_dir: Path | None, root: Path, fold: dict | None = None) -> SearchRun:
    """Start the search index of `items`: through the persistent index when the build keeps caches
    (`cache_dir`), else indexed from scratch in memory. With a cache and at least WORKERS_FROM
    documents, the Whoosh work runs in another process from now on, so the build goes on meanwhile
    on the other core (Whoosh is pure Python: a thread would share the interpreter with the build)."""
    spawn = cache_dir is not None and len(items) >= WORKERS_FROM
    known = known_fingerprints(cache_dir, root, fold) if spawn else set()
    fps = [fingerprint(item, fold) for item in items]
    if cache_dir is None or len(set(fps)) != len(fps):
        return SearchRun(items, lambda: build_search_data(items, fold))
    place = (Path(cache_dir), Path(root), fold)
    if not spawn:
        few = [document(item, fold, fp) for fp, item in zip(fps, items)]
        return SearchRun(items, lambda: _shards(few, *place), place)
    # The texts of the documents the index already holds stay here (a rebuild's edit sends one).
    docs = [(fp, None, None) if fp in known else document(item, fold, fp) for fp, item in zip(fps, items)]
    future, processes = _spawned(docs, *place)
    docs = None  # the texts went to the process (see _spawned): not kept here while pages are written

    def shards():
        result = _result(future)  # None: the process could not read its file or lacked texts (then done here)
        return result or _shards([document(item, fold) for item in items], *place)

    return SearchRun(items, shards, place, processes)


def _spawned(docs: list, cache_dir: Path, root: Path, fold):
    """_shards started in another process: (future, processes). The documents go through a signed
    file, not the call itself: an executor keeps a call's arguments until its result is back, so
    every item's texts would stay in the build's process for the whole page writing (30 MB at
    10,000 items, the build's peak). Where the cache cannot be written, they go with the call."""
    handover, key = cache_dir / HANDOVER, cache.derive_key("search-handover", os.urandom(16))
    if cache.save(handover, key, docs, root):
        return in_process(_handed_shards, handover, key, cache_dir, root, fold)
    return in_process(_shards, docs, cache_dir, root, fold, False)


def in_process(func, *args) -> tuple:
    """func(*args) in a worker process of its own: (its future, the process). The executor keeps
    no handle on its processes once shut down (shut down at once, so that it ends when the call
    does), and has no public way to stop one: the handle is taken while it is there."""
    pool = ProcessPoolExecutor(1, mp_context=worker_context(background=True))
    with main_module_hidden():  # the worker starts now (see gongkai.parallel)
        future = pool.submit(func, *args)
    processes = tuple(pool._processes.values())
    pool.shutdown(wait=False)
    return future, processes


def _handed_shards(handover: Path, key: str, cache_dir: Path, root: Path, fold):
    """_shards in the worker, its documents read from the file start_search_files wrote; None if
    that file is not there as written."""
    docs = cache.load(handover, key, root)
    handover.unlink(missing_ok=True)
    return None if docs is None else _shards(docs, cache_dir, root, fold, False)


def _result(future):
    """The process's shards; its death (killed, out of memory) as the build's own Chinese refusal."""
    try:
        return future.result()
    except (BrokenProcessPool, CancelledError) as error:  # killed, out of memory, or stopped by cancel()
        raise BuildRefused("构建失败：生成搜索索引的进程意外退出（可能是内存不足或被结束）。"
                           "网站没有更新，上一次生成的 output/ 保持不变；请重新生成。") from error


def _state_key(fold) -> str:
    return cache.derive_key("search-state", fold)


def _index_key(fold) -> str:
    return cache.derive_key("search-index", fold)


def _shards(docs: list, cache_dir: Path, root: Path, fold, pools: bool = True) -> tuple[int, dict, State]:
    """The shards, through the persistent index; `pools`: whether a cold index may be filled by
    worker processes (not when this already runs in one, beside the page writing)."""
    # Whoosh (3.5 MB of modules) is imported where it runs: in a large build, the search process
    # only, not the build's own process, which holds the catalogue.
    from .whoosh_index import update_parts

    fps = [d[0] for d in docs]
    folder, manifest, index_key = cache_dir / INDEX, cache_dir / MANIFEST, _index_key(fold)
    indexed = set(cache.trusted_folder(folder, manifest, index_key, root) or ())
    adds = [d for d in docs if d[0] not in indexed]
    if any(texts is None for _fp, _exact, texts in adds):
        return None  # sent without its texts (known_fingerprints), yet not in the index: done by the caller
    state = cache.load(cache_dir / STATE, _state_key(fold), root)
    removes = sorted(indexed - set(fps))
    incremental = isinstance(state, State) and set(state.order) == indexed and _same_numbers(state.order, fps, adds)
    workers = min(2, os.cpu_count() or 1) if pools and len(fps) >= WORKERS_FROM and not incremental else 0
    results = update_parts(str(folder), fold, adds, removes, not incremental, workers)
    cache.seal_folder(folder, manifest, index_key, root, sorted(fps))
    if incremental:
        patched = _patch(state, fps, results)
        if patched:
            return patched.shards, patched.files, patched
        workers = min(2, os.cpu_count() or 1) if pools and len(fps) >= WORKERS_FROM else 0
        results = update_parts(str(folder), fold, [], [], True, workers)
    return _full(fps, results)


def _same_numbers(order: list, fps: list, adds: list) -> bool:
    """Every document keeps its number: the same count, each position unchanged or edited."""
    added = {d[0] for d in adds}
    return len(order) == len(fps) and all(a == b or b in added for a, b in zip(order, fps))


# ---------------------------------------------------------------- the full path

def _full(fps: list, results: list) -> tuple[int, dict, State]:
    """Postings of every term, read from Whoosh's parts and renumbered into document order."""
    from .whoosh_index import IndexStats  # imported where it runs (see _shards)

    number = {fp: n for n, fp in enumerate(fps)}
    stats = IndexStats(len(fps))
    exact = [()] * len(fps)
    for f in FIELDS:
        stats.lengths[f.name] = array("I", bytes(4 * len(fps)))
        stats.postings[f.name] = {}
    for _old, part in results:
        numbers = [number[fp] for fp in part.fps]
        for n, keys in zip(numbers, part.exact):
            exact[n] = keys
        for f in FIELDS:
            lengths, target = stats.lengths[f.name], stats.postings[f.name]
            for n, length in zip(numbers, part.lengths[f.name]):
                lengths[n] = length
            for term, (positions, freqs) in part.postings[f.name].items():
                pairs = list(zip([numbers[p] for p in positions], freqs))
                if term in target:
                    pairs += zip(*target[term])
                pairs.sort()
                target[term] = (array("I", [d for d, _ in pairs]), array("I", [tf for _, tf in pairs]))
    postings = weighted_postings(stats)
    add_exact(postings, exact)
    shards, files = shard_files(postings)
    sums = tuple(sum(stats.lengths[f.name]) for f in FIELDS)
    averages = tuple(average_length(total, len(fps)) for total in sums)
    total = sum(len(ids) for ids, _v in postings.values())
    return shards, files, State(fps, sums, averages, total, shards, files)


# ---------------------------------------------------------------- the incremental path

def _patch(state: State, fps: list, results: list) -> State | None:
    """The previous shards with the edited documents' postings replaced, or None when the edit
    moves a rounded average or the shard count (then every posting value may change)."""
    old, new = {}, {}
    for removed, added in results:
        old.update(removed)
        new.update(added)
    edits = [(n, state.order[n], fp) for n, fp in enumerate(fps) if fp != state.order[n]]
    if any(before not in old or after not in new for _n, before, after in edits):
        return None
    sums = list(state.sums)
    total = state.total
    for _n, before, after in edits:
        for i in range(len(FIELDS)):
            sums[i] += new[after].lengths[i] - old[before].lengths[i]
        total += _count(new[after]) - _count(old[before])
    averages = tuple(average_length(s, len(fps)) for s in sums)
    if averages != state.averages or shard_count(total) != state.shards:
        return None
    changes: dict[str, dict[int, int | None]] = {}
    for n, before, after in edits:
        for token in _tokens(old[before]):
            changes.setdefault(token, {})[n] = None
        for token, value in _values(new[after], averages).items():
            changes.setdefault(token, {})[n] = value
    files = dict(state.files)
    by_shard: dict[str, list] = {}
    for token in changes:
        by_shard.setdefault(shard_name(shard_of(token, state.shards), state.shards), []).append(token)
    for name, tokens in by_shard.items():
        content = json.loads(files[name]) if name in files else {}
        for token in tokens:
            pairs = dict(_decode(content.get(token, [])))
            for n, value in changes[token].items():
                if value is None:
                    pairs.pop(n, None)
                else:
                    pairs[n] = value
            if pairs:
                content[token] = _encode(sorted(pairs.items()))
            else:
                content.pop(token, None)
        if content:
            files[name] = dumps(dict(sorted(content.items())))
        else:
            files.pop(name, None)
    return State(fps, tuple(sums), averages, total, state.shards, dict(sorted(files.items())))


def _count(vector) -> int:
    return len(vector.terms) + len(vector.exact)


def _tokens(vector) -> list[str]:
    return list(vector.terms) + [EXACT_PREFIX + key for key in vector.exact]


def _values(vector, averages: tuple) -> dict[str, int]:
    """The document's posting value per token, computed exactly as export.weighted_postings does."""
    norms = [norm(f.weight, vector.lengths[i], averages[i]) for i, f in enumerate(FIELDS)]
    values = {}
    for token, fields in vector.terms.items():
        total = 0.0
        for i, tf in sorted(fields):
            total += tf * norms[i]
        values[token] = _quantised(total) | any(i == TITLE_FIELD for i, _tf in fields)
    values.update({EXACT_PREFIX + key: 0 for key in vector.exact})
    return values


def _decode(flat: list) -> list[tuple[int, int]]:
    pairs, doc = [], 0
    for i in range(0, len(flat), 2):
        doc += flat[i]
        pairs.append((doc, flat[i + 1]))
    return pairs


def _encode(pairs: list) -> list[int]:
    flat, last = [], 0
    for doc, value in pairs:
        flat += [doc - last, value]
        last = doc
    return flat
