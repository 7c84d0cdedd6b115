"""gongkai: the 政务公开事项标准目录 as a Python package that never imports Pelican.

Start at project.py: load_project(settings) -> Project runs the whole pipeline once (load →
validate → history → freshness → synonyms) for the site and every command. The rest, by step:
reading (frontmatter, datafile, schema, vocabulary, registry, catalogue, guide, limits,
characters), rules (body, boundary, freshness/, secrecy/, history/, urls, ordering), output
(render, textsafe, site/, search/, editor/, table, output, cache). docs/architecture.md maps them.
"""
