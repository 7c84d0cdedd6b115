"""Atomic output: Pelican writes into a staging folder that replaces output/ only on success.

A failed build (invalid item, template error, crash) leaves the previous site untouched, so the
public never sees a half-written catalogue.
"""
from __future__ import annotations

import atexit
import shutil
from pathlib import Path


def staging_for(output: Path) -> Path:
    return output.with_name(output.name + ".staging")


def begin(pelican) -> None:
    """Redirect the build into a fresh staging folder (left-overs of a failed build are removed)."""
    final = Path(pelican.output_path).resolve()
    staging = staging_for(final)
    shutil.rmtree(staging, ignore_errors=True)
    AFTER_COMMIT.clear()
    staging.mkdir(parents=True)
    # A failed build stops with an exception: remove its half-written folder on the way out.
    atexit.register(shutil.rmtree, staging, ignore_errors=True)
    pelican.settings["GONGKAI_FINAL_OUTPUT"] = str(final)
    pelican.output_path = pelican.settings["OUTPUT_PATH"] = str(staging)


def commit(pelican) -> None:
    """Swap the finished staging folder into place."""
    final = Path(pelican.settings["GONGKAI_FINAL_OUTPUT"])
    staging = Path(pelican.output_path)
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    pelican.output_path = pelican.settings["OUTPUT_PATH"] = str(final)
    run_after_commit()


# Callables run after a successful swap (e.g. recording which pages output/ now holds).
AFTER_COMMIT: list = []


def run_after_commit() -> None:
    while AFTER_COMMIT:
        AFTER_COMMIT.pop(0)()
