"""Every cache the build keeps between runs lives in this module: one key, one file format, and
the two caches themselves (ParseCache: each item file's parse, checks and rendered body;
PageReuse: unchanged item pages taken from the previous output/).

A cache is a shortcut past the checks, so it fails in two dangerous ways:
- stale: an entry made before a change is served after it (an item switched to 内部 with the same
  size and mtime, a fixed detector or renderer) and the build republishes what validate rejects.
  So every key comes from `derive_key`: the build environment (the source of the core and the adapter, the
  version of every installed distribution and of Python) plus what the caller names (file
  content hashes, schema, settings). Never sizes or modification times. (The files a build wrote
  itself are another matter: PageReuse knows them by inode and time, see there.)
- poisoned: a cache file is a pickle, and unpickling runs code. Anything inside the project can be
  placed by a commit (`git add -f .cache/...`), so a file is trusted only if it carries an
  HMAC-SHA256 tag made with a secret kept outside the project, in the user's cache folder.
  A committed, copied, truncated or foreign file fails the tag and is never unpickled: the cache
  is rebuilt. Where there is no usable secret, nothing is cached.
Pelican's own reader cache (an unsigned pickle) is switched off by output.begin.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import pickle
import secrets
import shutil
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .parallel import run_all

MAGIC = b"gongkai-cache-1\n"
TAG_BYTES = 32
SECRET_BYTES = 32
# The code a build runs: the core and the Pelican adapter (plugins/), hashed into every key.
PLUGINS = Path(__file__).resolve().parents[1]


def installed() -> list[str]:
    """Every installed distribution: Pelican, Markdown, nh3, jsonschema, PyYAML, Whoosh and all they
    pull in (a list kept by hand would miss the next one). The names of the metadata folders on
    sys.path carry name and version (`PyYAML-6.0.3.dist-info`), which importlib.metadata would find
    the same way, only then reading ~130 metadata files: 50 ms per build for nothing."""
    found = set()
    for folder in sys.path:
        try:
            found.update(n for n in os.listdir(folder or ".") if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sorted(found)


@functools.cache
def environment() -> str:
    """The code a build runs: Python, the installed distributions and every source file of the
    core and the adapter."""
    digest = hashlib.sha256(sys.version.encode())
    digest.update("\n".join(installed()).encode())
    for path in sorted(PLUGINS.rglob("*.py")):
        digest.update(path.relative_to(PLUGINS).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def derive_key(*parts) -> str:
    """The one key derivation: the environment plus the caller's parts (plain data, hashed as pickled)."""
    return hashlib.sha256(environment().encode() + pickle.dumps(parts, protocol=4)).hexdigest()


def content_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def secret_path() -> Path:
    import platformdirs

    return platformdirs.user_cache_path("gongkai", appauthor=False) / "cache-secret"


def secret(project: Path) -> bytes | None:
    """The signing secret, created on first use; None where it would sit inside the project (a
    commit could place it there) or cannot be read or written (then nothing is cached)."""
    try:
        path = secret_path()
        if _inside(path, project):
            return None
        if path.is_file() and path.stat().st_size == SECRET_BYTES:
            return path.read_bytes()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():  # not a secret (cut short, edited): replaced
            _write_atomic(path, secrets.token_bytes(SECRET_BYTES), mode=0o600)
        else:
            _write_new(path, secrets.token_bytes(SECRET_BYTES), mode=0o600)
        value = path.read_bytes()
        return value if len(value) == SECRET_BYTES else None
    except OSError:
        return None


