"""schema/holidays.yaml: the years an office adds before the holiday library knows them.

Each entry copies one year's State Council notice: 放假 (single dates or ranges) and 调休上班
(make-up working weekends). Problems are located like every other registry's: `path:line: 字段: message`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..datafile import display, load_checked
from ..errors import Problem, dotted
from ..frontmatter import describe

FILE_NAME = "holidays.yaml"
SCHEMA_NAME = "holidays.schema.json"
# The longest official break so far is 9 days (10 in 2020); a longer range is almost surely a typo.
MAX_RANGE_DAYS = 15
RANGE = re.compile(r"\s*(\S+?)\s*[~～至]\s*(\S+)\s*$")
WEEKDAY_NAMES = "一二三四五六日"


@dataclass(frozen=True)
class HolidayTable:
    """What holidays.yaml says: the years it covers, and its days off and make-up working days."""

    years: frozenset = frozenset()
    off: frozenset = frozenset()
    work: frozenset = frozenset()
    display: str = f"schema/{FILE_NAME}"


@dataclass
class _Collected:
    years: dict = field(default_factory=dict)  # year -> line of its entry
    off: dict = field(default_factory=dict)    # date -> (field, line)
    work: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)


def load_holidays(schema_dir: Path, root: Path) -> tuple[HolidayTable, list[Problem]]:
    """Read and check schema/holidays.yaml; the table is empty whenever there are problems."""
    path = Path(schema_dir) / FILE_NAME
    shown = display(path, Path(root))
    if path.is_file() and _only_comments(path):
        return HolidayTable(display=shown), []  # every entry deleted, `[]` forgotten: nothing to add
    source, problems = load_checked(path, Path(schema_dir) / SCHEMA_NAME, Path(root))
    if problems:
        return HolidayTable(display=shown), problems
    found = _collect(source.meta, source.lines, shown)
    if found.problems:
        return HolidayTable(display=shown), found.problems
    return HolidayTable(frozenset(found.years), frozenset(found.off), frozenset(found.work), shown), []


def _only_comments(path: Path) -> bool:
    text = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _collect(entries: list, lines: dict, display: str) -> _Collected:
    found = _Collected()
    for i, entry in enumerate(entries):
        year, line = entry["年份"], lines.get((i,))
        if year in found.years:
            found.problems.append(Problem(display, lines.get((i, "年份")), dotted((i, "年份")),
                f"年份 {year} 重复（第 {found.years[year]} 行已有），每个年份只能写一项"))
        found.years.setdefault(year, line)
        for j, text in enumerate(entry["放假"]):
            _add_days(found, found.off, (i, "放假", j), _days_off(text, year), lines, display)
        for j, text in enumerate(entry.get("调休上班", [])):
            _add_days(found, found.work, (i, "调休上班", j), _make_up_day(text, year), lines, display)
    _clashes(found, display)
    return found


def _add_days(found: _Collected, into: dict, path: tuple, parsed, lines: dict, display: str) -> None:
    days, message = parsed
    if message:
        found.problems.append(Problem(display, lines.get(path), dotted(path), message))
    for day in days:
        into.setdefault(day, (dotted(path), lines.get(path)))


def _clashes(found: _Collected, display: str) -> None:
    for day in sorted(set(found.off) & set(found.work)):
        where, line = found.work[day]
        found.problems.append(Problem(display, line, where,
            f"{day} 同时写在“放假”和“调休上班”中，只能写在其中一处"))


def _days_off(text: str, year: int) -> tuple[list[dt.date], str | None]:
    """A single date or a range `a~b`, each day checked to belong to the entry's year."""
    match = RANGE.match(text)
    ends = [match.group(1), match.group(2)] if match else [text.strip()]
    dates = [_date(end) for end in ends]
    bad = next((end for end, day in zip(ends, dates) if day is None), None)
    if bad is not None:
        return [], _invalid(bad)
    first, last = dates[0], dates[-1]
    if last < first:
        return [], f"结束日期 {last} 早于开始日期 {first}：请把较早的日期写在“~”前面"
    span = (last - first).days + 1
    if span > MAX_RANGE_DAYS:
        return [], f"一段放假最长 {MAX_RANGE_DAYS} 天，这一段有 {span} 天：请检查起止日期"
    days = [first + dt.timedelta(days=k) for k in range(span)]
    return days, _outside_year(days, year)


def _make_up_day(text: str, year: int) -> tuple[list[dt.date], str | None]:
    day = _date(text.strip())
    if day is None:
        return [], _invalid(text.strip())
    if day.weekday() < 5:
        return [], f"调休上班日应是周六或周日，{day} 是周{WEEKDAY_NAMES[day.weekday()]}"
    return [day], _outside_year([day], year)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _invalid(text: str) -> str:
    return f"不是有效的日期：应为真实存在的日期，格式 YYYY-MM-DD（例如 2027-02-05），实际为{describe(text)}"


def _outside_year(days: list[dt.date], year: int) -> str | None:
    """A notice covers its year, plus the last days of December before it (a New Year break)."""
    earliest = dt.date(year - 1, 12, 1)
    stray = next((d for d in days if not (earliest <= d <= dt.date(year, 12, 31))), None)
    if stray is None:
        return None
    return f"日期 {stray} 不在 {year} 年内（只有跨年的元旦假期可以写上一年 12 月的日期）"
