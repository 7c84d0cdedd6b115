"""The catalogue as plain objects: registries (categories, units) and items.

An Item keeps the editor's front matter as `meta` (Chinese keys, exactly as written, dates as
text) and exposes the few values code needs under English names.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field


@dataclass
class Subcategory:
    name: str
    slug: str
    description: str
    parent: str
    line: int | None = None


@dataclass
class Category:
    name: str
    slug: str
    description: str
    subcategories: list[Subcategory]
    line: int | None = None

    def sub(self, name: str) -> Subcategory | None:
        return next((s for s in self.subcategories if s.name == name), None)


@dataclass
class Unit:
    name: str
    slug: str
    reviewers: list[str]
    code: str | None = None
    line: int | None = None


def unit_slug(name: str) -> str:
    """A stable ASCII slug for a unit registered without one (URLs carry no Chinese)."""
    return "unit-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def parse_date(value) -> dt.date | None:
    """A valid YYYY-MM-DD text as a date, anything else None (the schema reports it)."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


@dataclass(eq=False)  # identity: two items are never "equal" by content, and == stays O(1)
class Item:
    source: str
    meta: dict
    body: str = ""
    lines: dict = field(default_factory=dict)
    body_line: int = 1
    html: str = ""
    # False when the front matter broke a schema rule: such an item never reaches the site, but
    # it is still checked against the registries and scanned, so the editor sees every problem.
    valid: bool = True
    # Filled by the history plugin: the public 变更记录 ([ChangeNote(date, text)] from the item's own
    # 变更记录 field, newest first; never commit messages), and the later of the newest note and the
    # last commit that edited the file (used when 更新日期 is absent).
    history: list = field(default_factory=list)
    git_updated: dt.date | None = None

    title = property(lambda self: self.meta["事项名称"])
    index_no = property(lambda self: self.meta["索引号"])
    category = property(lambda self: self.meta["一级事项"])
    subcategory = property(lambda self: self.meta["二级事项"])
    unit = property(lambda self: self.meta["公开主体"])
    audience = property(lambda self: self.meta["公开对象"])
    limit_type = property(lambda self: self.meta["公开时限"]["类型"])
    validity = property(lambda self: self.meta.get("有效性", "有效"))
    is_public = property(lambda self: self.meta["公开对象"] != "内部")
    published = property(lambda self: parse_date(self.meta["发布日期"]))
    updated = property(lambda self: parse_date(self.meta.get("更新日期")) or self.git_updated)
    formed = property(lambda self: parse_date(self.meta.get("成文日期")))

    @property
    def last_changed(self) -> dt.date:
        """更新日期 when given, else 发布日期: what "newest first" and feeds sort by."""
        return self.updated or self.published

    @property
    def slug(self) -> str:
        return self.index_no.replace("/", "-")

    @property
    def url(self) -> str:
        return f"items/{self.slug}/"

    @property
    def save_as(self) -> str:
        return f"items/{self.slug}/index.html"


@dataclass
class Catalogue:
    categories: list[Category]
    units: list[Unit]
    items: list[Item]
    pages: list = field(default_factory=list)  # guide.GuidePage: 公开指南, drafts and invalid ones too

    @property
    def public_items(self) -> list[Item]:
        """Everything the public site may show: 内部 items never leave this list's complement."""
        return [item for item in self.items if item.is_public]

    @property
    def public_pages(self) -> list:
        """The 公开指南 pages the site publishes: checked, and not `Status: draft`."""
        return [page for page in self.pages if page.valid and page.is_public]

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)

    def unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)
