"""保密审查 of items: every public item's front matter (变更记录 included), body and attachment
names, with the acknowledgements editors record under the `保密审查` key.

An acknowledgement accepts exactly one number (same kind, same digits however written) or one
marking in its item. A masked form cannot name a number (138****5678 fits ten thousand mobiles,
and the report prints every number masked), so an acknowledgement must quote the number in full;
a masked one is reported, as is one that matches nothing any more, so that approvals never pile
up and silently cover a different number later.

An item's entries also approve findings in its attachments (secrecy.attachments), including a
file nobody could read automatically (类型 无法检查的附件, 内容 "path#fingerprint"). Whether an
entry of an item with attachments is stale is known only once they are scanned, so scan_item
leaves that judgement to the attachment check unless it is given the attachments' findings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from gongkai.errors import Problem, quote
from gongkai.frontmatter import dotted
from gongkai.model import Item
from gongkai.schema import line_of

from .detect import BANK_CARD, FILLERS, ID_CARD, MARKING, MOBILE, find_sensitive

ACK_KEY = "保密审查"
BODY_FIELD = "正文"
STALE = "保密审查登记"
UNUSABLE = "保密审查登记不完整"
# The 类型 of an entry approving an attachment a person has opened and checked because no
# program could (an image, a scan, an encrypted or unsupported file); 内容 is "path#fingerprint".
UNCHECKED = "无法检查的附件"
FILE_NAMED = re.compile(r"[^#\n]+#[0-9a-f]{16}")

_REGISTER = "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人"
ADVICE = {
    ID_CARD: f"公开前请删除或脱敏；{_REGISTER}",
    MOBILE: f"公开前请删除或脱敏；{_REGISTER}",
    BANK_CARD: f"公开前请删除或脱敏；{_REGISTER}",
    MARKING: "涉密、内部或不予公开的信息不得上网公开，请删除；确属误报的，请在 保密审查 中登记并注明审核人",
}


@dataclass(frozen=True)
class Finding:
    """One suspected leak (or one stale acknowledgement) in an item, located for the editor."""

    file: str
    line: int | None
    field: str
    kind: str
    text: str
    shown: str
    value: str
    registered_kind: str = ""  # for a stale acknowledgement: the 类型 it was registered under
    label: str = ""  # how the report names a finding, when not "疑似<kind>"

    @property
    def message(self) -> str:
        if self.registered_kind == UNCHECKED:
            return _file_entry_message(self.kind, self.shown)
        if self.kind == STALE:
            return (f"登记的{self.registered_kind}“{self.shown}”在本事项中已找不到：内容已删除或改动的，"
                    "请同时删除这条登记（或按新的保密审查结果重新登记）")
        if self.kind == UNUSABLE:
            return (f"登记内容“{self.shown}”不是完整的{self.registered_kind}，不能确定登记的是哪一个号码，"
                    "这条登记不起作用：请照抄事项原文中的完整号码（保密审查 字段不在网站上公开）")
        return f"{self.label or '疑似' + self.kind}“{self.shown}”：{ADVICE[self.kind]}"

    def problem(self) -> Problem:
        return Problem(self.file, self.line, self.field, self.message)


@dataclass(frozen=True)
class Acknowledgement:
    """One entry under `保密审查`: a finding a named reviewer has accepted for publication."""

    content: str
    kind: str
    reviewer: str
    date: str
    note: str
    field: str
    line: int | None

    @cached_property
    def values(self) -> frozenset[str]:
        """The numbers (or the marking) this entry names, read as the scan reads the item."""
        if self.kind == UNCHECKED:
            named = self.content.strip()
            return frozenset([named] if FILE_NAMED.fullmatch(named) else [])
        found = {m.value for m in find_sensitive(self.content) if m.kind == self.kind}
        if self.kind == MARKING:
            found.add(FILLERS.sub("", self.content.strip()))
        return frozenset(found)

    def covers(self, finding: Finding) -> bool:
        """Same kind and the same number however written (grouped, full-width…), or the same marking."""
        return finding.kind == self.kind and finding.value in self.values

    @property
    def usable(self) -> bool:
        """False for a number entry that names no whole number (a masked 138****5678, a description)."""
        return bool(self.values)


def acknowledgements(item: Item) -> list[Acknowledgement]:
    """The item's `保密审查` entries as written (the schema has checked their shape)."""
    entries = item.meta.get(ACK_KEY) or []
    return [Acknowledgement(str(e.get("内容", "")), str(e.get("类型", "")), str(e.get("审核人", "")),
                            str(e.get("日期", "")), str(e.get("说明", "")), dotted((ACK_KEY, i)),
                            item.lines.get((ACK_KEY, i, "内容")) or item.lines.get((ACK_KEY, i)))
            for i, e in enumerate(entries) if isinstance(e, dict)]


