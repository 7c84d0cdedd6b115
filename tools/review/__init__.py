"""`invoke review --base <ref>`: what a change does to the catalogue, written for reviewers.

The catalogue at <ref> (read from git into a temporary folder) is compared with the working tree.
Items are matched by 索引号, so a moved file is a move, not a removal plus an addition; a file that
keeps its path but gets a new 索引号 is flagged, because its public URL changes; content that was
内部 at the base and is public now is flagged whatever else changed. The report is Chinese
Markdown: stdout, a file, a CI job summary or a pull-request comment.

The package follows the steps: git (gongkai.git: the base ref, checked, and its files) →
snapshot (both catalogues, each through gongkai.project.load_project) → compare (what changed) →
render (the Markdown, escaped and sized).
"""
from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gongkai import git
from gongkai.errors import BadRef, BaseUnknown, GitError
from gongkai.freshness.audit import audit
from gongkai.project import load_project
from gongkai.secrecy import acknowledgements, scan_item
from gongkai.settings import read_project_settings

from .compare import ADDED, REMOVED, Comparison, FieldChange, Pair, compare, diff_generic, page_changes, registry_changes, schema_order
from .documents import compare_documents, document_alerts, document_section, document_summary
from .render import (
    TITLE,
    Section,
    alert_section,
    alerts,
    assemble,
    audit_lines,
    code,
    describe_change,
    fenced,
    item_sections,
    md,
    pages_section,
    public_note_lines,
    registry_section,
    secrecy_lines,
    summary,
    validation_section,
)
from .snapshot import Entry, Snapshot, base_snapshot, working_snapshot

__all__ = ["ADDED", "REMOVED", "BaseUnknown", "Entry", "FieldChange", "Pair", "Review", "describe_change",
           "diff_generic", "fenced", "public_note_lines", "review", "review_cli", "review_report"]


# ---------------------------------------------------------------- the base version

def resolve_base(root: Path, base: str) -> tuple[str, str]:
    """(full commit id, subject) of the base; a shallow CI clone fetches it first (once each way),
    into refs/gongkai-review/base only."""
    try:
        git.check_ref(base)
        if not git.is_repository(root):
            raise BaseUnknown("当前目录不在 git 仓库中，无法取得基准版本")
        commit = git.commit_of(root, base)
        if commit is None:
            commit = git.fetch_ref(root, "origin", base.removeprefix("origin/"), "base")
        if commit is None and git.deepen(root, "origin", 50):
            commit = git.commit_of(root, base)
        if commit is None:
            raise BaseUnknown(f"已尝试从 origin 获取（git fetch --depth=1 origin {base}，以及 git fetch --deepen），仍然找不到")
        return commit, git.subject_of(root, commit)
    except (BadRef, GitError) as exc:
        raise BaseUnknown(str(exc).replace(git.NO_GIT, f"{git.NO_GIT}，无法取得基准版本")) from exc


# ---------------------------------------------------------------- the report

@dataclass
class Review:
    text: str            # within render.LIMIT characters: what a pull-request comment can hold
    ok: bool             # False when the base could not be found: the CLI exits non-zero
    full: str = ""       # the whole report (the same as text when it fits)


def review(root: Path, base: str) -> str:
    """The complete Chinese Markdown report comparing the catalogue at `base` with the working tree."""
    return review_report(root, base).full


def review_report(root: Path, base: str, settings: dict | None = None, full_name: str | None = None) -> Review:
    root = Path(root).resolve()
    try:
        commit, subject = resolve_base(root, base)
    except BaseUnknown as exc:
        text = unknown_base(base, str(exc), isinstance(exc.__cause__, BadRef))
        return Review(text, False, text)
    project = load_project(settings or read_project_settings(root))
    paths = project.paths
    after = working_snapshot(project)
    with tempfile.TemporaryDirectory(prefix="gongkai-review-") as tmp:
        before = base_snapshot(root, commit, project, Path(tmp))
    order = schema_order(project.schema)
    comparison = compare(before, after, order)
    registries = registry_changes(before, after, paths.schema_dir.relative_to(paths.root).as_posix())
    pages = page_changes(before.pages, after.pages)
    header = [TITLE, "", f"- 基准版本：{code(base)}（提交 `{commit[:7]}`：{md(subject)}）",
              "- 对比版本：当前工作区（即将合并的内容，含未提交的修改）", *_refused_note(before)]
    documents = compare_documents(before.documents, after.documents, project.document_schema)
    sections = [Section(header), Section(summary(comparison, registries, pages) + document_summary(documents)),
                Section(alert_section(alerts(comparison, registries, pages) + document_alerts(documents)))]
    sections += [Section(lines, 5) for lines in item_sections(comparison, order)]
    sections += [Section(lines, 5) for lines in [document_section(documents)] if lines]
    sections += [Section(registry_section(registries), 2)]
    sections += [Section(pages_section(pages), 4)] if pages else []
    sections += [Section(lines, rank) for lines, rank in check_sections(comparison, after, project, documents)]
    text, full = assemble(sections, full_name)
    return Review(text, True, full)


