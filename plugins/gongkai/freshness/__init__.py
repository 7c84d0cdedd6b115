"""Freshness of the 公开时限 badge: 逾期未更新 (定期) and 超期公开 (即时), and the audit's table.

Plain functions: working days (workdays.py, with schema/holidays.yaml: holidays.py), the limit an
即时 item states (limits.py), the verdict of one item (status.py), the audit's findings
(audit.py). project.load_project() computes every item's verdict once; the site, `invoke audit`,
`invoke search` and the review all read those verdicts.
"""
from .audit import Finding, audit, format_audit
from .holidays import HolidayTable, load_holidays
from .limits import DEFAULT_LIMIT, Limit, chinese_number, limit_from_text
from .status import LATE, OVERDUE, Freshness, add_months, assess, assess_all, build_date
from .workdays import UNKNOWN_YEAR_WARNING, WorkCalendar, add_workdays, load_calendar

__all__ = ["DEFAULT_LIMIT", "LATE", "OVERDUE", "UNKNOWN_YEAR_WARNING", "Finding", "Freshness", "HolidayTable",
           "Limit", "WorkCalendar", "add_months", "add_workdays", "assess", "assess_all", "audit", "build_date",
           "chinese_number", "format_audit", "limit_from_text", "load_calendar", "load_holidays"]
