"""The site, `invoke search`, `invoke audit` and `invoke review` agree on the same commit (issue 10).

The example catalogue is built in a git repository where some items were edited in later commits,
so git history matters: it moves 更新日期 (hence the search's document order, its last tie-break)
and the 逾期未更新 verdicts of 定期 items. The site's answers are read from what it published:
the exported search index, ranked by the same query code the browser mirrors, and the status in
each search record; the commands' answers from their printed output.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import copy_project, run_build, run_invoke

from gongkai.search.export import CHUNK, shard_of
from gongkai.search.query import parse_query, query_tokens, ranked
from gongkai.search.synonyms import SynonymTable

QUERIES = ("公开", "名单", "预算", "示例县", "信息 公开", "低保", "指南", "结果", "办法", "财政")
EDITED = 8  # 定期 items edited in a later commit


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=date or "2024-01-01T09:00:00+08:00",
               GIT_COMMITTER_DATE=date or "2024-01-01T09:00:00+08:00")
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@invalid", *args], cwd=root, env=env,
                          check=True, capture_output=True, text=True).stdout


def periodic(root: Path) -> list[Path]:
    """The public 定期 items: their 逾期未更新 verdict depends on when they were last updated."""
    found = []
    for path in sorted((root / "content/items").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "类型: 定期" in text and "公开对象: 内部" not in text:
            found.append(path)
    return found[:EDITED]


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("agreement") / "project")
    edited = periodic(root)
    assert len(edited) >= 4, "the example catalogue has public 定期 items"
    for path in edited:  # without 更新日期, the last commit that edited the file gives it
        lines = path.read_text(encoding="utf-8").split("\n")
        path.write_text("\n".join(line for line in lines if not line.startswith("更新日期:")), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    for number, path in enumerate(edited):
        path.write_text(path.read_text(encoding="utf-8") + f"\n第 {number + 1} 次补充说明。\n", encoding="utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-qm", f"edit {number}", date=f"2026-{9 + number % 3:02d}-{10 + number:02d}T09:00:00+08:00")
    built = run_build(root)
    assert built.returncode == 0, built.stderr
    return root


class ExportedIndex:
    """The search data the site published, searched as search-core.js searches it."""

    def __init__(self, output: Path):
        self.folder = output / "search"
        self.meta = json.loads((self.folder / "index-meta.json").read_text(encoding="utf-8"))
        self.synonyms = SynonymTable.build([list(g) for g in self.meta["synonyms"]])
        self.shards: dict[int, dict] = {}

    def _shard(self, number: int) -> dict:
        if number not in self.shards:
            width = len(f"{self.meta['shards'] - 1:x}")
            path = self.folder / self.meta["data"] / "s" / f"{number:0{width}x}.json"
            self.shards[number] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return self.shards[number]

    def postings(self, tokens) -> dict:
        found = {}
        for token in tokens:
            flat = self._shard(shard_of(token, self.meta["shards"])).get(token)
            if flat:
                ids, doc = [], 0
                for delta in flat[0::2]:
                    doc += delta
                    ids.append(doc)
                found[token] = (ids, flat[1::2])
        return found

    def record(self, doc: int) -> list:
        chunk = json.loads((self.folder / self.meta["data"] / "d" / f"{doc // CHUNK}.json").read_text(encoding="utf-8"))
        return chunk[doc % CHUNK]

    def search(self, query: str) -> list[str]:
        parsed = parse_query(query, self.synonyms)
        hits = ranked(parsed, self.postings(query_tokens(parsed)), self.meta["docs"])
        return [self.record(hit.doc)[10] for hit in hits]

    def statuses(self) -> dict[str, str]:
        """索引号 -> the badge status every published search record carries."""
        out = {}
        for doc in range(self.meta["docs"]):
            record = self.record(doc)
            out[record[10]] = record[6]
        return out


def command_ranking(root: Path, query: str) -> list[str]:
    done = run_invoke(root, "search", query, "--limit", "100000")
    assert done.returncode == 0, done.stderr
    return [line.split("  ")[1] for line in done.stdout.splitlines() if re.match(r"^\s*\d+\. ", line)]


def table_statuses(text: str) -> dict[str, str]:
    """索引号 -> 状态 from an audit table (`invoke audit`, the review's 时限检查)."""
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith(("| 索引号", "| ---"))]
    return {row.split(" | ")[0][2:].replace("\\", ""): row.split(" | ")[3] for row in rows}


def test_search_order_is_the_sites(repo):
    site = ExportedIndex(repo / "output")
    compared = 0
    for query in QUERIES:
        assert command_ranking(repo, query) == site.search(query), query
        compared += len(site.search(query))
    assert compared > 50  # many results, so the tie-breaks (document order) are exercised


def test_overdue_verdicts_are_the_sites(repo):
    site = {index: status for index, status in ExportedIndex(repo / "output").statuses().items() if status}
    audit = run_invoke(repo, "audit")
    assert audit.returncode == 0, audit.stderr
    audited = {index: status for index, status in table_statuses(audit.stdout).items() if index in
               ExportedIndex(repo / "output").statuses()}  # the site shows public items only
    assert audited == site
    assert "逾期未更新" in site.values()


def test_git_history_changed_the_verdicts(repo, tmp_path):
    """Without the edits' commit dates (a tarball of the same files) some verdicts differ: the
    agreement above is not an accident of history having no effect."""
    tarball = tmp_path / "tarball"
    copy_project(tarball, with_content=False)
    subprocess.run(["cp", "-r", str(repo / "content"), str(tarball / "content")], check=True)
    without = table_statuses(run_invoke(tarball, "audit").stdout)
    assert without != table_statuses(run_invoke(repo, "audit").stdout)


def test_review_reports_the_sites_verdicts_for_the_changed_items(repo):
    done = run_invoke(repo, "review", "--base", f"HEAD~{EDITED}")
    assert done.returncode == 0, done.stderr
    section = done.stdout.split("## 时限检查（逾期未更新、超期公开）", 1)[1].split("\n## ", 1)[0]
    reviewed = table_statuses(section)
    site = ExportedIndex(repo / "output").statuses()
    assert reviewed, "some of the edited 定期 items are 逾期未更新 on the build date"
    assert reviewed == {index: site[index] for index in reviewed}
