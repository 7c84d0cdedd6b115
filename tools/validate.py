"""`invoke validate`, `invoke audit` and `invoke editor-config`: the loaded project's problems, its
逾期/超期 items, and the web editor's configuration generated from it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from gongkai.editor.config import GENERATED, generated_text, is_fresh, write_generated
from gongkai.errors import CatalogueInvalid, format_report
from gongkai.freshness.audit import audit, format_audit
from gongkai.freshness.status import build_date
from gongkai.project import load_project
from gongkai.report.audit import FINDING_HEAD, report_finding
from gongkai.settings import read_project_settings


def validate_project(root: Path, stream=None) -> int:
    """`invoke validate`: every problem at once, then a count; 1 if any."""
    stream = stream or sys.stdout
    project = load_project(read_project_settings(root))
    if project.notices:
        print(project.notice_text(), file=stream)
    if project.problems:
        print(format_report(project.problems), file=stream)
        return 1
    catalogue = project.catalogue
    held = sum(item.held for item in catalogue.items)
    internal = len(catalogue.items) - len(catalogue.public_items) - held
    tail = f"另有 {len(project.notices)} 条提醒（不影响发布），见上。" if project.notices else ""
    hidden = f"内部公开 {internal} 个、定时发布 {held} 个，暂不上公开网站" if held else f"内部公开 {internal} 个，不上公开网站"
    documents = f"、{len(catalogue.documents)} 篇公开信息" if catalogue.documents else ""
    print(f"校验通过：共 {len(catalogue.items)} 个事项（其中{hidden}）{documents}，没有发现问题。{tail}", file=stream)
    return 0


def audit_project(root: Path, strict: bool = False, stream=None, environ=os.environ) -> int:
    """The items' part of `invoke audit [--strict]`: print the findings (internal items too,
    marked); 1 if the catalogue is invalid, or strict and any found. The verdicts are the site's
    (load_project), on the build date SOURCE_DATE_EPOCH gives in `environ`."""
    project = load_project(read_project_settings(Path(root)), day=build_date(environ))
    return audit_items(project, strict, stream or sys.stdout)


def audit_command(root: Path, strict: bool = False, stream=None, environ=os.environ) -> int:
    """`invoke audit [--strict]`: the items (audit_items), then whether last year's annual report
    is published once 31 January has passed (audit_reports); one load of the project."""
    stream = stream or sys.stdout
    project = load_project(read_project_settings(Path(root)), day=build_date(environ))
    items = audit_items(project, strict, stream)
    return audit_reports(project, strict, stream) or items


def audit_reports(project, strict: bool, stream) -> int:
    """The previous year's report after 31 January; 1 when strict and there is a finding."""
    finding, line = report_finding(project.reports, project.steps["reports"], project.build_date)
    print(f"{FINDING_HEAD}\n{finding}" if finding else line, file=stream)
    return 1 if strict and finding else 0


def audit_items(project, strict: bool, stream) -> int:
    if project.problems:
        print(format_report(project.problems), file=stream)
        return 1
    items, documents = project.catalogue.items, project.catalogue.documents
    findings = audit(items + documents, project.freshness)
    checked = f"{len(items)} 个事项" + (f"和 {len(documents)} 篇公开信息" if documents else "")
    print(f"检查日期：{project.build_date}，共检查 {checked}。", file=stream)
    for warning in project.warnings():
        print(warning, file=stream)
    print(format_audit(findings, bool(documents)), file=stream)
    return 1 if strict and findings else 0


def editor_config_command(root: Path, check: bool = False, stream=None) -> int:
    """`invoke editor-config [--check]`: regenerate the editor's configuration, or (--check) exit 1
    when the committed one is out of date. Problems in items do not matter, only in the registries."""
    project = load_project(read_project_settings(Path(root)))
    try:
        generated_text(project)
    except CatalogueInvalid as exc:
        print("登记表有错误，无法生成编辑器配置（请先运行 invoke validate）：\n" + "\n".join(map(str, exc.problems)),
              file=sys.stderr)
        return 1
    if check:
        if is_fresh(project):
            return 0
        print(f"{GENERATED} 已过期：请运行 python3 -m invoke editor-config 并提交。", file=sys.stderr)
        return 1
    print(f"已更新 {GENERATED}。" if write_generated(project) else f"{GENERATED} 已是最新。", file=stream or sys.stdout)
    return 0
