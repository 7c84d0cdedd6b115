"""The review of 公开信息 (documents): new, changed, moved and removed documents, field by field,
and the ⚠ alerts a reviewer must confirm — a 有效性 change, a document moving to another item, a
published document disappearing or becoming public. Documents are matched as items are
(compare.match: 索引号, then path); their item is the file their folder names (catalogue.item_of).

A catalogue without documents on either side adds nothing to the report.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gongkai import urls
from gongkai.catalogue import item_of, source_files
from gongkai.frontmatter import read_source
from gongkai.model import INTERNAL

from .compare import Comparison, body_diff, field_changes, match, schema_order
from .render import _detailed, _new_body, body_lines, code, field_lines, md
from .snapshot import Entry

VALIDITY = "有效性"


@dataclass
class DocumentEntry(Entry):
    """One document file as written, valid or not."""

    @property
    def title(self) -> str:
        return str(self.meta.get("标题") or Path(self.path).stem)

    @property
    def item_path(self) -> str:
        return item_of(self.path)

    @property
    def internal(self) -> bool:
        """Marked 内部 itself, or under an item that is 内部 (a valid document knows its item)."""
        item = getattr(self.item, "item", None)
        return self.meta.get("公开对象") == INTERNAL or (item is not None and not item.is_public)

    @property
    def url(self) -> str:
        return urls.document_url(self.index_no) if self.index_no else "（索引号无效，无网址）"

    @property
    def validity(self) -> str:
        return str(self.meta.get(VALIDITY) or "有效")


def document_entries(paths, catalogue) -> dict[str, DocumentEntry]:
    """Valid documents from the loaded catalogue, the others read raw (never through a link)."""
    known = list(catalogue.documents) + list(catalogue.rejected_documents) if catalogue else []
    entries = {d.source: DocumentEntry(d.source, d.meta, d.body, d) for d in known}
    files = source_files(paths)[1] if paths.items_dir.is_dir() else []
    for file in files:
        shown = file.relative_to(paths.root).as_posix()
        if shown in entries:
            continue
        if file.is_symlink():
            entries[shown] = DocumentEntry(shown, {}, "", None, False)
            continue
        source = read_source(file, shown)
        readable = isinstance(source.meta, dict)
        entries[shown] = DocumentEntry(shown, source.meta if readable else {}, source.body, None, readable)
    return entries


def compare_documents(before: dict, after: dict, schema: dict) -> Comparison:
    comparison = match(before, after)
    order = schema_order(schema) if schema else []
    for pair in comparison.pairs:
        if pair.after.readable:
            pair.fields = field_changes(pair.before.meta, pair.after.meta, order)
            pair.body_diff = body_diff(pair.before.body, pair.after.body)
    return comparison


def _name(entry: DocumentEntry) -> str:
    return f"《{md(entry.title)}》"


def _where(entry: DocumentEntry) -> str:
    return f"索引号 {md(entry.index_no or '（无）')}，文件 {code(entry.path)}"


def document_alerts(comparison: Comparison) -> list[str]:
    """⚠ lines for the top of the report."""
    lines = []
    for entry in comparison.removed:
        gone = "（内部，未在网站上公开）" if entry.internal else f"：网页 {md(entry.url)} 将从网站上消失"
        lines.append(f"- **删除公开信息** {_name(entry)}（{_where(entry)}）{gone}")
    for pair in comparison.pairs:
        before, after = pair.before, pair.after
        if not after.readable:
            continue
        if before.item_path != after.item_path:
            lines.append(f"- **公开信息移到其他事项** {_name(after)}（{_where(after)}）：所属事项 {code(before.item_path)} → "
                         f"{code(after.item_path)}，公开时限、渠道和主题分类随之改变")
        if before.validity != after.validity:
            lines.append(f"- **有效性变更** {_name(after)}（{_where(after)}）：{md(before.validity)} → {md(after.validity)}"
                         + (f"，失效日期 {md(after.meta.get('失效日期'))}" if after.meta.get("失效日期") else ""))
        if pair.index_changed:
            lines.append(f"- **公开信息索引号变更** {_name(after)}（文件 {code(after.path)}）：{md(before.index_no)} → "
                         f"{md(after.index_no)}，网址 {md(before.url)} 将失效")
        if before.internal != after.internal:
            change = "转为内部：网页将从网站上撤下" if after.internal else "转为公开：**⚠ 将在公开网站上公开**，请确认已完成保密审查"
            lines.append(f"- **公开信息{change.split('：')[0]}** {_name(after)}（{_where(after)}）：{change.split('：', 1)[1]}")
    return lines


def document_summary(comparison: Comparison) -> list[str]:
    counts = (len(comparison.added), len(comparison.changed), len(comparison.moved), len(comparison.removed))
    if not any(counts):
        return []
    return ["", "公开信息：新增 {}、修改 {}、移动 {}、删除 {} 篇。".format(*counts)]


def document_section(comparison: Comparison) -> list[str]:
    """## 公开信息变更: each kind of change, field by field (empty when nothing changed)."""
    moved_only = [p for p in comparison.pairs if p.moved and not p.changed]
    if not (comparison.added or comparison.changed or moved_only or comparison.removed):
        return []
    lines = ["## 公开信息变更"]
    if comparison.added:
        lines += ["", f"### 新增公开信息（{len(comparison.added)}）"] + _detailed(comparison.added, lambda e: e, _added)
    if comparison.changed:
        lines += ["", f"### 修改公开信息（{len(comparison.changed)}）"] + _detailed(comparison.changed, lambda p: p.after, _changed)
    if moved_only:
        lines += ["", f"### 移动公开信息（{len(moved_only)}，内容未改）", ""]
        lines += [f"- {_name(p.after)}：{code(p.before.path)} → {code(p.after.path)}" for p in moved_only]
    if comparison.removed:
        lines += ["", f"### 删除公开信息（{len(comparison.removed)}）", ""]
        lines += [f"- {_name(e)}（{_where(e)}）" for e in comparison.removed]
    return lines


def _facts(entry: DocumentEntry) -> list[str]:
    shown = "内部，不上公开网站" if entry.internal else f"网址 {md(entry.url)}"
    return [f"- 文件：{code(entry.path)}", f"- 所属事项：{code(entry.item_path)}", f"- 索引号：{md(entry.index_no or '（无）')}（{shown}）"]


def _added(entry: DocumentEntry) -> list[str]:
    if not entry.readable:
        return _facts(entry) + ["- 文件无法读取：见下文“校验”一节"]
    own = [f"- {md(k)}：{md(v if not isinstance(v, list) else '、'.join(map(str, v)))}" for k, v in entry.meta.items()
           if k not in ("标题", "索引号") and not isinstance(v, dict)]
    return _facts(entry) + own + _new_body(entry.body)


def _changed(pair) -> list[str]:
    moved = [f"- 由 {code(pair.before.path)} 移动而来"] if pair.moved else []
    if not pair.after.readable:
        return _facts(pair.after) + moved + ["- 文件无法读取：见下文“校验”一节"]
    return _facts(pair.after) + moved + field_lines(pair.fields) + body_lines(pair.body_diff)
