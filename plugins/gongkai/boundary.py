"""The publish boundary: the one place that decides which editor files may enter output/.

A file may be published only if it is a regular file under content/ (judged after resolving, so
neither `..` nor a symlink can lead out), has an attachment's file type, and was named by
something the catalogue accepted (an item's 附件 or a link in a 公开指南 page). It is published
at a content-addressed ASCII URL (files/<hash>.<ext>), never at a path an editor chose, and
Boundary.copy() is the only way it gets there. The file types are the schema's (x-file-types on
附件.文件, read through the vocabulary), so a Boundary is made per project: Boundary.of(paths).
The source files the catalogue reads (items, pages) pass
source_refusal() for the same reason: a symlinked item would otherwise publish any file.

Pelican itself reads nothing from content/ (pelicanconf.py: no article, page or static paths,
no readers), so this module is not bypassed by Pelican's {attach}/{static} copying or by
reStructuredText includes.
"""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import vocabulary
from .errors import BoundaryRefused, Problem

MAX_BYTES = 20 * 1024 * 1024

OUTSIDE = "“{written}”在 content/ 目录以外：附件和链接的文件必须放在 content/ 目录内，路径相对于 content/ 书写，不能用 .. 跳出 content/"
SYMLINK = ("“{written}”是指向 content/ 以外的符号链接（{target}）：只能发布 content/ 中的文件，"
           "请把文件本身放进 content/，不要用符号链接")
MISSING = "找不到附件文件 content/{relative}：请确认文件已提交，路径相对于 content/，大小写一致"
NOT_A_FILE = "content/{relative} 不是文件：请写出具体的文件名"
WRONG_TYPE = "“{written}”不能发布：附件和链接的文件只能是 {names} 格式"
TOO_BIG = "附件 {size:.1f} MB，超过 20 MB 上限：请压缩或拆分"
SOURCE_SYMLINK = "这个文件是指向 content/ 以外的符号链接（{target}）：不会读取，也不会发布。请把文件本身放进 content/，不要用符号链接"
SYMLINKED_FOLDER = "这个文件夹是符号链接：其中的文件不会读取。请把文件本身放进 content/，不要用符号链接"


@dataclass(frozen=True)
class Publishable:
    """A file the boundary accepted: where it really is (inside content/) and where it goes."""

    source: Path
    size: int
    mtime_ns: int

    @property
    def url(self) -> str:
        """files/<hash>.<ext>, hashed only when asked (validate never needs it)."""
        return f"files/{_digest(self.source, self.size, self.mtime_ns)}{self.source.suffix.lower()}"


