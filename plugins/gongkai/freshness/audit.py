"""`invoke audit`: every 逾期未更新 and 超期公开 item, internal ones too, as one table.

The office uses this for its annual report and assessment (考核), so 内部 items are audited as
well and marked as such; the public site never shows them.
"""
from __future__ import annotations

from dataclasses import dataclass

from .status import LATE, OVERDUE

COLUMNS = ("索引号", "事项名称", "公开主体", "状态", "说明", "文件")
STATUS_ORDER = {OVERDUE: 0, LATE: 1}
# The field whose line the 文件 column points at: what the editor must change or explain.
STATUS_FIELD = {OVERDUE: ("更新日期", "发布日期"), LATE: ("发布日期",)}
INTERNAL_MARK = "【内部】"
NOTHING_FOUND = "未发现逾期或超期事项。"


@dataclass(frozen=True)
class Finding:
    index_no: str
    title: str
    unit: str
    status: str
    detail: str
    location: str  # "content/items/…/x.md:12"
    internal: bool


def audit(items, freshness: dict) -> list[Finding]:
    """Every item whose verdict (project.freshness) has a status, 逾期未更新 first, then by 索引号."""
    findings = []
    for item in items:
        verdict = freshness.get(item.index_no)  # None: a 公开信息 whose item is invalid (validate says why)
        if verdict is not None and verdict.status:
            findings.append(Finding(item.index_no, item.title, item.unit, verdict.status, verdict.detail,
                                    _location(item, verdict.status), not item.is_public))
    return sorted(findings, key=lambda f: (STATUS_ORDER[f.status], f.index_no))


def _location(item, status: str) -> str:
    line = next((item.lines[(key,)] for key in STATUS_FIELD[status] if (key,) in item.lines), None)
    return f"{item.source}:{line}" if line else item.source


def format_audit(findings: list[Finding]) -> str:
    """A Markdown table (readable as plain text) and a count line; a single sentence when clean."""
    if not findings:
        return NOTHING_FOUND
    rows = [COLUMNS, ("---",) * len(COLUMNS)] + [_row(f) for f in findings]
    table = "\n".join("| " + " | ".join(cells) + " |" for cells in rows)
    return f"{table}\n\n{_count_line(findings)}"


def _row(finding: Finding) -> tuple:
    title = (INTERNAL_MARK if finding.internal else "") + finding.title
    cells = (finding.index_no, title, finding.unit, finding.status, finding.detail, finding.location)
    return tuple(cell.replace("|", "\\|").replace("\n", " ") for cell in cells)


def _count_line(findings: list[Finding]) -> str:
    counts = "，".join(f"{status} {sum(f.status == status for f in findings)} 项" for status in STATUS_ORDER)
    internal = sum(f.internal for f in findings)
    tail = f"；其中内部事项 {internal} 项（不在公开网站显示）" if internal else ""
    return f"共发现 {len(findings)} 项逾期或超期事项：{counts}{tail}。"
