"""Validation speed on a generated catalogue (issue: foundation). Run by hand:

    python3 benchmarks/validate_bench.py 10000

Reports seconds and items per second for a cold validation (no cache), and checks that the
schema validator was compiled once.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from generate_catalogue import generate  # noqa: E402

from gongkai import schema  # noqa: E402
from gongkai.catalogue import Paths, load_catalogue  # noqa: E402


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "catalogue", n)
        schema.compiled.cache_clear()
        start = time.perf_counter()
        catalogue, problems = load_catalogue(Paths.for_root(root))
        seconds = time.perf_counter() - start
        assert not problems, problems[:5]
        info = schema.compiled.cache_info()
        print(f"items: {len(catalogue.items)}  seconds: {seconds:.2f}  items/s: {len(catalogue.items) / seconds:.0f}  "
              f"schema compilations: {info.misses}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
