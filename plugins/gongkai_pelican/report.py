"""Writes /reports/ (every published year), /reports/<year>/ (the report in the national layout)
and each report's CSV and JSON, from the loaded project (gongkai.report)."""
from __future__ import annotations

from pathlib import Path

from gongkai.report.checks import number_text
from gongkai.report.layout import FEE, load_format
from gongkai.report.site import INDEX, link_of, page_parts, published
from gongkai.report.tables import build_tables, report_csv, report_json


def write_reports(generator, writer, project, out: Path) -> None:
    settings = generator.settings
    fmt, site_url = load_format(project.paths.schema_dir), settings["SITEURL"]
    for report in published(project.reports):
        tables = build_tables(fmt, report.meta)
        link = link_of(report)
        writer.write_file(report.save_as, generator.get_template("report"), generator.context,
                          relative_urls=settings["RELATIVE_URLS"], page_title=report.title,
                          report=report, link=link, parts=page_parts(report, tables), fee=number_text(report.meta[FEE]))
        absolute = f"{site_url.rstrip('/')}/{report.url}" if site_url else report.url
        (out / link.csv).write_bytes(report_csv(report, tables))
        (out / link.json).write_bytes(report_json(report, absolute))
        for file in report.files:
            project.boundary.copy(file, out, report.source)
    writer.write_file(INDEX, generator.get_template("reports"), generator.context, relative_urls=settings["RELATIVE_URLS"],
                      page_title="政府信息公开工作年度报告", reports=generator.context["annual_reports"])
