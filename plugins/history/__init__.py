"""History plugin: each item's 变更记录 (date and commit subject) from git, and the last commit
date as 更新日期 when the field is absent. Outside a git checkout pages simply omit the history.

The work lives in gitlog.py (plain functions tests call without Pelican).
"""
from pelican import signals

from .gitlog import HistoryEntry, annotate, file_histories

__all__ = ["HistoryEntry", "annotate", "file_histories", "register"]


def annotate_catalogue(generators) -> None:
    """Find the catalogue the catalogue generator put into the shared context and annotate it."""
    context = next((g.context for g in generators if "catalogue" in getattr(g, "context", {})), None)
    if context is None:
        return  # the catalogue plugin did not run: nothing to annotate
    catalogue, paths = context["catalogue"], context["catalogue_paths"]
    folder = paths.items_dir.relative_to(paths.root).as_posix()
    annotate(catalogue.items, file_histories(paths.root, folder))


def register():
    # all_generators_finalized: every generate_context has run (the catalogue is in the context)
    # and no page has been written yet, so item pages, listings and feeds all see the history.
    signals.all_generators_finalized.connect(annotate_catalogue)
