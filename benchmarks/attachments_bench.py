"""Attachment 保密审查 speed: extraction + scan of the fixture set, a 20 MB / 300-page PDF and a
10,000-row workbook, in process and through the worker pool (cold, then from the cache). Run by hand:

    python3 benchmarks/attachments_bench.py            # everything
    python3 benchmarks/attachments_bench.py fixtures   # or: pdf, xlsx, compare

`compare` times pdfminer.six against pypdf on the 300-page PDF (pdfminer.six is not a project
dependency: `pip install pdfminer.six` first). Needs the dev requirements (reportlab, pillow): run it with .venv's Python
(`python3 tools/run.py test` creates it), e.g. `.venv/bin/python benchmarks/attachments_bench.py`.
"""
from __future__ import annotations

import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from gongkai.secrecy import attachments as att

ROOT = Path(__file__).resolve().parents[1]

FIXTURES = ROOT / "tests" / "fixtures" / "attachments"
ID, MOBILE = "110101199003071233", "13812345678"


def timed(label: str, func, *args):
    start = time.perf_counter()
    result = func(*args)
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:8.2f} s")
    return result, seconds


def describe(scan) -> str:
    return f"{scan.units} pages/cells/lines, {len(scan.hits)} findings, {len(scan.unchecked)} unread"


def fixtures(tmp: Path) -> None:
    print("fixture set (tests/fixtures/attachments), in process:")
    files = sorted(p for p in FIXTURES.iterdir() if p.suffix != ".py" and not p.name.startswith("."))
    total = 0.0
    for file in files:
        scan, seconds = timed(file.name, att.scan_file, str(file))
        total += seconds
    print(f"  {'all ' + str(len(files)) + ' files':<44} {total:8.2f} s")
    through_pool(tmp, files, "fixture set")


def through_pool(tmp: Path, files: list[Path], label: str) -> None:
    """As validate and the build run it: worker processes, then the signed cache."""
    project = tmp / f"project-{label.replace(' ', '-')}"
    (project / ".cache").mkdir(parents=True, exist_ok=True)
    print(f"{label}, through scan_files (workers, cache):")
    timed("cold (workers started, every file read)", att.scan_files, files, project / ".cache", project)
    timed("warm (all from the cache)", att.scan_files, files, project / ".cache", project)


def big_pdf(path: Path, pages: int = 300, target_mb: float = 20) -> None:
    """A report of `pages` pages of Chinese text with a photo-like (incompressible) picture on each
    page, sized to about `target_mb` MB; one ID and one mobile on the last page."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    side = int((target_mb * 780_000 / pages / 3) ** 0.5)  # PNG and PDF overhead: about 1.28x the pixels
    rng = random.Random(1)
    pdf = canvas.Canvas(str(path), invariant=1)
    for page in range(1, pages + 1):
        pdf.setFont("STSong-Light", 9)
        for line in range(60):
            pdf.drawString(30, 800 - line * 12, f"第{page}页第{line + 1}行 示例县城乡居民最低生活保障金发放明细 户主 王某某 "
                                                 f"保障人数 3 金额 {rng.randint(100, 999)}.00 元 2024-{line:05d}")
        if page == pages:
            pdf.drawString(30, 60, f"联系人 张某某 身份证 {ID} 电话 {MOBILE}")
        picture = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        data = io.BytesIO()
        picture.save(data, "PNG")
        pdf.drawImage(ImageReader(data), 380, 20, 180, 180)
        pdf.showPage()
    pdf.save()


def pdf(tmp: Path) -> Path:
    path = tmp / "报告-300页.pdf"
    if not path.exists():
        print("writing a 300-page PDF …")
        big_pdf(path)
    print(f"20 MB / 300-page PDF ({path.stat().st_size / 1_000_000:.1f} MB):")
    scan, _ = timed("in process (pypdf)", att.scan_file, str(path))
    print(f"    {describe(scan)}")
    through_pool(tmp, [path], "300-page PDF")
    return path


def big_xlsx(path: Path, rows: int = 10_000) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.append(["序号", "乡镇", "村（社区）", "户主", "身份证号码", "联系电话", "保障人数", "月保障金", "开户行", "备注"])
    for n in range(1, rows + 1):
        sheet.append([n, "城关镇", f"第{n % 40 + 1}社区", f"户主{n}", "（已脱敏）", "（已脱敏）", n % 5 + 1,
                      810 * (n % 5 + 1), "示例县农村信用社", ""])
    sheet.append([rows + 1, "城关镇", "第1社区", "张某某", ID, int(MOBILE), 1, 810, "示例县农村信用社", ""])
    book.save(path)


def xlsx(tmp: Path) -> None:
    path = tmp / "名单-1万行.xlsx"
    big_xlsx(path)
    print(f"10,000-row workbook, 10 columns ({path.stat().st_size / 1_000_000:.1f} MB):")
    scan, _ = timed("in process (openpyxl read-only)", att.scan_file, str(path))
    print(f"    {describe(scan)}")
    through_pool(tmp, [path], "10,000-row workbook")


def compare(tmp: Path) -> None:
    path = tmp / "报告-300页.pdf"
    if not path.exists():
        big_pdf(path)
    import pypdf

    print("pypdf against pdfminer.six, text of every page:")
    reader = pypdf.PdfReader(str(path))
    _, ours = timed("pypdf", lambda: [p.extract_text() for p in reader.pages])
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        print("  pdfminer.six not installed (pip install pdfminer.six)")
        return
    _, theirs = timed("pdfminer.six", extract_text, str(path))
    print(f"  pdfminer.six / pypdf: {theirs / ours:.1f}x")


def main(which: list[str]) -> None:
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for name in which or ["fixtures", "pdf", "xlsx", "compare"]:
            {"fixtures": fixtures, "pdf": pdf, "xlsx": xlsx, "compare": compare}[name](tmp)


if __name__ == "__main__":
    main(sys.argv[1:])
