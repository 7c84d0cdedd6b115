"""The same work for many files, on every core.

Results come back in order, so the output is identical to the serial loop, which is used for small
jobs and single-core machines. Workers are spawned, not forked: they inherit nothing but the
picklable callable they are given (no locks held by another thread, same behaviour on Windows).
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

MIN_JOBS_PER_WORKER = 400  # a spawned worker spends about half a second importing before it helps
_func = None


def _start(func) -> None:
    global _func
    _func = func


def _run(job):
    return _func(job)


def run_all(func, jobs: list) -> list:
    """[func(job) for job in jobs], spread over the cores when there are enough jobs."""
    workers = min(os.cpu_count() or 1, len(jobs) // MIN_JOBS_PER_WORKER)
    if workers < 2:
        return [func(job) for job in jobs]
    context = multiprocessing.get_context("spawn")
    with main_module_hidden(), ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                                                    initargs=(func,)) as pool:
        return list(pool.map(_run, jobs, chunksize=max(16, len(jobs) // (workers * 8))))


@contextmanager
def main_module_hidden():
    """A spawned worker imports the parent's __main__ unless it has neither a spec nor a file.
    Here __main__ is Pelican's or invoke's command line: the jobs need neither, and invoke's
    (`python -m invoke`) would run the whole command again inside every worker."""
    main = sys.modules["__main__"]
    saved = {key: main.__dict__[key] for key in ("__spec__", "__file__") if key in main.__dict__}
    main.__spec__ = None
    main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        main.__dict__.update(saved)
