"""What the site publishes of the annual reports, as data: the links the home page and /reports/
show, and each report page's parts. Only reports with 状态: 发布 that passed every check."""
from __future__ import annotations

from dataclasses import dataclass

from .layout import SECTION_ORDER, TABLES, TEXT_SECTIONS

INDEX = "reports/index.html"
INDEX_URL = "reports/"
PREFACE = "前言"


@dataclass(frozen=True)
class ReportLink:
    """What the home page and /reports/ show of one published report."""

    year: int
    title: str
    body: str
    published: str
    url: str
    csv: str
    json: str


def link_of(report) -> ReportLink:
    year = report.year
    return ReportLink(year, report.title, report.body_of, report.published, report.url,
                      f"{report.url}report-{year}.csv", f"{report.url}report-{year}.json")


def published(reports) -> list:
    """Published, valid reports, newest year first (a draft is checked but never published)."""
    return sorted((r for r in reports if r.valid and r.is_published), key=lambda r: r.year, reverse=True)


def sitemap_urls(reports) -> list[str]:
    """/reports/ and every published report's page, for the sitemap."""
    return [INDEX_URL] + [r.url for r in published(reports)]


def page_parts(report, tables) -> list[tuple[str, str, str, object]]:
    """(anchor, title, html of the text or "", table or None) for the six sections, in order."""
    by_key = {t.key: t for t in tables}
    parts = []
    for number, title in enumerate(SECTION_ORDER, start=1):
        html = report.html.get(title, "") if title in TEXT_SECTIONS else ""
        parts.append((f"s{number}", title, html, by_key.get(title) if title in TABLES else None))
    return parts
