"""保密审查 of 公开指南 pages (content/pages/): the title and every body line, with the item detectors.

A page has no `保密审查` field, so a finding cannot be acknowledged: it is removed or masked (an
office's published telephone belongs in the footer settings or as a landline). Drafts are never
published, so, like 内部 items, they are not scanned until they are.
"""
from __future__ import annotations

from gongkai.errors import Problem

from .detect import MARKING
from .scan import findings_in_text

ADVICE = "公开前请删除或脱敏（公开指南页面不能登记保密审查例外）"
MARKING_ADVICE = "涉密、内部或不予公开的信息不得上网公开，请删除"


def page_scanned(page) -> bool:
    return page.meta.get("status", "published") != "draft"


def page_findings(page) -> list[Problem]:
    """Every hit in the page's title and body (a number broken across lines too), located; none
    for a draft."""
    if not page_scanned(page):
        return []
    found = findings_in_text(page.source, page.lines.get("title"), "Title", page.title)
    found += findings_in_text(page.source, page.body_line, "正文", page.body)
    return [Problem(f.file, f.line, f.field,
                    f"{f.label or '疑似' + f.kind}“{f.shown}”：{MARKING_ADVICE if f.kind == MARKING else ADVICE}")
            for f in found]


def page_problems(catalogue, paths=None) -> list[Problem]:
    """The GONGKAI_CHECKS entry point (`secrecy:page_problems`): run by validate and every build."""
    return [p for page in catalogue.pages for p in page_findings(page)]
