"""`invoke codeowners`: who must approve a change, generated from schema/units.yaml.

Two files, one per host, because the hosts read different places and differ in one rule:
- GitHub reads .github/CODEOWNERS first. One rule decides a file's owners (the last match), and
  ANY one of the owners listed on that rule may approve. So an item line names only its unit's
  reviewers: listing the office too would let the office approve alone and make the unit's
  approval optional. The office's own approval is enforced by branch protection instead: only
  the office may merge into main (see the README, 管理员). /content/ and /schema/ (attachments,
  pages, registries, the schema) belong to the office.
- GitLab reads CODEOWNERS, docs/CODEOWNERS, then .gitlab/CODEOWNERS. We write .gitlab/ (and keep
  the root and docs/ free of one) so GitHub and GitLab never read each other's file. GitLab
  sections are approved independently, so [政务公开办] covering /content/ and /schema/ plus
  [公开主体] listing each item file require BOTH approvals, exactly as the catalogue rules say.

Each item file is listed explicitly rather than one folder per unit: editors organise items by
一级事项 (social assistance, finance, ...), not by unit, and one subject often has items from
several units; a folder-per-unit rule would force files to move and break their git history.
"""
from __future__ import annotations

import sys
from pathlib import Path

HEADER = "# 由 invoke codeowners 生成，请勿手工修改 / generated — do not edit"
GITHUB, GITLAB = ".github/CODEOWNERS", ".gitlab/CODEOWNERS"
# Files outside content/ and schema/ that decide who approves or what CI checks.
OFFICE_PATHS = ("/content/", "/schema/", "/.github/", "/.gitlab/", "/.gitlab-ci.yml")
# gitignore glob characters; GitHub rejects unescaped [ ]. Whitespace is escaped character by character.
GLOB_CHARS = set("\\*?[]")


def escape(path: str) -> str:
    """A repository path as a CODEOWNERS pattern: '/content/items/2024 年/a.md' -> '/content/items/2024\\ 年/a.md'."""
    return "/" + "".join("\\" + ch if ch in GLOB_CHARS or ch.isspace() else ch for ch in path.lstrip("/"))


def _owned(item) -> list[str]:
    """An item's file, and the folder of its 公开信息 when it has any (its documents are its unit's)."""
    return [item.source] + ([item.folder] if item.documents else [])


def _item_groups(catalogue, office_reviewers: list[str]) -> list[tuple[str, list[str], list[str]]]:
    """(comment, owners, item paths) per unit, in registry order; unregistered units fall to the office."""
    groups = [(unit.name, unit.reviewers, sorted(p for i in catalogue.items if i.unit == unit.name for p in _owned(i)))
              for unit in catalogue.units]
    known = {unit.name for unit in catalogue.units}
    for name in sorted({i.unit for i in catalogue.items} - known):
        paths = sorted(p for i in catalogue.items if i.unit == name for p in _owned(i))
        groups.append((f"{name}（未登记，暂由政务公开办审核）", office_reviewers, paths))
    return [g for g in groups if g[2]]


def _item_lines(groups) -> list[str]:
    lines = []
    for comment, owners, paths in groups:
        lines.append(f"# {comment}")
        lines += [f"{escape(p)} {' '.join(owners)}" for p in paths]
    return lines


def generate(catalogue, office_reviewers: list[str], office_name: str, host: str = "github") -> str:
    """The CODEOWNERS text for one host ("github" or "gitlab")."""
    office = " ".join(office_reviewers)
    head = [HEADER, "# 来源：schema/units.yaml 的审核人，pelicanconf.py 的 GONGKAI_OFFICE_REVIEWERS。", "#"]
    office_rules = [f"{p} {office}" for p in OFFICE_PATHS]
    items = _item_lines(_item_groups(catalogue, office_reviewers))
    if host == "gitlab":
        body = [f"# 两节分别审批：{office_name}审核全部目录改动，公开主体的审核人审核本单位的事项。",
                f"[{_section(office_name)}]", *office_rules, "", "[公开主体]", *items]
    else:
        body = [f"# {office_name}审核目录和登记表的改动；每个事项文件由其公开主体的审核人批准",
                f"# （后面的规则优先；{office_name}通过“只有{office_name}可以合并”的分支保护参与每次审批）。",
                *office_rules, "", *items]
    return "\n".join(head + body) + "\n"


def _section(name: str) -> str:
    return name.replace("[", "").replace("]", "")


def generate_files(catalogue, office_reviewers: list[str], office_name: str) -> dict[str, str]:
    """Repository path -> text, for both hosts."""
    return {GITHUB: generate(catalogue, office_reviewers, office_name, "github"),
            GITLAB: generate(catalogue, office_reviewers, office_name, "gitlab")}


def _current(root: Path, relative: str) -> str | None:
    path = Path(root) / relative
    # A Windows checkout may have turned \n into \r\n; that is not a change.
    return path.read_text(encoding="utf-8").replace("\r\n", "\n") if path.is_file() else None


def is_stale(root: Path, files: dict[str, str]) -> list[str]:
    """The paths whose committed text differs from what would be generated now (or that are missing)."""
    return [relative for relative, text in files.items() if _current(root, relative) != text]


def write(root: Path, files: dict[str, str]) -> list[str]:
    """Write the files that changed; returns their paths."""
    changed = is_stale(root, files)
    for relative in changed:
        path = Path(root) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[relative], encoding="utf-8", newline="\n")
    return changed


def codeowners_command(root: Path, check: bool = False, stream=None) -> int:
    """`invoke codeowners [--check]`: write both files, or report (exit 1) those that are out of date."""
    from gongkai.errors import format_report
    from gongkai.project import load_project
    from gongkai.settings import read_project_settings

    stream = stream or sys.stdout
    project = load_project(read_project_settings(root))
    catalogue, settings, problems = project.catalogue, project.settings, project.file_problems
    if problems:
        # Items that do not load would be missing from the rules: never write a partial file.
        print(format_report(problems), file=stream)
        print("目录有错误，未生成 CODEOWNERS：请先修正以上问题。", file=stream)
        return 1
    if not settings["GONGKAI_OFFICE_REVIEWERS"]:
        # An owner-less /content/ rule would silently mean "no approval needed".
        print("pelicanconf.py 的 GONGKAI_OFFICE_REVIEWERS 为空：请填写政务公开办的账号，例如 [\"@gongkai-ban\"]。", file=stream)
        return 1
    files = generate_files(catalogue, settings["GONGKAI_OFFICE_REVIEWERS"], settings["GONGKAI_OFFICE_NAME"])
    return _report_check(root, files, stream) if check else _report_write(root, files, stream)


def _report_check(root: Path, files: dict[str, str], stream) -> int:
    stale = is_stale(root, files)
    if stale:
        print(f"{'、'.join(stale)} 不是最新的（事项或审核人有变动）：请运行 invoke codeowners 重新生成并一起提交。", file=stream)
        return 1
    print(f"{'、'.join(files)} 是最新的。", file=stream)
    return 0


def _report_write(root: Path, files: dict[str, str], stream) -> int:
    changed = write(root, files)
    print(f"已更新 {'、'.join(changed)}，请一起提交。" if changed else f"{'、'.join(files)} 已是最新，无需修改。", file=stream)
    return 0