def raw_findings(item: Item) -> list[Finding]:
    """Every hit in front matter (except the acknowledgements themselves) and body, none suppressed.
    Each text is scanned whole, so a number broken over two lines is still one number."""
    found = []
    for path, text in _strings(item.meta):
        base = line_of(item.lines, path)
        # A block scalar (| or >) starts on the line after its key.
        first = base + 1 if base and "\n" in text else base
        found += findings_in_text(item.source, first, dotted(path), text)
    return found + findings_in_text(item.source, item.body_line, BODY_FIELD, item.body)


def findings_in_text(file: str, first_line: int | None, field: str, text: str) -> list[Finding]:
    """Every hit in one text whose first line is `first_line` of `file`, located by line: for any
    published text (a guide page, an attachment's text) as for an item's fields."""
    return [Finding(file, first_line + text.count("\n", 0, m.start) if first_line else first_line, field,
                    m.kind, m.text, m.shown, m.value, label=m.label) for m in find_sensitive(text)]


def _strings(value, path: tuple = ()):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, sub in value.items():
            if path or key != ACK_KEY:
                yield from _strings(sub, path + (key,))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _strings(sub, path + (index,))


def scan_item(item: Item, attached: list[Finding] | None = None, public: bool | None = None) -> list[Finding]:
    """Unacknowledged findings plus stale acknowledgements; 内部 items are never published, so never scanned.

    `attached`: the findings in the item's attachments (secrecy.attachments), which its entries
    may approve. Without them, an item with attachments gets no stale verdict on a usable entry."""
    if not (item.is_public if public is None else public):
        return []
    found = raw_findings(item)
    acks = acknowledgements(item)
    kept = [f for f in found if not any(a.covers(f) for a in acks)]
    approvable = found + list(attached or [])
    undecided = attached is None and bool(item.meta.get("附件"))
    stale = [_stale(item, a) for a in acks
             if not any(a.covers(f) for f in approvable) and not (undecided and a.usable)]
    return sorted(kept + stale, key=lambda f: (f.line or 0, f.field, f.kind))


def _stale(item: Item, ack: Acknowledgement) -> Finding:
    """An entry that approves nothing: unusable (no whole number in it) or stale (number gone)."""
    kind = STALE if ack.usable else UNUSABLE
    # Show the registered text masked when it is a number, so the report never repeats it in full.
    hits = [] if ack.kind == UNCHECKED else find_sensitive(ack.content)
    shown = ack.content if not hits or hits[0].kind == MARKING else hits[0].shown
    return Finding(item.source, ack.line, f"{ack.field}.内容", kind, ack.content, shown, ack.content, ack.kind)


def _file_entry_message(kind: str, content: str) -> str:
    if kind == STALE:
        return (f"登记的无法检查的附件“{quote(content, 120)}”不是本事项现在的附件：附件已删除或文件已改动的"
                "（改动后的文件要重新人工确认），请删除这条登记，或按 invoke scan 的提示重新登记")
    return (f"登记内容“{quote(content, 120)}”不是“附件路径#文件指纹”的形式，这条登记不起作用：请照抄 invoke scan 报告中给出的内容，"
            "例如 \"attachments/2024/窗口分布图.png#3f2a9c0b1d2e4f56\"")


def item_problems(item: Item) -> list[Problem]:
    """The GONGKAI_ITEM_CHECKS entry point (`secrecy:item_problems`), cached per file by the build."""
    return [f.problem() for f in scan_item(item)]


def document_problems(document) -> list[Problem]:
    """The per-file rule for a 公开信息 (run before it is linked to its item): scanned unless marked
    内部 itself; catalogue.load_catalogue drops the findings of one whose item turns out 内部."""
    return [f.problem() for f in scan_item(document, public=document.own_public)]


def scan_catalogue(catalogue, paths=None) -> list[Problem]:
    """The GONGKAI_CHECKS entry point (`secrecy:scan_catalogue`): every finding as a located Problem."""
    return [f.problem() for item in catalogue.items + getattr(catalogue, "documents", []) for f in scan_item(item)]


def format_report(problems: list[Problem], checked: int, pages: int = 0, attachments: int = 0, documents: int = 0) -> str:
    """What `invoke scan` prints: every finding as file:line, then the count."""
    if not problems:
        parts = [f"{checked} 个公开事项"] + [f"{documents} 篇公开信息"] * bool(documents) + \
            [f"{pages} 个公开指南页面"] * bool(pages) + \
            [f"{attachments} 个附件"] * bool(attachments)
        listed = "、".join(parts[:-1]) + "和 " + parts[-1] if len(parts) > 1 else parts[0]
        return f"保密审查：未发现问题（已检查 {listed}，内部事项不上网，不检查）。"
    ordered = sorted(problems, key=lambda p: (p.path, p.line or 0, p.field, p.message))
    files = len({p.path for p in problems})
    return "\n".join([str(p) for p in ordered] + [
        f"保密审查：发现 {len(problems)} 处问题，涉及 {files} 个文件。"
        "疑似敏感内容必须删除或脱敏后才能公开；确需公开的，由审核人确认后在该事项的 保密审查 中登记。"])
