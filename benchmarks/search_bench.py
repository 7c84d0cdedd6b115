"""Search benchmark (issue 4 §4): our index beside Pagefind 1.5 extended, on the same built site.

    python3 benchmarks/search_bench.py [N] [--seed S] [--no-vary]

1. A catalogue of N items (default 10,000) from benchmarks/generate_catalogue.py, with the
   search index enabled (GONGKAI_SEARCH). Unless --no-vary, every item then gets varied numbers, a town in
   some titles and a list of personal and village names in its body (see vary()): the generator
   repeats ~80 example items, which compresses unrealistically well.
2. Full Pelican build (for the browser and for Pagefind).
3. Our index build alone, in a fresh process: catalogue loading, then Whoosh + export + writing,
   timed separately; peak memory as ru_maxrss (wait4) and as the summed RSS of the process tree.
4. Headless Chromium (Playwright, /usr/bin/chromium) loads /search/?q=<query> for typical
   two-word queries in a fresh context each: bytes fetched (gzip level 6 of each response body,
   what a compressing server sends) and the time from shards arrived to results rendered
   (GongkaiSearch.lastTiming.afterShards, i.e. ranking + rendering, without the record fetch).
5. Pagefind 1.5 extended, installed into a venv under benchmarks/_work/ (never into
   requirements): `python -m pagefind --site output` timed the same way; index size; bytes per
   query from /pagefind/pagefind.js: search() plus data() of the first 10 results.
Everything is written under benchmarks/_work/ (git-ignored). Prints a table; numbers go into
benchmarks/README-search.md by hand.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"

# Typical two-word queries whose words occur in the generated catalogue (its templates).
QUERIES = ["低保 标准", "养老机构 等级", "公积金 缴存", "采购 结果", "医疗保险 缴费",
           "创业 补贴", "三公经费 预算", "部门预算 公开",
           # typed as people type (issue 13): no spaces, years run into the words, a partial match
           "2024年部门预算", "低保名单", "社保", "公积金 量子"]
CHROMIUM = "/usr/bin/chromium"
EPOCH = "1795406400"  # the tests' fixed build date

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
            "石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉海燕文斌辉鹏飞宇晨浩然轩雨欣梓涵思彤宏亮春梅淑珍德胜永福凤琴"
         "云松柏林晓东")
PLACE = "东西南北上下中新大小前后高长青石水山河湖江桥岭坪坝湾沟塘庄寨屯堡铺岗坡林竹松柏杨柳桃李梅花龙凤云星金银玉宝安和平丰盛兴旺"


# ---------- the catalogue ----------

def vary(root: Path, seed: int) -> None:
    """Make the generated items less alike, as real ones are: other numbers, a town in some
    titles, and each body ends with names of people and villages (as 公示 lists do)."""
    rnd = random.Random(seed)
    towns = ["".join(rnd.sample(PLACE, 2)) + rnd.choice("镇乡") for _ in range(30)]
    for path in sorted((root / "content/items").rglob("*.md")):
        _fence, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        if rnd.random() < 0.4:
            front = re.sub(r"^事项名称: (.+)$", lambda m: f"事项名称: {rnd.choice(towns)}{m.group(1)}", front, count=1, flags=re.M)
        # every digit, except masked numbers (138****1234) and area codes (0879-): new digits there
        # may make what the 保密审查 reads as a mobile number, and the build would (rightly) stop
        body = re.sub(r"\d+\*+\d+|(?<!\d)0\d{2,3}-|\d",
                      lambda m: m.group() if len(m.group()) > 1 else rnd.choice("0123456789"), body)
        names = "、".join(name(rnd) for _ in range(rnd.randint(3, 12)))
        village = "".join(rnd.sample(PLACE, 2)) + rnd.choice(["村", "社区"])
        body += f"\n公示对象：{names}（{rnd.choice(towns)}{village}）。联系人：{name(rnd)}，电话0879-{rnd.randint(1000000, 9999999)}。\n"
        path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def name(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))


def enable_search(root: Path) -> None:
    conf = root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") +
                    '\nGONGKAI_SEARCH = True  # the search page and index (on by default)\n', encoding="utf-8")


# ---------- processes: time and memory ----------

def tree_rss_kb(root_pid: int) -> int:
    """Summed RSS of a process and all its descendants (from /proc)."""
    parents, rss = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat[1])
            found = re.search(r"VmRSS:\s+(\d+)", status)
            rss[int(entry)] = int(found.group(1)) if found else 0
    family, changed = {root_pid}, True
    while changed:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        changed = bool(more)
    return sum(rss.get(pid, 0) for pid in family)


def settle(folder: Path, limit: float = 120.0) -> None:
    """Each build measured starts on a quiet machine: the build before it has finished deleting
    the output it replaced (gongkai.output deletes it in the background, after the build has
    returned, so the editor never waits for it) and the kernel has written its files to disk.
    Without this, a build measured right after a large one shares the disk and the second core
    with that clean-up."""
    deadline = time.monotonic() + limit
    while any(Path(folder).glob("*.trash-*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.sync()


def measure(cmd: list[str], cwd: Path) -> dict:
    """Wall time, CPU time (user + system of the process and every worker it waited for: the fair
    number on a shared, loaded machine), ru_maxrss from wait4 (the largest single process of the
    run) and the peak of the summed RSS of the whole process tree (workers included), sampled every
    50 ms. The one measurement of every build benchmark (build_bench, documents_bench)."""
    import tempfile

    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    settle(cwd)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        peak, done = [0], threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss_kb(proc.pid))
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err.read()[-3000:]}")
        return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_mb": usage.ru_maxrss / 1024,
                "tree_peak_mb": peak[0] / 1024, "stdout": out.read()}


def index_only(root: Path, out: Path) -> None:
    """Run in a child process: load the project, then build and write our index, timed apart."""
    from gongkai.project import load_project
    from gongkai.search.export import build_search_data, export
    from gongkai.search.find import documents
    from gongkai.settings import read_project_settings

    start = time.perf_counter()
    project = load_project(read_project_settings(root))
    assert not project.problems, project.problems[:3]
    loaded = time.perf_counter()
    rss_loaded = int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))
    items = documents(project)
    files = export(build_search_data(items), project.catalogue, project.synonyms, project.freshness,
                   project.vocabulary)
    for rel, content in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(content)
    finished = time.perf_counter()
    print(json.dumps({"load_s": loaded - start, "index_s": finished - loaded, "rss_after_load_mb": rss_loaded / 1024,
                      "files": len(files), "bytes": sum(map(len, files.values())), "docs": len(items)}))


# ---------- the browser ----------

class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def gz(body: bytes) -> int:
    return len(gzip.compress(body, 6))


def fetched(page_actions, browser, prefix: str) -> tuple[dict, list]:
    """Run page_actions(page) in a fresh context; (its return value, [(url, raw, gz)] under prefix)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    value = page_actions(page)
    files = []
    for r in responses:
        if r.url.startswith(prefix) and r.status == 200:
            body = r.body()
            files.append((r.url, len(body), gz(body)))
    context.close()
    return value, files


