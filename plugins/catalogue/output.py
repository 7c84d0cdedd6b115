"""Atomic output: Pelican writes into a staging folder that replaces output/ only on success.

A failed build (invalid item, template error, crash) leaves the previous site untouched, so the
public never sees a half-written catalogue.
"""
from __future__ import annotations

import atexit
import shutil
import threading
from pathlib import Path


def staging_for(output: Path) -> Path:
    return output.with_name(output.name + ".staging")


def previous_for(output: Path) -> Path:
    return output.with_name(output.name + ".previous")


def begin(pelican) -> None:
    """Redirect the build into a fresh staging folder (left-overs of a failed build are removed)."""
    final = Path(pelican.output_path).resolve()
    staging = staging_for(final)
    shutil.rmtree(staging, ignore_errors=True)
    _remove_in_background(previous_for(final))
    AFTER_COMMIT.clear()
    staging.mkdir(parents=True)
    # A failed build stops with an exception: remove its half-written folder on the way out.
    atexit.register(shutil.rmtree, staging, ignore_errors=True)
    pelican.settings["GONGKAI_FINAL_OUTPUT"] = str(final)
    pelican.output_path = pelican.settings["OUTPUT_PATH"] = str(staging)


def _remove_in_background(folder: Path) -> threading.Thread:
    """The site replaced by the last build is deleted while this build works, not on its critical
    path (thousands of files); the build waits for it before it swaps."""
    thread = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True})
    thread.start()
    _REMOVALS.append(thread)
    return thread


_REMOVALS: list[threading.Thread] = []


def commit(pelican) -> None:
    """Swap the finished staging folder into place: two renames. The replaced site is kept as
    output.previous until the next build removes it."""
    final = Path(pelican.settings["GONGKAI_FINAL_OUTPUT"])
    staging, previous = Path(pelican.output_path), previous_for(final)
    while _REMOVALS:
        _REMOVALS.pop().join()
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        final.rename(previous)
    staging.rename(final)
    pelican.output_path = pelican.settings["OUTPUT_PATH"] = str(final)
    run_after_commit()


# Callables run after a successful swap (e.g. recording which pages output/ now holds).
AFTER_COMMIT: list = []


def run_after_commit() -> None:
    while AFTER_COMMIT:
        AFTER_COMMIT.pop(0)()
