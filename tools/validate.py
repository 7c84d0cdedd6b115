"""Command-line entry points behind the invoke tasks (plain functions returning exit codes)."""
from __future__ import annotations

import sys
from pathlib import Path

from .build import check_all
from .errors import format_report
from .settings import read_project_settings


def validate_project(root: Path, stream=None) -> int:
    """`invoke validate`: every problem at once, then a count; 1 if any."""
    stream = stream or sys.stdout
    catalogue, _paths, problems = check_all(read_project_settings(root), use_cache=False)
    if problems:
        print(format_report(problems), file=stream)
        return 1
    internal = len(catalogue.items) - len(catalogue.public_items)
    print(f"校验通过：共 {len(catalogue.items)} 个事项（其中内部公开 {internal} 个，不上公开网站），没有发现问题。", file=stream)
    return 0