def ours_in_browser(browser, url: str, query: str) -> dict:
    def run(page):
        page.goto(f"{url}/search/?q={query}")
        page.wait_for_selector("#search[data-state=done]", timeout=60000)
        return {"timing": page.evaluate("GongkaiSearch.lastTiming"),
                "status": page.inner_text("#search-status")}

    value, files = fetched(run, browser, url)
    index = [f for f in files if "/search/" in f[0] and f[0].endswith(".json")]
    return {"query": query, "index_gz": sum(f[2] for f in index), "all_gz": sum(f[2] for f in files),
            "requests": len(index), "render_ms": value["timing"]["afterShards"], "status": value["status"]}


def pagefind_in_browser(browser, url: str, query: str) -> dict:
    def run(page):
        page.goto(f"{url}/404.html")
        return page.evaluate("""async (q) => {
            const t0 = performance.now();
            const pagefind = await import('/pagefind/pagefind.js');
            await pagefind.init();
            const search = await pagefind.search(q);
            const data = await Promise.all(search.results.slice(0, 10).map(r => r.data()));
            return {count: search.results.length, ms: performance.now() - t0, first: data.length ? data[0].meta.title : ''};
        }""", query)

    value, files = fetched(run, browser, url + "/pagefind/")
    return {"query": query, "index_gz": sum(f[2] for f in files), "requests": len(files),
            "count": value["count"], "ms": value["ms"], "first": value["first"]}


# ---------- Pagefind ----------

def pagefind_python() -> Path | None:
    """A venv under benchmarks/_work/ with pagefind[extended]; None (and why) if it cannot be made."""
    venv = WORK / "pagefind-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run([str(python), "-c", "import pagefind_bin_extended"], capture_output=True)
    if probe.returncode:
        install = subprocess.run([str(python), "-m", "pip", "install", "-q", "pagefind[extended]==1.5.*"],
                                 capture_output=True, text=True)
        if install.returncode:
            print("Pagefind could not be installed:", install.stderr[-1000:])
            return None
    return python


def folder_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


