"""`invoke search "查询" --limit N`: the browser's query logic over the catalogue on disk, so an
editor can look for an existing item before adding a new one."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gongkai_pelican.build import check_all

from . import documents
from .export import build_search_data
from .query import ParsedQuery, parse_query, ranked
from .synonyms import EMPTY, load_synonyms


@dataclass
class Outcome:
    """Ranked public items for a query, the parsed query, and how many problems were skipped."""

    parsed: ParsedQuery
    items: list
    problems: int


def search_catalogue(root: Path, query: str, settings: dict | None = None) -> Outcome:
    """Load the catalogue (public items only), index it as the build does, rank the query."""
    from gongkai.settings import read_project_settings

    settings = settings or read_project_settings(Path(root))
    catalogue, paths, problems = check_all(settings, use_cache=False)
    table, synonym_problems = load_synonyms(paths.schema_dir, paths.root)
    items = documents.order(catalogue.public_items, catalogue.categories)
    data = build_search_data(items)
    parsed = parse_query(query, table if not synonym_problems else EMPTY)
    hits = ranked(parsed, data.postings, data.doc_count)
    return Outcome(parsed, [items[h.doc] for h in hits], len(problems) + len(synonym_problems))


def search_cli(root: Path, query: str, limit: int = 10) -> str:
    """The text `invoke search` prints: one line per result (rank, 事项名称, 索引号, file)."""
    outcome = search_catalogue(Path(root), query)
    found = outcome.items
    tried = f"（已同时搜索同义词：{'、'.join(outcome.parsed.tried)}）" if outcome.parsed.tried else ""
    if not found:
        lines = [f"没有找到与“{query}”相关的公开事项{tried}。"]
    else:
        lines = [f"搜索“{query}”：找到 {len(found)} 个公开事项{tried}"]
        width = len(str(min(limit, len(found))))
        lines += [f"{n:>{width}}. {item.title}  {item.index_no}  {item.source}"
                  for n, item in enumerate(found[:limit], 1)]
        if len(found) > limit:
            lines.append(f"只显示前 {limit} 个；用 --limit {len(found)} 显示全部。")
    if outcome.problems:
        lines.append(f"注意：目录中有 {outcome.problems} 个问题，有问题的文件没有参与搜索；运行 invoke validate 查看。")
    return "\n".join(lines)
