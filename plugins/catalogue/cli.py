"""Command-line entry points behind the invoke tasks (plain functions returning exit codes)."""
from __future__ import annotations

import sys
from pathlib import Path

from .build import check_all, collect_warnings, format_warnings
from .errors import format_report
from .settings import read_project_settings


def validate_project(root: Path, stream=None) -> int:
    """`invoke validate`: every problem at once, then a count; 1 if any."""
    stream = stream or sys.stdout
    settings = read_project_settings(root)
    catalogue, paths, problems = check_all(settings, use_cache=False)
    warnings = collect_warnings(settings, catalogue, paths)
    if warnings:
        print(format_warnings(warnings), file=stream)
    if problems:
        print(format_report(problems), file=stream)
        return 1
    internal = len(catalogue.items) - len(catalogue.public_items)
    tail = f"另有 {len(warnings)} 条提醒（不影响发布），见上。" if warnings else ""
    print(f"校验通过：共 {len(catalogue.items)} 个事项（其中内部公开 {internal} 个，不上公开网站），没有发现问题。{tail}", file=stream)
    return 0
