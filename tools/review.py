"""`invoke review --base <ref>`: what a change does to the catalogue, written for reviewers.

The catalogue at <ref> (read from git into a temporary folder) is compared with the working tree.
Items are matched by 索引号, so a moved file is a move, not a removal plus an addition; a file that
keeps its path but gets a new 索引号 is flagged, because its public URL changes. The report is
Chinese Markdown: stdout, a file, a CI job summary or a pull-request comment.

Numbers that look like personal data are masked wherever the report quotes content, because the
report itself may be posted where the item must not yet be.
"""
from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from catalogue.build import check_all, paths_from_settings
from catalogue.errors import CatalogueError, Problem
from catalogue.frontmatter import Loader, read_source
from catalogue.model import unit_slug
from catalogue.settings import read_project_settings
from catalogue.validate import Paths, item_files, load_catalogue

TITLE = "# 目录变更审查报告"
DIFF_LINES = 40      # body diff lines shown per item; the rest is counted, not shown
NEW_BODY_LINES = 40  # body lines shown for a new item
REGISTRIES = {"categories.yaml": "一级事项", "units.yaml": "公开主体", "synonyms.yaml": "同义词", "holidays.yaml": "节假日"}
INTERNAL = "内部"
NONE = "（无）"
ADDED, REMOVED = "＋", "－"


class BaseUnknown(CatalogueError):
    """Raised by resolve_base() when the base ref is not in the repository, even after fetching."""


# ---------------------------------------------------------------- git: the base version

def _git(root: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")  # CI must fail, not wait for a password
    try:
        return subprocess.run(["git", "-c", "core.quotepath=false", *args], cwd=root, input=data,
                              capture_output=True, env=env)
    except OSError as exc:
        raise BaseUnknown(f"找不到 git 程序（{exc.strerror}）") from exc


def _commit_of(root: Path, ref: str) -> str | None:
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return done.stdout.decode().strip() if done.returncode == 0 else None


def resolve_base(root: Path, base: str) -> tuple[str, str]:
    """(full commit id, subject) of the base; a shallow CI clone fetches it first (once each way)."""
    commit = _commit_of(root, base)
    if commit is None:
        remote_ref = base.removeprefix("origin/")
        if _git(root, "fetch", "--quiet", "--depth=1", "origin", remote_ref).returncode == 0:
            commit = _commit_of(root, base) or _commit_of(root, "FETCH_HEAD")
    if commit is None and _git(root, "fetch", "--quiet", "--deepen=50", "origin").returncode == 0:
        commit = _commit_of(root, base)
    if commit is None:
        raise BaseUnknown(base)
    subject = _git(root, "log", "-1", "--format=%s", commit).stdout.decode("utf-8", "replace").strip()
    return commit, subject


def extract(root: Path, commit: str, folders: list[str], dest: Path) -> None:
    """Write the item files (*.md) and registries of `commit` under `dest`: two git processes in all.

    Attachments are left out: the base is only compared, never validated.
    """
    listing = _git(root, "ls-tree", "-r", "-z", commit, "--", *folders)
    entries = []
    for record in listing.stdout.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = record.partition("\t")
        if meta.split(" ")[1:2] == ["blob"] and (path.endswith(".md") or not path.startswith(folders[0] + "/")):
            entries.append((meta.split(" ")[2], path))
    if not entries:
        return
    batch = _git(root, "cat-file", "--batch", data="".join(f"{oid}\n" for oid, _ in entries).encode()).stdout
    position = 0
    for oid, path in entries:
        header_end = batch.index(b"\n", position)
        size = int(batch[position:header_end].split()[2])
        target = dest / path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(batch[header_end + 1: header_end + 1 + size])
        position = header_end + 1 + size + 1


# ---------------------------------------------------------------- snapshots of the catalogue

@dataclass
class Entry:
    """One item file as written, valid or not (an invalid file is still a change to review)."""

    path: str
    meta: dict
    body: str
    item: object = None  # the catalogue.model.Item when the file is valid

    @property
    def index_no(self) -> str | None:
        value = self.meta.get("索引号")
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        return str(self.meta.get("事项名称") or Path(self.path).stem)

    @property
    def internal(self) -> bool:
        return self.meta.get("公开对象") == INTERNAL

    @property
    def url(self) -> str:
        return f"items/{self.index_no.replace('/', '-')}/"


@dataclass
class Snapshot:
    entries: dict[str, Entry]
    registries: dict[str, object]   # file name -> parsed YAML (None when absent or unreadable)
    schema_files: dict[str, bytes]  # every other file of schema/, to notice rule changes
    catalogue: object
    paths: Paths


def snapshot(paths: Paths, catalogue=None) -> Snapshot:
    """Valid items from the loaded catalogue, invalid ones read raw with the same parser."""
    items = catalogue.items if catalogue else []
    entries = {item.source: Entry(item.source, item.meta, item.body, item) for item in items}
    files, _ = item_files(paths) if paths.items_dir.is_dir() else ([], [])
    for file in files:
        display = file.relative_to(paths.root).as_posix()
        if display not in entries:
            source = read_source(file, display)
            if isinstance(source.meta, dict):
                entries[display] = Entry(display, source.meta, source.body)
    registries = {name: _read_yaml(paths.schema_dir / name) for name in REGISTRIES}
    others = {p.name: p.read_bytes() for p in sorted(paths.schema_dir.glob("*"))
              if p.is_file() and p.name not in REGISTRIES} if paths.schema_dir.is_dir() else {}
    return Snapshot(entries, registries, others, catalogue, paths)


def _read_yaml(path: Path):
    try:
        return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=Loader) if path.is_file() else None
    except (yaml.YAMLError, UnicodeDecodeError):
        return None  # the validation section reports what is wrong with it


def base_snapshot(root: Path, commit: str, work: Paths, index_pattern: str | None, tmp: Path) -> Snapshot:
    """The catalogue at `commit`, laid out under `tmp` exactly as in the working tree."""
    folders = [_rel(work.items_dir, work.root), _rel(work.schema_dir, work.root)]
    extract(root, commit, folders, tmp)
    paths = Paths(tmp, tmp / _rel(work.content, work.root), tmp / folders[1], tmp / folders[0])
    catalogue = None
    if (paths.schema_dir / "item.schema.json").is_file():  # else the base predates the catalogue
        catalogue, _problems = load_catalogue(paths, index_pattern)
    return snapshot(paths, catalogue)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
