"""The persistent search index (gongkai.search.incremental, issue 15 §1): an export made through the
Whoosh index kept between builds, after edits, additions and deletions, is byte-identical to one
indexed from scratch; an edit takes the incremental path; an index folder that does not match its
signed manifest is deleted and rebuilt, never opened."""
from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, copy_project, load

from gongkai.search import incremental
from gongkai.search.find import documents


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def exports(root: Path, monkeypatch) -> tuple[dict, dict, list]:
    """(through the persistent index, from scratch in memory, which paths the first one took)."""
    taken = []
    patch, full = incremental._patch, incremental._full
    monkeypatch.setattr(incremental, "_patch", lambda *a: taken.append("patch") or patch(*a))
    monkeypatch.setattr(incremental, "_full", lambda *a: taken.append("full") or full(*a))
    p = load(root, cache=True)
    items = documents(p)
    args = (items, p.catalogue, p.synonyms, p.freshness, p.vocabulary)
    kept = incremental.search_files(*args, p.paths.cache_dir, p.paths.root)
    fresh = incremental.search_files(*args, None, p.paths.root)
    monkeypatch.undo()
    return kept, fresh, taken


def item_files(root: Path) -> list[Path]:
    return sorted((root / "content/items").rglob("*.md"))


@pytest.fixture(params=["one segment a part", "a segment per 7 documents"])
def batch(request):
    """The index committed in batches (whoosh_index.SEGMENT): a large site's parts hold several
    segments; the example's need a small batch for that. Set directly: exports() undoes monkeypatch."""
    from gongkai.search import whoosh_index

    saved = whoosh_index.SEGMENT
    whoosh_index.SEGMENT = 7 if request.param.startswith("a segment") else saved
    yield
    whoosh_index.SEGMENT = saved


def test_incremental_exports_equal_full_ones_after_edits_additions_and_deletions(project, monkeypatch, batch):
    kept, fresh, taken = exports(project, monkeypatch)
    assert kept == fresh and taken == ["full"]
    files = item_files(project)
    files[5].write_text(files[5].read_text(encoding="utf-8") + "\n本季度补充说明：低保名单已更新。\n", encoding="utf-8")
    kept, fresh, taken = exports(project, monkeypatch)
    assert kept == fresh and taken == ["patch"]  # an edit: only its tokens' postings change
    text = files[20].read_text(encoding="utf-8")
    files[20].write_text(text.replace("事项名称: ", "事项名称: 修订", 1), encoding="utf-8")
    kept, fresh, taken = exports(project, monkeypatch)
    assert kept == fresh and taken == ["patch"]
    (project / "content/items/社会救助/考勤.md").write_text(
        (EXAMPLES / "minimal_item.md").read_text(encoding="utf-8").replace("2024-00001", "2024-00771"), encoding="utf-8")
    kept, fresh, taken = exports(project, monkeypatch)
    assert kept == fresh and "full" in taken  # an addition renumbers the documents after it
    files[30].unlink()
    kept, fresh, taken = exports(project, monkeypatch)
    assert kept == fresh and "full" in taken


def test_whoosh_merges_only_the_small_segments_edits_leave_and_the_worn_ones(tmp_path, monkeypatch):
    """whoosh_index.merge_policy: a full fill keeps its SEGMENT-sized segments (Whoosh's own policy
    rewrites them into one from 17 in a part); five one-document segments left by edits are merged
    into one; a segment with more than a quarter of its documents deleted is rewritten without them."""
    import whoosh.index

    from gongkai.search import whoosh_index
    from gongkai.search.documents import FIELDS

    monkeypatch.setattr(whoosh_index, "SEGMENT", 4)
    folder = str(tmp_path / "part")
    doc = lambda n: (f"{n:064x}", (), {f.name: f"第{n}号 低保名单 {f.name}" for f in FIELDS})
    sizes = lambda: sorted(s.doc_count_all() for s in whoosh.index.open_dir(folder)._segments())
    whoosh_index.update_part(folder, None, [doc(n) for n in range(40)], [], False)
    assert sizes() == [4] * 10  # MERGE_SMALL would have merged them at the 6th commit
    for n in range(40, 45):
        whoosh_index.update_part(folder, None, [doc(n)], [], False)
    assert sizes() == [1] * 5 + [4] * 10
    whoosh_index.update_part(folder, None, [doc(45)], [], False)  # a commit merges what was there before it
    assert sizes() == [4] * 10 + [6]  # the five small ones and the new document, now one segment
    whoosh_index.update_part(folder, None, [], [f"{0:064x}", f"{1:064x}"], False)  # half of the first segment
    assert sizes() == [2] + [4] * 9 + [6]
    with whoosh.index.open_dir(folder).searcher() as searcher:
        assert searcher.doc_count() == 44 and searcher.document_number(fp=f"{0:064x}") is None


