"""Full-build benchmark: our catalogue build beside plain Pelican on the same bodies. Run by hand:

    python3 benchmarks/build_bench.py --repeat 2 2000 10000

For each size N it generates a catalogue (benchmarks/generate_catalogue.py), then measures in the
same run, each in a fresh process (wall time and peak RSS from wait4):
  - ours, cold (no cache), without and with the search index (plain Pelican builds no search);
  - ours, rebuild after changing one item (cache on, the previous output there to reuse);
  - plain Pelican, cold, the same bodies as ordinary articles (its default theme);
  - plain Pelican, rebuild after changing one article (CACHE_CONTENT and LOAD_CONTENT_CACHE on).
Each row starts once the previous build's background clean-up is over (search_bench.settle).
Budgets (issue 15): ours cold with search <= 0.8 x plain Pelican cold, at 2,000 and at 10,000
items; one-item rebuild with search <= 20 % of our cold build at 10,000; peak memory <= 1.5 x
plain Pelican's. The machine is shared: only ratios measured in the same run mean anything, so
the load average is printed beside them.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

from generate_catalogue import generate  # noqa: E402
from search_bench import measure as measured  # noqa: E402
from search_bench import settle  # noqa: E402

from gongkai.frontmatter import read_source  # noqa: E402

PLAIN_CONF = """
PATH = "content"
OUTPUT_PATH = "output"
SITENAME = "plain"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = ".cache"
"""


def measure(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak MB of the largest process) of one build (search_bench.measure)."""
    result = measured(cmd, cwd)
    return result["seconds"], result["maxrss_mb"]


def plain_project(ours: Path, dest: Path) -> Path:
    """The same bodies as ordinary Pelican articles."""
    content = dest / "content"
    content.mkdir(parents=True)
    for i, path in enumerate(sorted((ours / "content/items").rglob("*.md"))):
        source = read_source(path, path.name)
        meta = source.meta
        (content / f"a{i:05d}.md").write_text(
            f"Title: {meta['事项名称']}\nDate: {meta['发布日期']}\nCategory: {meta['一级事项']}\n"
            f"Slug: a{i:05d}\n\n{source.body}\n", encoding="utf-8")
    (dest / "pelicanconf.py").write_text(PLAIN_CONF, encoding="utf-8")
    return dest


def touch_one(files: list[Path]) -> None:
    target = files[len(files) // 2]
    target.write_text(target.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")


# The same site without the search index: plain Pelican builds no search, so this is the like-for-like row.
NO_SEARCH_CONF = """from pelicanconf import *  # noqa
GONGKAI_SEARCH = False
CACHE_PATH = ".cache-nosearch"
OUTPUT_PATH = "output-nosearch"
"""


def fresh(project: Path, *names: str) -> None:
    """A cold build: no output, no cache and no kept folders (output.frame-*, gongkai/output.py)
    of an earlier round."""
    for name in names:
        shutil.rmtree(project / name, ignore_errors=True)
        for frame in project.glob(f"{name}.frame-*"):
            shutil.rmtree(frame, ignore_errors=True)


def run(n: int, work: Path, repeat: int = 1) -> dict:
    """Every row measured `repeat` times, the rows interleaved (ours, plain, ours …), the fastest
    kept: on a shared machine the load moves between rows, and the minimum is the least disturbed."""
    ours = generate(work / f"ours-{n}", n)
    (ours / "nosearchconf.py").write_text(NO_SEARCH_CONF, encoding="utf-8")
    plain = plain_project(ours, work / f"plain-{n}")
    pelican = [sys.executable, "-m", "pelican", "content", "-s"]
    rounds: dict[str, list] = {}

    def keep(name, result):
        rounds.setdefault(name, []).append(result)

    for _round in range(repeat):
        fresh(ours, ".cache-nosearch", "output-nosearch")
        keep("ours cold (pages only)", measure(pelican + ["nosearchconf.py"], ours))
        fresh(plain, ".cache", "output")
        keep("plain cold", measure(pelican + ["pelicanconf.py"], plain))
        fresh(ours, ".cache", "output")
        keep("ours cold (with search)", measure(pelican + ["pelicanconf.py"], ours))
        touch_one(sorted((ours / "content/items").rglob("*.md")))
        keep("ours rebuild (pages only)", measure(pelican + ["nosearchconf.py"], ours))
        touch_one(sorted((plain / "content").glob("*.md")))
        keep("plain one-item rebuild", measure(pelican + ["pelicanconf.py"], plain))
        touch_one(sorted((ours / "content/items").rglob("*.md")))
        keep("ours rebuild (with search)", measure(pelican + ["pelicanconf.py"], ours))
    settle(ours)  # the last build's background clean-up, before the temporary folder goes
    return {name: (min(s for s, _m in results), min(m for _s, m in results)) for name, results in rounds.items()}


def main(sizes: list[int], repeat: int = 1) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            r = run(n, Path(tmp), repeat)
            print(f"\n== {n} items (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs) ==")
            for name, (seconds, mb) in r.items():
                print(f"{name:28s} {seconds:7.1f} s  {mb:7.0f} MB")
            plain_s, plain_mb = r["plain cold"]
            for variant in ("pages only", "with search"):
                (cold, mb), rebuild = r[f"ours cold ({variant})"], r[f"ours rebuild ({variant})"][0]
                print(f"{variant:12s} cold / plain cold: {cold / plain_s:.2f} (budget <= 0.80)   "
                      f"one-item rebuild / cold: {rebuild / cold:.2f} (budget <= 0.20)   "
                      f"peak memory / plain: {mb / plain_mb:.2f} (budget <= 1.50)")


if __name__ == "__main__":
    # python3 benchmarks/build_bench.py [--repeat R] N ...
    args = sys.argv[1:]
    repeat = int(args.pop(args.index("--repeat") + 1)) if "--repeat" in args else 1
    args = [a for a in args if a != "--repeat"]
    main([int(a) for a in args] or [2000, 10000], repeat)
