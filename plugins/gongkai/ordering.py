"""The one order of items: the site's lists, its CSV/JSON downloads, the search index's document
numbers (and so the search's last tie-break) and `invoke search` all use catalogue_order().
"""
from __future__ import annotations

UNREGISTERED = (999, 999)


def catalogue_order(items, categories) -> list:
    """Registry order (一级, then 二级), then newest first (更新日期, else 发布日期), then 索引号 so
    the order is total."""
    rank = {(c.name, s.name): (ci, si) for ci, c in enumerate(categories) for si, s in enumerate(c.subcategories)}
    return sorted(items, key=lambda i: (rank.get((i.category, i.subcategory), UNREGISTERED),
                                        -i.last_changed.toordinal(), i.index_no))


def newest_first(items, date_attr: str = "published") -> list:
    """By a date attribute, newest first, then 索引号 (also descending, as the feeds always had it)."""
    return sorted(items, key=lambda i: (getattr(i, date_attr), i.index_no), reverse=True)
