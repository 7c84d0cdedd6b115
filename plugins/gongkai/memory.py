"""Giving the memory a build phase freed back to the system before the next phase starts.

Python frees the objects of a finished phase (the workers' pickled parses, the search texts handed
to the search process, the downloads once written), but the C library keeps the freed space in its
heap, mostly as holes between objects that stay alive. The process then holds that memory for the
rest of the build and each later phase adds to it: at 10,000 items 60 MB of the peak was such
space. glibc's malloc_trim(0) returns every free page of its heap (see malloc_trim(3)); it takes
about a millisecond. Elsewhere (Windows, macOS, musl) there is no such call and nothing is done.
"""
from __future__ import annotations

import ctypes
import functools
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@functools.cache
def _trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # the C library the interpreter itself runs on
    except (OSError, AttributeError):
        return None


def release() -> bool:
    """Give freed heap memory back to the system; whether the C library could be asked."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True


@contextmanager
def lasting() -> Iterator[None]:
    """For a block that makes objects which live until the process ends (the build's catalogue):
    Python's cycle collector is paused while they are made, then everything alive is frozen
    (gc.freeze), so no later collection walks it again.

    Each collection of the oldest generation walks every tracked object: loading 10,000 items
    set off several, and later ones walked the catalogue again (0.4 s of a 10,000-item rebuild,
    measured with gc.callbacks; the rebuild went from 3.8 to 3.1 s). What becomes garbage in a
    reference cycle during the block, or after the freeze among frozen objects, stays until the
    process ends: loading makes little of it (the build's peak memory did not move: 174 MB). So
    only the build's own process uses this, never a long-lived one."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
