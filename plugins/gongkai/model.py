"""The catalogue as plain objects: registries (categories, units) and items.

An Item keeps the editor's front matter as `meta` (Chinese keys, exactly as written, dates as
text) and exposes the few values code needs under English names.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import urls

# The 公开对象 value whose items never reach the public site (any page, count, feed, download or
# search): the one place that names it.
INTERNAL = "内部"


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
    # The schema's defaults ({"有效性": "有效"}: vocabulary.Vocabulary.defaults), for absent keys.
    defaults: dict = field(default_factory=dict)
    # Filled by the history step (history.gitlog.annotate): the public 变更记录 ([ChangeNote(date, text)] from the item's own
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
    validity = property(lambda self: self.meta.get("有效性", self.defaults.get("有效性")))
    # False once the document is 失效 or 废止 (the schema's default 有效 means in force).
    in_force = property(lambda self: self.validity == self.defaults.get("有效性"))
    is_public = property(lambda self: self.meta["公开对象"] != INTERNAL)
    published = property(lambda self: parse_date(self.meta["发布日期"]))
    updated = property(lambda self: parse_date(self.meta.get("更新日期")) or self.git_updated)
    formed = property(lambda self: parse_date(self.meta.get("成文日期")))

    @property
    def last_changed(self) -> dt.date:
        """更新日期 when given, else 发布日期: what "newest first" and feeds sort by."""
        return self.updated or self.published

    slug = property(lambda self: urls.item_slug(self.index_no))
    url = property(lambda self: urls.item_url(self.index_no))
    save_as = property(lambda self: urls.save_as(self.url))


@dataclass
class Catalogue:
    categories: list[Category]
    units: list[Unit]
    items: list[Item]
    pages: list = field(default_factory=list)  # guide.GuidePage: 公开指南, drafts and invalid ones too
    # Items the schema rejected: never on the site, but checked against the registries too.
    rejected: list = field(default_factory=list)
    # What is wrong with schema/categories.yaml and units.yaml (then both lists above are empty).
    registry_problems: list = field(default_factory=list)
    # The intranet build (GONGKAI_INTRANET, set by load_project): its site shows 内部 items too.
    intranet: bool = False

    @property
    def public_items(self) -> list[Item]:
        """Everything the public site may show: 内部 items never leave this list's complement."""
        return [item for item in self.items if item.is_public]

    @property
    def site_items(self) -> list[Item]:
        """The items this build's site shows, the only list page and search writers see: the public
        items, or on the intranet build (internalconf.py, its own output folder) every item."""
        return list(self.items) if self.intranet else self.public_items

    @property
    def public_pages(self) -> list:
        """The 公开指南 pages the site publishes: checked, and not `Status: draft`."""
        return [page for page in self.pages if page.valid and page.is_public]

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)

    def unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)
