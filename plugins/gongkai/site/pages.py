"""What the public site consists of, as data: the site model and the list of pages to write.

Only catalogue.site_items enter SiteData (the public items; every item only on the intranet
build, internalconf.py), so 内部 items cannot reach any page, count, feed, download or sitemap
of the public site: there is no second list to forget to filter. The 一级/二级事项, 公开主体
and facet values the site names are those of public items too: a category or unit holding only
内部 items (or none) is not listed, linked or counted anywhere.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from .. import urls
from ..errors import Problem
from ..model import Catalogue, Category, Item, Unit
from ..ordering import catalogue_order, newest_first
from ..vocabulary import FIVE, LIMIT, METHOD, Vocabulary
from . import documents as docs

# Facet listings: (crumb and index page title, index URL).
FACET_INDEXES = {"unit": ("公开主体", "unit/"), "limit": ("公开时限", "limit/"), "five": ("五公开", "five/")}
# The main navigation's section (theme/templates/partials/nav.html) of each listing: only 公开主体
# has an entry there; category, 公开时限 and 五公开 pages (and items) belong to no single section.
NAV_OF_FACET = {"category": None, "unit": "unit", "limit": None, "five": None}


@dataclass
class PageSpec:
    save_as: str
    template: str
    context: dict = field(default_factory=dict)
    # Links from the site's root ("/theme/…") even in a local build, whose other pages link
    # relatively: the 404 page is served for any missing address (/a/b/c/missing), at any depth.
    root_relative: bool = False


@dataclass
class Listing:
    """A page that lists items: a category, a 二级事项, or a facet (unit, 时限 type, 五公开)."""

    title: str
    url: str
    items: list[Item]
    description: str = ""
    crumbs: list = field(default_factory=list)
    groups: list = field(default_factory=list)  # [(Subcategory, [Item])] on 一级事项 pages
    facet: str = "category"  # category, unit, limit or five
    value: str = ""          # the facet value (the 公开时限 type on limit pages)

    @property
    def save_as(self) -> str:
        return urls.save_as(self.url)


@dataclass
class SiteData:
    """The public catalogue, grouped the ways pages need it. Built from public items only."""

    catalogue: Catalogue
    catalogue_title: str
    items: list[Item]
    build_date: dt.date
    freshness: dict
    by_category: dict
    by_sub: dict
    categories: list[Category]  # those with public items, each with only such 二级事项
    units: list[Unit]           # those with public items
    vocabulary: Vocabulary
    pages: list = field(default_factory=list)  # 公开指南 pages: checked, not drafts
    documents: list = field(default_factory=list)  # public 公开信息, newest first (site/documents.py)
    document_schema: dict = field(default_factory=dict)  # schema/document.schema.json: its vocabulary

    @classmethod
    def build(cls, catalogue: Catalogue, title: str, build_date: dt.date, freshness: dict,
              vocabulary: Vocabulary, document_schema: dict | None = None) -> SiteData:
        items = catalogue_order(catalogue.site_items, catalogue.categories)
        by_category, by_sub = defaultdict(list), defaultdict(list)
        for item in items:
            by_category[item.category].append(item)
            by_sub[(item.category, item.subcategory)].append(item)
        categories = [replace(c, subcategories=[s for s in c.subcategories if (c.name, s.name) in by_sub])
                      for c in catalogue.categories if c.name in by_category]
        used = {i.unit for i in items}
        units = [u for u in catalogue.units if u.name in used]
        documents = newest_first(catalogue.site_documents, "published")
        return cls(catalogue, title, items, build_date, freshness, dict(by_category), dict(by_sub),
                   categories, units, vocabulary, catalogue.public_pages, documents, document_schema or {})

    @property
    def limit_kinds(self) -> tuple[str, ...]:
        """The 公开时限 types, in the schema's order (the 目录总表 filter)."""
        return self.vocabulary.values(LIMIT)

    def count(self, category: str, sub: str | None = None) -> int:
        return len(self.by_sub.get((category, sub), [])) if sub else len(self.by_category.get(category, []))

    def neighbours(self):
        """(item, previous, next) within each 二级事项, in listing order."""
        for siblings in self.by_sub.values():
            padded = [None] + siblings + [None]
            for index, item in enumerate(siblings, start=1):
                yield item, padded[index - 1], padded[index + 1]

    def recent(self, n: int = 8) -> list[Item]:
        return newest_first(self.items, "published")[:n]

    def latest_documents(self, n: int = docs.LATEST_ON_HOME) -> list:
        """最新信息 on the home page: the newest public documents."""
        return self.documents[:n]

    def public_document(self, index_no):
        """The public document with this 索引号, or None (a 内部 one is never linked)."""
        index = self.__dict__.get("_document_index")
        if index is None:  # built once: setdefault would rebuild it (all documents) on every call
            index = self.__dict__["_document_index"] = {d.index_no: d for d in self.documents}
        return index.get(index_no) if index_no else None

    def policy_pages(self) -> list:
        """政策文件库 and its filtered pages (none when there is no 规章 or 行政规范性文件)."""
        return docs.policy_pages(self.documents, self.catalogue, self.document_words)

    @property
    def document_words(self) -> Vocabulary:
        """The vocabulary of document.schema.json (文件类型, 有效性 and their annotations)."""
        return Vocabulary(self.document_schema)

    def recently_updated(self, n: int = 8) -> list[Item]:
        return newest_first(updated_items(self.items), "updated")[:n]

    def category_url(self, name: str, sub: str | None = None) -> str:
        category = self.catalogue.category(name)
        return urls.category_url(category.slug, category.sub(sub).slug if sub else None)

    def unit_url(self, name: str) -> str:
        return urls.unit_url(self.catalogue.unit(name).slug)

    def limit_url(self, kind: str) -> str:
        return urls.limit_url(self.vocabulary.slug(LIMIT, kind))

    def five_url(self, value: str) -> str:
        return urls.five_url(self.vocabulary.slug(FIVE, value))

    def limit_counts(self) -> list[tuple[str, str, int]]:
        """(公开时限 type, slug, public items) for the types that have any."""
        counted = Counter(i.limit_type for i in self.items)
        return [(kind, slug, counted[kind]) for kind, slug in self.vocabulary.slugs(LIMIT).items() if counted[kind]]

    def flagged(self) -> list[Item]:
        """Items whose badge carries 逾期未更新 or 超期公开."""
        return [i for i in self.items if self.freshness[i.index_no].status]

    def flagged_documents(self) -> list:
        """Public 公开信息 published late (超期公开): each judged on its own dates."""
        return [d for d in self.documents if self.freshness[d.index_no].status]

    def counts(self, key, order=None) -> list[tuple[str, int]]:
        """(value, count) rows; in the given order of values, else the largest count first."""
        counted = Counter(key(i) for i in self.items)
        if order is not None:
            return [(value, counted[value]) for value in order if counted[value]]
        return sorted(counted.items(), key=lambda kv: (-kv[1], str(kv[0])))

    def stat_tables(self):
        """(id, heading, column label, rows) for the 统计 page: what an annual report counts."""
        years = sorted({i.published.year for i in self.items}, reverse=True)
        orders = {"category": [c.name for c in self.categories], "limit": list(self.vocabulary.values(LIMIT)),
                  "method": list(self.vocabulary.values(METHOD)), "year": [f"{y} 年" for y in years]}
        return [(f"s-{slug}", f"按{label}", label, self.counts(key, orders.get(slug))) for slug, label, key in STATS]


