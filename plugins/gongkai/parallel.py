"""The same work for many files, on every core; and how every worker process of a build starts.

Results come back in order, so the output is identical to the serial loop, which is used for small
jobs and single-core machines. Workers are never forked from the build's process: they inherit
nothing but the picklable callable they are given (no locks held by another thread). Where the
system has it (Linux, macOS), they fork from a fork server: a fresh interpreter that imports the
build's modules once, when the first worker is wanted, so every later worker starts in
milliseconds instead of importing for a quarter to half a second; on Windows they are spawned.
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import forkserver

MIN_JOBS_PER_WORKER = 400  # a spawned worker spends about half a second importing before it helps
# What the workers run: the parse (catalogue), the search index (search.*), the 保密审查 of
# attachments (secrecy.*). Imported once, in the fork server.
PRELOAD = ["gongkai.catalogue", "gongkai.search.incremental", "gongkai.search.whoosh_index",
           "gongkai.secrecy.attachments", "gongkai.secrecy.extract"]
_func = None
_server_environ: dict | None = None  # os.environ when the fork server started


def worker_context(background: bool = False):
    """The multiprocessing context for a build's workers: the fork server where there is one,
    else spawn. A fork server's children take its environment, not the caller's: if os.environ
    has changed since it started (a test, a tool setting a variable), workers are spawned.

    `background`: one worker that works beside the build (the search index). Starting a worker
    waits until the server has imported everything; a spawned worker imports on its own while
    the build goes on. So it comes from the server only if the server already runs (a cold build,
    whose parse workers started it); in a rebuild, which has no other worker, it is spawned."""
    global _server_environ
    spawn = multiprocessing.get_context("spawn")
    if "forkserver" not in multiprocessing.get_all_start_methods() or (background and _server_environ is None):
        return spawn
    context = multiprocessing.get_context("forkserver")
    if _server_environ is None:
        context.set_forkserver_preload(PRELOAD)
        try:
            with main_module_hidden():  # the server would import the caller's __main__ (see below)
                forkserver.ensure_running()
        except OSError:  # its socket lives in TMPDIR: a path over 107 bytes cannot be bound
            _server_environ = {"": "no fork server"}  # never equal to os.environ: spawn from now on
            return spawn
        _server_environ = dict(os.environ)
        # Stopped and waited for at exit, like any child: its workers' time and memory then count
        # in this process's own (getrusage, wait4: what benchmarks/ measure).
        atexit.register(forkserver._forkserver._stop)
    return context if _server_environ == os.environ else spawn


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
    with main_module_hidden(), ProcessPoolExecutor(workers, mp_context=worker_context(), initializer=_start,
                                                    initargs=(func,)) as pool:
        return list(pool.map(_run, jobs, chunksize=max(16, len(jobs) // (workers * 8))))


@contextmanager
def main_module_hidden():
    """A new worker (spawned, or from the fork server) imports the parent's __main__ unless it has neither a spec nor a file.
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
