"""What the public site consists of, as data: the site model and the list of pages to write."""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from catalogue.model import Catalogue, Item


@dataclass
class PageSpec:
    save_as: str
    template: str
    context: dict = field(default_factory=dict)


@dataclass
class SiteData:
    """The public catalogue, grouped the ways pages need it. Built from public items only."""

    catalogue: Catalogue
    items: list[Item]
    by_category: dict
    by_sub: dict

    @classmethod
    def build(cls, catalogue: Catalogue, settings: dict) -> "SiteData":
        items = sort_items(catalogue.public_items, catalogue)
        by_category, by_sub = defaultdict(list), defaultdict(list)
        for item in items:
            by_category[item.category].append(item)
            by_sub[(item.category, item.subcategory)].append(item)
        return cls(catalogue, items, dict(by_category), dict(by_sub))

    @property
    def categories(self):
        return self.catalogue.categories

    def count(self, category: str, sub: str | None = None) -> int:
        return len(self.by_sub.get((category, sub), [])) if sub else len(self.by_category.get(category, []))

    def neighbours(self, item: Item) -> tuple[Item | None, Item | None]:
        siblings = self.by_sub[(item.category, item.subcategory)]
        index = siblings.index(item)
        return (siblings[index - 1] if index else None,
                siblings[index + 1] if index + 1 < len(siblings) else None)

    def recent(self, n: int = 8) -> list[Item]:
        return sorted(self.items, key=lambda i: (i.published, i.index_no), reverse=True)[:n]


def sort_items(items: list[Item], catalogue: Catalogue) -> list[Item]:
    """Registry order (一级, then 二级), then newest first, then 索引号 so the order is total."""
    rank = {}
    for ci, category in enumerate(catalogue.categories):
        for si, sub in enumerate(category.subcategories):
            rank[(category.name, sub.name)] = (ci, si)
    return sorted(items, key=lambda i: (rank.get((i.category, i.subcategory), (999, 999)),
                                        -i.last_changed.toordinal(), i.index_no))


def page_specs(site: SiteData):
    yield PageSpec("index.html", "index", {"page_title": "首页"})
    for item in site.items:
        previous, following = site.neighbours(item)
        yield PageSpec(item.save_as, "item", {"item": item, "page_title": item.title,
                                              "previous": previous, "following": following})


def data_files(site: SiteData, settings: dict):
    """Non-HTML files: (path under output/, bytes)."""
    return []


def write_bytes(output_path: str, name: str, data: bytes) -> None:
    path = Path(output_path) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, None)