STATS = [
    ("category", "一级事项", lambda i: i.category),
    ("unit", "公开主体", lambda i: i.unit),
    ("limit", "公开时限", lambda i: i.limit_type),
    ("method", "公开方式", lambda i: i.meta["公开方式"]),
    ("year", "发布年份", lambda i: f"{i.published.year} 年"),
]


def updated_items(items) -> list[Item]:
    """Items updated after they were published (更新日期, or the history step's date)."""
    return [i for i in items if i.updated and i.updated > i.published]


def listings(site: SiteData) -> list[Listing]:
    """Every list page: one per 一级事项 and 二级事项, per 公开主体, 时限 type and 五公开 value."""
    pages = []
    for category in site.categories:
        groups = [(sub, site.by_sub.get((category.name, sub.name), [])) for sub in category.subcategories]
        pages.append(Listing(category.name, site.category_url(category.name), site.by_category.get(category.name, []),
                             category.description, [(category.name, "")], groups))
        for sub in category.subcategories:
            pages.append(Listing(sub.name, site.category_url(category.name, sub.name),
                                 site.by_sub.get((category.name, sub.name), []), sub.description,
                                 [(category.name, site.category_url(category.name)), (sub.name, "")]))
    # Each facet's items grouped in one pass, in the site's order (not one pass per value: a
    # county has dozens of 公开主体).
    by = {facet: _grouped(site.items, value_of) for facet, value_of in
          (("unit", lambda i: i.unit), ("limit", lambda i: i.limit_type), ("five", lambda i: i.meta.get("五公开")))}
    for unit in site.units:
        pages.append(_facet(by, "unit", unit.name, unit.name, site.unit_url(unit.name)))
    for kind in site.vocabulary.values(LIMIT):
        pages.append(_facet(by, "limit", kind, f"{kind}公开事项", site.limit_url(kind)))
    for value in site.vocabulary.values(FIVE):
        pages.append(_facet(by, "five", value, value, site.five_url(value)))
    return [page for page in pages if page.items]  # nothing to show: no page, no link, no "0 项"


