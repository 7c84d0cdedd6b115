"""`invoke review --base <ref>`: what a change does to the catalogue, written for reviewers.

The catalogue at <ref> (read from git into a temporary folder) is compared with the working tree.
Items are matched by 索引号, so a moved file is a move, not a removal plus an addition; a file that
keeps its path but gets a new 索引号 is flagged, because its public URL changes. The report is
Chinese Markdown: stdout, a file, a CI job summary or a pull-request comment.

Numbers that look like personal data are masked wherever the report quotes content, because the
report itself may be posted where the item must not yet be.
"""
from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from catalogue.build import check_all
from catalogue.errors import CatalogueError, Problem
from catalogue.frontmatter import Loader, read_source
from catalogue.model import unit_slug
from catalogue.settings import read_project_settings
from catalogue.validate import Paths, item_files, load_catalogue

TITLE = "# 目录变更审查报告"
DIFF_LINES = 40      # body diff lines shown per item; the rest is counted, not shown
NEW_BODY_LINES = 40  # body lines shown for a new item
DETAILED_ITEMS = 20  # items per section shown in full; the rest by name only
# Editor-maintained registries compared entry by entry; any other file in schema/ only as "changed".
REGISTRIES = ("categories.yaml", "units.yaml", "synonyms.yaml", "holidays.yaml")
INTERNAL = "内部"
UNREADABLE = "- 文件无法读取，字段比较从略：见下文“校验”一节"
NONE = "（无）"
ADDED, REMOVED = "＋", "－"
BACKTICKS = re.compile(r"`+")


class BaseUnknown(CatalogueError):
    """Raised by resolve_base() when the base ref is not in the repository, even after fetching."""


# ---------------------------------------------------------------- git: the base version

def _git(root: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")  # CI must fail, not wait for a password
    try:
        return subprocess.run(["git", "-c", "core.quotepath=false", *args], cwd=root, input=data,
                              capture_output=True, env=env)
    except OSError as exc:
        raise BaseUnknown(f"找不到 git 程序（{exc.strerror}），无法取得基准版本") from exc


def _commit_of(root: Path, ref: str) -> str | None:
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return done.stdout.decode().strip() if done.returncode == 0 else None


def resolve_base(root: Path, base: str) -> tuple[str, str]:
    """(full commit id, subject) of the base; a shallow CI clone fetches it first (once each way)."""
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise BaseUnknown("当前目录不在 git 仓库中，无法取得基准版本")
    commit = _commit_of(root, base)
    if commit is None:
        remote_ref = base.removeprefix("origin/")
        if _git(root, "fetch", "--quiet", "--depth=1", "origin", remote_ref).returncode == 0:
            commit = _commit_of(root, base) or _commit_of(root, "FETCH_HEAD")
    if commit is None and _git(root, "fetch", "--quiet", "--deepen=50", "origin").returncode == 0:
        commit = _commit_of(root, base)
    if commit is None:
        raise BaseUnknown(f"已尝试从 origin 获取（git fetch --depth=1 origin {base}，以及 git fetch --deepen），仍然找不到")
    subject = _git(root, "log", "-1", "--format=%s", commit).stdout.decode("utf-8", "replace").strip()
    return commit, subject


def extract(root: Path, commit: str, folders: list[str], dest: Path) -> None:
    """Write the item files (*.md) and registries of `commit` under `dest`: two git processes in all.

    Attachments are left out: the base is only compared, never validated.
    """
    listing = _git(root, "ls-tree", "-r", "-z", commit, "--", *folders)
    entries = []
    for record in listing.stdout.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = record.partition("\t")
        if meta.split(" ")[1:2] == ["blob"] and (path.endswith(".md") or not path.startswith(folders[0] + "/")):
            entries.append((meta.split(" ")[2], path))
    if not entries:
        return
    batch = _git(root, "cat-file", "--batch", data="".join(f"{oid}\n" for oid, _ in entries).encode()).stdout
    position = 0
    for oid, path in entries:
        header_end = batch.index(b"\n", position)
        size = int(batch[position:header_end].split()[2])
        target = dest / path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(batch[header_end + 1: header_end + 1 + size])
        position = header_end + 1 + size + 1


# ---------------------------------------------------------------- snapshots of the catalogue

@dataclass
class Entry:
    """One item file as written, valid or not (an invalid file is still a change to review)."""

    path: str
    meta: dict
    body: str
    item: object = None  # the catalogue.model.Item when the file is valid
    readable: bool = True  # False: not even its front matter could be read (see the validation section)

    @property
    def index_no(self) -> str | None:
        value = self.meta.get("索引号")
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        return str(self.meta.get("事项名称") or Path(self.path).stem)

    @property
    def internal(self) -> bool:
        return self.meta.get("公开对象") == INTERNAL

    @property
    def url(self) -> str:
        return f"items/{self.index_no.replace('/', '-')}/" if self.index_no else "（索引号无效，无网址）"


@dataclass
class Snapshot:
    entries: dict[str, Entry]
    registries: dict[str, object]   # file name -> parsed YAML (None when absent or unreadable)
    schema_files: dict[str, bytes]  # every other file of schema/, to notice rule changes


def snapshot(paths: Paths, catalogue=None) -> Snapshot:
    """Valid items from the loaded catalogue, invalid ones read raw with the same parser."""
    items = catalogue.items if catalogue else []
    entries = {item.source: Entry(item.source, item.meta, item.body, item) for item in items}
    files, _ = item_files(paths) if paths.items_dir.is_dir() else ([], [])
    for file in files:
        display = file.relative_to(paths.root).as_posix()
        if display not in entries:
            source = read_source(file, display)
            readable = isinstance(source.meta, dict)
            entries[display] = Entry(display, source.meta if readable else {}, source.body, None, readable)
    registries = {name: _read_yaml(paths.schema_dir / name) for name in REGISTRIES}
    others = {p.name: p.read_bytes() for p in sorted(paths.schema_dir.glob("*"))
              if p.is_file() and p.name not in REGISTRIES} if paths.schema_dir.is_dir() else {}
    return Snapshot(entries, registries, others)


def _read_yaml(path: Path):
    try:
        return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=Loader) if path.is_file() else None
    except (yaml.YAMLError, UnicodeDecodeError):
        return None  # the validation section reports what is wrong with it


