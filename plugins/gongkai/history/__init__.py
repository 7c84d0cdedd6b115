"""History plugin: each item's public 变更记录 (the editor's reviewed notes, notes.py; commit
messages are never published) and the date of the last commit that edited the file as 更新日期
when the field is absent (gitlog.py; outside a git checkout there is none).

The work lives in plain functions tests call without Pelican; notes.item_problems is a
GONGKAI_ITEM_CHECKS entry (`history.notes:item_problems`).
"""
from pelican import signals

from .gitlog import Commit, annotate, file_histories
from .notes import ChangeNote, change_notes, new_notes

__all__ = ["ChangeNote", "Commit", "annotate", "change_notes", "file_histories", "new_notes", "register"]


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
