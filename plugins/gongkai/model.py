"""The catalogue as plain objects: registries (categories, units), items (目录事项) and the
documents (公开信息) published under them.

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


# ---------------------------------------------------------------- shared values of parsed files
#
# Items and documents reach the build unpickled from the parse cache or a worker, each with its own
# copy of every key and short value: at 10,000 items the line marks (about 30 tuples per file) and
# the front matter's keys and repeated values (公开主体, 公开方式 ...) were 90 MB of 150. Unpickled
# items share one copy of each instead (Item.__setstate__); the values are equal, so nothing reads
# differently.

SHARED_CHARS = 24  # longer texts (公开内容, bodies) rarely repeat
_shared: dict = {}    # text or line-mark key -> the one copy
_defaults: dict = {}  # the schema's defaults, as sorted pairs -> the one copy


def _share(value):
    if isinstance(value, str):
        return _shared.setdefault(value, value) if len(value) <= SHARED_CHARS else value
    if isinstance(value, list):
        return [_share(v) for v in value]
    if isinstance(value, dict):
        return {_shared.setdefault(k, k) if isinstance(k, str) else k: _share(v) for k, v in value.items()}
    return value


def _shared_state(state: dict) -> dict:
    state["meta"] = _share(state["meta"])
    state["lines"] = {_shared.setdefault(k, k): line for k, line in state["lines"].items()}
    defaults = state["defaults"]
    try:  # the schema's defaults, the same for every file of a kind (only read, never changed)
        state["defaults"] = _defaults.setdefault(tuple(sorted(defaults.items())), defaults)
    except TypeError:  # a default that is a list or a mapping: kept as it is
        pass
    return state


class Unpickled:
    """Items and documents share equal keys and short values once unpickled (see above)."""

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(_shared_state(state))


def parse_date(value) -> dt.date | None:
    """A valid YYYY-MM-DD text as a date, anything else None (the schema reports it)."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


@dataclass(eq=False)  # identity: two items are never "equal" by content, and == stays O(1)
class Item(Unpickled):
    source: str
    meta: dict
    body: str = ""
    lines: dict = field(default_factory=dict)
    body_line: int = 1
    html: str = ""
    # The body's words without markup (search.documents.plain_text), worked out with `html` in the
    # parse step so the search need not redo it for every item at every build; None: not yet.
    plain: str | None = None
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
    # Set on every load (gate.hold_scheduled): 定时发布 and 发布日期 after the build date. Checked
    # like any item, but out of public_items until that date.
    held: bool = False
    # What the parse was worked out from (cache.ParseCache.origin: the parse's key, the file's name
    # and content hash), set on load; None if unknown. Equal origins, equal parse (meta, body,
    # html, plain, lines): page reuse and the search key on it instead of hashing those again.
    origin: str | None = None

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
    # The 公开信息 published under this item (linked by Catalogue.link_documents), newest first.
    documents: list = field(default_factory=list)
    # The documents' folder: content/items/<一级事项>/<事项文件名>/ beside the item file.
    folder = property(lambda self: self.source[:-3] + "/")

    @property
    def public_documents(self) -> list:
        return [d for d in self.documents if d.is_public]


# The 文件类型 an annual report counts (section 二, 第二十条第（一）项) and 政策文件库 lists.
POLICY_TYPES = ("规章", "行政规范性文件")
INTERPRETATION = "政策解读"


