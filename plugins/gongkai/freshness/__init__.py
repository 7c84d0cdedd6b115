"""Freshness of the 公开时限 badge: 逾期未更新 (定期) and 超期公开 (即时), and `invoke audit`.

The rules are plain functions (status.py, workdays.py, limits.py, holidays.py, audit.py) that
tests call without Pelican; the public_site plugin calls assess_all() during the build.
"""
from .audit import Finding, audit, audit_project, format_audit
from .holidays import HolidayTable, load_holidays
from .limits import DEFAULT_LIMIT, Limit, chinese_number, limit_from_text
from .status import (BADGES, LATE, OVERDUE, BuildDateError, Freshness, add_months, assess, assess_all,
                     build_date)
from .workdays import UNKNOWN_YEAR_WARNING, WorkCalendar, add_workdays, load_calendar

__all__ = ["BADGES", "DEFAULT_LIMIT", "LATE", "OVERDUE", "UNKNOWN_YEAR_WARNING", "BuildDateError", "Finding",
           "Freshness", "HolidayTable", "Limit", "WorkCalendar", "add_months", "add_workdays", "assess",
           "assess_all", "audit", "audit_project", "build_date", "chinese_number", "format_audit",
           "limit_from_text", "load_calendar", "load_holidays", "register"]


def register():
    """Nothing to connect: the public_site generator calls assess_all() itself, so the verdicts
    are computed once per build with the same calendar the audit uses."""
