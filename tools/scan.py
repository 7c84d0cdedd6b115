"""`invoke scan`: the 保密审查 of the whole catalogue, as a plain function returning an exit code."""
from __future__ import annotations

import sys
from pathlib import Path

from gongkai.project import load_project
from gongkai.secrecy.attachments import attachment_findings, stale_acknowledgements
from gongkai.secrecy.pages import page_problems, page_scanned
from gongkai.secrecy.scan import format_report, scan_catalogue
from gongkai.settings import read_project_settings


def scan_project(root: Path, stream=None) -> int:
    """Print every finding (or the all-clear) and return 1 if anything must be fixed."""
    stream = stream or sys.stdout
    project = load_project(read_project_settings(root))
    catalogue = project.catalogue
    in_files, per_item, files = attachment_findings(catalogue, project.paths, project.boundary, project.reports)
    problems = (scan_catalogue(catalogue) + page_problems(catalogue) + in_files
                + stale_acknowledgements(catalogue, per_item))
    pages = sum(map(page_scanned, catalogue.pages))
    print(format_report(problems, len(catalogue.public_items), pages, files, len(catalogue.public_documents)), file=stream)
    if project.file_problems:
        # Files that do not load cannot be scanned: an all-clear would be a false promise.
        print(f"另有 {len(project.file_problems)} 个格式问题，相关事项未能检查：请先运行 invoke validate 逐条修正。", file=stream)
    return 1 if problems or project.file_problems else 0
