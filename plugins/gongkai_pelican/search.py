"""Writes the search page and the static index files during the Pelican build."""
from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from gongkai_pelican.build import fail
from gongkai.freshness.status import build_date
from gongkai.freshness.verdicts import freshness_for

from . import documents
from .export import build_search_data, export
from .synonyms import load_synonyms

PAGE = "search/index.html"


def category_links(catalogue, items) -> list[tuple[str, str, int]]:
    """(一级事项, its page, public items) for the empty state's "browse instead" list."""
    counts = {}
    for item in items:
        counts[item.category] = counts.get(item.category, 0) + 1
    return [(c.name, f"category/{c.slug}/", counts[c.name]) for c in catalogue.categories if c.name in counts]


class SearchGenerator(Generator):
    # No generate_context: Pelican runs plugin generators in no fixed order, so the catalogue may
    # not be in the context yet. schema/synonyms.yaml is checked with the catalogue instead
    # (GONGKAI_CHECKS "search_index.synonyms:check"), before anything is written.

    def generate_output(self, writer):
        catalogue, paths = self.context["catalogue"], self.context["catalogue_paths"]
        synonyms, problems = load_synonyms(paths.schema_dir, paths.root)
        if problems:
            fail(problems)
        items = documents.order(catalogue.public_items, catalogue.categories)  # 内部 items never enter
        freshness = freshness_for(self.context, build_date())  # the same verdicts the pages show
        files = export(build_search_data(items), catalogue, synonyms, freshness)
        out = Path(self.output_path) / "search"
        for name, content in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(content)
        writer.write_file(PAGE, self.get_template("search"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], page_title="搜索",
                          search_categories=category_links(catalogue, items))
