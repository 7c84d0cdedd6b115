"""The site's search over a loaded project, in Python: `invoke search` prints it, and
tests/test_agreement.py holds it to the exported index the browser searches.

The documents are the project's public items in the one catalogue order (ordering.py), indexed as
the build indexes them, with the synonyms and freshness verdicts load_project() read once.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ordering import catalogue_order
from .export import build_search_data
from .query import ParsedQuery, parse_query, ranked


@dataclass
class Outcome:
    """Ranked public items for a query, and the parsed query (with the synonyms it tried)."""

    parsed: ParsedQuery
    items: list


def documents(project) -> list:
    """The search's documents: the site's items (public only: 内部 never enters, except on the
    intranet build), in catalogue order."""
    return catalogue_order(project.catalogue.site_items, project.catalogue.categories)


def search(project, query: str) -> Outcome:
    """Rank the project's public items for `query` exactly as the browser ranks the exported index."""
    items = documents(project)
    data = build_search_data(items)
    parsed = parse_query(query, project.synonyms)
    return Outcome(parsed, [items[hit.doc] for hit in ranked(parsed, data.postings, data.doc_count)])
