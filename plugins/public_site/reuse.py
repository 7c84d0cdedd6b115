"""Reusing unchanged item pages from the previous build, so a one-item rebuild is fast.

An item page is a pure function of the values in its key (the item, its neighbours, its badge,
the registries, the settings, the templates and the plugin code). When the key is the one the
previous, successfully published build recorded, the old file is hard-linked into the new output
instead of being rendered again. Keys are recorded only when the new output is swapped into place.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path

SETTINGS_IN_PAGES = ("SITENAME", "SITEURL", "RELATIVE_URLS", "DEFAULT_LANG")


def fingerprint(project: Path, settings: dict, registries: list[Path]) -> str:
    """Everything every page depends on: code, templates, registries and the settings they read."""
    digest = hashlib.sha256()
    for folder in (project / "plugins", Path(settings["THEME"]) / "templates"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html"):
                digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    for path in registries:
        digest.update(path.read_bytes() if path.is_file() else b"-")
    chosen = {k: v for k, v in settings.items() if k in SETTINGS_IN_PAGES
              or (k.startswith("GONGKAI_") and k != "GONGKAI_FINAL_OUTPUT")}
    digest.update(json.dumps(chosen, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


class PageReuse:
    def __init__(self, store: Path, previous_output: Path, fingerprint: str):
        self.store, self.previous, self.fingerprint = store, previous_output, fingerprint
        self.old, self.new = {}, {}
        try:
            stored_fingerprint, keys = pickle.loads(store.read_bytes())
            self.old = keys if stored_fingerprint == fingerprint else {}
        except (OSError, ValueError, pickle.UnpicklingError, EOFError, TypeError):
            self.old = {}

    def key(self, *parts) -> str:
        return hashlib.sha256(pickle.dumps(parts, protocol=4)).hexdigest()

    def reuse(self, save_as: str, key: str, output: Path) -> bool:
        """Link the previous build's page into `output` when its key is unchanged."""
        self.new[save_as] = key
        old = self.previous / save_as
        if self.old.get(save_as) != key or not old.is_file():
            return False
        target = output / save_as
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old, target)
        except OSError:  # no hard links on this file system: a copy is still cheaper than rendering
            shutil.copyfile(old, target)
        return True

    def save(self) -> None:
        """Called once the new output is in place: these keys now describe output/."""
        self.store.parent.mkdir(parents=True, exist_ok=True)
        self.store.write_bytes(pickle.dumps((self.fingerprint, self.new), protocol=4))
