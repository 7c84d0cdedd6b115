"""The disclosure limit of an 即时 item: 20 working days (条例 Art. 26) unless its 说明 names its own.

Real catalogues write the limit many ways: "之日起10个工作日内", "5个工作日内公示", "20工作日",
"二十个工作日", "预算批复后20日内". Decisions where the text is silent:
- "N日内" / "N天内" / "N个自然日" are calendar days: 条例 and the catalogues say 工作日 whenever
  they mean working days, so a bare 日 is taken literally.
- A limit followed by 内 wins over one without; among equals, the first in the text wins — in
  "10个工作日内，公示7个工作日" the deadline is 10, the 7 is how long the notice stays up.
- A number of days that only describes a notice period ("公示7个工作日", "公示期不少于5个工作日")
  is not a deadline; such a 说明 keeps the default 20.
- A stated limit longer than three years ("99999999日内") is a typo, not a rule: validation
  refuses it (item_problems), and the verdict never counts that far (Limit.realistic).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..errors import Problem

WORKDAYS, CALENDAR_DAYS = "工作日", "日"
STATUTORY_WORKDAYS = 20
# Three years in either unit: real limits are days or weeks; beyond this the number is a typo
# (and counting 99,999,999 working days one by one would take minutes, or overflow a date).
MAX_STATED_DAYS = {WORKDAYS: 750, CALENDAR_DAYS: 1096}
MAX_DIGITS = 9  # int() refuses text longer than 4,300 digits; anything past 9 is far beyond the maximum
UNREALISTIC = ("时限写的是 {words}，超过三年（{most}），不合实际：请核对数字；"
               "条例规定的期限是 20 个工作日，目录中常见 5、10、15 或 20 个工作日")

NUMBER = r"(\d+|[零〇一二两三四五六七八九十百]+)"
UNIT = r"\s*个?\s*(工作日|自然日|日|天)"
WITHIN = re.compile(NUMBER + UNIT + r"\s*(?:之|以)?内")
BARE_WORKDAYS = re.compile(NUMBER + r"\s*个?\s*(工作日)")
# Words just before a number that make it a notice period, not a deadline.
PERIOD_MARKERS = re.compile(r"(公示|公告|公示期|公告期|不少于|不得少于|为期|期限为|期为|满)\s*$")
MARKER_CHARS = 4  # the longest of them, 不得少于
UNITS = {"工作日": WORKDAYS, "自然日": CALENDAR_DAYS, "日": CALENDAR_DAYS, "天": CALENDAR_DAYS}
DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
MULTIPLIERS = {"十": 10, "百": 100}


@dataclass(frozen=True)
class Limit:
    """How long after 成文日期 an 即时 item may be published."""

    days: int
    unit: str = WORKDAYS  # WORKDAYS or CALENDAR_DAYS
    stated: bool = False  # True when taken from the item's 说明, False for the statutory default

    @property
    def realistic(self) -> bool:
        """False for a limit longer than three years: a typo, never counted out day by day."""
        return self.days <= MAX_STATED_DAYS[self.unit]

    @property
    def words(self) -> str:
        """"20 个工作日" or "7 日", as the detail sentences say it."""
        return f"{self.days} 个工作日" if self.unit == WORKDAYS else f"{self.days} 日"


DEFAULT_LIMIT = Limit(STATUTORY_WORKDAYS)


def chinese_number(text: str) -> int | None:
    """Arabic or Chinese numerals: "12", "十", "十五", "二十", "一百二十", "两"; None if not a number."""
    if text.isdigit():
        return int(text) if len(text) <= MAX_DIGITS else 10 ** MAX_DIGITS
    total, current = 0, 0
    for char in text:
        if char in DIGITS:
            current = DIGITS[char]
        elif char in MULTIPLIERS:
            total += (current or 1) * MULTIPLIERS[char]
            current = 0
        else:
            return None
    return total + current


@functools.lru_cache(maxsize=4096)  # a catalogue repeats a few dozen 说明 over thousands of items
def limit_from_text(text: str | None) -> Limit:
    """The limit a 说明 states, or the statutory 20 working days when it states none."""
    for pattern in (WITHIN, BARE_WORKDAYS):
        for match in pattern.finditer(text or ""):
            # Only the words just before the number: searching the whole text before each number
            # made long 说明 quadratic.
            if PERIOD_MARKERS.search(text[: match.start()].rstrip()[-MARKER_CHARS:]):
                continue
            days = chinese_number(match.group(1))
            if days:
                return Limit(days, UNITS[match.group(2)], stated=True)
    return DEFAULT_LIMIT


def item_problems(item) -> list[Problem]:
    """GONGKAI_ITEM_CHECKS entry: a stated limit longer than three years is refused, located."""
    limit = item.meta["公开时限"]
    text = limit.get("说明") if isinstance(limit, dict) else None
    stated = limit_from_text(text) if isinstance(text, str) else DEFAULT_LIMIT
    if stated.realistic:
        return []
    most = f"{MAX_STATED_DAYS[stated.unit]} {'个工作日' if stated.unit == WORKDAYS else '日'}"
    line = item.lines.get(("公开时限", "说明"))
    return [Problem(item.source, line, "公开时限.说明", UNREALISTIC.format(words=stated.words, most=most))]
