"""保密审查 speed on a generated catalogue. Run by hand:

    python3 benchmarks/secrecy_bench.py 10000

Generates N items (benchmarks/generate_catalogue.py), loads them once, then times the scan of every
item (front matter, body, acknowledgements) as validate and the build run it, cold (first call: the
normalisation learns each character once per process) and warm.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from generate_catalogue import generate  # noqa: E402

from gongkai.catalogue import Paths, load_catalogue  # noqa: E402
from gongkai.secrecy import scan_item  # noqa: E402


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "catalogue", n)
        catalogue, problems = load_catalogue(Paths.for_root(root))
        assert not problems, problems[:5]
        chars = sum(len(i.body) + len(str(i.meta)) for i in catalogue.items)
        for label in ("cold", "warm"):
            start = time.perf_counter()
            findings = [f for item in catalogue.items for f in scan_item(item)]
            seconds = time.perf_counter() - start
            print(f"{label}: items {len(catalogue.items)}  characters {chars}  seconds {seconds:.2f}  "
                  f"items/s {len(catalogue.items) / seconds:.0f}  findings {len(findings)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