def _write_new(path: Path, content: bytes, mode: int) -> None:
    """Write `path` whole unless it exists by then: a first build's processes (the build, its
    workers, its search process) may each find no secret and make one; the first one written is
    kept and read by all, so nothing is signed with a secret that another then replaces."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, mode)
        try:
            os.link(tmp, path)  # fails if the file exists: never replaces it
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: a rename (which Windows refuses over a file)
            if not path.exists():
                with contextlib.suppress(FileExistsError):
                    os.rename(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def load(path: Path, key: str, project: Path):
    """The value saved under `key`, or None (missing, other key, not signed by us, unreadable)."""
    usable = _usable(path, project)
    if usable is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    # Views, not slices: a parse cache holds every item, and each copy of it is the whole size again.
    view = memoryview(data)
    tag, payload = view[len(MAGIC):len(MAGIC) + TAG_BYTES], view[len(MAGIC) + TAG_BYTES:]
    if not data.startswith(MAGIC) or not hmac.compare_digest(tag, _tag(usable, _bound(path, project, key), payload)):
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # signed by us but unreadable (e.g. a class that no longer exists): rebuild
        return None


def save(path: Path, key: str, value, project: Path) -> bool:
    """Write atomically (a killed build leaves the old file or the new one); failures only cost
    speed. Whether it was written."""
    usable = _usable(path, project)
    if usable is None:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, _signed_pickle(value, _mac(usable, _bound(path, project, key))))
    except OSError:
        return False
    return True


def _signed_pickle(value, mac):
    """Writes MAGIC, the tag, then the pickle of `value`, pickled straight into the file as the
    tag is worked out: a parse cache holds every item, and a pickle made first in memory would be
    that whole size again at the build's peak. The tag's place is kept, then filled in."""
    def write(handle) -> None:
        handle.write(MAGIC + bytes(TAG_BYTES))
        pickle.dump(value, _Signing(handle, mac), protocol=pickle.HIGHEST_PROTOCOL)
        handle.seek(len(MAGIC))
        handle.write(mac.digest())

    return write


@dataclass(frozen=True)
class _Signing:
    """A file that feeds the tag everything written to it (what pickle.dump needs: write)."""

    handle: object
    mac: object

    def write(self, data) -> int:
        self.mac.update(data)
        return self.handle.write(data)


def _usable(path: Path, project: Path) -> bytes | None:
    """The secret, if the cache file stays inside the project (a committed symlinked .cache/ must
    not send cache writes elsewhere)."""
    if path is None or not _inside(Path(os.path.realpath(path.parent)), project):
        return None
    return secret(project)


def _bound(path: Path, project: Path, key: str) -> str:
    """The key a file is signed under includes the folder it sits in (relative to the project): a
    cache file is valid only where it was written. So the intranet build's caches
    (settings.cache_folder: CACHE_PATH/intranet), copied or moved into the public build's folder,
    fail the tag there and are never read by it, and the reverse."""
    folder = Path(os.path.realpath(path.parent)).relative_to(os.path.realpath(project)).as_posix()
    return f"{folder}\0{key}"


def _mac(secret_key: bytes, key: str):
    return hmac.new(secret_key, MAGIC + key.encode() + b"\0", hashlib.sha256)


def _tag(secret_key: bytes, key: str, payload) -> bytes:
    mac = _mac(secret_key, key)
    mac.update(payload)  # fed apart: joined to the prefix it would be copied whole
    return mac.digest()


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def _write_atomic(path: Path, content, mode: int | None = None) -> None:
    """The file is `content` (bytes, or a function that writes to the open file), or the old file
    if anything fails."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    write = content if callable(content) else lambda handle: handle.write(content)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- the parse cache

class ParseCache:
    """Per-file results keyed by the file's content hash, so a rebuild re-reads only the files that
    changed; the whole cache keyed (derive_key) on code, library versions, schema and settings.

    Each result is kept as the bytes its worker pickled: saving after a one-file change writes
    those bytes again instead of pickling every item anew, and what the build later does to the
    objects it was handed never reaches the cache."""

    def __init__(self, path: Path | None, key: str, project: Path):
        self.path, self.key, self.project, self.dirty = path, key, project, False
        stored = load(path, key, project) if path else None
        self.entries = {shown: entry for shown, entry in stored.items() if _is_entry(entry)} \
            if isinstance(stored, dict) else {}
        self.origins: dict[str, str] = {}

    def results(self, jobs: list[tuple[Path, str]], work) -> list:
        """work(job) per job: cached when the file's content is unchanged, else worked out (in
        parallel). Only a file with an entry is hashed here; the others are hashed where they
        are worked out (Pickled), on every core: a cold build reads no file twice in this process."""
        hashes = [_content(file) if shown in self.entries else None for file, shown in jobs]
        misses = [i for i, (job, digest) in enumerate(zip(jobs, hashes))
                  if digest is None or self.entries[job[1]][0] != digest]
        fresh = {}
        for i, (blob, digest) in zip(misses, run_all(Pickled(work), [jobs[i] for i in misses])):
            fresh[jobs[i][1]] = pickle.loads(blob)
            # Kept only if the file did not change while it was parsed (an editor saving mid-build).
            hashes[i] = digest
            if digest is not None:
                self.entries[jobs[i][1]], self.dirty = (digest, blob), True
        self.origins = {shown: hashlib.sha256(f"{self.key}\0{shown}\0{digest}".encode()).hexdigest()
                        for (_file, shown), digest in zip(jobs, hashes)
                        if digest is not None and self.entries.get(shown, (None,))[0] == digest}
        gone = self.entries.keys() - {shown for _file, shown in jobs}  # deleted or renamed files
        for shown in gone:
            del self.entries[shown]
        self.dirty = self.dirty or bool(gone)
        return [fresh[shown] if shown in fresh else pickle.loads(self.entries[shown][1]) for _file, shown in jobs]

    def origin(self, shown: str) -> str | None:
        """What the last results() call's result for `shown` was worked out from: this cache's key
        (code, libraries, schema, settings), the file's name and its content hash. Equal origins,
        equal results: later steps key on it instead of hashing the parsed item again (page
        reuse, the search fingerprints). None for a file read while it changed (or unreadable)."""
        return self.origins.get(shown)

    def save(self) -> None:
        if self.path and self.dirty:
            save(self.path, self.key, self.entries, self.project)


