"""`invoke import` speed on a large generated table (issue 9: numbering was quadratic). Run by hand:

    python3 benchmarks/import_bench.py 10000 [100000] [--xlsx]

For each N: writes a catalogue table of N rows in the State Council layout (CSV, or .xlsx with
--xlsx) into a fresh project with the example registries, imports it with --dry-run off, and
prints seconds and rows per second. Every row must arrive (the run fails otherwise).
"""
from __future__ import annotations

import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from gongkai_tools.importer import import_table  # noqa: E402

HEADER = ["序号", "一级事项", "二级事项", "事项名称", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
          "公开对象", "公开方式", "公开层级"]
LIMITS = ["信息形成或者变更之日起20个工作日内", "每季度", "常年公开", "每年1月31日前"]


def rows(n: int) -> list[list[str]]:
    """N distinct items; a few share a name (they get （2） …) as real tables do."""
    out = []
    for i in range(1, n + 1):
        title = f"救助事项{i // 2 if i % 50 == 0 else i}"
        out.append([str(i), "社会救助", "最低生活保障", title, "1.保障对象名单；\n2.保障金额", "《社会救助暂行办法》",
                    LIMITS[i % len(LIMITS)], "示例县民政局", "政府网站、公示栏", "全社会", "主动", "县级、乡级"])
    return out


def write_table(path: Path, n: int) -> None:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows(n))
        return
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows(n):
        sheet.append(row)
    book.save(path)


def project(root: Path) -> Path:
    (root / "content" / "items").mkdir(parents=True)
    shutil.copytree(ROOT / "schema", root / "schema")
    return root


def main(sizes: list[int], suffix: str) -> None:
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = project(Path(tmp) / "project")
            table = Path(tmp) / f"目录{suffix}"
            write_table(table, n)
            start = time.perf_counter()
            report = import_table(table, root, date="2024-03-05")
            seconds = time.perf_counter() - start
            arrived = len(list((root / "content" / "items").rglob("*.md")))
            assert report.ok and len(report.written) == n == arrived, (len(report.written), arrived, report.text()[:500])
            print(f"{n} 行 {suffix}：{seconds:.1f} 秒，{n / seconds:.0f} 行/秒")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main([int(a) for a in args] or [10000], ".xlsx" if "--xlsx" in sys.argv else ".csv")