@dataclass(eq=False)
class Document(Unpickled):
    """One 公开信息: a file in its item's folder. Everything but its own fields (公开时限, 渠道,
    对象, 方式, 一级/二级事项) is the item's, read through `item`."""

    source: str
    meta: dict
    body: str = ""
    lines: dict = field(default_factory=dict)
    body_line: int = 1
    html: str = ""
    plain: str | None = None  # as Item.plain
    valid: bool = True
    defaults: dict = field(default_factory=dict)
    item_source: str = ""          # the item file the folder names (content/items/社会救助/低保名单.md)
    item: Item | None = None       # set by Catalogue.link_documents
    interpretations: list = field(default_factory=list)  # 政策解读 documents naming this one
    # Kept for code written against items (the history step, 保密审查): a document has no 变更记录.
    history: list = field(default_factory=list)
    git_updated: dt.date | None = None
    origin: str | None = None  # as Item.origin

    title = property(lambda self: self.meta["标题"])
    index_no = property(lambda self: self.meta["索引号"])
    unit = property(lambda self: self.meta.get("发布机构") or (self.item.unit if self.item else ""))
    doc_type = property(lambda self: self.meta.get("文件类型", self.defaults.get("文件类型")))
    validity = property(lambda self: self.meta.get("有效性", self.defaults.get("有效性")))
    in_force = property(lambda self: self.validity == self.defaults.get("有效性"))
    published = property(lambda self: parse_date(self.meta["发布日期"]))
    formed = property(lambda self: parse_date(self.meta.get("成文日期")))
    ended = property(lambda self: parse_date(self.meta.get("失效日期")))
    updated = property(lambda self: None)
    last_changed = property(lambda self: self.published)
    is_policy = property(lambda self: self.doc_type in POLICY_TYPES)
    # Never public when marked 内部 itself or when its item is 内部 (or not linked to any item).
    own_public = property(lambda self: self.meta.get("公开对象") != INTERNAL)
    # Held back with its item (定时发布) until the item's date.
    is_public = property(lambda self: self.own_public and self.item is not None and self.item.is_public
                         and not self.item.held)
    category = property(lambda self: self.item.category)
    subcategory = property(lambda self: self.item.subcategory)
    limit_type = property(lambda self: self.item.limit_type)

    slug = property(lambda self: urls.item_slug(self.index_no))
    url = property(lambda self: urls.document_url(self.index_no))
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
    # 公开信息 that passed their schema (each linked to its item, when the item is valid), and those that did not.
    documents: list = field(default_factory=list)
    rejected_documents: list = field(default_factory=list)
    # The intranet build (GONGKAI_INTRANET, set by load_project): its site shows 内部 items too.
    intranet: bool = False

    @property
    def public_items(self) -> list[Item]:
        """Everything the public site may show: 内部 items and items scheduled for a later date
        (定时发布) never leave this list's complement."""
        return [item for item in self.items if item.is_public and not item.held]

    @property
    def site_items(self) -> list[Item]:
        """The items this build's site shows, the only list page and search writers see: the public
        items, or on the intranet build (internalconf.py, its own output folder) every item."""
        return [i for i in self.items if not i.held] if self.intranet else self.public_items  # 定时发布: on its date

    @property
    def site_documents(self) -> list:
        """The 公开信息 this build's site shows: the public ones, or on the intranet build every one
        linked to a valid item (内部 ones included)."""
        return ([d for d in self.documents if d.item is not None and not d.item.held] if self.intranet
                else self.public_documents)

    @property
    def public_documents(self) -> list:
        """The 公开信息 the site may show: never one marked 内部 or under an 内部 (or invalid) item."""
        return [d for d in self.documents if d.is_public]

    def link_documents(self) -> None:
        """Each document to its item (by folder), each item's documents newest first, each 政策解读
        to the document it interprets."""
        by_source = {item.source: item for item in self.items}
        for item in self.items:
            item.documents = []
        for document in self.documents:
            document.item = by_source.get(document.item_source)
            if document.item is not None:
                document.item.documents.append(document)
        for item in self.items:
            item.documents.sort(key=lambda d: (d.published, d.index_no), reverse=True)
        by_index = {d.index_no: d for d in self.documents}
        for document in self.documents:
            document.interpretations = []
        for document in self.documents:
            target = by_index.get(document.meta.get("解读对象"))
            if target is not None:
                target.interpretations.append(document)

    def document(self, index_no: str):
        return next((d for d in self.documents if d.index_no == index_no), None)

    @property
    def public_pages(self) -> list:
        """The 公开指南 pages the site publishes: checked, and not `Status: draft`."""
        return [page for page in self.pages if page.valid and page.is_public]

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)

    def unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)
