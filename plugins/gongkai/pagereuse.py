"""Reusing unchanged item pages from the previous build, so a one-item rebuild is fast.

An item page is a pure function of the values in its key (the item, its neighbours, its badge,
its attachments' content, the registries, the settings, the templates, and through
catalogue.cache.derive_key the plugin code and library versions). The store records, per page,
that key and the SHA-256 of the bytes the build wrote for it. A page is reused (hard-linked into
the new output) only when its key is unchanged AND the file now in output/ has exactly those
bytes. So the store never has to be kept in step with output/: a build killed after saving it
but before the swap, an output/ restored or edited by hand, a page from another build — each
fails the byte check and the page is rendered again. The store is signed (catalogue.cache), so a
committed one is ignored.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from catalogue import cache

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
    return cache.derive_key("pages", digest.hexdigest())


class PageReuse:
    def __init__(self, store: Path | None, previous_output: Path, fingerprint: str, project: Path):
        self.store, self.previous, self.fingerprint, self.project = store, previous_output, fingerprint, project
        stored = cache.load(store, fingerprint, project) if store else None
        self.old = stored if isinstance(stored, dict) else {}
        self.new = {}

    def key(self, *parts) -> str:
        return cache.derive_key(self.fingerprint, *parts)

    def reuse(self, save_as: str, key: str, output: Path) -> bool:
        """Link the previous build's page into `output` when its key and its bytes are the recorded ones."""
        recorded = self.old.get(save_as)
        old = self.previous / save_as
        if not recorded or recorded[0] != key or not _plain_file(old):
            return False
        data = old.read_bytes()
        if hashlib.sha256(data).hexdigest() != recorded[1]:
            return False
        target = output / save_as
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old, target)
        except OSError:  # no hard links on this file system: a copy is still cheaper than rendering
            target.write_bytes(data)
        self.new[save_as] = recorded
        return True

    def written(self, save_as: str, key: str, output: Path) -> None:
        """Record a page this build rendered."""
        self.new[save_as] = (key, hashlib.sha256((output / save_as).read_bytes()).hexdigest())

    def save(self) -> None:
        if self.store:
            cache.save(self.store, self.fingerprint, self.new, self.project)


def _plain_file(path: Path) -> bool:
    """A regular file, not a symlink (a link would make the new output share whatever it points at)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
