"""What of an item is searched, and with which weight; and what a result shows.

FIELDS is the one table: Whoosh indexes these fields, the weights feed BM25F, and `short` fields
keep every character unigram, so a one-character query finds 事项名称, 关键词, 文号 and 索引号. The
other fields keep bigrams and lone characters only: that halves the index without losing any
query of two characters or more. (公开主体 and 事项分类 are short but shared by many items; a
one-character query on them would match whole departments.)
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import masks

SNIPPET_CHARS = 200  # of 公开内容 + body kept per result: records are fetched per query


@dataclass(frozen=True)
class Field:
    name: str      # Whoosh field name
    label: str     # what an editor calls it
    weight: float  # BM25F weight: 事项名称 highest
    short: bool    # keep every unigram
    text: Callable


def _lines(key: str):
    return lambda item: "\n".join(item.meta.get(key) or [])


def owner(entry):
    """The item a 公开信息 belongs to (None for an item): its context in the index and the result."""
    return getattr(entry, "item", None)


def category_text(entry) -> str:
    """一级/二级事项, and for a 公开信息 the name of its item, so 低保名单 finds its quarterly lists."""
    item = owner(entry)
    return f"{entry.category}\n{entry.subcategory}" + (f"\n{item.title}" if item is not None else "")


FIELDS = (
    Field("title", "事项名称", 8.0, True, lambda i: i.title),
    Field("keywords", "关键词", 4.0, True, _lines("关键词")),
    Field("docno", "文号", 4.0, True, lambda i: i.meta.get("文号", "")),
    Field("index_no", "索引号", 3.0, True, lambda i: i.index_no),
    Field("content", "公开内容", 2.0, False, _lines("公开内容")),
    Field("category", "一级/二级事项（公开信息另有所属事项）", 2.0, False, category_text),
    Field("basis", "公开依据", 1.5, False, _lines("公开依据")),
    Field("unit", "公开主体", 1.5, False, lambda i: i.unit),
    Field("body", "正文", 1.0, False, lambda i: body_text(i)),
)
TITLE = "title"

_MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images keep their text only
    (re.compile(r"<[^>]+>"), " "),                      # inline HTML tags
    (re.compile(r"https?://\S+"), " "),                 # bare addresses are not words
    (re.compile(r"^[ \t]*\|?[ \t:|-]*-[ \t:|-]*$", re.M), " "),  # table rules |---|:--:|
    (re.compile(r"^[ \t]*(#{1,6}|[-*+]|\d+\.|>)[ \t]+", re.M), ""),
    (re.compile(r"(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # emphasis: its text only
    (re.compile(r"[*_`|]+"), " "),                      # other marks, table cells
    (re.compile(r"\s+"), " "),
]


_MASK = "\x00"  # stands for a masking asterisk while the markup is removed


def plain_text(markdown: str) -> str:
    """The words of a Markdown body, without its markup; masked names (李*华, 杨**) as written."""
    markdown = masks.protect(markdown, _MASK)
    for pattern, replacement in _MARKDOWN:
        markdown = pattern.sub(replacement, markdown)
    return markdown.strip().replace(_MASK, "*")


def body_text(item) -> str:
    """plain_text(item.body), from the parse step when it worked it out (catalogue.ItemWork)."""
    plain = getattr(item, "plain", None)
    return plain_text(item.body) if plain is None else plain


def field_texts(item) -> dict[str, str]:
    return {field.name: field.text(item) for field in FIELDS}


def snippet_source(item) -> str:
    """The text a result's snippet is cut from: 公开内容, then the body."""
    parts = ["；".join(item.meta.get("公开内容") or []), body_text(item)]
    return " ".join(p for p in parts if p)[:SNIPPET_CHARS]


def badge(item, freshness: dict) -> tuple[str, str]:
    """(label, status) of the 公开时限 badge; the status comes from the freshness verdicts if any."""
    verdict = freshness.get(item.index_no)
    limit = (owner(item) or item).meta["公开时限"]
    label = getattr(verdict, "label", None) or limit["类型"] + (f"·{limit['周期']}" if limit.get("周期") else "")
    return label, getattr(verdict, "status", None) or ""
