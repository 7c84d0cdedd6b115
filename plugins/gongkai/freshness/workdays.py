"""Working days as the State Council's holiday schedule defines them, make-up weekends included.

Sources, first that knows the day wins: schema/holidays.yaml (an office's additions and
corrections), then the maintained `chinesecalendar` library, then plain Monday–Friday for a year
neither knows — that year is recorded so the caller can warn about it by name.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar

from ..errors import Problem
from .holidays import HolidayTable, load_holidays

UNKNOWN_YEAR_WARNING = ("警告：{year} 年的节假日安排未知（chinesecalendar 和 {display} 都没有），"
                        "按周一至周五计算工作日。请在 {display} 中补充 {year} 年的放假和调休安排。")
ONE_DAY = dt.timedelta(days=1)


class WorkCalendar:
    """Answers "is this a working day?" and counts working days; remembers years it had to guess."""

    def __init__(self, table: HolidayTable | None = None, library=chinese_calendar):
        self.table = table or HolidayTable()
        self.library = library
        self.unknown_years: set[int] = set()
        self._known: dict[dt.date, bool] = {}

    def is_workday(self, day: dt.date) -> bool:
        if day not in self._known:
            self._known[day] = self._lookup(day)
        return self._known[day]

    def _lookup(self, day: dt.date) -> bool:
        if day in self.table.off:
            return False
        if day in self.table.work:
            return True
        if day.year in self.table.years:  # the office's year replaces the library's entirely
            return day.weekday() < 5
        try:
            return self.library.is_workday(day)
        except NotImplementedError:  # the library's way of saying "no data for this year"
            self.unknown_years.add(day.year)
            return day.weekday() < 5

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start`; `start` itself (the day of formation) never counts."""
        day, counted = start, 0
        while counted < n:
            day += ONE_DAY
            counted += self.is_workday(day)
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end is not after start)."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count

    def warnings(self) -> list[str]:
        """One Chinese warning per year that fell back to Monday–Friday, oldest first."""
        return [UNKNOWN_YEAR_WARNING.format(year=year, display=self.table.display)
                for year in sorted(self.unknown_years)]


def load_calendar(schema_dir: Path, root: Path) -> tuple[WorkCalendar, list[Problem]]:
    """A WorkCalendar with schema/holidays.yaml applied; its problems stop the build like any registry's."""
    table, problems = load_holidays(schema_dir, root)
    return WorkCalendar(table), problems


def add_workdays(start: dt.date, n: int, calendar: WorkCalendar | None = None) -> dt.date:
    """Convenience form of WorkCalendar.add_workdays (library data only when no calendar is given)."""
    return (calendar or WorkCalendar()).add_workdays(start, n)