def test_a_part_filled_from_empty_is_read_from_what_whoosh_indexed_exactly_as_from_its_postings(tmp_path, monkeypatch):
    """whoosh_index._Recorder: a cold fill takes its statistics while Whoosh indexes instead of
    reading every posting back; they must be the very numbers (and term order) the reader gives."""
    import whoosh.index

    from gongkai.search import whoosh_index
    from gongkai.search.documents import FIELDS

    monkeypatch.setattr(whoosh_index, "SEGMENT", 3)  # several segments, the last one short
    texts = ["低保名单 低保 名单 2024年", "", "临时救助 救助 救助对象审核确认 ABC abc", "特困人员 😀 Ω 低保"]
    doc = lambda n: (f"{n:064x}", (f"2024-{n:05d}",), {f.name: texts[(n + i) % len(texts)]
                                                       for i, f in enumerate(FIELDS) if (n + i) % 5})
    folder = str(tmp_path / "part")
    _old, recorded = whoosh_index.update_part(folder, None, [doc(n) for n in range(11)], [], True)
    with whoosh.index.open_dir(folder).reader() as reader:
        read_back = whoosh_index._part_stats(reader)
    assert recorded == read_back
    assert [list(terms) for terms in recorded.postings.values()] == [list(terms) for terms in read_back.postings.values()]
    assert recorded.postings[FIELDS[0].name]["低保"][0].tolist()  # not an empty comparison
    assert whoosh.index.open_dir(folder).schema == whoosh_index.persistent_schema()  # no hook left in the TOC
    _old, again = whoosh_index.update_part(folder, None, [doc(11)], [], True)  # not empty: read back
    assert again.fps == read_back.fps + [doc(11)[0]]


def test_an_index_folder_not_matching_its_signed_manifest_is_deleted_unopened(project, monkeypatch):
    exports(project, monkeypatch)
    folder = project / ".cache/pelican" / incremental.INDEX
    planted = folder / "part-0" / "MAIN_planted.seg"
    planted.write_bytes(pickle.dumps({"would": "run code if unpickled"}))
    import whoosh.index

    real_open, seen = whoosh.index.open_dir, []

    def spying(folder, *args, **kwargs):  # what Whoosh is about to read
        seen.append(sorted(p.name for p in Path(folder).iterdir()))
        return real_open(folder, *args, **kwargs)

    monkeypatch.setattr(whoosh.index, "open_dir", spying)
    kept, fresh, taken = exports(project, monkeypatch)
    assert kept == fresh and taken == ["full"] and not planted.exists()
    assert seen and not any("MAIN_planted.seg" in names for names in seen)
    # An index folder committed into the project without our signed manifest: emptied before use.
    (project / ".cache/pelican" / incremental.MANIFEST).unlink()
    planted.write_bytes(b"planted")
    seen.clear()
    monkeypatch.setattr(whoosh.index, "open_dir", spying)
    kept, fresh, taken = exports(project, monkeypatch)
    assert kept == fresh and taken == ["full"] and not planted.exists()
    assert seen and not any("MAIN_planted.seg" in names for names in seen)


