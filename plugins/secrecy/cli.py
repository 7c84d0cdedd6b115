"""`invoke scan`: the 保密审查 of the whole catalogue, as a plain function returning an exit code."""
from __future__ import annotations

import sys
from pathlib import Path

from catalogue.build import paths_from_settings
from catalogue.settings import read_project_settings
from catalogue.validate import load_catalogue

from .attachments import attachment_findings, stale_acknowledgements
from .pages import page_problems, page_scanned
from .scan import format_report, scan_catalogue


def scan_project(root: Path, stream=None) -> int:
    """Print every finding (or the all-clear) and return 1 if anything must be fixed."""
    stream = stream or sys.stdout
    settings = read_project_settings(root)
    paths = paths_from_settings(settings)
    catalogue, load_problems = load_catalogue(paths, settings["GONGKAI_INDEX_PATTERN"])
    in_files, per_item, files = attachment_findings(catalogue, paths)
    problems = (scan_catalogue(catalogue, paths) + page_problems(catalogue) + in_files
                + stale_acknowledgements(catalogue, per_item))
    pages = sum(map(page_scanned, catalogue.pages))
    print(format_report(problems, len(catalogue.public_items), pages, files), file=stream)
    if load_problems:
        # Files that do not load cannot be scanned: an all-clear would be a false promise.
        print(f"另有 {len(load_problems)} 个格式问题，相关事项未能检查：请先运行 invoke validate 逐条修正。", file=stream)
    return 1 if problems or load_problems else 0
