"""Generate a large, realistic catalogue for benchmarks (never committed output).

    python3 benchmarks/generate_catalogue.py DEST N [SEED]

DEST becomes a full project copy (schema, theme, plugins, tools, settings, the example's pages and
attachments) with N items derived from the example catalogue's items: the same registries, units,
time limits and bodies, with fresh 索引号, varied titles and dates. Deterministic for a seed.
"""
from __future__ import annotations

import compileall
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("schema", "theme", "plugins", "tools", "pelicanconf.py", "publishconf.py", "internalconf.py", "tasks.py")
INDEX = re.compile(r"^索引号: ([0-9A-Z-]+)/(\d{4,6})-(\d{3,6})$", re.M)
TITLE = re.compile(r"^事项名称: (.+)$", re.M)
PUBLISHED = re.compile(r"^发布日期: (\d{4})-(\d\d)-(\d\d)$", re.M)
NUMBER = re.compile(r"^文号: (.+)〔\d{4}〕\d+号$", re.M)
QUALIFIERS = ["", "（城关镇）", "（青松镇）", "（第二批）", "（补充）", "（调整）", "（年度汇总）", "（专项）"]


def copy_code(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=ignore)
        else:
            shutil.copy2(source, dest / part)
    for part in ("pages", "attachments"):
        shutil.copytree(ROOT / "content" / part, dest / "content" / part)
    # The plugins' bytecode, as a project has it after its first build, and as plain Pelican (an
    # installed package) has it from the start: with PYTHONDONTWRITEBYTECODE set, every build
    # process would otherwise compile the plugins again (0.1-0.2 s each).
    compileall.compile_dir(dest / "plugins", quiet=1)


def variant(text: str, i: int, rnd: random.Random) -> str:
    """One new item from a template: a unique 索引号, a varied title, a shifted publication year."""
    year = rnd.choice([2022, 2023, 2024, 2025])
    text = INDEX.sub(lambda m: f"索引号: {m.group(1)}/{year}-{i:06d}", text, count=1)
    text = TITLE.sub(lambda m: f"事项名称: {m.group(1)}{rnd.choice(QUALIFIERS)}", text, count=1)
    # A fresh 文号 too: the same title and 文号 twice is refused as a copied item (catalogue.COPIED).
    text = NUMBER.sub(lambda m: f"文号: {m.group(1)}〔{year}〕{i}号", text, count=1)
    return PUBLISHED.sub(lambda m: f"发布日期: {year}-{m.group(2)}-{m.group(3)}", text, count=1)


def generate(dest: Path, n: int, seed: int = 0) -> Path:
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    copy_code(dest)
    templates = [p for p in sorted((ROOT / "content/items").rglob("*.md"))
                 if "更新日期" not in p.read_text(encoding="utf-8")  # avoid 更新日期 < new 发布日期
                 and TITLE.search(p.read_text(encoding="utf-8"))]  # items only: a 公开信息 needs its item beside it
    rnd = random.Random(seed)
    for i in range(1, n + 1):
        template = templates[(i - 1) % len(templates)]
        folder = dest / "content/items" / template.parent.relative_to(ROOT / "content/items") / f"{i // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = variant(template.read_text(encoding="utf-8"), i, rnd)
        (folder / f"{template.stem}-{i}.md").write_text(text, encoding="utf-8")
    return dest


if __name__ == "__main__":
    target = generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    print(f"generated {sys.argv[2]} items in {target}")