def test_a_large_site_indexes_in_another_process_with_the_same_result(project, monkeypatch):
    """From WORKERS_FROM documents on, the build's Whoosh work runs in a spawned process while the
    pages are written (start_search_files); lowered here so the example takes that path. The files,
    and the edit after it (the incremental path, in the process too), equal an index from scratch."""
    monkeypatch.setattr(incremental, "WORKERS_FROM", 1)
    started = []
    pool = incremental.ProcessPoolExecutor
    monkeypatch.setattr(incremental, "ProcessPoolExecutor", lambda *a, **k: started.append(1) or pool(*a, **k))
    p = load(project, cache=True)
    args = (documents(p), p.catalogue, p.synonyms, p.freshness, p.vocabulary)
    kept = incremental.start_search_files(*args, p.paths.cache_dir, p.paths.root)()
    assert started == [1] and kept == incremental.search_files(*args, None, p.paths.root)
    files = item_files(project)
    files[5].write_text(files[5].read_text(encoding="utf-8") + "\n名单已更新。\n", encoding="utf-8")
    p = load(project, cache=True)
    args = (documents(p), p.catalogue, p.synonyms, p.freshness, p.vocabulary)
    kept = incremental.start_search_files(*args, p.paths.cache_dir, p.paths.root)()
    assert started == [1, 1] and kept == incremental.search_files(*args, None, p.paths.root)
    assert not (p.paths.cache_dir / incremental.HANDOVER).exists()  # the process removed what it was handed


def test_a_rebuild_hands_the_search_process_only_the_texts_of_changed_documents(project, monkeypatch):
    """A document the index already holds goes to the search process as its fingerprint alone
    (known from the index's signed manifest). If the index folder is gone all the same, the
    process lacks texts, the build indexes in its own process, and the files are still exact."""
    monkeypatch.setattr(incremental, "WORKERS_FROM", 1)
    handed = []
    spawned = incremental._spawned
    monkeypatch.setattr(incremental, "_spawned", lambda docs, *a: handed.append(docs[:]) or spawned(docs, *a))
    here = []  # _shards run in this process (the spawned one imports the module afresh)
    shards = incremental._shards
    monkeypatch.setattr(incremental, "_shards", lambda docs, *a: here.append(len(docs)) or shards(docs, *a))

    def build():
        p = load(project, cache=True)
        args = (documents(p), p.catalogue, p.synonyms, p.freshness, p.vocabulary)
        kept = incremental.start_search_files(*args, p.paths.cache_dir, p.paths.root)()
        assert kept == incremental.search_files(*args, None, p.paths.root)
        return p

    def with_texts(docs) -> list[str]:
        return [texts["title"] for _fp, _exact, texts in docs if texts is not None]

    p = build()
    count = len(documents(p))
    assert len(handed[0]) == count and len(with_texts(handed[0])) == count
    edited = item_files(project)[5]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n名单已更新。\n", encoding="utf-8")
    p = build()
    title = next(i.title for i in p.catalogue.items if edited.as_posix().endswith(i.source))
    assert len(handed[1]) == count and with_texts(handed[1]) == [title] and here == []
    shutil.rmtree(p.paths.cache_dir / incremental.INDEX)
    edited.write_text(edited.read_text(encoding="utf-8") + "\n再次更新。\n", encoding="utf-8")
    p = build()
    assert with_texts(handed[2]) == [title] and here == [count] and (p.paths.cache_dir / incremental.INDEX).is_dir()


def test_the_builds_own_process_never_imports_whoosh_when_another_process_indexes(project):
    """Whoosh's modules (3.5 MB) load only where Whoosh runs: the build's process, which holds the
    catalogue and is the build's largest, imports none of them when the search process indexes."""
    script = """
import sys
from pathlib import Path
import gongkai_pelican
from gongkai.project import load_project
from gongkai.search import incremental
from gongkai.search.find import documents
from gongkai.settings import read_project_settings
incremental.WORKERS_FROM = 1
p = load_project(read_project_settings(Path(sys.argv[1])), render=True, cache=True)
files = incremental.start_search_files(documents(p), p.catalogue, p.synonyms, p.freshness, p.vocabulary,
                                       p.paths.cache_dir, p.paths.root)()
print(len(files), sorted(m for m in sys.modules if m.partition(".")[0] == "whoosh"))
"""
    done = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True, cwd=project)
    assert done.returncode == 0, done.stderr[-2000:]
    count, imported = done.stdout.split(" ", 1)
    assert int(count) > 10 and imported.strip() == "[]"