def base_snapshot(root: Path, commit: str, work: Paths, index_pattern: str | None, tmp: Path) -> Snapshot:
    """The catalogue at `commit`, laid out under `tmp` exactly as in the working tree."""
    folders = [_rel(work.items_dir, work.root), _rel(work.schema_dir, work.root)]
    extract(root, commit, folders, tmp)
    paths = Paths(tmp, tmp / _rel(work.content, work.root), tmp / folders[1], tmp / folders[0])
    catalogue = None
    if (paths.schema_dir / "item.schema.json").is_file():  # else the base predates the catalogue
        catalogue, _problems = load_catalogue(paths, index_pattern)
    return snapshot(paths, catalogue)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


# ---------------------------------------------------------------- comparing two snapshots

@dataclass
class FieldChange:
    name: str
    before: object  # text, a tuple of texts (a list field), or None when absent
    after: object


@dataclass
class Pair:
    """The same item before and after: matched by 索引号, else by file path."""

    before: Entry
    after: Entry
    fields: list[FieldChange] = field(default_factory=list)
    body_diff: list[str] = field(default_factory=list)

    moved = property(lambda self: self.before.path != self.after.path)
    index_changed = property(lambda self: self.before.index_no != self.after.index_no)
    changed = property(lambda self: bool(self.fields or self.body_diff or not self.after.readable))


@dataclass
class Comparison:
    added: list[Entry]
    removed: list[Entry]
    pairs: list[Pair]

    changed = property(lambda self: [p for p in self.pairs if p.changed])
    moved = property(lambda self: [p for p in self.pairs if p.moved])


def match(before: dict[str, Entry], after: dict[str, Entry]) -> Comparison:
    """索引号 first (a move keeps it), then the path (a new 索引号 in the same file); the rest are
    additions and removals. A duplicated 索引号 is matched once and its twins by path."""
    by_index_before = _first_by_index(before.values())
    pairs, left, right = [], dict(before), dict(after)
    for entry in after.values():
        twin = by_index_before.get(entry.index_no) if entry.index_no else None
        if twin and twin.path in left:
            pairs.append(Pair(left.pop(twin.path), right.pop(entry.path)))
    for path in [p for p in right if p in left]:
        pairs.append(Pair(left.pop(path), right.pop(path)))
    return Comparison(sorted(right.values(), key=_by_path), sorted(left.values(), key=_by_path),
                      sorted(pairs, key=lambda p: p.after.path))


