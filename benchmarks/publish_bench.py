"""Publish benchmark: `invoke publish` of an output/ with N pages to a real S3 server on loopback
(`rclone serve s3`, as in the tests). Run by hand:

    python3 benchmarks/publish_bench.py 10000

Measures, each as `python3 -m invoke publish` in a fresh process (wall time): the first publish
(everything uploaded), a publish with nothing changed (listing + manifest only), and a publish after
one page changed. The pages are synthetic (10 KB of HTML each, one 200 KB attachment per 20 pages):
what is measured is the tool and the protocol, not the build. Loopback has no network latency, so
a real object store adds round trips; CONCURRENCY uploads run at once.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent



def _from_tests(name: str):
    """A helper module of the test suite (tests/ is not a package), loaded by path."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


copy_project = _from_tests("conftest").copy_project
RcloneS3 = _from_tests("s3_server").RcloneS3


def synthetic_output(output: Path, pages: int) -> None:
    body = "<p>" + "政务公开事项标准目录示例正文。" * 600 + "</p>"
    for n in range(pages):
        page = output / "items" / f"11530000MB0123456X-2024-{n:05d}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"<!doctype html><title>事项 {n}</title>{body}", encoding="utf-8")
        if n % 20 == 0:
            (output / "files").mkdir(exist_ok=True)
            (output / "files" / f"{n:016x}.pdf").write_bytes(os.urandom(200_000))
    (output / "index.html").write_text("<!doctype html><title>首页</title>", encoding="utf-8")


def timed_publish(root: Path, env: dict) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "invoke", "publish"], cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(result.stdout + result.stderr)
    print("   ", result.stdout.strip().splitlines()[-1])
    return elapsed


def main(sizes: list[int]) -> None:
    for pages in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            server = RcloneS3(tmp / "s3")
            try:
                server.client().create_bucket(Bucket="site")
                root = copy_project(tmp / "project", with_content=False)
                (root / "content").mkdir()
                synthetic_output(root / "output", pages)
                files = sum(1 for p in (root / "output").rglob("*") if p.is_file())
                env = dict(os.environ, GONGKAI_S3_ENDPOINT=server.endpoint, GONGKAI_S3_BUCKET="site",
                           GONGKAI_S3_PREFIX="bench", GONGKAI_S3_ADDRESSING="path",
                           AWS_ACCESS_KEY_ID=server.access_key, AWS_SECRET_ACCESS_KEY=server.secret_key)
                print(f"{files} files:")
                first = timed_publish(root, env)
                same = timed_publish(root, env)
                page = root / "output" / "items" / "11530000MB0123456X-2024-00007" / "index.html"
                page.write_text(page.read_text(encoding="utf-8") + "<p>更新</p>", encoding="utf-8")
                one = timed_publish(root, env)
                print(f"  first publish {first:.1f} s, nothing changed {same:.1f} s, one page changed {one:.1f} s")
            finally:
                server.stop()
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [2000])
