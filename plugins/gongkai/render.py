"""Markdown bodies -> safe HTML.

Bodies are written by editors and reviewed, but a pasted snippet can still carry a <script> or an
onclick; everything passes an allowlist sanitiser (nh3, the Rust ammonia binding) after Markdown.
The sanitiser also drops every image from another host (the site makes no request to any other
host); validate reports what it dropped, located, so an editor is never surprised.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import markdown
import nh3

from . import masks

EXTENSIONS = ["markdown.extensions.extra", "markdown.extensions.sane_lists"]
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col"}
ALLOWED_TAGS -= {"iframe", "script", "style", "form", "input", "button", "object", "embed"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "td": {"colspan", "rowspan", "align"},
    "col": {"span"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src"}
HEADING = re.compile(r"<(/?)h([1-6])\b")
BODY_TOP_LEVEL = 3  # the body sits under the page's <h1> title and its <h2>正文 heading
TABLE_OPEN, TABLE_CLOSE = re.compile(r"<table>"), re.compile(r"</table>")
# Browsers ignore tabs, newlines and other controls inside a URL and read "\" as "/".
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def is_remote(url: str) -> bool:
    r"""True when a browser would fetch `url` from a host of its own choosing: any scheme
    (https:, http:, ...) or a protocol-relative //host (also written \\host or /\host)."""
    url = _URL_NOISE.sub("", url).replace("\\", "/")
    return url.startswith("//") or bool(_SCHEME.match(url))


@dataclass
class Rendered:
    html: str
    remote_images: list[str] = field(default_factory=list)  # dropped: the site loads nothing from other hosts


class BodyRenderer:
    """One Markdown instance reused for every body (resetting is far cheaper than building one).

    `top_level` is the heading level the body starts at: 3 under an item's <h2>正文, 2 on a
    公开指南 page under its <h1>."""

    def __init__(self, top_level: int = BODY_TOP_LEVEL):
        self._md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        self.top_level = top_level

    def __call__(self, text: str) -> str:
        return self.render(text).html

    def render(self, text: str, link=None) -> Rendered:
        """`link(tag, attribute, value)` may rewrite every href/src (None drops it): 公开指南
        pages resolve their {attach}/{filename} links with it."""
        result = Rendered("")
        if text.strip():
            html = self._md.reset().convert(masks.protect(text))  # 李*华 is a masked name, not emphasis
            result.html = shape(sanitise(html, link, result.remote_images), self.top_level)
        return result


def sanitise(html: str, link=None, dropped: list | None = None) -> str:
    def url_filter(tag: str, attribute: str, value: str):
        if attribute not in URL_ATTRIBUTES:
            return value
        if tag == "img" and is_remote(value):
            if dropped is not None:
                dropped.append(value)
            return None
        return link(tag, attribute, value) if link else value

    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", attribute_filter=url_filter)


def shape(html: str, top_level: int = BODY_TOP_LEVEL) -> str:
    """Body headings start at <h3>, whatever level the editor typed, so the outline stays valid.
    Wide tables scroll inside a focusable, labelled region on phones (WCAG 2.1.1 / axe)."""
    levels = [int(m.group(2)) for m in HEADING.finditer(html) if not m.group(1)]
    shift = top_level - min(levels) if levels else 0
    if shift > 0:
        html = HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + shift, 6)}", html)
    html = TABLE_OPEN.sub('<div class="table-scroll" tabindex="0" role="region" aria-label="正文表格"><table>', html)
    return TABLE_CLOSE.sub("</table></div>", html)
