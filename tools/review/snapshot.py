"""The catalogue as the review compares it: item files (valid or not), registries, other schema
files and guide pages, read from the working tree or from a commit written to a temporary folder.
Both sides are loaded through gongkai.project.load_project (the base with its history as of the
base commit), so the review sees each version exactly as the site and the commands do.

Nothing here follows a symbolic link: a link in the working tree is reported, never read, so a
pull request cannot make the report quote a file from the machine that runs it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gongkai import git, urls
from gongkai.catalogue import item_files
from gongkai.frontmatter import Loader, read_source
from gongkai.model import INTERNAL
from gongkai.project import History, Project, load_project
from gongkai.settings import Paths

# Editor-maintained registries compared entry by entry; any other file in schema/ only as "changed".
REGISTRIES = ("categories.yaml", "units.yaml", "synonyms.yaml", "holidays.yaml")
PAGES = "pages"  # the guide pages' folder inside content/


@dataclass
class Entry:
    """One item file as written, valid or not (an invalid file is still a change to review)."""

    path: str
    meta: dict
    body: str
    item: object = None  # the catalogue.model.Item when the file is valid
    readable: bool = True  # False: not even its front matter could be read (see the validation section)

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
    def public(self) -> bool:
        """Would be published if valid: readable and not 内部."""
        return self.readable and not self.internal

    @property
    def url(self) -> str:
        return urls.item_url(self.index_no) if self.index_no else "（索引号无效，无网址）"


@dataclass(frozen=True)
class Page:
    """One guide page (content/pages/): its text, or None when it is a symbolic link."""

    path: str
    text: str | None

    @property
    def title(self) -> str:
        for line in (self.text or "").split("\n")[:20]:
            if line.lower().startswith("title:"):
                return line[6:].strip()
        return Path(self.path).stem


@dataclass
class Snapshot:
    entries: dict[str, Entry]
    registries: dict[str, object]   # file name -> parsed YAML (None when absent or unreadable)
    schema_files: dict[str, bytes]  # every other file of schema/, to notice rule changes
    pages: dict[str, Page] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # base tree entries not written (unsafe names, links)
    project: Project | None = None  # the loaded version (None: the base predates the catalogue)
    documents: dict = field(default_factory=dict)  # 公开信息 files: path -> documents.DocumentEntry


def snapshot(paths: Paths, catalogue=None) -> Snapshot:
    """Valid items from the loaded catalogue, invalid ones read raw with the same parser."""
    items = catalogue.items if catalogue else []
    entries = {item.source: Entry(item.source, item.meta, item.body, item) for item in items}
    files, _ = item_files(paths) if paths.items_dir.is_dir() else ([], [])
    for file in files:
        display = file.relative_to(paths.root).as_posix()
        if display in entries:
            continue
        if file.is_symlink():
            entries[display] = Entry(display, {}, "", None, False)
            continue
        source = read_source(file, display)
        readable = isinstance(source.meta, dict)
        entries[display] = Entry(display, source.meta if readable else {}, source.body, None, readable)
    registries = {name: _read_yaml(paths.schema_dir / name) for name in REGISTRIES}
    others = {p.name: p.read_bytes() for p in sorted(paths.schema_dir.glob("*"))
              if p.is_file() and not p.is_symlink() and p.name not in REGISTRIES} if paths.schema_dir.is_dir() else {}
    from .documents import document_entries

    return Snapshot(entries, registries, others, read_pages(paths.content / PAGES, paths.root),
                    documents=document_entries(paths, catalogue))


def read_pages(folder: Path, root: Path) -> dict[str, Page]:
    """Every file under content/pages/ by display path; links are listed, not followed."""
    pages = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() and not folder.is_symlink() else []:
        if path.is_symlink() or path.is_file():
            display = path.relative_to(root).as_posix()
            text = None if path.is_symlink() else path.read_bytes().decode("utf-8-sig", "replace")
            pages[display] = Page(display, text)
    return pages


def _read_yaml(path: Path):
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=Loader)
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return None  # the validation section reports what is wrong with it


def working_snapshot(project: Project) -> Snapshot:
    """The working tree, as load_project read it."""
    found = snapshot(project.paths, project.catalogue)
    found.project = project
    return found


def base_snapshot(root: Path, commit: str, work: Project, tmp: Path) -> Snapshot:
    """The catalogue at `commit`, laid out under `tmp` exactly as in the working tree and loaded
    with the working tree's settings (its history read from the repository, as of `commit`)."""
    paths = work.paths
    items, schema = _rel(paths.items_dir, paths.root), _rel(paths.schema_dir, paths.root)
    content = _rel(paths.content, paths.root)
    pages = f"{content}/{PAGES}"
    wanted = (lambda p: p.startswith(f"{pages}/") or p.startswith(f"{schema}/") or p.lower().endswith(".md"))
    refused = git.export_tree(root, commit, [items, schema, pages], tmp, wanted)
    base_paths = Paths(tmp, tmp / content, tmp / schema, tmp / items)
    project = None
    if base_paths.item_schema.is_file():  # else the base predates the catalogue
        settings = {**work.settings, "PATH": str(tmp / content), "CACHE_PATH": str(tmp / ".cache")}
        project = load_project(settings, day=work.build_date, history=History(root, commit))
    found = snapshot(base_paths, project.catalogue if project else None)
    found.refused, found.project = refused, project
    return found


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
