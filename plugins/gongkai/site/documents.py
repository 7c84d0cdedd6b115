"""The 公开信息 (documents) on the public site, as data: what an item page lists, the per-year
archive pages, the document pages, 政策文件库 and the documents' downloads.

Only catalogue.public_documents enter (SiteData.documents): a document marked 内部 or under an
内部 item has no page, row, link, count, feed entry or download line anywhere. An item without
documents gets none of this, so its page is what it was before documents existed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from .. import urls
from ..model import POLICY_TYPES
from ..table import spreadsheet_safe
from .dataformat import csv_bytes, json_bytes

# An item page lists its newest documents; beyond that, per-year archive pages, each paginated, so
# an item with 5,000 公示 keeps a light page.
ON_ITEM_PAGE = 20
PER_ARCHIVE_PAGE = 100
LATEST_ON_HOME = 8
VALIDITY = "有效性"


def by_year(documents) -> list[tuple[int, list]]:
    """[(year, documents)] newest year first; the documents are newest first already."""
    return [(year, list(group)) for year, group in groupby(documents, key=lambda d: d.published.year)]


@dataclass
class ItemDocuments:
    """What an item page shows of its documents."""

    shown: list          # the newest ON_ITEM_PAGE
    total: int
    years: list          # [(year, count, archive url or "")]: archive pages only when some are not shown

    @property
    def shown_by_year(self):
        return by_year(self.shown)


def item_documents(item) -> ItemDocuments:
    documents = item.public_documents
    archived = len(documents) > ON_ITEM_PAGE
    years = [(year, len(group), urls.item_year_url(item.index_no, year) if archived else "")
             for year, group in by_year(documents)]
    return ItemDocuments(documents[:ON_ITEM_PAGE], len(documents), years)


@dataclass
class ArchivePage:
    item: object
    year: int
    documents: list
    page: int
    pages: int
    years: list

    url = property(lambda self: urls.item_year_url(self.item.index_no, self.year, self.page))
    save_as = property(lambda self: urls.save_as(self.url))

    def page_url(self, number: int) -> str:
        return urls.item_year_url(self.item.index_no, self.year, number)


def archive_pages(item) -> list[ArchivePage]:
    """Per-year pages of an item with more documents than its page shows; empty otherwise."""
    listed = item_documents(item)
    if not any(url for _y, _n, url in listed.years):
        return []
    pages = []
    for year, documents in by_year(item.public_documents):
        count = max(1, -(-len(documents) // PER_ARCHIVE_PAGE))
        for number in range(1, count + 1):
            chunk = documents[(number - 1) * PER_ARCHIVE_PAGE:number * PER_ARCHIVE_PAGE]
            pages.append(ArchivePage(item, year, chunk, number, count, listed.years))
    return pages


# ---------------------------------------------------------------- 政策文件库

def policy_year(document) -> int:
    """The year a policy is filed under: its 成文日期, else its 发布日期."""
    return (document.formed or document.published).year


@dataclass
class PolicyPage:
    """政策文件库, whole or filtered by one facet (validity, year or unit): plain server-side pages,
    so the filters work without JavaScript."""

    title: str
    url: str
    documents: list
    facet: str = ""
    value: str = ""
    filters: dict = field(default_factory=dict)  # facet -> [(label, url, count)]

    save_as = property(lambda self: urls.save_as(self.url))


def policy_documents(documents) -> list:
    return [d for d in documents if d.doc_type in POLICY_TYPES]


def policy_pages(documents, catalogue, words) -> list[PolicyPage]:
    """/policies/ and one page per 有效性, year and 发布机构 that has any 规章 or 行政规范性文件;
    `words`: document.schema.json's vocabulary (有效性 slugs, and x-library: 现行有效/失效/废止)."""
    policies = policy_documents(documents)
    if not policies:
        return []
    labels = words.annotation(VALIDITY, "library")
    facets = {
        "validity": [(labels[v], slug, lambda d, v=v: d.validity == v) for v, slug in words.slugs(VALIDITY).items()],
        "year": [(f"{y} 年", str(y), lambda d, y=y: policy_year(d) == y)
                 for y in sorted({policy_year(d) for d in policies}, reverse=True)],
        "unit": [(u.name, u.slug, lambda d, n=u.name: d.unit == n) for u in catalogue.units],
    }
    filters, pages = {}, [PolicyPage("政策文件库", urls.policy_url(), policies)]
    for facet, options in facets.items():
        filters[facet] = []
        for label, slug, keep in options:
            chosen = [d for d in policies if keep(d)]
            if chosen:
                url = urls.policy_url(facet, slug)
                filters[facet].append((label, url, len(chosen)))
                pages.append(PolicyPage(f"政策文件库：{label}", url, chosen, facet, label))
    for page in pages:
        page.filters = filters
    return pages


