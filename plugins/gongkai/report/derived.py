"""What the catalogue itself says about a year: the counts of section 二 (第二十条第（一）项) and the
number of 主动公开 documents for the text of 一.

`derived_counts(documents, year)` is the one function behind `invoke report-draft` and the
warnings of `invoke validate` and the build. It counts CountedDocument records, built by
`counted_documents(catalogue)`, the one place that decides where they come from:

- An item with 公开信息 is counted through them: each public document of a 主动公开 item, with
  its own 文件类型, 成文日期, 发布日期, 有效性 and 失效日期 (the item is then the rule they follow,
  not a document itself).
- An item without documents keeps the interim rule, so a catalogue moving to documents item by
  item never loses the old single-document items from its counts. Items carry 文号, 有效性 and
  dates but no 文件类型, so:
    文件类型  = 行政规范性文件 when the item's 二级事项 is “规范性文件” (or “行政规范性文件”) and it has a 文号;
                规章 when its 二级事项 is “规章” and it has a 文号; otherwise 其他 (not counted in 二);
    made on   = 成文日期, else 发布日期;
    有效性 date = 更新日期 for an item marked 废止 or 失效 (the date it was changed to that);
                without 更新日期 the year it lapsed is unknown: it is counted in no year's 废止
                and not as 现行有效, and the draft says so.

Rules, for year Y (失效 counts with 废止: both end a document's force, so that
现行有效(Y) = 现行有效(Y-1) + 本年制发 − 本年废止 holds):
  本年制发件数 = documents of the kind made in Y;
  本年废止件数 = documents of the kind that became 废止/失效 in Y;
  现行有效件数 = documents of the kind made by 31 December Y and not 废止/失效 by then.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import parse_date
from .layout import DOC_KINDS, IN_FORCE, MADE, REPEALED

OTHER = "其他"
ENDED = ("废止", "失效")
PROACTIVE = "主动公开"
# Interim rule: 二级事项 -> 文件类型 (an item also needs a 文号 to count as a document of that kind).
INTERIM_KIND_BY_SUBCATEGORY = {"规章": "规章", "规范性文件": "行政规范性文件", "行政规范性文件": "行政规范性文件"}
INTERIM_RULE = ("目录中还没有带“文件类型”的公开信息，暂按事项统计：二级事项为“规范性文件”且有文号的主动公开事项计为行政规范性文件，"
                "二级事项为“规章”且有文号的计为规章；制发年份按成文日期（没有时按发布日期）；"
                "标为废止或失效的，按更新日期确定年份")


@dataclass(frozen=True)
class CountedDocument:
    """One published document as the annual report counts it."""

    title: str
    kind: str                       # 文件类型: 规章, 行政规范性文件 or 其他
    formed: dt.date | None          # 成文日期
    published: dt.date | None       # 发布日期
    validity: str                   # 有效, 失效 or 废止
    validity_date: dt.date | None   # the day it became 失效 or 废止 (None: unknown, or still 有效)
    number: str = ""                # 文号
    source: str = ""                # the file it comes from, for messages
    document: bool = False          # a 公开信息 (else an item counted by the interim rule)

    @property
    def made(self) -> dt.date | None:
        return self.formed or self.published

    @property
    def label(self) -> str:
        return f"{self.number}《{self.title}》" if self.number else f"《{self.title}》"


DOCUMENT_RULE = "各事项下的公开信息按其文件类型、成文日期（没有时按发布日期）、有效性和失效日期统计"


def counted_documents(catalogue) -> list[CountedDocument]:
    """The records derived_counts() counts: an item's public documents, or the item itself when it
    has none (the interim rule above); 主动公开 items only."""
    found = []
    for item in catalogue.public_items:
        if item.meta.get("公开方式") != "主动":
            continue
        documents = item.public_documents
        found += [from_document(d) for d in documents] if documents else [document_from_item(item)]
    return found


def counting_rule(catalogue) -> str:
    """How the draft says it counted: documents, the interim rule, or both."""
    public = catalogue.public_items
    with_documents = sum(1 for i in public if i.public_documents)
    if not with_documents:
        return INTERIM_RULE
    if with_documents == len(public):
        return DOCUMENT_RULE
    return DOCUMENT_RULE + "；没有公开信息的事项，" + INTERIM_RULE.split("，", 1)[1]


def from_document(document) -> CountedDocument:
    kind = document.doc_type if document.doc_type in DOC_KINDS else OTHER
    validity = document.validity
    return CountedDocument(document.title, kind, document.formed, document.published, validity,
                           document.ended if validity in ENDED else None, document.meta.get("文号") or "", document.source,
                           document=True)


def document_from_item(item) -> CountedDocument:
    meta = item.meta
    number = meta.get("文号") or ""
    kind = INTERIM_KIND_BY_SUBCATEGORY.get(meta.get("二级事项"), OTHER) if number else OTHER
    validity = meta.get("有效性", "有效")
    ended = parse_date(meta.get("更新日期")) if validity in ENDED else None
    return CountedDocument(meta.get("事项名称", ""), kind, parse_date(meta.get("成文日期")), parse_date(meta.get("发布日期")),
                           validity, ended, number, item.source)


def basis(documents, year: int) -> dict:
    """The documents behind every count: {kind: {column: [CountedDocument]}, "主动公开": [...],
    "undated": [废止/失效 documents whose year is unknown]}."""
    end = dt.date(year, 12, 31)
    found = {kind: {MADE: [], REPEALED: [], IN_FORCE: []} for kind in DOC_KINDS}
    found[PROACTIVE], found["undated"] = [], []
    for document in documents:
        if document.published and document.published.year == year:
            found[PROACTIVE].append(document)
        if document.kind not in found or document.made is None:
            continue
        columns = found[document.kind]
        ended = document.validity in ENDED
        if document.made.year == year:
            columns[MADE].append(document)
        if ended and document.validity_date is None:
            found["undated"].append(document)
        elif ended and document.validity_date.year == year:
            columns[REPEALED].append(document)
        if document.made <= end and not (ended and (document.validity_date is None or document.validity_date <= end)):
            columns[IN_FORCE].append(document)
    return found


def derived_counts(documents, year: int) -> dict:
    """{"规章": {"本年制发件数": n, "本年废止件数": n, "现行有效件数": n}, "行政规范性文件": {…}, "主动公开": n}."""
    found = basis(documents, year)
    counts = {kind: {column: len(docs) for column, docs in found[kind].items()} for kind in DOC_KINDS}
    counts[PROACTIVE] = len(found[PROACTIVE])
    return counts


WHAT = {MADE: "成文日期在 {year} 年的{kind}", REPEALED: "{year} 年废止或失效的{kind}", IN_FORCE: "{year} 年末现行有效的{kind}"}


def explain(found: dict, kind: str, column: str, year: int, limit: int = 5) -> str:
    """“成文日期在 2025 年的行政规范性文件 1 件：示政发〔2025〕9号《…》” for messages and the draft."""
    documents = found[kind][column]
    head = WHAT[column].format(year=year, kind=kind) + f" {len(documents)} 件"
    if not documents:
        return head
    names = "、".join(d.label for d in documents[:limit])
    return f"{head}：{names}" + (f" 等（共 {len(documents)} 件）" if len(documents) > limit else "")
