"""What the resource limits (plugins/gongkai/limits.py) cost, and how fast hostile files are
refused (issue 9). Run by hand:

    python3 benchmarks/limits_bench.py 1000

Prints, per item of a generated catalogue (CPU time, best of 5): the reading checks (size, raw
characters, YAML anchors and depth), the body checks, and rendering with and without the
render guard; then the time to read and refuse each example in tests/examples/refused/ (each
used to take seconds to minutes, or crashed).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from generate_catalogue import generate  # noqa: E402

from gongkai import limits  # noqa: E402
from gongkai.catalogue import ItemWork  # noqa: E402
from gongkai.frontmatter import parse_text  # noqa: E402
from gongkai.render import BodyRenderer  # noqa: E402


def best_us(func, count: int, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times) / count * 1e6


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "catalogue", n)
        files = sorted((root / "content/items").rglob("*.md"))
        texts = [path.read_text(encoding="utf-8") for path in files]
        fronts = [text.split("\n---\n", 1)[0][4:] for text in texts]
        bodies = [text.split("\n---\n", 1)[1] for text in texts]
        renderer = BodyRenderer()
        rows = {
            "read_bounded (size limit)": lambda: [limits.read_bounded(p, "x") for p in files],
            "raw characters + YAML anchors/depth": lambda: [
                (limits.unreadable_lines(f.split("\n"), 2, "x"), limits.yaml_structure(f, 2, "x")) for f in fronts],
            "body checks": lambda: [limits.body_problems(b, 1, "x") for b in bodies],
            "parse_text (all reading checks)": lambda: [parse_text(t, "x") for t in texts],
            "render": lambda: [renderer.render(b) for b in bodies],
            "render inside the guard": lambda: [limits.render_checked(renderer.render, b, 1, "x") for b in bodies],
        }
        print(f"== {len(files)} generated items, CPU microseconds per item (best of 5) ==")
        for name, func in rows.items():
            print(f"{name:40s} {best_us(func, len(files)):8.1f}")
    print("== refused examples: read, checked (schema, per-item checks) and refused in ==")
    work = ItemWork(str(ROOT / "schema/item.schema.json"), render=True,
                    checks=("secrecy:item_problems", "freshness.limits:item_problems"))
    work((ROOT / "tests/examples/minimal_item.md", "warm-up"))
    for path in sorted((ROOT / "tests/examples/refused").glob("*.md")):
        start = time.perf_counter()
        _item, problems = work((path, path.name))
        print(f"{path.name:34s} {time.perf_counter() - start:7.3f} s  {len(problems)} problem(s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
