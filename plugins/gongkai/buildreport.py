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


class PageCount:
    """({kind: pages}, pages, files) of a site, told one folder at a time (`folder`): every .html
    file is a page; a kind only for the sections named in PAGE_KINDS (the rest count in the
    total). A build is told by output.commit's walk before the swap (one walk of the site, not
    two: a 10,000-item site has 10,000 folders)."""

    def __init__(self):
        self.kinds, self.pages, self.files = Counter(), 0, 0

    def folder(self, parts: tuple, names: list[str]) -> None:
        """`names`: the files (not folders) in the folder at `parts` below the site."""
        html = sum(name.endswith(".html") for name in names)
        self.files, self.pages = self.files + len(names), self.pages + html
        kind = PAGE_KINDS.get(parts[0]) if parts else None
        if kind and (parts[0] not in ONE_EACH or len(parts) == 2):
            self.kinds[kind] += html

    def result(self) -> tuple[Counter, int, int]:
        return self.kinds, self.pages, self.files


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
