"""Search plugin: indexes the public items with Whoosh at build time and writes static index files
that theme/static/js/search-core.js searches in the browser; cli.py runs the same query logic for
editors (`invoke search`).

Modules: analysis (normalisation, tokens), synonyms (schema/synonyms.yaml), documents (fields and
weights), whoosh_index (the only Whoosh user), export (files), query (parsing and ranking), cli.
"""
from pelican import signals


def _generators(_pelican):
    from .generator import SearchGenerator

    return SearchGenerator


def register():
    # get_generators: generate_output runs after every generate_context, so the checked catalogue
    # is in the shared context; freshness verdicts are shared through public_site.badges.
    signals.get_generators.connect(_generators)
