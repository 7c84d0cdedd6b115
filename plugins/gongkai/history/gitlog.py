"""When each item file was last edited, read from git in ONE `git log` call for the whole catalogue:
with the newest 变更记录 note, the 更新日期 an item without that field shows.

Only commit ids and dates are read: no subject, author or e-mail ever leaves git (the public 变更记录
is the editor's notes, history.notes). Renames are followed by our own bookkeeping, so an item moved
to another folder keeps its dates. Outside a git checkout (a release tarball, git not installed)
there are no dates.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from ..errors import GitError
from ..git import NO_GIT, check_ref, run_git
from .notes import change_notes

log = logging.getLogger(__name__)

RECORD, FIELD = "\x1e", "\x1f"
# Commit id (to recognise a shallow clone's boundary) and committer date YYYY-MM-DD: nothing else.
LOG_FORMAT = "%x1e%H%x1f%cs"
NOT_EDITS = {"A", "R100"}  # git statuses that leave the content as it was
# What git (or we) said -> the info line: these mean "built from a tarball", which is normal.
EXPECTED = {"not a git repository": "不在 git 仓库中", "不是 git 仓库": "不在 git 仓库中", NO_GIT: NO_GIT}


@dataclass(frozen=True)
class Commit:
    """One commit that touched an item file: its date, and whether it edited the file.

    `edited` is False for the commit that added the file and for a pure move (git's rename
    similarity 100%): neither is an update of the item's content.
    """

    date: dt.date
    edited: bool = True


def file_histories(root: Path, folder: str, ref: str | None = None) -> dict[str, list[Commit]]:
    """path (relative to root, as git and Item.source write it) -> its commits, newest first, as
    of `ref` (the review's base version) or of HEAD.

    Two git processes however many items there are. Empty outside a git checkout.
    """
    at = ["--end-of-options", check_ref(ref)] if ref else []
    try:
        shallow, shallow_file = run_git(root, "rev-parse", "--is-shallow-repository", "--git-path", "shallow").split("\n")[:2]
        text = run_git(root, "log", "-z", "--no-merges", f"--format={LOG_FORMAT}", "--name-status", "-M",
                       "--relative", *at, "--", folder)
    except GitError as exc:
        _explain(str(exc))
        return {}
    boundary = set()
    if shallow == "true":
        boundary = set((root / shallow_file).read_text(encoding="ascii").split())
        log.warning("更新日期：当前是浅克隆（shallow clone），只能读到部分历史；发布网站时请完整克隆（CI 中设置 fetch-depth: 0）")
    return parse_log(text, boundary)


def _explain(reason: str) -> None:
    """No checkout or no git is normal (a tarball): one info line. Anything else (e.g. git's
    "dubious ownership" in a CI container) is worth a warning, but never stops the build."""
    expected = next((said for needle, said in EXPECTED.items() if needle in reason.lower()), None)
    if expected:
        log.info("更新日期：%s，没有填写更新日期的事项页显示“—”", expected)
    else:
        log.warning("更新日期：无法读取 git 历史（%s），没有填写更新日期的事项页显示“—”", reason)


def parse_log(text: str, boundary: set[str] = frozenset()) -> dict[str, list[Commit]]:
    """Parse `git log -z --name-status -M` output (newest commit first) into per-file histories.

    `alias` maps a path as it was at the commit being read to the path the file has today; a
    rename points the old path at today's path; an addition or deletion ends what that path
    means for today's files (None).
    Commits in `boundary` (a shallow clone's cut-off) show every file as added: skipped.
    """
    histories: dict[str, list[Commit]] = {}
    alias: dict[str, str | None] = {}
    for record in text.split(RECORD)[1:]:
        header, _, changes = record.partition("\0")
        commit, date = header.split(FIELD, 1)
        if commit in boundary:
            continue
        day = dt.date.fromisoformat(date.strip())
        for status, old, new in _changes(changes):
            current = alias.get(new, new)
            if current is not None and status[0] != "D":
                histories.setdefault(current, []).append(Commit(day, status not in NOT_EDITS))
            if status[0] == "R":
                alias[old] = current
            if status[0] in "RAD":  # older commits at `new` concern another file (or none)
                alias[new] = None
    return histories


def _changes(changes: str):
    """(status, old path, new path) for each file of one commit's -z name-status list; the status
    is git's letter, with the similarity for a rename ("R100": moved without edits)."""
    tokens = changes.lstrip("\n").split("\0")
    i = 0
    while i < len(tokens) and tokens[i]:
        status = tokens[i]
        if status[0] in "RC":
            yield status, tokens[i + 1], tokens[i + 2]
            i += 3
        else:
            yield status, tokens[i + 1], tokens[i + 1]
            i += 2


def annotate(items, histories: dict[str, list[Commit]]) -> None:
    """Give every item its public 变更记录 (its own notes, never git's) and, for 更新日期 when the
    field is absent, the later of its newest note and the last commit that edited the file.

    Adding or merely moving the file is no update (an imported catalogue is not "updated" on its
    import day), and neither is anything dated on or before 发布日期 (更新日期 may not precede it).
    """
    for item in items:
        item.history = change_notes(item.meta)
        edits = [commit.date for commit in histories.get(item.source, []) if commit.edited][:1]
        last = max(edits + [note.date for note in item.history[:1]], default=None)
        item.git_updated = last if last and item.published and last > item.published else None
