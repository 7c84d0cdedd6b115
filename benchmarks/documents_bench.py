"""公开信息 at real-site scale (issue 12): 500 items with 50,000 documents, beside plain Pelican.

    python3 benchmarks/documents_bench.py [DOCUMENTS] [--items 500] [--no-browser] [--profile]

In one run, each build in a fresh process (wall time; peak memory as ru_maxrss of the largest
process and as the summed RSS of the whole process tree, workers included, sampled every 50 ms):
  - ours, cold (no cache, no output): pages + search index;
  - ours, rebuild after changing one document (cache on, the previous output there to reuse);
  - plain Pelican, cold, the same bodies (items and documents) as ordinary articles;
  - plain Pelican, rebuild after changing one article (its content cache on);
then the bytes a browser fetches for each two-word query of benchmarks/search_bench.py (gzip), in
headless Chromium, unless --no-browser. --profile adds a cProfile of our cold build (main
process only: parsing runs in workers) and prints its top costs.
Budgets (issue 12): cold <= 1.0 x plain Pelican cold; one-document rebuild <= 25 % of cold; peak
memory <= 1.5 GB; search <= 150 KB per two-word query. Everything is written under
benchmarks/_work/ (git-ignored).
"""
from __future__ import annotations

import argparse
import os
import pstats
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_bench import PLAIN_CONF  # noqa: E402
from generate_catalogue import generate  # noqa: E402
from generate_documents import add_documents  # noqa: E402
from search_bench import QUERIES, WORK, measure, ours_in_browser, serve  # noqa: E402

from gongkai.frontmatter import read_source  # noqa: E402

PELICAN = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"]


def plain_project(ours: Path, dest: Path) -> Path:
    """Every item and document body of `ours` as an ordinary Pelican article."""
    if dest.exists():
        shutil.rmtree(dest)
    content = dest / "content"
    content.mkdir(parents=True)
    for i, path in enumerate(sorted((ours / "content/items").rglob("*.md"))):
        source = read_source(path, path.name)
        meta = source.meta
        title = meta.get("事项名称") or meta["标题"]
        (content / f"a{i:06d}.md").write_text(
            f"Title: {title}\nDate: {meta['发布日期']}\nCategory: {path.parent.name}\n"
            f"Slug: a{i:06d}\n\n{source.body}\n", encoding="utf-8")
    (dest / "pelicanconf.py").write_text(PLAIN_CONF, encoding="utf-8")
    return dest


def touch(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")


def one_document(root: Path) -> Path:
    files = sorted(p for p in (root / "content/items").rglob("*.md") if p.parent.with_suffix(".md").is_file())
    return files[len(files) // 2]


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def search_bytes(root: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    server, url = serve(root / "output")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            found = [ours_in_browser(browser, url, query) for query in QUERIES]
            browser.close()
    finally:
        server.shutdown()
    return found


def profile(root: Path, top: int = 25) -> None:
    shutil.rmtree(root / "output", ignore_errors=True)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    out = WORK / "documents-cold.prof"
    measure([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "pelican", "content", "-s", "pelicanconf.py"], root)
    print(f"\n== cProfile of our cold build (main process), top {top} by own time ==")
    pstats.Stats(str(out)).sort_stats("tottime").print_stats(top)
    print(f"\n== top {top} by cumulative time ==")
    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("documents", type=int, nargs="?", default=50_000)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-only", action="store_true", help="only the profile, of the catalogue generated before")
    args = parser.parse_args()
    if args.profile_only:
        return profile(WORK / f"documents-{args.documents}")
    root = generate(WORK / f"documents-{args.documents}", args.items, args.seed)
    written = add_documents(root, args.documents, args.seed)
    plain = plain_project(root, WORK / f"documents-{args.documents}-plain")
    print(f"{args.items} items, {written} documents; {os.cpu_count()} cores; load before: {load_avg()}", flush=True)
    rows = {}
    rows["ours cold (pages + search)"] = measure(PELICAN, root)
    print(f"  ours cold done, load {load_avg()}", flush=True)
    touch(one_document(root))
    rows["ours one-document rebuild"] = measure(PELICAN, root)
    rows["plain Pelican cold"] = measure(PELICAN, plain)
    print(f"  plain cold done, load {load_avg()}", flush=True)
    articles = sorted((plain / "content").glob("*.md"))
    touch(articles[len(articles) // 2])
    rows["plain one-article rebuild"] = measure(PELICAN, plain)
    print(f"\n== {args.items} items, {written} documents (load after: {load_avg()}) ==")
    for name, r in rows.items():
        print(f"{name:30s} {r['seconds']:8.1f} s wall {r['cpu']:8.1f} s CPU   "
              f"max process {r['maxrss_mb']:6.0f} MB   tree peak {r['tree_peak_mb']:6.0f} MB")
    cold, plain_cold = rows["ours cold (pages + search)"], rows["plain Pelican cold"]
    rebuild = rows["ours one-document rebuild"]
    for unit in ("seconds", "cpu"):
        print(f"[{unit}] cold / plain cold: {cold[unit] / plain_cold[unit]:.2f} (budget <= 1.0)   "
              f"one-document rebuild / cold: {rebuild[unit] / cold[unit]:.2f} (budget <= 0.25)")
    print(f"peak memory, tree: {max(r['tree_peak_mb'] for n, r in rows.items() if n.startswith('ours')):.0f} MB (budget <= 1536)")
    print(f"output: {sum(1 for _ in (root / 'output').rglob('*.html'))} HTML files")
    if not args.no_browser:
        queries = search_bytes(root)
        for q in queries:
            print(f"  search {q['query']:10s} {q['index_gz'] / 1024:6.1f} KB gz  {q['requests']:3d} requests  {q['status']}")
        print(f"search, max per query: {max(q['index_gz'] for q in queries) / 1024:.1f} KB (budget <= 150)")
    if args.profile:
        profile(root)


if __name__ == "__main__":
    main()