def _grouped(items: list, value_of) -> dict:
    groups: dict = {}
    for item in items:
        groups.setdefault(value_of(item), []).append(item)
    return groups


def _facet(by: dict, facet: str, value: str, title: str, url: str) -> Listing:
    label, index_url = FACET_INDEXES[facet]
    return Listing(title, url, by[facet].get(value, []), crumbs=[(label, index_url), (title, "")],
                   facet=facet, value=value)


@dataclass
class FacetIndex:
    """The page listing every value of a facet with its count: /unit/, /limit/, /five/."""

    facet: str
    title: str
    url: str
    rows: list  # [(Listing, count)]

    @property
    def save_as(self) -> str:
        return urls.save_as(self.url)


def facet_indexes(site: SiteData, listed: list[Listing]) -> list[FacetIndex]:
    """One index per facet that has any page (a catalogue without 五公开 values gets no /five/)."""
    indexes = []
    for facet, (title, url) in FACET_INDEXES.items():
        rows = [(listing, len(listing.items)) for listing in listed if listing.facet == facet]
        if rows:
            indexes.append(FacetIndex(facet, title, url, rows))
    return indexes


def page_specs(site: SiteData):
    listed = listings(site)
    indexes = facet_indexes(site, listed)
    yield PageSpec("index.html", "index", {"page_title": "首页", "nav": "home"})
    for listing in listed:
        yield PageSpec(listing.save_as, "listing", {"listing": listing, "page_title": listing.title,
                                                    "nav": NAV_OF_FACET[listing.facet]})
    for index in indexes:
        yield PageSpec(index.save_as, "facets", {"index": index, "page_title": index.title,
                                                 "nav": NAV_OF_FACET[index.facet]})
    yield PageSpec("table/index.html", "table", {"page_title": "目录总表", "nav": "table"})
    yield PageSpec("stats/index.html", "stats", {"page_title": "统计", "nav": "stats"})
    yield PageSpec("downloads/index.html", "downloads", {"page_title": "数据下载", "nav": None})
    yield PageSpec("sitemap/index.html", "sitemap", {"page_title": "网站地图", "nav": None,
                                                     "listings": listed, "indexes": indexes})
    yield PageSpec("care/index.html", "care", {"page_title": "无障碍和关怀模式", "nav": None})
    yield PageSpec("404.html", "404", {"page_title": "页面不存在", "nav": None}, root_relative=True)
    for page in site.pages:
        yield PageSpec(page.save_as, "page", {"page": page, "page_title": page.title, "nav": "page:" + page.slug})
    for item, previous, following in site.neighbours():
        yield PageSpec(item.save_as, "item", {"item": item, "page_title": item.title, "nav": None,
                                              "previous": previous, "following": following})
    yield from document_specs(site)


