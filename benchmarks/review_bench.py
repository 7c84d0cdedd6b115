"""`invoke review` on a bulk change (issue 9: a 10,000-item report was 850 KB, GitHub comments stop
at 65,536 characters). Run by hand:

    python3 benchmarks/review_bench.py 10000

Generates N items (benchmarks/generate_catalogue.py), commits a base without them and a few 内部
items, then reviews the working tree (N additions, the 内部 items made public and moved). Prints
the seconds taken, the size of the comment-sized report and of the full report, and checks that the
summary and the ⚠ section are whole in the shorter one.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from generate_catalogue import generate  # noqa: E402

from gongkai_tools.review import review_report  # noqa: E402
from gongkai_tools.review.render import LIMIT  # noqa: E402

INTERNAL = 20


def git(root: Path, *args: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.invalid", GIT_COMMITTER_NAME="b",
               GIT_COMMITTER_EMAIL="b@example.invalid")
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "catalogue", n)
        items = sorted((root / "content/items").rglob("*.md"))
        secret = items[:INTERNAL]
        texts = {p: p.read_text(encoding="utf-8") for p in secret}
        for number, (path, text) in enumerate(texts.items()):
            # 内部 items have text of their own (else every generated copy of the template is "their content").
            texts[path] = text = text + "".join(f"\n内部第{number}号事项专用说明第{k}段：仅供机关内部掌握的工作安排。" for k in range(30))
            path.write_text(text.replace("公开对象: 全社会", "公开对象: 内部").replace("公开对象: 特定群体", "公开对象: 内部"),
                            encoding="utf-8")
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "schema", "content/pages", *[str(p.relative_to(root)) for p in secret])
        git(root, "commit", "-q", "-m", "base")
        for path, text in texts.items():  # made public again, and moved
            path.unlink()
            path.with_name("moved-" + path.name).write_text(text, encoding="utf-8")
        start = time.perf_counter()
        result = review_report(root, "main", full_name="review-full.md")
        seconds = time.perf_counter() - start
        alerts = [line for line in result.text.split("\n") if line.startswith("- **")]
        full_alerts = [line for line in result.full.split("\n") if line.startswith("- **")]
        assert len(result.text) <= LIMIT and alerts == full_alerts, (len(result.text), len(alerts), len(full_alerts))
        print(f"{n} 项新增、{INTERNAL} 项内部事项转为公开：{seconds:.1f} 秒；评论用报告 {len(result.text):,} 字"
              f"（上限 {LIMIT:,}），完整报告 {len(result.full):,} 字；⚠ 提醒 {len(alerts)} 条，全部保留")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