def _refused_note(before: Snapshot) -> list[str]:
    if not before.refused:
        return []
    shown = "、".join(code(p) for p in before.refused[:10]) + ("等" if len(before.refused) > 10 else "")
    return [f"- ⚠ 基准版本中有 {len(before.refused)} 个文件的名称不安全（含 ..、绝对路径、反斜杠）或是符号链接，"
            f"比较时已跳过：{shown}"]


def touched(comparison: Comparison) -> list[Entry]:
    """The working-tree side of every addition, change and move: what the checks look at."""
    return comparison.added + [p.after for p in comparison.pairs if p.changed or p.moved]


def check_sections(comparison: Comparison, after: Snapshot, project,
                   documents: Comparison | None = None) -> list[tuple[list[str], int]]:
    """校验, 时限检查 and 保密审查 of the changed items and 公开信息, as (lines, cut rank): the
    working tree's problems and verdicts as load_project found them."""
    entries = touched(comparison) + (touched(documents) if documents else [])
    items = [e.item for e in entries if e.item is not None]
    findings = [f.problem() for item in items for f in scan_item(item)]
    was = {p.after.path: p.before for p in comparison.pairs}
    rows = [(item, ack, _ack_is_new(ack, was.get(item.source))) for item in items for ack in acknowledgements(item)]
    reported = set(findings)
    rest = [p for p in project.problems if p not in reported]  # secrecy findings in their own section
    validation = validation_section(rest, {e.path for e in entries}, set(after.entries) | set(after.documents))
    day = project.build_date
    return [(validation, 1), (audit_lines(audit(items, project.freshness), day, len(items)), 3),
            (secrecy_lines(findings, rows), 1)]


def _ack_is_new(ack, before: Entry | None) -> bool:
    old = (before.meta.get("保密审查") if before else None) or []
    return not any(isinstance(e, dict) and str(e.get("内容")) == ack.content and str(e.get("类型")) == ack.kind
                   and str(e.get("审核人")) == ack.reviewer for e in old)


def unknown_base(base: str, reason: str, refused: bool = False) -> str:
    headline = f"基准版本 {code(base)} 无效" if refused else f"找不到基准版本 {code(base)}"
    return "\n".join([
        TITLE, "", f"**无法生成审查报告：{headline}。**", "",
        f"{md(reason)}。请检查：", "",
        "- 分支名或提交号是否拼写正确（例如 main、origin/main 或完整的提交号）；",
        "- 在 CI 中检出代码时是否取得了目标分支（GitHub Actions 可设置 fetch-depth: 0，GitLab 可设置 GIT_DEPTH: 0）。",
    ]) + "\n"


def review_cli(root: Path, base: str, output: str | Path | None = None, stream=None,
               full: str | Path | None = None) -> int:
    """`invoke review --base REF [--output FILE] [--full FILE]`: 0 with a report, 1 when the base
    is refused or unknown. The report printed or written with --output stays within the size a
    pull-request comment holds; --full writes the complete report as well."""
    result = review_report(Path(root), base, full_name=Path(full).name if full else None)
    if full:
        Path(full).write_text(result.full, encoding="utf-8")
        print(f"完整审查报告已写入 {full}", file=stream or sys.stderr)
    if output:
        Path(output).write_text(result.text, encoding="utf-8")
        print(f"审查报告已写入 {output}", file=stream or sys.stderr)
    else:
        (stream or sys.stdout).write(result.text)
    return 0 if result.ok else 1