def document_specs(site: SiteData):
    """The 公开信息 pages: each document, the per-year archives of long streams, 政策文件库."""
    for document in site.documents:
        yield PageSpec(document.save_as, "document", {"document": document, "page_title": document.title, "nav": None})
    for item in site.items:
        for archive in docs.archive_pages(item):
            title = f"{item.title}：{archive.year} 年" + (f"（第 {archive.page} 页）" if archive.page > 1 else "")
            yield PageSpec(archive.save_as, "document_archive", {"archive": archive, "page_title": title, "nav": None})
    for policy in site.policy_pages():
        yield PageSpec(policy.save_as, "policies", {"policy": policy, "page_title": policy.title, "nav": None})


def document_urls(site: SiteData) -> list[str]:
    """The archive and 政策文件库 pages (for the sitemap; document pages are listed with their dates)."""
    return ([a.url for item in site.items for a in docs.archive_pages(item)]
            + [p.url for p in site.policy_pages()])


def listed_urls(site: SiteData) -> list[str]:
    """Every page the sitemap lists besides items: home, listings, facet indexes, 目录总表, 统计,
    数据下载, 网站地图, 关怀模式 and the 公开指南 pages."""
    listed = listings(site)
    return ([""] + [listing.url for listing in listed] + [i.url for i in facet_indexes(site, listed)]
            + ["table/", "stats/", "downloads/", "sitemap/", "care/"] + [page.url for page in site.pages]
            + document_urls(site))


# The first part of every address the site writes besides 公开指南 pages: a page's Slug must not
# take one (tests/test_boundary.py checks this list against a built site).
SECTIONS = ("items", "docs", "policies", "category", "unit", "limit", "five", "table", "stats", "downloads",
            "sitemap", "care", "search", "feeds", "files", "theme", "admin", "reports", "index.html", "404.html",
            "sitemap.xml", "robots.txt")  # admin: the web editor; reports: the annual reports; docs, policies: 公开信息
SLUG_TAKEN = "Slug“{slug}”与网站自身的栏目 /{slug}/ 冲突：请换一个网址名（不能用 {sections}）"


def page_url_problems(catalogue: Catalogue) -> list[Problem]:
    """A 公开指南 page may not overwrite a page of the catalogue (a rule of load_project)."""
    taken = {name.casefold() for name in SECTIONS}
    listed = "、".join(s for s in SECTIONS if "." not in s)
    return [Problem(page.source, page.lines.get("slug"), "Slug", SLUG_TAKEN.format(slug=page.slug, sections=listed))
            for page in catalogue.pages if page.slug.casefold() in taken]


def feedback_links(settings: dict):
    """意见反馈 links for an item, each prefilled with its 索引号 and 事项名称: [(label, url)] for the
    mail address and the online form that are configured."""
    from urllib.parse import quote, urlencode

    bases = [b for b in (settings["GONGKAI_FEEDBACK_FORM_URL"], settings["GONGKAI_FEEDBACK_URL"]) if b]

    def link(base: str, item):
        if base.startswith("mailto:"):
            return "发邮件反馈", f"{base}?subject={quote(f'意见反馈：{item.index_no} {item.title}')}"
        joiner = "&" if "?" in base else "?"
        return "在线留言反馈", f"{base}{joiner}{urlencode({'索引号': item.index_no, '事项名称': item.title})}"

    return lambda item: [link(base, item) for base in dict.fromkeys(bases)]


def item_page_key(reuse, spec: PageSpec, freshness: dict, attachments, nav_pages: list) -> str:
    """Every value an item page shows (see theme/templates/item.html and its partials), for
    cache.PageReuse; `attachments(item)` as the page lists them, `nav_pages` what every page's
    navigation shows (the published guide pages, and whether 年度报告 is linked)."""
    item, previous, following = spec.context["item"], spec.context["previous"], spec.context["following"]
    # Attachments by content (their URL is a content hash), never by modification time.
    files = [(a.name, a.url, a.kind, a.size, a.download) for a in attachments(item)]
    listed = docs.item_documents(item)
    shown = [(d.title, d.url, d.meta["发布日期"], d.validity, d.doc_type, freshness[d.index_no]) for d in listed.shown]
    extra = [(shown, listed.total, listed.years)] if listed.total else []  # the key of a page without documents is unchanged
    return reuse.key(parsed(item), item.history, item.git_updated, freshness[item.index_no], files,
                     [(n.title, n.url) if n else None for n in (previous, following)], nav_pages, *extra)