def _is_entry(entry) -> bool:
    return isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], bytes)


@dataclass(frozen=True)
class Pickled:
    """`work(job)` pickled where it ran (in a worker process when the build runs them), with the
    SHA-256 of the job's file: the same before and after the work, else None (it changed while
    it was worked out, or cannot be read)."""

    work: object

    def __call__(self, job) -> tuple[bytes, str | None]:
        before = _content(job[0])
        blob = pickle.dumps(self.work(job), protocol=pickle.HIGHEST_PROTOCOL)
        return blob, before if before is not None and _content(job[0]) == before else None


def _content(file: Path) -> str | None:
    """None when unreadable: the file is then parsed, which reports why."""
    try:
        return content_hash(file)
    except OSError:
        return None


# ---------------------------------------------------------------- reusing unchanged item pages
#
# An item page is a pure function of the values in its key (the item, its neighbours, its badge,
# its attachments' content, the registries, the settings, the templates, and through derive_key
# the code and library versions). The store records, per page, that key and the identity of the
# file the build wrote for it: device, inode, size and modification time in nanoseconds, what git's
# index keeps to know a work-tree file is the one it recorded. A page is reused (hard-linked into
# the new output) only when its key is unchanged AND the file now in output/ is that very file. A
# file written again, replaced, restored from a copy or taken from another build is another inode
# or another time, so the store never has to be kept in step with output/: a build killed after
# the swap but before saving the store, an output/ restored or edited by hand, a page from another
# build — each fails the check and the page is rendered again. What it cannot see, as git cannot, is
# a file changed in place that keeps its size and has its time set back on purpose: whoever does
# that can change the live site anyway. (Until 2026-11 the check read and hashed every page: 0.4 s
# of a 10,000-item rebuild.)

SETTINGS_IN_PAGES = ("SITENAME", "SITEURL", "RELATIVE_URLS", "DEFAULT_LANG")
NOT_IN_PAGES = {"GONGKAI_FINAL_OUTPUT", "GONGKAI_BUILD_WAIT", "GONGKAI_CACHE"}


def fingerprint(settings: dict, registries: list[Path]) -> str:
    """Everything every page depends on beyond the code: templates, registries and the settings they read."""
    digest = hashlib.sha256()
    folder = Path(settings["THEME"]) / "templates"
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    for path in registries:
        digest.update(path.read_bytes() if path.is_file() else b"-")
    chosen = {k: v for k, v in settings.items() if k in SETTINGS_IN_PAGES
              or (k.startswith("GONGKAI_") and k not in NOT_IN_PAGES)}
    digest.update(json.dumps(chosen, sort_keys=True, ensure_ascii=False, default=str).encode())
    return derive_key("pages", digest.hexdigest())