@dataclass(frozen=True)
class Boundary:
    """The publish boundary of one project: its content/ folder and the file types it publishes."""

    content: Path
    suffixes: frozenset   # {".pdf", …}, lower case
    names: str            # "pdf、ofd、…" for messages
    # accept()'s verdicts within one build (a Boundary lives as long as one load_project): the
    # catalogue's check, every item page and its reuse key ask about the same 附件 again and again
    # (13,000 realpath walks at 10,000 items). copy() never uses it: it judges afresh just before
    # copying, so a file swapped for a symlink in between is still refused.
    _seen: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, paths) -> Boundary:
        """The boundary of the project at `paths` (settings.Paths), with its schema's file types."""
        words = vocabulary.load(paths.item_schema)
        return cls(Path(paths.content).resolve(), frozenset(words.file_types), words.file_type_names)

    def accept(self, written: str, base: Path | None = None) -> tuple[Publishable | None, str | None]:
        """(file, None) when content/<written> may be published, else (None, why not, in Chinese).

        `written` is relative to content/ (an item's 附件) or, when `base` is given and `written`
        does not start with '/', to that folder (a link in a page, like Pelican's {attach})."""
        key = (written, base)
        if key not in self._seen:
            self._seen[key] = self._accept(written, base)
        return self._seen[key]

    def _accept(self, written: str, base: Path | None = None) -> tuple[Publishable | None, str | None]:
        try:
            file, reason = _judge(written, self.content, base, self)
        except (OSError, ValueError):  # a NUL byte, a name too long for the file system
            file, reason = None, MISSING.format(relative=written)
        return file, reason and _clipped(reason, written)

    def copy(self, file: Publishable, output: Path, display: str) -> str:
        """Copy an accepted file into output/ at its URL; the only way a content/ file gets there.

        Judged again here, so a file replaced by a symlink between the checks and the copy is not
        followed; returns the URL. A file already at its URL was copied by this build (output is
        the build's own new folder), after being judged: a 附件 many items share (a 10,000-item
        catalogue links its 8 files 9,400 times) is judged and copied once."""
        target = Path(output) / file.url
        if target.exists():
            return file.url
        again, reason = self._accept(file.source.relative_to(self.content).as_posix())
        if reason or again.url != file.url:
            raise BoundaryRefused(Problem(display, None, "", reason or f"“{file.source.name}”在检查之后被改动：请重新生成网站"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file.source, target, follow_symlinks=False)
        return file.url


def _clipped(message: str, written: str, limit: int = 120) -> str:
    """A path longer than anyone types is shown cut, not repeated in full."""
    return message.replace(written, written[:limit] + "…") if len(written) > limit else message


def _judge(written: str, content: Path, base: Path | None, rules: Boundary) -> tuple[Publishable | None, str | None]:
    start = content if base is None or written.startswith("/") else Path(base)
    lexical = Path(os.path.normpath(start / written.lstrip("/")))
    if not _inside(lexical, content):
        return None, OUTSIDE.format(written=written)
    resolved = lexical.resolve()
    if not _inside(resolved, content):
        return None, SYMLINK.format(written=written, target=resolved.as_posix())
    relative = lexical.relative_to(content).as_posix()
    if not resolved.exists():
        return None, MISSING.format(relative=relative)
    if not resolved.is_file():
        return None, NOT_A_FILE.format(relative=relative)
    if lexical.suffix.lower() not in rules.suffixes or resolved.suffix.lower() not in rules.suffixes:
        return None, WRONG_TYPE.format(written=written, names=rules.names)
    stat = resolved.stat()
    if stat.st_size > MAX_BYTES:
        return None, TOO_BIG.format(size=stat.st_size / 1024 / 1024)
    return Publishable(resolved, stat.st_size, stat.st_mtime_ns), None


def source_refusal(path: Path, content: Path) -> str | None:
    """Why an entry met while walking items/ or pages/ must not be read, or None. A symlinked
    folder is never walked (its files would vanish unnoticed); a file is read only if it
    resolves inside content/ (itself a symlink, or under a symlinked items/ or pages/)."""
    if path.is_symlink() and path.is_dir():
        return SYMLINKED_FOLDER
    resolved = path.resolve()
    return None if _inside(resolved, _resolved(str(content))) else SOURCE_SYMLINK.format(target=resolved.as_posix())


def walk_sources(folder: Path, content: Path) -> list[tuple[Path, str | None, bool]]:
    """Every entry under `folder` at any depth, in the order of sorted(folder.rglob("*")): (path,
    its source_refusal or None, whether it is a file). Symlinked folders are listed, never
    entered, as rglob does. Only symlinks are resolved one by one: below a folder that resolves
    inside content/, an entry that is no symlink resolves inside it too (10,000 realpath walks
    were a tenth of a one-item rebuild)."""
    folder_inside = _inside(folder.resolve(), _resolved(str(content)))
    found, pending = [], [str(folder)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                path = Path(entry.path)
                if entry.is_symlink():
                    found.append((path, source_refusal(path, content), path.is_file()))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                refusal = None if folder_inside else source_refusal(path, content)
                found.append((path, refusal, entry.is_file(follow_symlinks=False)))
    found.sort(key=lambda entry: entry[0])
    return found


@functools.lru_cache(maxsize=8)
def _resolved(folder: str) -> Path:
    """content/ resolved once, not once per item file (10,000 realpath walks on a large catalogue);
    the files themselves are resolved every time."""
    return Path(folder).resolve()


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


@functools.cache
def _digest(source: Path, _size: int, _mtime_ns: int) -> str:
    """Hashed once per build (the page linking it and the copy both need it); files are up to 20 MB."""
    return hashlib.sha256(source.read_bytes()).hexdigest()[:16]
