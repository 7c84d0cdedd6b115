"""Non-HTML output: downloads (CSV, JSON), Atom feeds, sitemap.xml, robots.txt and attachments.

Everything is derived from SiteData (public items only) and dated from the items themselves, so
two builds of the same commit are byte-identical.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from ..boundary import Boundary, Publishable
from ..errors import BoundaryRefused, Problem
from ..table import CSV_COLUMNS, item_row
from ..vocabulary import Vocabulary
from .dataformat import csv_bytes, json_bytes
from .pages import SiteData

# Files a browser shows itself: linked without download=, so they open in the browser (Office and
# OFD files are saved under the editor's name instead).
OPENS_IN_BROWSER = {".pdf", ".jpg", ".jpeg", ".png"}
# Review bookkeeping stays in the repository; everything else an editor writes is public.
PRIVATE_KEYS = {"保密审查"}
# The keys catalogue.json adds to the schema's, with their public description.
ADDED_FIELDS = [("网址", "网址", "事项网页的完整地址。"),
                ("正文", "正文", "事项正文，保留编写时的 Markdown 格式（# 标题、- 列表、| 表格）。")]


@dataclass(frozen=True)
class Attachment:
    name: str
    file: Publishable
    kind: str
    size: str
    download: str

    url = property(lambda self: self.file.url)


def attachments(item, boundary: Boundary, words: Vocabulary) -> list[Attachment]:
    """An item's 附件 as the publish boundary accepted them: content-addressed ASCII URLs
    (files/<hash>.<ext>), no Chinese in URLs, identical files stored once, and the editor's
    name kept for the download; the type label from the schema's file types."""
    found = []
    for entry in item.meta.get("附件", []):
        file, reason = boundary.accept(entry["文件"])
        if reason:  # validate reported it and stopped the build; a file changed since then
            raise BoundaryRefused(Problem(item.source, None, "附件", reason))
        suffix = file.source.suffix.lower()
        download = "" if suffix in OPENS_IN_BROWSER else entry["名称"] + suffix
        found.append(Attachment(entry["名称"], file, words.file_types[suffix], human_size(file.size), download))
    return found


def human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size / 1024, 0.1):.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def copy_files(site: SiteData, boundary: Boundary, output: Path) -> None:
    """Every file the published pages link to: public items' 附件 and files linked from 公开指南
    pages, each through the boundary's copy (nothing else from content/ reaches output/)."""
    for item in site.items + site.documents:
        for attachment in attachments(item, boundary, site.vocabulary):
            boundary.copy(attachment.file, output, item.source)
    for page in site.pages:
        for file in page.files:
            boundary.copy(file, output, page.source)


def catalogue_csv(site: SiteData, site_url: str) -> bytes:
    """UTF-8 with BOM and CRLF rows: Excel on Windows opens it with the Chinese intact. Every cell
    is spreadsheet-safe (tabular.item_row): nothing an editor wrote runs as a formula."""
    return csv_bytes(CSV_COLUMNS, (item_row(item, number, absolute(site_url, item.url), site.vocabulary)
                                   for number, item in enumerate(site.items, start=1)))


def json_fields(schema: dict) -> list[tuple[str, str, str]]:
    """(key, title, public description) of every public field, in schema order: the JSON's
    documented keys. The public description is the schema's x-public-description, written for
    readers of the data; `description` speaks to editors (tests/test_site.py checks both)."""
    fields = [(k, v.get("title", k), v.get("x-public-description", "")) for k, v in schema["properties"].items()
              if k not in PRIVATE_KEYS]
    return fields + ADDED_FIELDS


def public_attachments(item, boundary: Boundary, words: Vocabulary, site_url: str) -> list[dict]:
    """附件 as the public gets them: name, full address, format and size (never the path in the repository)."""
    return [{"名称": a.name, "网址": absolute(site_url, a.url), "格式": a.kind, "大小": a.size}
            for a in attachments(item, boundary, words)]


def catalogue_json(site: SiteData, site_url: str, schema: dict, boundary: Boundary, licence: str) -> bytes:
    keys = [k for k, _t, _d in json_fields(schema)]
    defaults = site.vocabulary.defaults  # a field left out is its schema default (有效性: 有效)

    def record(item) -> dict:
        values = dict(defaults, **item.meta, 网址=absolute(site_url, item.url), 正文=item.body.strip())
        if "附件" in values:
            values["附件"] = public_attachments(item, boundary, site.vocabulary, site_url)
        return {k: values.get(k) for k in keys}

    head = {"名称": site.catalogue_title, "生成日期": site.build_date.isoformat(), "事项数": len(site.items),
            "许可": licence, "字段": [{"键": k, "名称": t, "说明": d} for k, t, d in json_fields(schema)]}
    return json_bytes(head, "事项", (record(item) for item in site.items))


def absolute(site_url: str, path: str) -> str:
    return f"{site_url.rstrip('/')}/{path}" if site_url else path


def sitemap(site: SiteData, site_url: str, extra_urls: list[str]) -> bytes:
    rows = [(absolute(site_url, url), None) for url in extra_urls]
    rows += [(absolute(site_url, i.url), i.last_changed.isoformat()) for i in site.items + site.documents]
    body = "".join(f"<url><loc>{escape(loc)}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>\n"
                   for loc, mod in rows)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{body}</urlset>\n").encode()


def robots(site_url: str) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {absolute(site_url, 'sitemap.xml')}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def download_sizes(files: dict[str, bytes]) -> dict[str, str]:
    """{file name: human size} of the downloads, for the downloads page."""
    return {name.rsplit("/", 1)[-1]: human_size(len(content)) for name, content in files.items()
            if name.startswith("downloads/")}