# ---------- main ----------

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-vary", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="index builds per tool; the fastest is reported")
    parser.add_argument("--index-only", nargs=2, metavar=("ROOT", "OUT"))
    parser.add_argument("--no-pagefind", action="store_true", help="measure our index only")
    args = parser.parse_args()
    if args.index_only:
        return index_only(Path(args.index_only[0]), Path(args.index_only[1]))
    from generate_catalogue import generate

    root = generate(WORK / f"search-{args.n}", args.n, args.seed)
    enable_search(root)
    if not args.no_vary:
        vary(root, args.seed)
    report = {"n": args.n, "varied": not args.no_vary}
    build = measure([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"], root)
    report["pelican_build_s"] = build["seconds"]
    ours = [measure([sys.executable, str(Path(__file__).resolve()), "--index-only", str(root), str(WORK / "index-only")], root)
            for _ in range(args.repeat)]
    report["ours_index"] = best(ours, lambda r: json.loads(r["stdout"])["index_s"])
    report["ours_index"].update(json.loads(report["ours_index"].pop("stdout")))
    report["ours_index_all_s"] = [json.loads(r["stdout"])["index_s"] for r in ours]
    report["ours_tree_peak_max_mb"] = max(r["tree_peak_mb"] for r in ours)
    report["ours_size"] = folder_size(root / "output/search")
    report["ours_size_gz"] = sum(gz(p.read_bytes()) for p in (root / "output/search").rglob("*") if p.is_file())
    python = None if args.no_pagefind else pagefind_python()
    if python:
        runs = [measure([str(python), "-m", "pagefind", "--site", "output"], root) for _ in range(args.repeat)]
        report["pagefind_index"] = best(runs, lambda r: r["seconds"])
        report["pagefind_index_all_s"] = [r["seconds"] for r in runs]
        report["pagefind_tree_peak_max_mb"] = max(r["tree_peak_mb"] for r in runs)
        report["pagefind_size"] = folder_size(root / "output/pagefind")
    report.update(browse(root, bool(python)))
    print(json.dumps(report, ensure_ascii=False, indent=1))
    print_table(report)


def best(runs: list[dict], key) -> dict:
    """The fastest run (the machine may be shared; the others are listed beside it)."""
    return dict(min(runs, key=key))


def browse(root: Path, with_pagefind: bool) -> dict:
    from playwright.sync_api import sync_playwright

    server, url = serve(root / "output")
    result = {"ours_queries": [], "pagefind_queries": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for query in QUERIES:
                result["ours_queries"].append(ours_in_browser(browser, url, query))
                if with_pagefind:
                    result["pagefind_queries"].append(pagefind_in_browser(browser, url, query))
            browser.close()
    finally:
        server.shutdown()
    return result


def print_table(r: dict) -> None:
    ours, idx = r["ours_queries"], r["ours_index"]
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    print(f"\n{r['n']} items{' (varied)' if r['varied'] else ''}; full Pelican build {r['pelican_build_s']:.1f} s")
    print(f"index build runs (s): ours {r['ours_index_all_s']}, Pagefind {r.get('pagefind_index_all_s')}")
    print(f"{'':34s}{'ours':>16s}{'Pagefind 1.5 ext':>20s}")
    pf_idx = r.get("pagefind_index")
    rows = [
        ("index build time (s, fastest)", f"{idx['index_s']:.1f} (+{idx['load_s']:.1f} load)", pf_idx and f"{pf_idx['seconds']:.1f}"),
        ("peak memory, tree sum (MB, max)", f"{r['ours_tree_peak_max_mb']:.0f}",
         pf_idx and f"{r['pagefind_tree_peak_max_mb']:.0f}"),
        ("  of which catalogue loaded (MB)", f"{idx['rss_after_load_mb']:.0f}", "—"),
        ("peak memory, ru_maxrss (MB)", f"{idx['maxrss_mb']:.0f}", pf_idx and f"{pf_idx['maxrss_mb']:.0f}"),
        ("index files / size (MB)", f"{r['ours_size'][0]} / {r['ours_size'][1] / 1e6:.1f}",
         r.get("pagefind_size") and f"{r['pagefind_size'][0]} / {r['pagefind_size'][1] / 1e6:.1f}"),
        ("bytes per query, gz (KB, mean)", f"{mean([q['index_gz'] for q in ours]) / 1024:.1f}",
         r["pagefind_queries"] and f"{mean([q['index_gz'] for q in r['pagefind_queries']]) / 1024:.1f}"),
        ("bytes per query, gz (KB, max)", f"{max(q['index_gz'] for q in ours) / 1024:.1f}",
         r["pagefind_queries"] and f"{max(q['index_gz'] for q in r['pagefind_queries']) / 1024:.1f}"),
        ("render after shards (ms, max)", f"{max(q['render_ms'] for q in ours):.1f}", "—"),
    ]
    for label, a, b in rows:
        print(f"{label:34s}{a:>16s}{(b or 'n/a'):>20s}")
    print("\nper query (ours: index KB gz / requests / render ms / status; Pagefind: KB gz / requests / results)")
    for i, q in enumerate(ours):
        pf = r["pagefind_queries"][i] if r["pagefind_queries"] else None
        line = f"  {q['query']:10s} {q['index_gz'] / 1024:6.1f} KB {q['requests']:3d} req {q['render_ms']:6.1f} ms  {q['status']}"
        if pf:
            line += f" | {pf['index_gz'] / 1024:6.1f} KB {pf['requests']:3d} req {pf['count']} results"
        print(line)


if __name__ == "__main__":
    main()