class PageReuse:
    def __init__(self, store: Path | None, previous_output: Path, fingerprint: str, project: Path):
        self.store, self.previous, self.fingerprint, self.project = store, previous_output, fingerprint, project
        stored = load(store, fingerprint, project) if store else None
        self.old = stored if isinstance(stored, dict) else {}
        self.new = {}

    def key(self, *parts) -> str:
        return derive_key(self.fingerprint, *parts)

    def reuse(self, save_as: str, key: str, output: Path) -> bool:
        """Link the previous build's page into `output` when its key and its file are the recorded ones."""
        recorded = self.old.get(save_as)
        if not recorded or recorded[0] != key:
            return False
        old = os.path.join(self.previous, save_as)
        if recorded[1] is None or _identity(old) != recorded[1]:
            return False
        target = os.path.join(output, save_as)
        _make_folder(os.path.dirname(target))
        try:
            os.link(old, target)  # the same file: its identity is unchanged
        except OSError:  # no hard links on this file system: a copy is still cheaper than rendering
            shutil.copyfile(old, target)
            recorded = (key, _identity(target))
        self.new[save_as] = recorded
        return True

    def written(self, save_as: str, key: str, output: Path) -> None:
        """Record a page this build rendered."""
        self.new[save_as] = (key, _identity(os.path.join(output, save_as)))

    def save(self) -> None:
        if self.store:
            save(self.store, self.fingerprint, self.new, self.project)


class Unchanged:
    """Files of the previous output linked into the new one when they hold exactly the bytes this
    build is about to write: a link is one directory entry, a new file an inode and its data blocks
    (2,300 files for the search of a 10,000-item site, most of which a small edit leaves alone).
    The bytes are compared, never sizes or times, so a file changed by hand is written again, and
    a file is taken only from a real folder inside the previous output, never through a symlink."""

    def __init__(self, previous_output: Path):
        self.root, self.real, self.folders = Path(previous_output), os.path.realpath(previous_output), {}

    def link(self, relative: str, target: Path, data: bytes) -> bool:
        """Whether `relative` (in the previous output) held `data` and is now also `target`."""
        old = self.root / relative
        found = self._inside(os.path.dirname(relative)) and _identity(old)  # a regular file, never a symlink
        if not found or found[2] != len(data):
            return False
        try:
            if old.read_bytes() != data:
                return False
            os.link(old, target)
        except OSError:  # no hard links here, or the file went: the caller writes it
            return False
        return True

    def _inside(self, folder: str) -> bool:
        if folder not in self.folders:
            self.folders[folder] = os.path.realpath(self.root / folder) == os.path.normpath(os.path.join(self.real, folder))
        return self.folders[folder]


def _make_folder(folder: str) -> None:
    """os.makedirs(folder, exist_ok=True) in one call where the parent exists (an item page's
    folder): makedirs first looks at the parent, a second file-system call per page."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def _identity(path) -> tuple | None:
    """(device, inode, size, modification time in ns) of a regular file; None for anything else (a
    symlink would make the new output share whatever it points at) or a missing file."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns) if stat.S_ISREG(found.st_mode) else None


# ---------------------------------------------------------------- folders another library reads
#
# A library's own files kept between builds (the search's Whoosh index, which unpickles its TOC,
# segments and stored fields) are trusted only as a whole: after writing, every file's SHA-256
# goes into a manifest saved by save() (signed); before the library opens the folder, the folder
# must hold exactly those files with exactly those hashes. Anything else (a committed or copied
# folder, a file added, changed or missing, a symlink) and the folder is deleted and rebuilt.

def folder_files(folder: Path) -> dict[str, str] | None:
    """{relative path: SHA-256} of every file, or None if anything is not a plain file or folder."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        mode = os.lstat(path).st_mode
        if stat.S_ISDIR(mode):
            continue
        if not stat.S_ISREG(mode):
            return None
        found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def trusted_folder(folder: Path, manifest: Path, key: str, project: Path):
    """The extra value sealed with `folder` if the folder is exactly as sealed; otherwise the folder
    is removed (never through a symlink) and None is returned."""
    sealed = load(manifest, key, project)
    try:
        if (isinstance(sealed, tuple) and len(sealed) == 2 and _real_folder(folder)
                and folder_files(folder) == sealed[0]):
            return sealed[1]
    except OSError:
        pass
    clear_folder(folder)
    return None


def seal_folder(folder: Path, manifest: Path, key: str, project: Path, extra) -> None:
    save(manifest, key, (folder_files(folder), extra), project)


def clear_folder(folder: Path) -> None:
    folder = Path(folder)
    if os.path.islink(folder) or folder.is_file():
        folder.unlink()
    elif folder.is_dir():
        shutil.rmtree(folder)


def _real_folder(folder: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode)
    except OSError:
        return False
