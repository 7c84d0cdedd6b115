"""The site's search over a loaded project, in Python: `invoke search` prints it, and
tests/test_agreement.py holds it to the exported index the browser searches.

The documents are the project's public items in the one catalogue order (ordering.py), indexed as
the build indexes them, with the synonyms and freshness verdicts load_project() read once.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ordering import catalogue_order, newest_first
from .export import build_search_data
from .query import ParsedQuery, parse_query, results


@dataclass
class Outcome:
    """Ranked public items for a query, and the parsed query (with the synonyms it tried);
    `partial` when no item matches the whole query and these match part of it."""

    parsed: ParsedQuery
    items: list
    partial: bool = False


def documents(project) -> list:
    """The search's documents: the site's items in catalogue order, then its 公开信息 newest first
    (public only: 内部 never enters, except on the intranet build; items keep their numbers, which
    the 目录总表 rows carry)."""
    return catalogue_documents(project.catalogue)


def catalogue_documents(catalogue) -> list:
    """documents() of a catalogue (load_project's texts_final has no project yet)."""
    return (catalogue_order(catalogue.site_items, catalogue.categories)
            + newest_first(catalogue.site_documents, "published"))


def search(project, query: str) -> Outcome:
    """Rank the project's public items for `query` exactly as the browser ranks the exported index."""
    items = documents(project)
    data = build_search_data(items)
    parsed = parse_query(query, project.synonyms)
    hits, partial = results(parsed, data.postings, data.doc_count)
    return Outcome(parsed, [items[hit.doc] for hit in hits], partial)
