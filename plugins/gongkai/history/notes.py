"""The public 变更记录: the change notes editors write under `变更记录` in the item file.

Commit messages are written for developers, cover several files at once and are never reviewed
as public text, so the site never shows them. A note is part of the item: it is in the pull
request's diff, the review report lists it, the 保密审查 scans it like every field, and a wrong
note is corrected by editing the file (a history read from git could never be corrected).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gongkai.errors import Problem, dotted
from gongkai.model import Item, parse_date

NOTES_KEY = "变更记录"


@dataclass(frozen=True)
class ChangeNote:
    """One entry of the public history: the date of the change and what changed."""

    date: dt.date
    text: str


def change_notes(meta: dict) -> list[ChangeNote]:
    """The item's notes, newest first (entries of one day in the order written); entries the
    schema rejects (no valid date, no text) are left out: validate reports them."""
    notes = []
    for entry in meta.get(NOTES_KEY) or []:
        date = parse_date(entry.get("日期")) if isinstance(entry, dict) else None
        text = entry.get("说明") if isinstance(entry, dict) else None
        if date and isinstance(text, str) and text.strip():
            notes.append(ChangeNote(date, text.strip()))
    return sorted(notes, key=lambda note: note.date, reverse=True)


def new_notes(before: dict | None, after: dict) -> list[ChangeNote]:
    """Notes in `after` that `before` did not have: what a change adds to the public history."""
    old = set(change_notes(before or {}))
    return [note for note in change_notes(after) if note not in old]


def item_problems(item: Item) -> list[Problem]:
    """GONGKAI_ITEM_CHECKS entry (`history.notes:item_problems`): a note dated before the item was
    published, or after the 更新日期 the page shows, contradicts the page it is on."""
    problems = []
    published, updated = parse_date(item.meta.get("发布日期")), parse_date(item.meta.get("更新日期"))
    for i, entry in enumerate(item.meta.get(NOTES_KEY) or []):
        date = parse_date(entry.get("日期")) if isinstance(entry, dict) else None
        line = item.lines.get((NOTES_KEY, i, "日期")) or item.lines.get((NOTES_KEY, i))
        field = dotted((NOTES_KEY, i, "日期"))
        if date and published and date < published:
            problems.append(Problem(item.source, line, field, f"{date} 早于发布日期 {published}：变更记录只写发布以后的更新，"
                                    "新增事项不用写；请改正日期或删除这一条"))
        elif date and updated and date > updated:
            problems.append(Problem(item.source, line, field, f"{date} 晚于更新日期 {updated}：请把更新日期改为 {date}，"
                                    "或改正这一条的日期"))
    return problems
