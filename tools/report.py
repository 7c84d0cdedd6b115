"""`invoke report-draft YEAR [--force]`: draft or complete an annual report (gongkai.report.draft)."""
from __future__ import annotations

import sys
from pathlib import Path

from gongkai.report.draft import draft_report


def draft_command(root: Path, year, force: bool = False) -> int:
    if not str(year).isdigit() or len(str(year)) != 4:
        print(f"年度应为 4 位数字，例如 python3 -m invoke report-draft 2025，实际为“{year}”", file=sys.stderr)
        return 1
    return draft_report(Path(root), int(year), force=force)
