"""How a build's worker processes start (gongkai.parallel.worker_context): from a fork server that
imported the build's modules once, where the system has one; spawned otherwise, and whenever the
environment has changed since the server started; the server waited for at exit, so its workers'
time counts in the build process's own (what benchmarks/ measure with wait4)."""
from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import subprocess
import sys
import time
from multiprocessing import forkserver
from pathlib import Path

import pytest

from gongkai import parallel

REPO = Path(__file__).resolve().parents[1]
needs_forkserver = pytest.mark.skipif("forkserver" not in multiprocessing.get_all_start_methods(),
                                      reason="no fork server on this system (Windows): workers are spawned")


def loaded(module: str) -> bool:
    """In a worker: whether `module` was imported before the job came."""
    return module in sys.modules


def variable(name: str) -> str | None:
    return os.environ.get(name)


def burn(seconds: float) -> float:
    """In a worker: CPU time spent, as the worker's own clock measures it."""
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
    return time.process_time() - start


@pytest.fixture
def fresh_server(monkeypatch):
    """No fork server running yet: the next worker_context() starts one with today's environment."""
    forkserver._forkserver._stop()
    monkeypatch.setattr(parallel, "_server_environ", None)
    monkeypatch.setattr(parallel, "MIN_JOBS_PER_WORKER", 1)
    monkeypatch.setattr(parallel.os, "cpu_count", lambda: 2)


@needs_forkserver
def test_a_worker_starts_with_the_build_modules_already_imported(fresh_server):
    assert parallel.worker_context().get_start_method() == "forkserver"
    # Neither this module nor the function sent imports Whoosh: only the server's preload does.
    assert parallel.run_all(loaded, ["gongkai.search.whoosh_index", "whoosh.codec.whoosh3"]) == [True, True]


@needs_forkserver
def test_a_variable_set_after_the_server_started_reaches_the_workers(fresh_server, monkeypatch):
    parallel.worker_context()  # the server starts
    monkeypatch.setenv("GONGKAI_WORKER_PROBE", "设置于服务进程启动之后")
    assert parallel.worker_context().get_start_method() == "spawn"
    assert parallel.run_all(variable, ["GONGKAI_WORKER_PROBE"] * 2) == ["设置于服务进程启动之后"] * 2


@needs_forkserver
def test_a_fork_server_that_cannot_start_means_spawned_workers(fresh_server, monkeypatch, tmp_path):
    # Its socket is made in the temporary folder; a path this long cannot be bound (AF_UNIX path
    # too long), as under a TMPDIR deep in a user's folders.
    deep = tmp_path / ("很长的临时文件夹名称" * 6)
    deep.mkdir()
    monkeypatch.setattr(multiprocessing.util, "get_temp_dir", lambda: str(deep))
    assert parallel.worker_context().get_start_method() == "spawn"
    assert parallel.run_all(variable, ["HOME"] * 2) == [os.environ.get("HOME")] * 2


@needs_forkserver
def test_one_background_worker_does_not_wait_for_a_server_to_start(fresh_server):
    """The search process of a rebuild (no parse workers): starting a worker from a server that is
    still importing would hold the build up, so it is spawned; once a server runs, it is used."""
    assert parallel.worker_context(background=True).get_start_method() == "spawn"
    assert parallel._server_environ is None  # no server was started for it
    assert parallel.worker_context().get_start_method() == "forkserver"
    assert parallel.worker_context(background=True).get_start_method() == "forkserver"


def test_without_a_fork_server_workers_are_spawned(monkeypatch):
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert parallel.worker_context().get_start_method() == "spawn"


BURNING = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from gongkai import parallel
import test_workers
parallel.MIN_JOBS_PER_WORKER = 1
print(sum(parallel.run_all(test_workers.burn, [0.4, 0.4])))
"""


@needs_forkserver
def test_the_workers_time_counts_in_the_time_of_the_process_that_ran_them():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    process = subprocess.Popen([sys.executable, "-c", BURNING, str(REPO / "plugins"), str(REPO / "tests")],
                               stdout=subprocess.PIPE, env=env, cwd=REPO)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    burnt = float(process.stdout.read())
    process.stdout.close()
    assert process.returncode == 0
    # The workers are the fork server's children: counted only if the server was waited for.
    assert usage.ru_utime + usage.ru_stime >= burnt >= 0.8
