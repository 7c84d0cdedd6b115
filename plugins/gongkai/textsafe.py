"""Characters the public site never emits, whatever an editor, a spreadsheet or a commit put in.

C0 and C1 control characters (tab, newline and carriage return excepted) break XML feeds and
terminals and are invisible in a browser; bidirectional embedding, override and isolate
characters (U+202A–U+202E, U+2066–U+2069) make text display in an order other than it is stored,
so a title can read differently from what reviewers approved. validate reports what it can in
the fields (frontmatter/schema); this module is the output side, applied twice with one rule:
to the checked catalogue handed to the page writers (so pages, downloads, feeds and the search
index are built from clean text) and to every value a template prints (history, registries,
settings included).
"""
from __future__ import annotations

from markupsafe import Markup

from .characters import BODY_FORBIDDEN

# The characters validation refuses in a body (characters.py: one definition for both sides).
UNSAFE = BODY_FORBIDDEN


def printable(text: str) -> str:
    return UNSAFE.sub("", text)


def scrub(value):
    """`value` with every string in it (nested lists and dicts too) made printable."""
    if isinstance(value, str):
        return printable(value) if UNSAFE.search(value) else value
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    return value


def scrub_catalogue(catalogue) -> None:
    """Clean, in place, every text the site shows: items, 公开指南 pages and both registries."""
    for item in catalogue.items + getattr(catalogue, "documents", []):
        body = scrub(item.body)
        if body is not item.body:  # the words the search takes from the body are worked out again
            item.body, item.plain = body, None
        item.meta, item.html = scrub(item.meta), scrub(item.html)
    for page in catalogue.pages:
        page.meta, page.body, page.html = scrub(page.meta), scrub(page.body), scrub(page.html)
    for entry in catalogue.units + catalogue.categories + [s for c in catalogue.categories for s in c.subcategories]:
        for name in ("name", "description", "parent"):
            if isinstance(getattr(entry, name, None), str):
                setattr(entry, name, scrub(getattr(entry, name)))


def finalize(value):
    """Jinja's `finalize`: runs on every {{ … }} a template prints, before escaping."""
    if isinstance(value, Markup):
        return Markup(printable(value))
    if isinstance(value, str):
        return printable(value)
    return value


def guard_templates(generator) -> None:
    """generator_init: set before any template is compiled (Jinja reads finalize at compile time)."""
    generator.env.finalize = finalize