@pytest.mark.parametrize("handover", ["not written", "written but gone"])
def test_the_search_process_gets_its_documents_without_the_handover_file_too(project, monkeypatch, handover):
    """The documents go to the search process through a signed file. Where the cache cannot be
    written they go with the call; where the file is not there as written, the process returns
    nothing and the build indexes in its own process. The files are the same each way."""
    monkeypatch.setattr(incremental, "WORKERS_FROM", 1)
    saved = incremental.cache.save
    skip = lambda path, *rest: (saved(path, *rest) if path.name != incremental.HANDOVER
                                else handover == "written but gone")
    monkeypatch.setattr(incremental.cache, "save", skip)
    p = load(project, cache=True)
    args = (documents(p), p.catalogue, p.synonyms, p.freshness, p.vocabulary)
    kept = incremental.start_search_files(*args, p.paths.cache_dir, p.paths.root)()
    assert kept == incremental.search_files(*args, None, p.paths.root)


def test_a_search_process_that_dies_fails_the_build_in_chinese():
    """Killed or out of memory, the process's death is the build's refusal, not a traceback."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from gongkai.errors import BuildRefused

    dead = Future()
    dead.set_exception(BrokenProcessPool("A process in the process pool was terminated abruptly"))
    with pytest.raises(BuildRefused) as refused:
        incremental._result(dead)
    assert str(refused.value) == ("构建失败：生成搜索索引的进程意外退出（可能是内存不足或被结束）。"
                                  "网站没有更新，上一次生成的 output/ 保持不变；请重新生成。")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process table in /proc")
def test_a_build_that_fails_stops_its_search_process_instead_of_waiting_for_it(tmp_path):
    """The build starts its search process before its last checks (load_project's texts_final); if
    one of them fails, the process is killed (boundary.stopping), not waited for, and its files
    are never asked for."""
    import time

    from gongkai.errors import BuildRefused
    from gongkai_pelican.boundary import stopping

    working, processes = incremental.in_process(time.sleep, 120)  # as _spawned starts _shards
    pid = processes[0].pid
    run = incremental.SearchRun([], lambda: incremental._result(working), (tmp_path, tmp_path, None), processes)

    @stopping
    def last_check():
        raise BuildRefused("构建失败：附件的保密审查发现问题。")

    started = time.monotonic()
    with pytest.raises(SystemExit):
        last_check()
    while _alive(pid) and time.monotonic() - started < 30:
        time.sleep(0.05)
    assert not _alive(pid)
    with pytest.raises(BuildRefused, match="生成搜索索引的进程意外退出"):
        run.files(None, None, {}, None)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[-1][0] != "Z"  # a killed child not yet reaped is gone too
    except (FileNotFoundError, ProcessLookupError):  # gone before the open, or while reading
        return False


def test_counted_frequencies_are_exactly_what_whooshs_own_frequency_format_yields():
    """whoosh_index.CountedFrequency counts our tokens with collections.Counter instead of a Whoosh
    Token per token: the same (term, frequency, weight, encoded value) tuples, in the same order."""
    from whoosh.analysis import StandardAnalyzer
    from whoosh.formats import Frequency

    from gongkai.search.whoosh_index import CatalogueTokenizer, CountedFrequency

    texts = ["低保名单 低保名单 2024年低保", "", "  \n ", "Ｆｕｌｌ-width ＡＢＣ abc ABC abc", "臺灣 台湾 養老 养老",
             "😀 emoji 😀 𠀀𠀁", "示民〔2024〕37号\n第二行：示民[2024]37号", "城乡居民最低生活保障" * 40]
    compared = 0
    for short in (True, False):
        for analyzer in (CatalogueTokenizer(None, short), CatalogueTokenizer({"臺": "台"}, short)):
            for boost in (1.0, 2.5):
                for text in texts:
                    ours = list(CountedFrequency(field_boost=boost).word_values(text, analyzer, mode="index"))
                    theirs = list(Frequency(field_boost=boost).word_values(text, analyzer, mode="index"))
                    assert ours == theirs, text
                    compared += len(ours)
    assert compared > 300
    other = StandardAnalyzer()  # not ours: Whoosh's own counting
    assert list(CountedFrequency().word_values("Hello hello world", other)) == \
        list(Frequency().word_values("Hello hello world", other))
