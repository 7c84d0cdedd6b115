"""`invoke search "查询" --limit N`: the browser's query logic over the catalogue on disk, so an
editor can look for an existing item before adding a new one (gongkai.search.find)."""
from __future__ import annotations

from pathlib import Path

from gongkai.project import load_project
from gongkai.search.find import search
from gongkai.settings import read_project_settings

PARTIAL = "没有同时包含全部词语的结果，以下是部分匹配的结果"  # the search page's words (search.js)


def search_catalogue(root: Path, query: str):
    """(the loaded project, its public items ranked for `query` as the site ranks them)."""
    project = load_project(read_project_settings(Path(root)))
    return project, search(project, query)


def search_cli(root: Path, query: str, limit: int = 10) -> str:
    """The text `invoke search` prints: one line per result (rank, 事项名称, 索引号, file)."""
    project, outcome = search_catalogue(root, query)
    found = outcome.items
    tried = f"（已同时搜索同义词：{'、'.join(outcome.parsed.tried)}）" if outcome.parsed.tried else ""
    if not found:
        lines = [f"没有找到与“{query}”相关的公开事项{tried}。"]
    else:
        documents = sum(1 for entry in found if getattr(entry, "item", None) is not None)
        counted = f"{len(found)} 个公开事项" if not documents else \
            f"{len(found)} 条（公开事项 {len(found) - documents} 个、公开信息 {documents} 篇）"
        lines = [f"搜索“{query}”：{PARTIAL}，共 {counted}{tried}" if outcome.partial
                 else f"搜索“{query}”：找到 {counted}{tried}"]
        width = len(str(min(limit, len(found))))
        lines += [f"{n:>{width}}. {item.title}  {item.index_no}  {item.source}"
                  for n, item in enumerate(found[:limit], 1)]
        if len(found) > limit:
            lines.append(f"只显示前 {limit} 个；用 --limit {len(found)} 显示全部。")
    problems = len(project.problems)
    if problems:
        lines.append(f"注意：目录中有 {problems} 个问题，有问题的文件没有参与搜索；运行 invoke validate 查看。")
    return "\n".join(lines)
