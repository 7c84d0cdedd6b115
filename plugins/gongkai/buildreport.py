"""What a build tells the person who started it: a Chinese line counting what was built, and, for
the preview (`invoke serve`, tools/serve.py), a small file saying whether the build succeeded and
which problems stopped it, so the browser can show them instead of the stale site.

The file is written only when the environment names it (REPORT_ENV): the preview sets it for the
builds it starts, in its own temporary folder; a plain `invoke build` writes nothing. It never goes
into output/.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import CatalogueInvalid, GongkaiError, Problem

REPORT_ENV = "GONGKAI_BUILD_REPORT"

# The first folder of a page's address -> what the summary calls it (urls.py: items/, category/ …).
PAGE_KINDS = {"items": "事项页面", "docs": "公开信息页面", "category": "列表页面", "unit": "列表页面",
              "limit": "列表页面", "five": "列表页面", "policies": "列表页面", "reports": "年度报告页面"}
# Sections with one page per item or document (items/<索引号>/); the pages below it (an item's
# documents by year) count as pages, not as more items.
ONE_EACH = ("items", "docs")


@dataclass
class BuildResult:
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    message: str = ""  # the whole Chinese message (for failures without located problems)
    summary: str = ""


def count_pages(site: Path) -> tuple[Counter, int, int]:
    """({kind: pages}, pages, files) of a built site: every .html file is a page; a kind only for
    the sections named in PAGE_KINDS (the rest count in the total). One scandir per folder, the
    folder's place carried down as a tuple: a 10,000-item site has 10,000 folders, and os.walk
    with a relative path worked out for each took twice as long."""
    kinds, totals = Counter(), [0, 0]

    def visit(folder: str, parts: tuple) -> None:
        html, below = 0, []
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    below.append(entry)
                else:
                    totals[1] += 1
                    html += entry.name.endswith(".html")
        totals[0] += html
        kind = PAGE_KINDS.get(parts[0]) if parts else None
        if kind and (parts[0] not in ONE_EACH or len(parts) == 2):
            kinds[kind] += html
        for entry in below:
            visit(entry.path, (*parts, entry.name))

    visit(os.fspath(site), ())
    return kinds, totals[0], totals[1]


def summary(kinds: Counter, pages: int, files: int, seconds: float) -> str:
    """已生成网站：82 个事项页面、45 个列表页面，共 162 个网页、230 个文件，用时 1.4 秒。"""
    parts = [f"{kinds[kind]} 个{kind}" for kind in dict.fromkeys(PAGE_KINDS.values()) if kinds[kind]]
    counted = "、".join(parts) + "，" if parts else ""
    return f"已生成网站：{counted}共 {pages} 个网页、{files} 个文件，用时 {seconds:.1f} 秒。"


def failure(exc: GongkaiError) -> BuildResult:
    problems = list(exc.problems) if isinstance(exc, CatalogueInvalid) else []
    return BuildResult(False, problems, str(exc))


def write(result: BuildResult, environ=os.environ) -> None:
    """Record the outcome where REPORT_ENV says, if it says anywhere."""
    target = environ.get(REPORT_ENV)
    if not target:
        return
    data = {"ok": result.ok, "problems": [asdict(p) for p in result.problems], "message": result.message,
            "summary": result.summary}
    try:
        Path(target).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # the preview then shows the build's printed output instead


def read(path: Path) -> BuildResult | None:
    """The outcome a build recorded at `path`, or None if it recorded none (it crashed first)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return BuildResult(bool(data["ok"]), [Problem(**p) for p in data["problems"]], str(data["message"]),
                           str(data["summary"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