# ---------------------------------------------------------------- downloads

CSV_COLUMNS = ["序号", "标题", "索引号", "文件类型", "文号", "发布机构", "成文日期", "发布日期", "有效性", "失效日期",
               "所属事项", "事项索引号", "一级事项", "二级事项", "网址"]


def document_values(document, url: str) -> dict:
    meta = document.meta
    return {"标题": document.title, "索引号": document.index_no, "文件类型": document.doc_type,
            "文号": meta.get("文号"), "发布机构": document.unit, "成文日期": meta.get("成文日期"),
            "发布日期": meta["发布日期"], "有效性": document.validity, "失效日期": meta.get("失效日期"),
            "替代文件": meta.get("替代文件"), "解读对象": meta.get("解读对象"), "关键词": meta.get("关键词"),
            "所属事项": document.item.title, "事项索引号": document.item.index_no,
            "一级事项": document.category, "二级事项": document.subcategory, "网址": url}


def documents_csv(documents, absolute) -> bytes:
    """UTF-8 with BOM, CRLF, every cell spreadsheet-safe (as catalogue.csv)."""
    def row(number: int, document) -> list[str]:
        values = document_values(document, absolute(document.url))
        return [str(number)] + [spreadsheet_safe(str(values[c] or "")) for c in CSV_COLUMNS[1:]]

    return csv_bytes(CSV_COLUMNS, (row(number, document) for number, document in enumerate(documents, start=1)))


# The keys of documents.json that are not fields of document.schema.json, with their public description.
ADDED_FIELDS = [("所属事项", "所属事项", "这篇公开信息所属的公开事项名称；公开时限、渠道、对象和方式都按该事项执行。"),
                ("事项索引号", "事项索引号", "所属公开事项的索引号。"),
                ("一级事项", "一级事项", "所属事项的一级事项（主题分类）。"),
                ("二级事项", "二级事项", "所属事项的二级事项（主题分类）。"),
                ("网址", "网址", "这篇公开信息网页的完整地址。"),
                ("正文", "正文", "正文，保留编写时的 Markdown 格式。")]
JSON_KEYS = ("标题", "索引号", "文件类型", "文号", "发布机构", "成文日期", "发布日期", "有效性", "失效日期", "替代文件",
             "解读对象", "关键词")


def document_fields(schema: dict) -> list[tuple[str, str, str]]:
    """(key, title, public description) of documents.json, for the downloads page."""
    props = schema["properties"]
    return [(k, props[k].get("title", k), props[k].get("x-public-description", "")) for k in JSON_KEYS] + ADDED_FIELDS


def documents_json(documents, absolute, schema: dict, title: str, build_date, licence: str, attachments) -> bytes:
    keys = [k for k, _t, _d in document_fields(schema)]

    def record(document) -> dict:
        values = dict(document_values(document, absolute(document.url)), 正文=document.body.strip())
        if document.meta.get("附件"):
            values["附件"] = attachments(document)
        return {k: values.get(k) for k in keys + (["附件"] if "附件" in values else [])}

    head = {"名称": f"{title}：公开信息", "生成日期": build_date.isoformat(), "公开信息数": len(documents),
            "许可": licence, "字段": [{"键": k, "名称": t, "说明": d} for k, t, d in document_fields(schema)]}
    return json_bytes(head, "公开信息", (record(document) for document in documents))
