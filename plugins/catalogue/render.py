"""Markdown bodies -> safe HTML.

Bodies are written by editors and reviewed, but a pasted snippet can still carry a <script> or an
onclick; everything passes an allowlist sanitiser (nh3, the Rust ammonia binding) after Markdown.
"""
from __future__ import annotations

import re

import markdown
import nh3

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
HEADING = re.compile(r"<(/?)h([1-6])\b")
BODY_TOP_LEVEL = 3  # the body sits under the page's <h1> title and its <h2>正文 heading
TABLE_OPEN, TABLE_CLOSE = re.compile(r"<table>"), re.compile(r"</table>")


class BodyRenderer:
    """One Markdown instance reused for every body (resetting is far cheaper than building one)."""

    def __init__(self):
        self._md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")

    def __call__(self, text: str) -> str:
        if not text.strip():
            return ""
        html = self._md.reset().convert(text)
        return shape(sanitise(html))


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def shape(html: str) -> str:
    """Body headings start at <h3>, whatever level the editor typed, so the outline stays valid.
    Wide tables scroll inside a focusable, labelled region on phones (WCAG 2.1.1 / axe)."""
    levels = [int(m.group(2)) for m in HEADING.finditer(html) if not m.group(1)]
    shift = BODY_TOP_LEVEL - min(levels) if levels else 0
    if shift > 0:
        html = HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + shift, 6)}", html)
    html = TABLE_OPEN.sub('<div class="table-scroll" tabindex="0" role="region" aria-label="正文表格"><table>', html)
    return TABLE_CLOSE.sub("</table></div>", html)
