"""Every address the site gives an item, a category, a unit or a facet page: one rule each.

The site's pages, its sitemap, feeds, downloads and search records, and the review report's
"网址" all come from here, so a URL named in a review is the URL the site writes. Addresses carry
no Chinese: slugs come from the registries (categories.yaml, units.yaml) and the vocabulary.
"""
from __future__ import annotations

import hashlib


def item_slug(index_no: str) -> str:
    """索引号 with "/" as "-": 11530000MB0123456X/2024-00012 -> 11530000MB0123456X-2024-00012."""
    return index_no.replace("/", "-")


def item_url(index_no: str) -> str:
    return f"items/{item_slug(index_no)}/"


def document_url(index_no: str) -> str:
    """A 公开信息's page: docs/<索引号 with "-">/ (索引号 are unique across items and documents)."""
    return f"docs/{item_slug(index_no)}/"


def item_year_url(index_no: str, year: int, page: int = 1) -> str:
    """An item's documents of one year, page by page: items/<slug>/<year>/, items/<slug>/<year>/2/."""
    return f"{item_url(index_no)}{year}/" + (f"{page}/" if page > 1 else "")


def policy_url(kind: str = "", value: str = "") -> str:
    """政策文件库: policies/, filtered policies/<kind>/<value>/ (validity, year, unit)."""
    return "policies/" + (f"{kind}/{value}/" if kind else "")


def category_url(category_slug: str, sub_slug: str | None = None) -> str:
    return f"category/{category_slug}/" + (f"{sub_slug}/" if sub_slug else "")


def unit_url(unit_slug: str) -> str:
    return f"unit/{unit_slug}/"


def limit_url(limit_slug: str) -> str:
    """A 公开时限 type's page, by its vocabulary slug (limit/long/)."""
    return f"limit/{limit_slug}/"


def five_url(five_slug: str) -> str:
    """A 五公开 value's page, by its vocabulary slug (five/decision/)."""
    return f"five/{five_slug}/"


def unit_slug(name: str) -> str:
    """A stable ASCII slug for a unit registered without one (URLs carry no Chinese)."""
    return "unit-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def save_as(url: str) -> str:
    """The file a page at `url` is written to."""
    return url + "index.html"
