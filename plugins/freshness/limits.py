"""The disclosure limit of an 即时 item: 20 working days (条例 Art. 26) unless its 说明 names its own.

Real catalogues write the limit many ways: "之日起10个工作日内", "5个工作日内公示", "20工作日",
"二十个工作日", "预算批复后20日内". Decisions where the text is silent:
- "N日内" / "N天内" / "N个自然日" are calendar days: 条例 and the catalogues say 工作日 whenever
  they mean working days, so a bare 日 is taken literally.
- A limit followed by 内 wins over one without; among equals, the first in the text wins — in
  "10个工作日内，公示7个工作日" the deadline is 10, the 7 is how long the notice stays up.
- A number of days that only describes a notice period ("公示7个工作日", "公示期不少于5个工作日")
  is not a deadline; such a 说明 keeps the default 20.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

WORKDAYS, CALENDAR_DAYS = "工作日", "日"
STATUTORY_WORKDAYS = 20

NUMBER = r"(\d+|[零〇一二两三四五六七八九十百]+)"
UNIT = r"\s*个?\s*(工作日|自然日|日|天)"
WITHIN = re.compile(NUMBER + UNIT + r"\s*(?:之|以)?内")
BARE_WORKDAYS = re.compile(NUMBER + r"\s*个?\s*(工作日)")
# Words just before a number that make it a notice period, not a deadline.
PERIOD_MARKERS = re.compile(r"(公示|公告|公示期|公告期|不少于|不得少于|为期|期限为|期为|满)\s*$")
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
    def words(self) -> str:
        """"20 个工作日" or "7 日", as the detail sentences say it."""
        return f"{self.days} 个工作日" if self.unit == WORKDAYS else f"{self.days} 日"


DEFAULT_LIMIT = Limit(STATUTORY_WORKDAYS)


def chinese_number(text: str) -> int | None:
    """Arabic or Chinese numerals: "12", "十", "十五", "二十", "一百二十", "两"; None if not a number."""
    if text.isdigit():
        return int(text)
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


def limit_from_text(text: str | None) -> Limit:
    """The limit a 说明 states, or the statutory 20 working days when it states none."""
    for pattern in (WITHIN, BARE_WORKDAYS):
        for match in pattern.finditer(text or ""):
            if PERIOD_MARKERS.search(text[: match.start()]):
                continue
            days = chinese_number(match.group(1))
            if days:
                return Limit(days, UNITS[match.group(2)], stated=True)
    return DEFAULT_LIMIT
