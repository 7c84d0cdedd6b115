"""保密审查 of 公开指南 pages (content/pages/): the title and every body line, with the item detectors.

A page has no `保密审查` field, so a finding cannot be acknowledged: it is removed or masked (an
office's published telephone belongs in the footer settings or as a landline). Drafts are never
published, so, like 内部 items, they are not scanned until they are.
"""
from __future__ import annotations

from catalogue.errors import Problem

from .detect import MARKING, find_sensitive

ADVICE = "公开前请删除或脱敏（公开指南页面不能登记保密审查例外）"
MARKING_ADVICE = "涉密、内部或不予公开的信息不得上网公开，请删除"


def page_scanned(page) -> bool:
    return page.meta.get("status", "published") != "draft"


def page_findings(page) -> list[Problem]:
    """Every hit in the page's title and body, located; none for a draft."""
    if not page_scanned(page):
        return []
    texts = [(page.lines.get("title"), "Title", page.title)]
    texts += [(page.body_line + n, "正文", line) for n, line in enumerate(page.body.split("\n"))]
    return [Problem(page.source, line, field, f"疑似{m.kind}“{m.shown}”：{MARKING_ADVICE if m.kind == MARKING else ADVICE}")
            for line, field, text in texts for m in find_sensitive(text)]


def page_problems(catalogue, paths=None) -> list[Problem]:
    """The GONGKAI_CHECKS entry point (`secrecy:page_problems`): run by validate and every build."""
    return [p for page in catalogue.pages for p in page_findings(page)]
