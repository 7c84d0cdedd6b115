"""Search: the public items indexed with Whoosh at build time, written as static index files that
theme/static/js/search-core.js searches in the browser; find.py runs the same query logic over a
loaded project (`invoke search`, and the test that the commands agree with the site).

Modules: analysis (normalisation, tokens), synonyms (schema/synonyms.yaml), documents (fields and
weights), whoosh_index (the only Whoosh user), export (files), query (parsing and ranking), find.
"""
