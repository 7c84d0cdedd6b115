"""The 公开时限 badge of every item: type, colour class and freshness status.

The status rules (逾期未更新, 超期公开) live in the freshness plugin; this module only turns its
verdicts into what templates show.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

CHINA = dt.timezone(dt.timedelta(hours=8))
BADGE_CLASSES = {"长期": "badge-long", "定期": "badge-periodic", "即时": "badge-instant"}


@dataclass(frozen=True)
class Badge:
    kind: str
    label: str
    css: str
    status: str | None = None
    detail: str = ""


def build_date(environ=os.environ) -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds, deterministic tests), else today in China."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    now = dt.datetime.fromtimestamp(int(epoch), CHINA) if epoch else dt.datetime.now(CHINA)
    return now.date()


def assess_all(catalogue, day: dt.date, paths) -> dict:
    return {item.index_no: badge_for(item) for item in catalogue.items}


def badge_for(item) -> Badge:
    limit = item.meta["公开时限"]
    label = limit["类型"] + (f"·{limit['周期']}" if limit.get("周期") else "")
    return Badge(limit["类型"], label, BADGE_CLASSES[limit["类型"]])