def parsed(entry) -> tuple:
    """An item's or document's parsed values in a page key: its origin (cache.ParseCache.origin,
    which names them all) where known, a 64-character text instead of the front matter and the
    body's HTML pickled and hashed again per page (a fifth of a 10,000-item rebuild's key work)."""
    return ("origin", entry.origin) if entry.origin else ("parsed", entry.meta, entry.html)


def document_page_key(reuse, spec: PageSpec, freshness: dict, attachments, nav_pages: list, site: SiteData) -> str:
    """Every value a document page shows (theme/templates/document.html): the document, its item's
    title, address and 主题分类, the documents it links (替代文件, 解读对象, its 解读), its
    attachments by content and its verdict; so a 50,000-document site re-renders only what changed."""
    document = spec.context["document"]
    item = document.item
    linked = [site.public_document(document.meta.get(k)) for k in ("替代文件", "解读对象")]
    linked += [d for d in document.interpretations if d.is_public]
    files = [(a.name, a.url, a.kind, a.size, a.download) for a in attachments(document)]
    return reuse.key("document", parsed(document), freshness[document.index_no], files,
                     (item.title, item.url, item.category, item.subcategory, item.limit_type,
                      site.category_url(item.category), site.category_url(item.category, item.subcategory)),
                     [(d.index_no, d.title, d.url, d.meta.get("文号")) if d else None for d in linked], nav_pages)


# The pages made of the catalogue's lists (home, listings, facet indexes, 目录总表, 统计, 网站地图,
# archives, 政策文件库) and the fixed pages. Their templates show the items' and documents' front
# matter, addresses, 变更记录 and verdicts, never a body; so one key, listings_key(), covers them all,
# and a build where only bodies changed (the common small edit) writes none of them again.
LISTING_TEMPLATES = frozenset({"index", "listing", "facets", "table", "stats", "sitemap", "care", "404",
                               "document_archive", "policies"})


def listings_key(reuse, site: SiteData, nav_pages: list, *shown) -> str:
    """Everything the LISTING_TEMPLATES pages show, for the whole site: every public item's and
    document's address, front matter, history and verdict (in the site's order), the guide pages'
    titles, the navigation and `shown` (e.g. the annual reports linked from the home page)."""
    fresh = site.freshness
    items = [(i.url, i.meta, i.history, i.git_updated, fresh[i.index_no]) for i in site.items]
    documents = [(d.url, d.item.index_no, d.meta, fresh[d.index_no]) for d in site.documents]
    return reuse.key("listings", site.catalogue_title, site.build_date, [(p.slug, p.title, p.url) for p in site.pages],
                     nav_pages, items, documents, *shown)


def page_key(reuse, spec: PageSpec, freshness: dict, attachments, nav_pages: list, site: SiteData,
             listings: str | None = None, downloads: str | None = None) -> str | None:
    """The page-reuse key of a page (None: written each build): item and document pages by what
    each shows; the listing pages by `listings` (listings_key); the downloads page also by
    `downloads` (its files' sizes, which a body changes); guide pages are always written."""
    if spec.template == "item":
        return item_page_key(reuse, spec, freshness, attachments, nav_pages)
    if spec.template == "document":
        return document_page_key(reuse, spec, freshness, attachments, nav_pages, site)
    if listings and spec.template in LISTING_TEMPLATES:
        return reuse.key("listing", spec.save_as, spec.template, listings)
    if listings and downloads and spec.template == "downloads":
        return reuse.key("downloads", spec.save_as, listings, downloads)
    return None


def category_links(site: SiteData) -> list[tuple[str, str, int]]:
    """(一级事项, its page, public items) for the search page's "browse instead" list."""
    return [(c.name, urls.category_url(c.slug), site.count(c.name)) for c in site.categories]
