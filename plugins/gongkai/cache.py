"""Every cache the build keeps between runs goes through this module: one key, one file format.

A cache is a shortcut past the checks, so it fails in two dangerous ways:
- stale: an entry made before a change is served after it (an item switched to 内部 with the same
  size and mtime, a fixed detector or renderer) and the build republishes what validate rejects.
  So every key comes from `derive_key`: the build environment (the source of every plugin, the
  version of every installed distribution and of Python) plus what the caller names (file
  content hashes, schema, settings). Never sizes or modification times.
- poisoned: a cache file is a pickle, and unpickling runs code. Anything inside the project can be
  placed by a commit (`git add -f .cache/...`), so a file is trusted only if it carries an
  HMAC-SHA256 tag made with a secret kept outside the project, in the user's cache folder.
  A committed, copied, truncated or foreign file fails the tag and is never unpickled: the cache
  is rebuilt. Where there is no usable secret, nothing is cached.
Pelican's own reader cache (an unsigned pickle) is switched off by output.begin.
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
import secrets
import sys
import tempfile
from pathlib import Path

MAGIC = b"gongkai-cache-1\n"
TAG_BYTES = 32
SECRET_BYTES = 32
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


@functools.lru_cache(maxsize=None)
def environment() -> str:
    """The code a build runs: Python, the installed distributions and every plugin source file."""
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
        _write_atomic(path, secrets.token_bytes(SECRET_BYTES), mode=0o600)
        value = path.read_bytes()
        return value if len(value) == SECRET_BYTES else None
    except OSError:
        return None


def load(path: Path, key: str, project: Path):
    """The value saved under `key`, or None (missing, other key, not signed by us, unreadable)."""
    usable = _usable(path, project)
    if usable is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    tag, payload = data[len(MAGIC):len(MAGIC) + TAG_BYTES], data[len(MAGIC) + TAG_BYTES:]
    if not data.startswith(MAGIC) or not hmac.compare_digest(tag, _tag(usable, key, payload)):
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # signed by us but unreadable (e.g. a class that no longer exists): rebuild
        return None


def save(path: Path, key: str, value, project: Path) -> None:
    """Write atomically (a killed build leaves the old file or the new one); failures only cost speed."""
    usable = _usable(path, project)
    if usable is None:
        return
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, MAGIC + _tag(usable, key, payload) + payload)
    except OSError:
        pass


def _usable(path: Path, project: Path) -> bytes | None:
    """The secret, if the cache file stays inside the project (a committed symlinked .cache/ must
    not send cache writes elsewhere)."""
    if path is None or not _inside(Path(os.path.realpath(path.parent)), project):
        return None
    return secret(project)


def _tag(secret_key: bytes, key: str, payload: bytes) -> bytes:
    return hmac.new(secret_key, MAGIC + key.encode() + b"\0" + payload, hashlib.sha256).digest()


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def _write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
