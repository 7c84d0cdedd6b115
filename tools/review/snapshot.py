"""The catalogue as the review compares it: item files (valid or not), registries, other schema
files and guide pages, read from the working tree or from a commit written to a temporary folder.

Nothing here follows a symbolic link: a link in the working tree is reported, never read, so a
pull request cannot make the report quote a file from the machine that runs it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gongkai import git
from gongkai.frontmatter import Loader, read_source
from gongkai.catalogue import Paths, item_files, load_catalogue

# Editor-maintained registries compared entry by entry; any other file in schema/ only as "changed".
REGISTRIES = ("categories.yaml", "units.yaml", "synonyms.yaml", "holidays.yaml")
INTERNAL = "内部"
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
        return f"items/{self.index_no.replace('/', '-')}/" if self.index_no else "（索引号无效，无网址）"


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
    return Snapshot(entries, registries, others, read_pages(paths.content / PAGES, paths.root))


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


def base_snapshot(root: Path, commit: str, work: Paths, index_pattern: str | None, tmp: Path) -> Snapshot:
    """The catalogue at `commit`, laid out under `tmp` exactly as in the working tree."""
    items, schema = _rel(work.items_dir, work.root), _rel(work.schema_dir, work.root)
    pages = f"{_rel(work.content, work.root)}/{PAGES}"
    wanted = (lambda p: p.startswith(f"{pages}/") or p.startswith(f"{schema}/") or p.lower().endswith(".md"))
    refused = git.export_tree(root, commit, [items, schema, pages], tmp, wanted)
    paths = Paths(tmp, tmp / _rel(work.content, work.root), tmp / schema, tmp / items)
    catalogue = None
    if (paths.schema_dir / "item.schema.json").is_file():  # else the base predates the catalogue
        catalogue, _problems = load_catalogue(paths, index_pattern)
    found = snapshot(paths, catalogue)
    found.refused = refused
    return found


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
