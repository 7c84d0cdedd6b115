"""Run a function on untrusted files in worker processes that can be stopped: each job has a time
limit, each worker a memory limit, and a worker that hangs, runs out of memory or dies takes
only its own job with it.

A library reading a hostile file may loop for minutes or allocate gigabytes before it fails;
neither may hang or crash a build. Workers start as every worker does (nothing inherited but
the function: gongkai.parallel.worker_context), kept for the next job while they behave, and replaced when one is
stopped. Results come back in the order of the jobs.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from multiprocessing.connection import wait

OK, TIMEOUT, CRASHED, MEMORY, FAILED = "ok", "timeout", "crashed", "memory", "failed"
STARTED = "started"
MAX_WORKERS = 4
# A job's time limit runs from the moment its worker starts on it; a new worker first imports its
# libraries, which on a busy machine takes seconds. It gets this long before it counts as hung.
STARTUP_LIMIT = 300


@dataclass(frozen=True)
class Outcome:
    status: str        # OK, TIMEOUT (stopped after the time limit), CRASHED (the worker died),
    value: object = None  # MEMORY (over the memory limit) or FAILED (raised: value is the exception's name)
    seconds: float = 0.0


def run_isolated(func, jobs: list, time_limit: float, memory_limit: int | None = None,
                 workers: int | None = None) -> list[Outcome]:
    """[func(job) for job in jobs], each in a worker process, each stopped after `time_limit` seconds."""
    if not jobs:
        return []
    count = max(1, min(workers or os.cpu_count() or 1, MAX_WORKERS, len(jobs)))
    from gongkai.parallel import main_module_hidden, worker_context

    context = worker_context()
    results: list[Outcome | None] = [None] * len(jobs)
    queue = list(range(len(jobs)))[::-1]
    running: dict = {}  # connection -> (process, job index, deadline, when the job started)
    with main_module_hidden():
        try:
            for _ in range(count):
                _assign(_start(context, func, memory_limit), queue, jobs, running)
            while running:
                _collect(running, results, queue, jobs, time_limit, lambda: _start(context, func, memory_limit))
        finally:
            for conn, (process, *_rest) in list(running.items()):
                _stop(process, conn)
    return results


def _start(context, func, memory_limit):
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child, func, memory_limit), daemon=True)
    process.start()
    child.close()
    return process, parent


def _assign(worker, queue: list, jobs: list, running: dict) -> None:
    process, conn = worker
    if not queue:
        _stop(process, conn)
        return
    index = queue.pop()
    conn.send(jobs[index])
    now = time.monotonic()
    running[conn] = (process, index, now + STARTUP_LIMIT, now)


def _collect(running: dict, results: list, queue: list, jobs: list, time_limit: float, restart) -> None:
    """Wait for the next message or the next deadline; a stopped worker is replaced."""
    nearest = min(deadline for _p, _i, deadline, _s in running.values())
    for conn in wait(list(running), timeout=max(0.0, nearest - time.monotonic())):
        process, index, _deadline, started = running.pop(conn)
        try:
            status, value = conn.recv()
        except (EOFError, OSError):  # the worker died (killed by the system, a crash in C code)
            results[index] = Outcome(CRASHED, None, time.monotonic() - started)
            _stop(process, conn)
            _assign(restart(), queue, jobs, running)
            continue
        if status == STARTED:  # the clock of this job starts now
            now = time.monotonic()
            running[conn] = (process, index, now + time_limit, now)
            continue
        results[index] = Outcome(status, value, time.monotonic() - started)
        _assign((process, conn), queue, jobs, running)
    now = time.monotonic()
    for conn, (process, index, deadline, started) in list(running.items()):
        if now >= deadline:
            running.pop(conn)
            _stop(process, conn)
            results[index] = Outcome(TIMEOUT, None, now - started)
            _assign(restart(), queue, jobs, running)


def _stop(process, conn) -> None:
    try:
        conn.send(None)
    except (OSError, ValueError):
        pass
    conn.close()
    process.join(0.05)
    if process.is_alive():
        process.kill()
        process.join()


def _serve(conn, func, memory_limit) -> None:
    """A worker: jobs in, (status, value) out, until told to stop."""
    import logging
    import warnings

    _limit_memory(memory_limit)
    # Libraries complain about odd files (pypdf, openpyxl): the verdict is ours to report, in Chinese.
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            conn.send((STARTED, None))
            reply = (OK, func(job))
        except MemoryError:
            reply = (MEMORY, None)
        except Exception as exc:  # noqa: BLE001 - reported for this job; the worker goes on
            reply = (FAILED, type(exc).__name__)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def _limit_memory(limit: int | None) -> None:
    """Address-space limit where the system has one (Linux, macOS); Windows relies on the time limit."""
    if not limit:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
