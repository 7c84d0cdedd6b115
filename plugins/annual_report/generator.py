"""Writes /reports/ (every published year), /reports/<year>/ (the report in the national layout)
and each report's CSV and JSON. Only reports with 状态: 发布 that passed every check are published."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pelican.generators import Generator

from catalogue import boundary
from catalogue.build import fail, paths_from_settings

from .checks import load_reports, number_text
from .layout import FEE, SECTION_ORDER, TABLES, TEXT_SECTIONS, load_format
from .tables import build_tables, report_csv, report_json

INDEX = "reports/index.html"
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


class ReportGenerator(Generator):
    def generate_context(self):
        # Problems are not raised here: the catalogue's own check (GONGKAI_CHECKS) reports them
        # with every other problem of the project. They stop the build in generate_output if
        # that check did not run (a report changed meanwhile, or the setting lacks it).
        paths = paths_from_settings(self.settings)
        reports, self.problems = load_reports(paths)
        self.reports, self.paths = published(reports), paths
        self.context["annual_reports"] = [link_of(r) for r in self.reports]
        self.context.setdefault("sitemap_extra", []).extend(["reports/"] + [r.url for r in self.reports])

    def generate_output(self, writer):
        if self.problems:
            fail(self.problems)
        fmt, out = load_format(self.paths.schema_dir), Path(self.output_path)
        site_url = self.settings["SITEURL"]
        for report in self.reports:
            tables = build_tables(fmt, report.meta)
            link = link_of(report)
            writer.write_file(report.save_as, self.get_template("report"), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], page_title=report.title,
                              report=report, link=link, parts=page_parts(report, tables), fee=number_text(report.meta[FEE]))
            absolute = f"{site_url.rstrip('/')}/{report.url}" if site_url else report.url
            (out / link.csv).write_bytes(report_csv(report, tables))
            (out / link.json).write_bytes(report_json(report, absolute))
            try:
                for file in report.files:
                    boundary.copy(file, self.paths.content, out, report.source)
            except boundary.Refused as refused:
                fail([refused.problem])
        writer.write_file(INDEX, self.get_template("reports"), self.context, relative_urls=self.settings["RELATIVE_URLS"],
                          page_title="政府信息公开工作年度报告", reports=self.context["annual_reports"])


def page_parts(report, tables) -> list[tuple[str, str, str, object]]:
    """(anchor, title, html of the text or "", table or None) for the six sections, in order."""
    by_key = {t.key: t for t in tables}
    parts = []
    for number, title in enumerate(SECTION_ORDER, start=1):
        html = report.html.get(title, "") if title in TEXT_SECTIONS else ""
        parts.append((f"s{number}", title, html, by_key.get(title) if title in TABLES else None))
    return parts
