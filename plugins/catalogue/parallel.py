"""The same work for many files, on every core.

Results come back in order, so the output is identical to the serial loop, which is used for small
jobs and single-core machines. Workers are spawned, not forked: they inherit nothing but the
picklable callable they are given (no locks held by another thread, same behaviour on Windows).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

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
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(func,)) as pool:
        return list(pool.map(_run, jobs, chunksize=max(16, len(jobs) // (workers * 8))))
