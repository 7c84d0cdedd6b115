"""`invoke audit`: every 逾期未更新 and 超期公开 item, internal ones too, as one table.

The office uses this for its annual report and assessment (考核), so 内部 items are audited as
well and marked as such; the public site never shows them.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Document
from .status import LATE, OVERDUE

COLUMNS = ("索引号", "事项名称", "公开主体", "状态", "说明", "文件")
STATUS_ORDER = {OVERDUE: 0, LATE: 1}
# The field whose line the 文件 column points at: what the editor must change or explain.
STATUS_FIELD = {OVERDUE: ("更新日期", "发布日期"), LATE: ("发布日期",)}
INTERNAL_MARK = "【内部】"
ITEM, DOCUMENT = "事项", "公开信息"
# How the count line counts each kind of finding: (measure word, whether a status found 0 times is
# still named). Items keep their long-standing line (逾期未更新 2 项，超期公开 0 项); documents are
# only ever judged as 即时 (定期 items are judged on their newest document), so naming
# "逾期未更新 0 篇" would suggest a check that never happens.
COUNTING = {ITEM: ("项", True), DOCUMENT: ("篇", False)}
NOTHING_FOUND = "未发现逾期或超期事项。"
NOTHING_FOUND_WITH_DOCUMENTS = "未发现逾期或超期的事项和公开信息。"  # when 公开信息 were checked too


@dataclass(frozen=True)
class Finding:
    index_no: str
    title: str
    unit: str
    status: str
    detail: str
    location: str  # "content/items/…/x.md:12"
    internal: bool
    kind: str = ITEM  # ITEM or DOCUMENT: what the count line calls it


def audit(items, freshness: dict) -> list[Finding]:
    """Every item whose verdict (project.freshness) has a status, 逾期未更新 first, then by 索引号."""
    findings = []
    for item in items:
        verdict = freshness.get(item.index_no)  # None: a 公开信息 whose item is invalid (validate says why)
        if verdict is not None and verdict.status:
            findings.append(Finding(item.index_no, item.title, item.unit, verdict.status, verdict.detail,
                                    _location(item, verdict.status), not item.is_public,
                                    DOCUMENT if isinstance(item, Document) else ITEM))
    return sorted(findings, key=lambda f: (STATUS_ORDER[f.status], f.index_no))


def _location(item, status: str) -> str:
    line = next((item.lines[(key,)] for key in STATUS_FIELD[status] if (key,) in item.lines), None)
    return f"{item.source}:{line}" if line else item.source


def format_audit(findings: list[Finding], documents: bool = False) -> str:
    """A Markdown table (readable as plain text) and a count line; a single sentence when clean
    (naming 公开信息 too when `documents` were checked)."""
    if not findings:
        return NOTHING_FOUND_WITH_DOCUMENTS if documents else NOTHING_FOUND
    rows = [COLUMNS, ("---",) * len(COLUMNS)] + [_row(f) for f in findings]
    table = "\n".join("| " + " | ".join(cells) + " |" for cells in rows)
    return f"{table}\n\n{_count_line(findings)}"


def _row(finding: Finding) -> tuple:
    title = (INTERNAL_MARK if finding.internal else "") + finding.title
    cells = (finding.index_no, title, finding.unit, finding.status, finding.detail, finding.location)
    return tuple(cell.replace("|", "\\|").replace("\n", " ") for cell in cells)


def _count_line(findings: list[Finding]) -> str:
    """共发现 3 项逾期或超期事项：逾期未更新 2 项，超期公开 1 项；其中内部事项 1 项（不在公开网站显示）。
    With documents among the findings, a second clause counts them in 篇 (1 篇逾期或超期公开信息：超期公开 1 篇)."""
    clauses, internal = [], []
    for kind, (measure, zeros) in COUNTING.items():
        mine = [f for f in findings if f.kind == kind]
        if not mine:
            continue
        counts = ((status, sum(f.status == status for f in mine)) for status in STATUS_ORDER)
        by_status = "，".join(f"{status} {n} {measure}" for status, n in counts if n or zeros)
        clauses.append(f"{len(mine)} {measure}逾期或超期{kind}：{by_status}")
        if hidden := sum(f.internal for f in mine):
            internal.append(f"内部{kind} {hidden} {measure}")
    tail = f"；其中{'、'.join(internal)}（不在公开网站显示）" if internal else ""
    return f"共发现 {'；'.join(clauses)}{tail}。"
