"""History: each item's public 变更记录 (the editor's reviewed notes, notes.py; commit messages are
never published) and the date of the last commit that edited the file as 更新日期 when the field
is absent (gitlog.py; outside a git checkout there is none). project.load_project() runs it as
its history step, for the site and every command alike.
"""
from .gitlog import Commit, annotate, file_histories
from .notes import ChangeNote, change_notes, new_notes

__all__ = ["ChangeNote", "Commit", "annotate", "change_notes", "file_histories", "new_notes"]
