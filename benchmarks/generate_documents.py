"""Generate a catalogue with a stream of published documents (公开信息) for benchmarks (issue 12).

    python3 benchmarks/generate_documents.py DEST ITEMS DOCUMENTS [SEED]
    python3 benchmarks/generate_documents.py --example DEST [N]

--example: the example catalogue with a 公示公告 stream of N (default 300) documents, forty a year
from 2024 back, under 高龄津贴新增对象公示 (issue 12 item 8). The example commits the 300 this makes
(content/items/养老服务/高龄津贴新增对象公示/2017年第1批.md …); tests leave them out of their copies
(tests/conftest.py ARCHIVE_FILE) except the one that builds the archive, since they add about half
to an example build (2.5 s -> 3.7 s CPU).

DEST becomes a project copy with ITEMS items (benchmarks/generate_catalogue.py) and DOCUMENTS
公开信息 spread over them (the same number under each item, the remainder on the first ones),
each in its item's folder as an editor would put it. Titles follow the item's name with a year and
a batch number; bodies are the example's document bodies followed by a varied list of names and
villages (as 公示 lists are), so they do not compress unrealistically well. About one in fifty is
a 行政规范性文件 with a 文号, and one in twenty a 政策解读 of the document written before it (a
cross-file reference each: 2,500 of them at 50,000 documents). Deterministic for a seed. The issue's benchmark is 500 items with
50,000 documents.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate_catalogue import INDEX, TITLE, generate  # noqa: E402

FIRST_SEQUENCE = 100_000  # documents' 索引号 sequences start here: never an item's (those count from 1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉海燕文斌辉鹏飞宇晨浩然轩雨欣梓涵思彤宏亮春梅淑珍德胜永福凤琴"
PLACE = "东西南北上下中新大小前后高长青石水山河湖江桥岭坪坝湾沟塘庄寨屯堡铺岗坡林竹松柏杨柳桃李梅花龙凤云星金银玉宝安和平丰盛兴旺"
LAST_DAY = dt.date(2026, 10, 30)  # before the tests' fixed build date (SOURCE_DATE_EPOCH 1795406400)


def document_bodies() -> list[str]:
    """The example's document bodies (files in an item's folder)."""
    bodies = []
    for path in sorted((ROOT / "content/items").rglob("*.md")):
        if (path.parent.with_suffix(".md")).is_file():
            text = path.read_text(encoding="utf-8")
            body = text.split("---\n", 2)[2].strip()
            if body and "保密审查" not in text and "附件" not in text:
                bodies.append(body)
    return bodies or ["名单按乡镇分列，公示期7天。"]


def _name(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))


def document_text(title: str, index_no: str, formed: dt.date, published: dt.date, body: str,
                  policy: str | None, interprets: str | None = None) -> str:
    lines = ["---", f"标题: {title}", f"索引号: {index_no}"]
    if policy:
        lines += ["文件类型: 行政规范性文件", f"文号: {policy}"]
    elif interprets:
        lines += ["文件类型: 政策解读", f"解读对象: {interprets}"]
    lines += [f"成文日期: {formed.isoformat()}", f"发布日期: {published.isoformat()}", "---"]
    return "\n".join(lines) + "\n" + body + "\n"


def add_documents(dest: Path, count: int, seed: int = 0) -> int:
    """Write `count` documents under the items of the project at dest; returns how many."""
    items = [p for p in sorted((dest / "content/items").rglob("*.md")) if TITLE.search(p.read_text(encoding="utf-8"))]
    bodies, rnd = document_bodies(), random.Random(seed)
    towns = ["".join(rnd.sample(PLACE, 2)) + rnd.choice("镇乡") for _ in range(30)]
    sequence, last = FIRST_SEQUENCE, None
    for n, item in enumerate(items):
        text = item.read_text(encoding="utf-8")
        code, name = INDEX.search(text).group(1), TITLE.search(text).group(1)
        folder = item.with_suffix("")
        folder.mkdir(exist_ok=True)
        share = count // len(items) + (n < count % len(items))
        for k in range(1, share + 1):
            published = LAST_DAY - dt.timedelta(days=rnd.randint(0, 6 * 365))
            formed = published - dt.timedelta(days=rnd.randint(0, 25))
            year = published.year
            policy = f"示政规〔{year}〕{k}号" if rnd.random() < 0.02 else None
            names = "、".join(_name(rnd) for _ in range(rnd.randint(3, 12)))
            village = "".join(rnd.sample(PLACE, 2)) + rnd.choice(["村", "社区"])
            body = re.sub(r"\d", lambda _m: rnd.choice("0123456789"), rnd.choice(bodies))
            body += f"\n\n公示对象：{names}（{rnd.choice(towns)}{village}）。\n"
            title = f"{name}（{year}年第{k}批）"
            interprets = last if last and not policy and rnd.random() < 0.05 else None
            sequence += 1
            last = f"{code}/{year}-{sequence:06d}"
            (folder / f"{year}-{k:04d}.md").write_text(
                document_text(title, last, formed, published, body, policy, interprets), encoding="utf-8")
    return sequence - FIRST_SEQUENCE


STREAM_ITEM = "content/items/养老服务/高龄津贴新增对象公示"


def example_stream(dest: Path, count: int = 300, seed: int = 0) -> Path:
    """The example project with `count` more 高龄津贴新增对象公示 documents (2024 and earlier, so the
    committed 2025–2026 batches stay the newest), each published within 3 days of being formed."""
    import shutil

    from generate_catalogue import copy_code

    if dest.exists():
        shutil.rmtree(dest)
    copy_code(dest)
    for part in (ROOT / "content").iterdir():
        if part.is_dir() and not (dest / "content" / part.name).exists():
            shutil.copytree(part, dest / "content" / part.name)
    folder, rnd = dest / STREAM_ITEM, random.Random(seed)
    code = INDEX.search((ROOT / f"{STREAM_ITEM}.md").read_text(encoding="utf-8")).group(1)
    for k in range(count):
        year, batch = 2024 - k // 40, k % 40 + 1
        formed = dt.date(year, 1, 5) + dt.timedelta(days=batch * 8 + rnd.randint(0, 3))
        published = formed + dt.timedelta(days=rnd.randint(0, 3))
        names = "、".join(_name(rnd)[0] + "*" + rnd.choice(GIVEN) for _ in range(rnd.randint(3, 10)))
        body = (f"经乡镇审核、县民政局确认，以下老年人自下月起享受高龄津贴，现予公示：{names}。\n\n"
                "其余名单在各村（社区）公示栏张贴。公示期7天。")
        (folder / f"{year}年第{batch}批.md").write_text(document_text(
            f"示例县{year}年第{batch}批高龄津贴新增对象公示", f"{code}/{year}-{FIRST_SEQUENCE + k:06d}", formed, published, body, None),
            encoding="utf-8")
    return dest


if __name__ == "__main__":
    if sys.argv[1:2] == ["--example"]:
        target = example_stream(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 300)
        raise SystemExit(print(f"the example with its 公示公告 stream in {target}"))
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    target = generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    written = add_documents(target, int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    print(f"generated {sys.argv[2]} items and {written} documents in {target}")
