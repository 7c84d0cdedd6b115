"""Stress test of the build's output swap: many concurrent and killed builds. Run by hand:

    python3 benchmarks/stress_builds.py [ROUNDS] [SEED]

Builds the example catalogue in a throw-away copy, alternating between two versions of one item
(v1, v2), whose sites are first built from scratch as byte-for-byte references. Each round starts
one to three `pelican` builds, some a moment apart, some with the portable two-rename swap
(GONGKAI_TEST_FAULTS=no-exchange), and sends kill -9 to one of them at a random moment in its run.
After every round output/ must be exactly the v1 or the v2 reference (after a round in which
nothing was killed: the current version), or, only when a portable swap was killed between its
two renames, missing until the next build restores it. Prints the count of each outcome; the
slow test in tests/test_build_integrity.py runs the same with 20 rounds.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("schema", "theme", "plugins", "content", "pelicanconf.py", "publishconf.py", "tasks.py")
EPOCH = "1795406400"


def project(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=ignore)
        else:
            shutil.copy2(source, dest / part)
    return dest


def snapshot(output: Path) -> dict | None:
    if not output.is_dir():
        return None
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def item_path(root: Path) -> Path:
    """An item file to edit: the first public one in the example catalogue."""
    return next(p for p in sorted((root / "content/items").rglob("*.md")) if "公开对象: 内部" not in p.read_text(encoding="utf-8"))


def set_version(root: Path, version: int) -> None:
    path = item_path(root)
    text = path.read_text(encoding="utf-8").replace("（压力测试第二版）", "")
    if version == 2:
        lines = text.splitlines(keepends=True)
        text = "".join(line.rstrip("\n") + "（压力测试第二版）\n" if line.startswith("事项名称: ") else line for line in lines)
    path.write_text(text, encoding="utf-8")


def start(root: Path, portable: bool) -> subprocess.Popen:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **({"GONGKAI_TEST_FAULTS": "no-exchange"} if portable else {}))
    return subprocess.Popen([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def build(root: Path) -> float:
    began = time.monotonic()
    proc = start(root, portable=False)
    err = proc.communicate()[1]
    if proc.returncode:
        raise SystemExit(f"reference build failed: {err.decode()[-2000:]}")
    return time.monotonic() - began


def stress(rounds: int = 20, work: Path | None = None, seed: int = 0) -> dict:
    rnd = random.Random(seed)
    work = Path(work or tempfile.mkdtemp(prefix="gongkai-stress-"))
    env_cache = os.environ.get("XDG_CACHE_HOME")
    os.environ.setdefault("XDG_CACHE_HOME", str(work / "user-cache"))
    refs, seconds = {}, 0.0
    for version in (1, 2):
        ref = project(work / f"reference{version}")
        set_version(ref, version)
        seconds = build(ref)
        refs[version] = snapshot(ref / "output")
    root = project(work / "stressed")
    set_version(root, 1)
    build(root)
    counts, violations = Counter(), []
    version = 1
    for number in range(rounds):
        version = rnd.choice((1, 2))
        set_version(root, version)
        builds = rnd.randint(1, 3)
        portable = [rnd.random() < 0.5 for _ in range(builds)]
        procs = []
        for i in range(builds):
            procs.append(start(root, portable[i]))
            time.sleep(rnd.uniform(0, 0.5))
        victim = rnd.randrange(builds) if rnd.random() < 0.8 else None
        if victim is not None:
            time.sleep(rnd.uniform(0, seconds * 1.3))
            procs[victim].send_signal(signal.SIGKILL)
        codes = [p.wait() for p in procs]
        errors = [p.stderr.read().decode("utf-8", "replace") for p in procs]
        state = snapshot(root / "output")
        outcome = next((f"v{v}" for v, ref in refs.items() if state == ref), "missing" if state is None else "OTHER")
        killed = victim is not None and codes[victim] == -signal.SIGKILL
        counts[f"{builds} build(s), {'one killed' if killed else 'none killed'} -> {outcome}"] += 1
        others_ok = all(code == 0 for i, code in enumerate(codes) if not (killed and i == victim))
        if not others_ok:
            violations.append((number, "a build that was not killed failed", codes, errors))
        if outcome == "OTHER":
            violations.append((number, "output/ is neither whole site", codes, errors))
        elif outcome == "missing" and not (killed and portable[victim]):
            violations.append((number, "output/ missing without a killed portable swap", codes, errors))
        elif not killed and outcome != f"v{version}":
            violations.append((number, f"output/ is not the current version v{version}", codes, errors))
    build(root)  # the last word: a clean build restores and publishes the current version
    if snapshot(root / "output") != refs[version]:
        violations.append(("final", "a clean build did not publish the current version", [], []))
    if env_cache is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    return {"rounds": rounds, "counts": dict(sorted(counts.items())), "violations": violations,
            "build_seconds": round(seconds, 2)}


def main(argv: list[str]) -> None:
    rounds = int(argv[0]) if argv else 20
    seed = int(argv[1]) if len(argv) > 1 else 0
    with tempfile.TemporaryDirectory() as tmp:
        result = stress(rounds, Path(tmp), seed)
    print(f"{result['rounds']} rounds (one build ≈ {result['build_seconds']} s):")
    for outcome, count in result["counts"].items():
        print(f"  {count:3d} × {outcome}")
    print(f"violations: {len(result['violations'])}")
    for violation in result["violations"]:
        print("  ", violation[:3], "\n".join(violation[3])[-1500:] if violation[3] else "")
    sys.exit(1 if result["violations"] else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
