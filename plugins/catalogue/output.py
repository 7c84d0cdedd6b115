"""Atomic output: Pelican writes into a staging folder that replaces output/ only on success.

A failed build (invalid item, template error, crash) leaves the previous site untouched, so the
public never sees a half-written catalogue.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path


def staging_for(output: Path) -> Path:
    return output.with_name(output.name + ".staging")


def begin(pelican) -> None:
    """Redirect the build into a fresh staging folder (left-overs of a failed build are removed)."""
    final = Path(pelican.output_path).resolve()
    staging = staging_for(final)
    shutil.rmtree(staging, ignore_errors=True)
    for trash in final.parent.glob(final.name + ".replaced-*"):
        _remove_in_background(trash)
    AFTER_COMMIT.clear()
    staging.mkdir(parents=True)
    # A failed build stops with an exception: remove its half-written folder on the way out.
    atexit.register(shutil.rmtree, staging, ignore_errors=True)
    pelican.settings["GONGKAI_FINAL_OUTPUT"] = str(final)
    pelican.output_path = pelican.settings["OUTPUT_PATH"] = str(staging)


def commit(pelican) -> None:
    """Swap the finished staging folder into place: two renames. The replaced site (thousands of
    files) is deleted in the background; whatever is left when the build exits goes next time."""
    final = Path(pelican.settings["GONGKAI_FINAL_OUTPUT"])
    staging = Path(pelican.output_path)
    if final.exists():
        replaced = final.with_name(f"{final.name}.replaced-{os.getpid()}-{time.monotonic_ns()}")
        final.rename(replaced)
        _remove_in_background(replaced)
    staging.rename(final)
    pelican.output_path = pelican.settings["OUTPUT_PATH"] = str(final)
    run_after_commit()


def _remove_in_background(folder: Path) -> None:
    """Neither delays the build nor competes with it for Python's lock: a detached `rm -rf` where
    there is one, else a daemon thread (whatever it leaves is removed by the next build)."""
    if os.name == "posix" and shutil.which("rm"):
        subprocess.Popen(["rm", "-rf", "--", str(folder)], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, daemon=True).start()


# Callables run after a successful swap (e.g. recording which pages output/ now holds).
AFTER_COMMIT: list = []


def run_after_commit() -> None:
    while AFTER_COMMIT:
        AFTER_COMMIT.pop(0)()