def _first_by_index(entries) -> dict[str, Entry]:
    found = {}
    for entry in sorted(entries, key=_by_path):
        if entry.index_no:
            found.setdefault(entry.index_no, entry)
    return found


def _by_path(entry: Entry) -> str:
    return entry.path


def compare(before: Snapshot, after: Snapshot, field_order: list[str]) -> Comparison:
    comparison = match(before.entries, after.entries)
    for pair in comparison.pairs:
        if not pair.after.readable:
            continue  # nothing to compare with: the validation section says what is wrong
        pair.fields = field_changes(pair.before.meta, pair.after.meta, field_order)
        pair.body_diff = body_diff(pair.before.body, pair.after.body)
    return comparison


def flatten(meta: dict, prefix: str = "") -> dict[str, object]:
    """{'公开时限.类型': '定期', '公开内容': ('甲', '乙'), '附件': ('名称：…；文件：…',)}."""
    flat = {}
    for key, value in meta.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = tuple(_text(v) for v in value)
        else:
            flat[name] = _text(value)
    return flat


def _text(value) -> str:
    if isinstance(value, dict):
        return "；".join(f"{k}：{_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    return "" if value is None else str(value)


def field_changes(before: dict, after: dict, order: list[str]) -> list[FieldChange]:
    old, new = flatten(before), flatten(after)
    names = sorted(set(old) | set(new), key=lambda n: _field_rank(n, order))
    return [FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]


def _field_rank(name: str, order: list[str]) -> tuple:
    """Schema order (公开时限.类型 before 公开时限.周期); unknown keys after their parent, then last."""
    if name in order:
        return (order.index(name), "")
    top = name.split(".")[0]
    return (order.index(top) if top in order else len(order), name)


def schema_order(schema: dict, prefix: str = "") -> list[str]:
    """Every property name of the item schema in file order, nested ones dotted: '公开时限.类型'."""
    names = []
    for key, sub in schema.get("properties", {}).items():
        names.append(f"{prefix}{key}")
        if sub.get("type") == "object":
            names += schema_order(sub, f"{prefix}{key}.")
    return names


def body_diff(before: str, after: str) -> list[str]:
    """Unified diff lines (hunks only, no file header), empty when the body is unchanged."""
    if before.strip() == after.strip():
        return []
    lines = difflib.unified_diff(before.strip("\n").split("\n"), after.strip("\n").split("\n"), lineterm="", n=2)
    return list(lines)[2:]  # without the "--- / +++" file header


# ---------------------------------------------------------------- registries

@dataclass(frozen=True)
class Note:
    """One line of the registry section; `alert` lines are repeated at the top of the report."""

    text: str
    alert: bool = False


@dataclass(frozen=True)
class Kind:
    """How one registry's entries are named, matched across a rename, and turned into URLs."""

    what: str
    url: object         # entry, parent slug -> URL of its page
    slug: object        # entry -> effective slug
    same: object        # (old entry, new entry) -> True when one is the other renamed
    skip: tuple = ("名称", "slug")


def _slug(entry: dict) -> str:
    return str(entry.get("slug", ""))


def _unit_slug(entry: dict) -> str:
    return str(entry.get("slug") or unit_slug(str(entry.get("名称", ""))))


CATEGORY = Kind("一级事项", lambda e, _p: f"category/{_slug(e)}/", _slug,
                lambda a, b: _slug(a) == _slug(b), ("名称", "slug", "二级事项"))
SUBCATEGORY = Kind("二级事项", lambda e, parent: f"category/{parent}/{_slug(e)}/", _slug,
                   lambda a, b: _slug(a) == _slug(b))
UNIT = Kind("公开主体", lambda e, _p: f"unit/{_unit_slug(e)}/", _unit_slug,
            lambda a, b: _unit_slug(a) == _unit_slug(b) or (a.get("机构代码") is not None and a.get("机构代码") == b.get("机构代码")))


def _named(entries) -> dict[str, dict]:
    return {str(e["名称"]): e for e in entries or [] if isinstance(e, dict) and "名称" in e} if isinstance(entries, list) else {}


def diff_named(old_entries, new_entries, kind: Kind, parent: str = "", where: str = "") -> list[Note]:
    """Entries added, removed, renamed (same slug, or same 机构代码 for units) and edited."""
    old, new = _named(old_entries), _named(new_entries)
    gone = {n: e for n, e in old.items() if n not in new}
    notes, pairs = [], [(old[n], new[n]) for n in new if n in old]
    for name, entry in new.items():
        if name in old:
            continue
        was = next((o for o in gone.values() if kind.same(o, entry)), None)
        if was is not None:
            gone.pop(str(was["名称"]))
            notes.append(Note(f"{where}{kind.what}“{was['名称']}”改名为“{name}”"))
            pairs.append((was, entry))
        else:
            notes.append(Note(f"新增{where}{kind.what}“{name}”（网址 {kind.url(entry, parent)}）"))
    notes += [Note(f"删除{where}{kind.what}“{n}”：网页 {kind.url(e, parent)} 将从网站上消失", alert=True)
              for n, e in gone.items()]
    for before, after in pairs:
        notes += _entry_changes(before, after, kind, parent, where)
    return notes


def _entry_changes(before: dict, after: dict, kind: Kind, parent: str, where: str) -> list[Note]:
    label = f"{where}{kind.what}“{after['名称']}”"
    notes = []
    if kind.slug(before) != kind.slug(after):
        also = "（其下二级事项的网址随之改变）" if kind is CATEGORY else ""
        notes.append(Note(f"{label}的 slug {kind.slug(before)} → {kind.slug(after)}：网址 {kind.url(before, parent)} "
                          f"改为 {kind.url(after, parent)}{also}，旧网址将失效", alert=True))
    trimmed = [{k: v for k, v in e.items() if k not in kind.skip} for e in (before, after)]
    for change in field_changes(*trimmed, order=[]):
        notes.append(Note(f"{label}的{change.name}：{describe_change(change)}"))
    if kind is CATEGORY:
        notes += diff_named(before.get("二级事项"), after.get("二级事项"), SUBCATEGORY, _slug(after),
                            f"一级事项“{after['名称']}”下的")
    return notes


def diff_generic(old, new) -> list[Note]:
    """Any other registry (synonyms, holidays): entries added and removed, keys changed."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes = field_changes(old, new, order=[])
        return [Note(f"{c.name}：{describe_change(c)}") for c in changes]
    old_list = [_text(e) for e in old] if isinstance(old, list) else []
    new_list = [_text(e) for e in new] if isinstance(new, list) else []
    notes = [Note(f"{ADDED} {e}") for e in new_list if e not in old_list]
    notes += [Note(f"{REMOVED} {e}") for e in old_list if e not in new_list]
    if not notes and old != new:
        notes.append(Note("内容有修改（格式变化，请直接查看文件差异）"))
    return notes


REGISTRY_DIFFS = {"categories.yaml": lambda a, b: diff_named(a, b, CATEGORY),
                  "units.yaml": lambda a, b: diff_named(a, b, UNIT)}


def registry_changes(before: Snapshot, after: Snapshot, schema_rel: str) -> dict[str, list[Note]]:
    """{'schema/units.yaml': [Note, ...]} for every registry or schema file that changed."""
    changes = {}
    for name in REGISTRIES:
        old, new = before.registries.get(name), after.registries.get(name)
        if old != new:
            changes[f"{schema_rel}/{name}"] = REGISTRY_DIFFS.get(name, diff_generic)(old, new)
    for name in sorted(set(before.schema_files) | set(after.schema_files)):
        if before.schema_files.get(name) != after.schema_files.get(name):
            changes[f"{schema_rel}/{name}"] = [Note("文件有修改：字段或校验规则可能改变，请由技术人员核对文件差异")]
    return changes


# ---------------------------------------------------------------- text helpers

def mask(text: str) -> str:
    """Personal numbers shown masked (138****5678), as the 保密审查 prints them."""
    from secrecy import find_sensitive

    out = []
    for line in text.split("\n"):
        for hit in sorted(find_sensitive(line), key=lambda m: m.start, reverse=True):
            line = line[:hit.start] + hit.shown + line[hit.end:]
        out.append(line)
    return "\n".join(out)


def list_parts(change: FieldChange) -> list[str] | None:
    """['＋ 甲', '－ 乙'] when both sides are lists (or absent); None for a plain value."""
    before, after = change.before, change.after
    if not all(isinstance(v, (tuple, type(None))) for v in (before, after)):
        return None
    added = [e for e in after or () if e not in (before or ())]
    removed = [e for e in before or () if e not in (after or ())]
    return [f"{ADDED} {mask(e)}" for e in added] + [f"{REMOVED} {mask(e)}" for e in removed] or ["顺序调整"]


def describe_change(change: FieldChange) -> str:
    """'旧 → 新' for a value; '＋ 甲；－ 乙' for a list (entries added and removed)."""
    parts = list_parts(change)
    if parts is not None:
        return "；".join(parts)
    return f"{_shown(change.before)} → {_shown(change.after, '（删除）')}"


def _shown(value, absent: str = NONE) -> str:
    if value is None:
        return absent
    return mask("、".join(value) if isinstance(value, tuple) else value) or "（空）"


def fenced(lines: list[str], lang: str = "") -> list[str]:
    """A code block whose fence is longer than any backtick run inside it."""
    longest = max((len(run) for line in lines for run in BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + lang, *lines, fence]


def cell(text: str) -> str:
    return mask(str(text)).replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------- report sections

def _name(entry: Entry) -> str:
    return f"《{mask(entry.title)}》"


def _address(entry: Entry) -> str:
    if entry.internal:
        return "内部事项，不上公开网站"
    return f"网址 {entry.url}" if entry.index_no else "索引号无效，无法生成网址"


def alerts(comparison: Comparison, registries: dict[str, list[Note]]) -> list[str]:
    """What makes a published page disappear, change its URL, or become public."""
    lines = []
    for entry in comparison.removed:
        tail = "（内部事项，未在网站上公开）" if entry.internal else f"：网页 {entry.url} 将从网站上消失"
        lines.append(f"- **撤销** {_name(entry)}（索引号 {entry.index_no or NONE}，文件 `{entry.path}`）{tail}")
    for pair in comparison.pairs:
        lines += _pair_alerts(pair)
    for path, notes in registries.items():
        lines += [f"- **登记表** `{path}`：{note.text}" for note in notes if note.alert]
    return lines


def _pair_alerts(pair: Pair) -> list[str]:
    before, after = pair.before, pair.after
    lines = []
    if not after.readable:
        return lines
    if pair.index_changed:
        url = "（内部事项，无公开网址）" if after.internal and before.internal else \
            f"：网址 {before.url} 改为 {after.url}，旧网址将失效"
        lines.append(f"- **索引号变更** {_name(after)}（文件 `{after.path}`）：{before.index_no or NONE} → "
                     f"{after.index_no or NONE}{url}")
    if after.internal and not before.internal:
        lines.append(f"- **转为内部** {_name(after)}（文件 `{after.path}`）：公开对象 {before.meta.get('公开对象')} → 内部，"
                     f"网页 {before.url} 将从网站上撤下")
    if before.internal and not after.internal:
        lines.append(f"- **转为公开** {_name(after)}（文件 `{after.path}`）：公开对象 内部 → {after.meta.get('公开对象')}，"
                     "将在网站上公开：请确认已完成保密审查")
    return lines


AUDIENCE_NOTES = {(False, True): " **⚠ 将从公开网站撤下**", (True, False): " **⚠ 将在公开网站上公开**"}


def field_lines(changes: list[FieldChange]) -> list[str]:
    lines = []
    for change in changes:
        parts = list_parts(change)
        if parts is not None:
            lines += [f"- {change.name}："] + [f"  - {part}" for part in parts]
            continue
        warning = AUDIENCE_NOTES.get((change.before == INTERNAL, change.after == INTERNAL), "") \
            if change.name == "公开对象" else ""
        lines.append(f"- {change.name}：{describe_change(change)}{warning}")
    return lines


def body_lines(diff: list[str]) -> list[str]:
    if not diff:
        return ["- 正文：未修改"]
    plus = sum(1 for d in diff if d.startswith("+"))
    minus = sum(1 for d in diff if d.startswith("-"))
    lines = [f"- 正文：有修改（{ADDED}{plus} 行，{REMOVED}{minus} 行）", ""]
    lines += fenced([mask(d) for d in diff[:DIFF_LINES]], "diff")
    if len(diff) > DIFF_LINES:
        lines.append(f"（差异共 {len(diff)} 行，只显示前 {DIFF_LINES} 行，其余 {len(diff) - DIFF_LINES} 行从略。）")
    return lines


def changed_section(pairs: list[Pair]) -> list[str]:
    return [f"## 修改事项（{len(pairs)}）"] + _detailed(pairs, lambda p: p.after, _changed_details)


def _changed_details(pair: Pair) -> list[str]:
    moved = f"（由 `{pair.before.path}` 移动而来）" if pair.moved else ""
    lines = [f"- 文件：`{pair.after.path}`{moved}"]
    if not pair.after.readable:
        return lines + [UNREADABLE]
    lines.append(f"- 索引号：{pair.after.index_no or NONE}（{_address(pair.after)}）")
    return lines + public_note_lines(pair) + field_lines(pair.fields) + body_lines(pair.body_diff)


def public_note_lines(pair: Pair) -> list[str]:
    """What the item page's 变更记录 will say about this change: only the notes the editor added
    (commit messages are never published), so the reviewer approves the public wording too."""
    from history.notes import new_notes

    if pair.after.internal:
        return []
    added = new_notes(pair.before.meta, pair.after.meta)
    if not added:
        return ["- 公开的变更记录：本次没有新增，事项网页的“变更记录”不会显示这次修改"
                "（需要让公众知道的，请在 变更记录 中加一条日期和说明）"]
    return ["- 公开的变更记录（将显示在事项网页上，请核对措辞）："] + [f"  - {n.date} {mask(n.text)}" for n in added]


def added_section(entries: list[Entry], order: list[str]) -> list[str]:
    return [f"## 新增事项（{len(entries)}）"] + _detailed(entries, lambda e: e, lambda e: _added_details(e, order))


def _added_details(entry: Entry, order: list[str]) -> list[str]:
    lines = [f"- 文件：`{entry.path}`"]
    if not entry.readable:
        return lines + [UNREADABLE]
    lines.append(f"- 索引号：{entry.index_no or NONE}（{_address(entry)}）")
    flat = flatten(entry.meta)
    lines += [f"- {name}：{_shown(flat[name])}" for name in sorted(flat, key=lambda n: _field_rank(n, order))
              if name not in ("事项名称", "索引号")]
    return lines + _new_body(entry.body)


def _detailed(records: list, entry_of, details) -> list[str]:
    """The first DETAILED_ITEMS records in full, the rest one line each: a pull-request comment
    has a size limit (GitHub: 65,536 characters), and a bulk import is reviewed by sampling anyway."""
    lines = []
    for record in records[:DETAILED_ITEMS]:
        lines += ["", f"### {_name(entry_of(record))}", "", *details(record)]
    rest = records[DETAILED_ITEMS:]
    if rest:
        lines += ["", f"以上 {DETAILED_ITEMS} 项列出详情；其余 {len(rest)} 项只列名称，"
                      "完整内容请查看文件差异，或在本地运行 invoke review：", ""]
        lines += [f"- {_name(entry_of(r))}：`{entry_of(r).path}`" for r in rest]
    return lines


def _new_body(body: str) -> list[str]:
    text = body.strip("\n")
    if not text.strip():
        return ["- 正文：（无）"]
    rows = text.split("\n")
    lines = [f"- 正文：{len(rows)} 行", ""] + fenced([mask(r) for r in rows[:NEW_BODY_LINES]], "markdown")
    if len(rows) > NEW_BODY_LINES:
        lines.append(f"（正文共 {len(rows)} 行，只显示前 {NEW_BODY_LINES} 行，其余 {len(rows) - NEW_BODY_LINES} 行从略。）")
    return lines


def moved_section(pairs: list[Pair]) -> list[str]:
    lines = [f"## 移动事项（{len(pairs)}，内容未改）", ""]
    return lines + [f"- {_name(p.after)}：`{p.before.path}` → `{p.after.path}`（索引号不变，网址不变）" for p in pairs]


def removed_section(entries: list[Entry]) -> list[str]:
    lines = [f"## 撤销事项（{len(entries)}）", ""]
    return lines + [f"- {_name(e)}（索引号 {e.index_no or NONE}）：`{e.path}`" for e in entries]


def registry_section(changes: dict[str, list[Note]]) -> list[str]:
    lines = ["## 登记表变更"]
    if not changes:
        return lines + ["", "登记表（分类、公开主体、同义词、节假日）没有变化。"]
    for path, notes in changes.items():
        lines += ["", f"### `{path}`", ""] + [f"- {'⚠ ' if n.alert else ''}{n.text}" for n in notes]
    return lines


# ---------------------------------------------------------------- checks on the changed items

def touched(comparison: Comparison) -> list[Entry]:
    """The working-tree side of every addition, change and move: what the checks look at."""
    return comparison.added + [p.after for p in comparison.pairs if p.changed or p.moved]


def validation_section(problems: list[Problem], touched_paths: set[str], item_paths: set[str]) -> list[str]:
    """Problems in changed files and registries; the rest is only counted (invoke validate lists it)."""
    shown = [p for p in problems if p.path in touched_paths or p.path not in item_paths]
    lines = ["## 校验", ""]
    if shown:
        lines += [f"- {mask(str(p))}" for p in sorted(shown, key=lambda p: (p.path, p.line or 0, p.field))]
        lines += ["", f"共 {len(shown)} 个问题：合并前必须改正。"]
    else:
        lines.append("本次改动的文件和登记表没有发现问题。")
    rest = len(problems) - len(shown)
    if rest:
        lines += ["", f"另有 {rest} 个问题在本次没有改动的文件中（运行 invoke validate 查看全部）。"]
    return lines


def audit_section(items: list, paths: Paths) -> tuple[list[str], list[Problem]]:
    """逾期未更新 / 超期公开 among the changed items, as `invoke audit` prints them."""
    from freshness.audit import audit, format_audit
    from freshness.status import build_date
    from freshness.workdays import load_calendar

    calendar, problems = load_calendar(paths.schema_dir, paths.root)
    day = build_date()
    lines = ["## 时限检查（逾期未更新、超期公开）", "", f"检查日期：{day}，检查本次改动的 {len(items)} 个有效事项。", ""]
    return lines + format_audit(audit(items, day, calendar)).split("\n"), problems


def secrecy_section(items: list, comparison: Comparison) -> tuple[list[str], list[Problem]]:
    """Unresolved findings, then EVERY acknowledgement in the changed items with who checked it."""
    from secrecy import acknowledgements, scan_item

    findings = [f.problem() for item in items for f in scan_item(item)]
    lines = ["## 保密审查", "", "### 发现的问题", ""]
    lines += [f"- {p}" for p in findings] or ["本次改动的公开事项中没有发现疑似敏感内容。"]
    was = {p.after.path: p.before for p in comparison.pairs}
    rows = [(item, ack, _ack_is_new(ack, was.get(item.source))) for item in items for ack in acknowledgements(item)]
    lines += ["", f"### 保密审查登记（{len(rows)} 条）", ""]
    if not rows:
        return lines + ["本次改动的事项中没有保密审查登记。"], findings
    lines += ["请逐条核对：登记的内容确需公开，审核人确有权确认。", "",
              "| 事项 | 类型 | 内容 | 审核人 | 日期 | 说明 | 本次新增 | 位置 |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {cell(i.title)} | {cell(a.kind)} | {cell(a.content)} | {cell(a.reviewer)} | {cell(a.date)} | "
              f"{cell(a.note)} | {'是' if new else '否'} | {cell(f'{i.source}:{a.line}' if a.line else i.source)} |"
              for i, a, new in rows]
    return lines, findings


def _ack_is_new(ack, before: Entry | None) -> bool:
    old = (before.meta.get("保密审查") if before else None) or []
    return not any(isinstance(e, dict) and str(e.get("内容")) == ack.content and str(e.get("类型")) == ack.kind
                   and str(e.get("审核人")) == ack.reviewer for e in old)


# ---------------------------------------------------------------- the whole report

@dataclass
class Review:
    text: str
    ok: bool  # False when the base could not be found: the CLI exits non-zero


def review(root: Path, base: str) -> str:
    """The Chinese Markdown report comparing the catalogue at `base` with the working tree."""
    return review_report(root, base).text


def review_report(root: Path, base: str, settings: dict | None = None) -> Review:
    root = Path(root).resolve()
    try:
        commit, subject = resolve_base(root, base)
    except BaseUnknown as exc:
        return Review(unknown_base(base, str(exc)), False)
    settings = settings or read_project_settings(root)
    catalogue, paths, problems = check_all(settings, use_cache=False)
    after = snapshot(paths, catalogue)
    with tempfile.TemporaryDirectory(prefix="gongkai-review-") as tmp:
        before = base_snapshot(root, commit, paths, settings["GONGKAI_INDEX_PATTERN"], Path(tmp))
    schema = json.loads((paths.schema_dir / "item.schema.json").read_text(encoding="utf-8"))
    order = schema_order(schema)
    comparison = compare(before, after, order)
    registries = registry_changes(before, after, _rel(paths.schema_dir, paths.root))
    lines = [TITLE, "", f"- 基准版本：`{base}`（提交 `{commit[:7]}`：{mask(subject)}）",
             "- 对比版本：当前工作区（即将合并的内容，含未提交的修改）", ""]
    lines += summary(comparison, registries) + [""] + alert_section(alerts(comparison, registries))
    lines += item_sections(comparison, order)
    lines += ["", *registry_section(registries)]
    lines += check_sections(comparison, after, problems, paths)
    return Review("\n".join(lines).rstrip("\n") + "\n", True)


def summary(comparison: Comparison, registries: dict[str, list[Note]]) -> list[str]:
    counts = (len(comparison.added), len(comparison.changed), len(comparison.moved), len(comparison.removed),
              sum(len(n) for n in registries.values()))
    return ["## 概要", "", "| 新增 | 修改 | 移动 | 撤销 | 登记表变更 |", "| --- | --- | --- | --- | --- |",
            "| " + " | ".join(str(c) for c in counts) + " |", "",
            "“修改”含索引号变更；既移动又修改的事项在“修改”和“移动”中各计一次。"]


def alert_section(lines: list[str]) -> list[str]:
    if not lines:
        return ["## 需要特别确认的变更", "", "无：没有撤销、索引号变更、公开范围变化或网址变更。"]
    return [f"## ⚠ 需要特别确认的变更（{len(lines)}）", "",
            "以下变更会让已公开的网页消失或改变网址，或改变事项是否上网公开，请审核人逐条确认：", "", *lines]


def item_sections(comparison: Comparison, order: list[str]) -> list[str]:
    moved_only = [p for p in comparison.pairs if p.moved and not p.changed]
    sections = [(comparison.added, lambda: added_section(comparison.added, order)),
                (comparison.changed, lambda: changed_section(comparison.changed)),
                (moved_only, lambda: moved_section(moved_only)),
                (comparison.removed, lambda: removed_section(comparison.removed))]
    lines = []
    for entries, render in sections:
        if entries:
            lines += ["", *render()]
    return lines


def check_sections(comparison: Comparison, after: Snapshot, problems: list[Problem], paths: Paths) -> list[str]:
    entries = touched(comparison)
    items = [e.item for e in entries if e.item is not None]
    audit_lines, calendar_problems = audit_section(items, paths)
    secrecy_lines, findings = secrecy_section(items, comparison)
    reported = set(findings)
    # validate may already report the holiday table: each problem once, secrecy findings in their own section
    rest = [p for p in dict.fromkeys(problems + calendar_problems) if p not in reported]
    validation = validation_section(rest, {e.path for e in entries}, set(after.entries))
    return ["", *validation, "", *audit_lines, "", *secrecy_lines]


def unknown_base(base: str, reason: str) -> str:
    return "\n".join([
        TITLE, "", f"**无法生成审查报告：找不到基准版本 `{base}`。**", "", f"{reason}。请检查：", "",
        "- 分支名或提交号是否拼写正确（例如 main、origin/main 或完整的提交号）；",
        "- 在 CI 中检出代码时是否取得了目标分支（GitHub Actions 可设置 fetch-depth: 0，GitLab 可设置 GIT_DEPTH: 0）。",
    ]) + "\n"


def review_cli(root: Path, base: str, output: str | Path | None = None, stream=None) -> int:
    """`invoke review --base REF [--output FILE]`: 0 with a report, 1 when the base is unknown."""
    result = review_report(Path(root), base)
    if output:
        Path(output).write_text(result.text, encoding="utf-8")
        print(f"审查报告已写入 {output}", file=stream or sys.stderr)
    else:
        (stream or sys.stdout).write(result.text)
    return 0 if result.ok else 1
