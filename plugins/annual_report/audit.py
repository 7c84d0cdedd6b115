"""`invoke audit`: after 31 January, the previous year's report must be published and valid.

条例 Art. 49: every body publishes its 政府信息公开工作年度报告 for the previous year by 31 January.
The day is the build date (SOURCE_DATE_EPOCH, as everywhere else), so CI and tests are exact.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from catalogue.errors import format_report

from .checks import load_reports

DEADLINE = "{year} 年度报告应于 {deadline} 前发布"
MISSING = DEADLINE + "，至 {day} content/reports/ 中还没有 {year} 年度的报告：运行 python3 -m invoke report-draft {year} 起草"
DRAFT = DEADLINE + "，至 {day} 仍是草稿（{source}，状态: 草稿）：填写完整后把状态改为“发布”"
INVALID = DEADLINE + "，至 {day} 报告仍有 {count} 个问题（{source}），网站无法发布它："
REMINDER = "提醒：{year} 年度报告应于 {deadline} 前发布（现在是 {day}）{state}。"
FINDING_HEAD = "年度报告：发现 1 项问题。"
CLEAN = "年度报告：{year} 年度报告已发布（{source}）。"


def deadline_for(year: int) -> dt.date:
    return dt.date(year + 1, 1, 31)


def report_finding(reports, problems, day: dt.date) -> tuple[str | None, str]:
    """(finding or None, the line to print) for the report due most recently before or on `day`."""
    year = day.year - 1
    deadline = deadline_for(year)
    mine = [r for r in reports if r.year == year]
    report = mine[0] if len(mine) == 1 else None
    found = [p for p in problems if report and p.path == report.source]
    if day <= deadline:
        state = "，尚未发布" if not (report and report.is_published and not found) else "，已发布"
        return None, REMINDER.format(year=year, deadline=deadline, day=day, state=state)
    words = {"year": year, "deadline": deadline, "day": day}
    if not mine:
        return MISSING.format(**words), ""
    if len(mine) > 1 or found:
        shown = found or [p for p in problems if p.path in {r.source for r in mine}]
        return INVALID.format(count=len(shown), source="、".join(r.source for r in mine), **words) + "\n" + \
            format_report(shown).rsplit("\n", 1)[0], ""
    if not report.is_published:
        return DRAFT.format(source=report.source, **words), ""
    return None, CLEAN.format(year=year, source=report.source)


def audit_reports(root: Path, strict: bool = False, stream=None, environ=os.environ) -> int:
    """Print the report finding (or that all is well); 1 when strict and there is a finding."""
    from catalogue.build import paths_from_settings
    from catalogue.settings import read_project_settings
    from freshness.status import build_date

    stream = stream or sys.stdout
    paths = paths_from_settings(read_project_settings(Path(root)))
    reports, problems = load_reports(paths, render=False)
    finding, line = report_finding(reports, problems, build_date(environ))
    print(f"{FINDING_HEAD}\n{finding}" if finding else line, file=stream)
    return 1 if strict and finding else 0
