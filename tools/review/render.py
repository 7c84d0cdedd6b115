"""The review report as Chinese Markdown, for a terminal, a file, a CI job summary or a pull-request
comment.

Every value an editor wrote passes through md() (inline text), code() (file paths) or fenced()
(bodies and diffs) before it enters the report, so a title cannot forge a heading, a link, an image
or HTML. Numbers that look like personal data are masked first, because the report may be posted
where the item must not yet be. The report is kept under a hard size limit (a GitHub comment holds
65,536 characters): the summary and the ⚠ section stay complete, details are cut with a note.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.errors import Problem
from gongkai.gate import is_scheduled

from .compare import ADDED, NONE, REMOVED, Comparison, Exposure, FieldChange, Note, PageChange, Pair, list_parts
from .snapshot import INTERNAL, Entry

TITLE = "# 目录变更审查报告"
DIFF_LINES = 40      # body diff lines shown per item; the rest is counted, not shown
NEW_BODY_LINES = 40  # body lines shown for a new item
DETAILED_ITEMS = 20  # items per section shown in full; the rest by name only
LIMIT = 60_000       # characters; GitHub refuses comments over 65,536
UNREADABLE = "- 文件无法读取，字段比较从略：见下文“校验”一节"
BACKTICKS = re.compile(r"`+")


# ---------------------------------------------------------------- escaping: the one way values enter

# Line breaks (CommonMark's and Unicode's) become a visible ⏎; other control and direction-override
# characters a visible placeholder, so a value can neither start a new block nor reorder the line.
_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Markdown and HTML syntax characters (GitHub and GitLab flavours: tables, strikethrough, math).
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~$#!])")
# Bare URLs GitHub/GitLab would turn into links.
_AUTOLINK = re.compile(r"(?i)(://|www\.)")


def md(text) -> str:
    """Any value as inline Markdown text that renders exactly as written, on one line."""
    text = _INVISIBLE.sub("\ufffd", _BREAKS.sub(" ⏎ ", mask(str(text))))
    text = _SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: ":\\/\\/" if m.group(1) == "://" else m.group(1)[:3] + "\\.", text)


def code(text) -> str:
    """A value (a file path) as an inline code span, on one line, whatever backticks it holds."""
    text = _INVISIBLE.sub("\ufffd", _BREAKS.sub("⏎", mask(str(text))))
    fence = "`" * (max((len(run) for run in BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(lines: list[str], lang: str = "") -> list[str]:
    """A code block (masked lines) whose fence is longer than any backtick run inside it."""
    lines = [_INVISIBLE.sub("\ufffd", _BREAKS.sub("⏎", mask(line))) for line in lines]
    longest = max((len(run) for line in lines for run in BACKTICKS.findall(line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + lang, *lines, fence]


def mask(text: str) -> str:
    """Personal numbers shown masked (138****5678), as the 保密审查 prints them."""
    from gongkai.secrecy import find_sensitive

    out = []
    for line in text.split("\n"):
        for hit in sorted(find_sensitive(line), key=lambda m: m.start, reverse=True):
            line = line[:hit.start] + hit.shown + line[hit.end:]
        out.append(line)
    return "\n".join(out)


def cell(text) -> str:
    return md(text)


def note_text(note: Note) -> str:
    """A registry note with its values escaped (a FieldChange described, then escaped)."""
    return note.text.format(*(describe_change(v) if isinstance(v, FieldChange) else md(v) for v in note.values))


# ---------------------------------------------------------------- values

def describe_change(change: FieldChange) -> str:
    """'旧 → 新' for a value; '＋ 甲；－ 乙' for a list (entries added and removed)."""
    parts = list_parts(change)
    if parts is not None:
        return "；".join(f"{sign} {md(value)}" for sign, value in parts) or "顺序调整"
    return f"{_shown(change.before)} → {_shown(change.after, '（删除）')}"


def _shown(value, absent: str = NONE) -> str:
    if value is None:
        return absent
    return md("、".join(value) if isinstance(value, tuple) else value) or "（空）"


def _name(entry: Entry) -> str:
    return f"《{md(entry.title)}》"


def _index(entry: Entry) -> str:
    return md(entry.index_no) if entry.index_no else NONE


def _address(entry: Entry) -> str:
    if entry.internal:
        return "内部事项，不上公开网站"
    return f"网址 {md(entry.url)}" if entry.index_no else "索引号无效，无法生成网址"


# ---------------------------------------------------------------- ⚠ alerts

def alerts(comparison: Comparison, registries: dict[str, list[Note]], pages: list[PageChange]) -> list[str]:
    """What makes a published page disappear, change its URL, or become public."""
    lines = []
    for entry in comparison.removed:
        tail = "（内部事项，未在网站上公开）" if entry.internal else f"：网页 {md(entry.url)} 将从网站上消失"
        lines.append(f"- **撤销** {_name(entry)}（索引号 {_index(entry)}，文件 {code(entry.path)}）{tail}")
    for pair in comparison.pairs:
        lines += _pair_alerts(pair)
    lines += [_exposure_alert(e) for e in comparison.exposures]
    scheduled = [e for e in comparison.added if _newly_scheduled(None, e)]
    scheduled += [p.after for p in comparison.pairs if _newly_scheduled(p.before, p.after)]
    lines += [_scheduled_alert(entry) for entry in scheduled]
    for path, notes in registries.items():
        lines += [f"- **登记表** {code(path)}：{note_text(note)}" for note in notes if note.alert]
    lines += [f"- **删除指南页面** {code(c.page.path)}（{md(c.page.title)}）：该页面将从网站上消失"
              for c in pages if c.kind == "删除"]
    return lines


def _pair_alerts(pair: Pair) -> list[str]:
    before, after = pair.before, pair.after
    lines = []
    if not after.readable:
        return lines
    where = f"文件 {code(after.path)}"
    if pair.similarity is not None:
        where += f"，由 {code(before.path)} 移动而来，按内容认定为同一事项（相似度 {pair.similarity:.0%}）"
    if pair.index_changed:
        url = "（内部事项，无公开网址）" if after.internal and before.internal else \
            f"：网址 {md(before.url)} 改为 {md(after.url)}，旧网址将失效"
        lines.append(f"- **索引号变更** {_name(after)}（{where}）：{_index(before)} → {_index(after)}{url}")
    if after.internal and not before.internal:
        lines.append(f"- **转为内部** {_name(after)}（{where}）：公开对象 {md(before.meta.get('公开对象'))} → 内部，"
                     f"网页 {md(before.url)} 将从网站上撤下")
    if before.internal and not after.internal:
        lines.append(f"- **转为公开** {_name(after)}（{where}）：公开对象 内部 → {md(after.meta.get('公开对象'))}，"
                     "**⚠ 将在公开网站上公开**：请确认已完成保密审查")
    return lines


def _newly_scheduled(before: Entry | None, after: Entry) -> bool:
    """定时发布 set now, or its 发布日期 moved: merged, it goes public on that day with no one looking."""
    if not (after.readable and is_scheduled(after.meta)):
        return False
    return before is None or not is_scheduled(before.meta) or before.meta.get("发布日期") != after.meta.get("发布日期")


def _scheduled_alert(entry: Entry) -> str:
    return (f"- **定时发布** {_name(entry)}（文件 {code(entry.path)}）：发布日期 {md(entry.meta.get('发布日期'))} 之前不在公开网站上，"
            "当天由每天的定时发布自动公开，不再经过审核：**⚠ 请现在就按公开的内容审核**")


def _exposure_alert(exposure: Exposure) -> str:
    entry, source = exposure.entry, exposure.source
    return (f"- **内部内容公开** {_name(entry)}（文件 {code(entry.path)}）：{exposure.how}——{_name(source)}"
            f"（索引号 {_index(source)}，文件 {code(source.path)}），**⚠ 将在公开网站上公开**：请确认已完成保密审查")


def alert_section(lines: list[str]) -> list[str]:
    if not lines:
        return ["## 需要特别确认的变更", "", "无：没有撤销、索引号变更、公开范围变化或网址变更。"]
    return [f"## ⚠ 需要特别确认的变更（{len(lines)}）", "",
            "以下变更会让已公开的网页消失或改变网址，或改变事项是否上网公开，请审核人逐条确认：", "", *lines]


# ---------------------------------------------------------------- items

AUDIENCE_NOTES = {(False, True): " **⚠ 将从公开网站撤下**", (True, False): " **⚠ 将在公开网站上公开**"}


def field_lines(changes: list[FieldChange]) -> list[str]:
    lines = []
    for change in changes:
        parts = list_parts(change)
        if parts is not None:
            shown = [f"{sign} {md(value)}" for sign, value in parts] or ["顺序调整"]
            lines += [f"- {md(change.name)}："] + [f"  - {part}" for part in shown]
            continue
        warning = AUDIENCE_NOTES.get((change.before == INTERNAL, change.after == INTERNAL), "") \
            if change.name == "公开对象" else ""
        lines.append(f"- {md(change.name)}：{describe_change(change)}{warning}")
    return lines


def body_lines(diff: list[str]) -> list[str]:
    if not diff:
        return ["- 正文：未修改"]
    plus = sum(1 for d in diff if d.startswith("+"))
    minus = sum(1 for d in diff if d.startswith("-"))
    lines = [f"- 正文：有修改（{ADDED}{plus} 行，{REMOVED}{minus} 行）", ""]
    lines += fenced(diff[:DIFF_LINES], "diff")
    if len(diff) > DIFF_LINES:
        lines.append(f"（差异共 {len(diff)} 行，只显示前 {DIFF_LINES} 行，其余 {len(diff) - DIFF_LINES} 行从略。）")
    return lines


def changed_section(pairs: list[Pair]) -> list[str]:
    return [f"## 修改事项（{len(pairs)}）"] + _detailed(pairs, lambda p: p.after, _changed_details)


def _changed_details(pair: Pair) -> list[str]:
    moved = f"（由 {code(pair.before.path)} 移动而来）" if pair.moved else ""
    lines = [f"- 文件：{code(pair.after.path)}{moved}"]
    if not pair.after.readable:
        return lines + [UNREADABLE]
    lines.append(f"- 索引号：{_index(pair.after)}（{_address(pair.after)}）")
    return lines + public_note_lines(pair) + field_lines(pair.fields) + body_lines(pair.body_diff)


def public_note_lines(pair: Pair) -> list[str]:
    """What the item page's 变更记录 will say about this change: only the notes the editor added
    (commit messages are never published), so the reviewer approves the public wording too."""
    from gongkai.history.notes import new_notes

    if pair.after.internal:
        return []
    added = new_notes(pair.before.meta, pair.after.meta)
    if not added:
        return ["- 公开的变更记录：本次没有新增，事项网页的“变更记录”不会显示这次修改"
                "（需要让公众知道的，请在 变更记录 中加一条日期和说明）"]
    return ["- 公开的变更记录（将显示在事项网页上，请核对措辞）："] + [f"  - {md(n.date)} {md(n.text)}" for n in added]


def added_section(entries: list[Entry], order: list[str]) -> list[str]:
    return [f"## 新增事项（{len(entries)}）"] + _detailed(entries, lambda e: e, lambda e: _added_details(e, order))


def _added_details(entry: Entry, order: list[str]) -> list[str]:
    from .compare import field_rank, flatten

    lines = [f"- 文件：{code(entry.path)}"]
    if not entry.readable:
        return lines + [UNREADABLE]
    lines.append(f"- 索引号：{_index(entry)}（{_address(entry)}）")
    flat = flatten(entry.meta)
    lines += [f"- {md(name)}：{_shown(flat[name])}" for name in sorted(flat, key=lambda n: field_rank(n, order))
              if name not in ("事项名称", "索引号")]
    return lines + _new_body(entry.body)


def _detailed(records: list, entry_of, details) -> list[str]:
    """The first DETAILED_ITEMS records in full, the rest one line each: a bulk import is
    reviewed by sampling anyway."""
    lines = []
    for record in records[:DETAILED_ITEMS]:
        lines += ["", f"### {_name(entry_of(record))}", "", *details(record)]
    rest = records[DETAILED_ITEMS:]
    if rest:
        lines += ["", f"以上 {DETAILED_ITEMS} 项列出详情；其余 {len(rest)} 项只列名称，"
                      "完整内容请查看文件差异，或在本地运行 invoke review：", ""]
        lines += [f"- {_name(entry_of(r))}：{code(entry_of(r).path)}" for r in rest]
    return lines


def _new_body(body: str) -> list[str]:
    text = body.strip("\n")
    if not text.strip():
        return ["- 正文：（无）"]
    rows = text.split("\n")
    lines = [f"- 正文：{len(rows)} 行", ""] + fenced(rows[:NEW_BODY_LINES], "markdown")
    if len(rows) > NEW_BODY_LINES:
        lines.append(f"（正文共 {len(rows)} 行，只显示前 {NEW_BODY_LINES} 行，其余 {len(rows) - NEW_BODY_LINES} 行从略。）")
    return lines


def moved_section(pairs: list[Pair]) -> list[str]:
    lines = [f"## 移动事项（{len(pairs)}，内容未改）", ""]
    return lines + [f"- {_name(p.after)}：{code(p.before.path)} → {code(p.after.path)}（索引号不变，网址不变）" for p in pairs]


def removed_section(entries: list[Entry]) -> list[str]:
    lines = [f"## 撤销事项（{len(entries)}）", ""]
    return lines + [f"- {_name(e)}（索引号 {_index(e)}）：{code(e.path)}" for e in entries]


def item_sections(comparison: Comparison, order: list[str]) -> list[list[str]]:
    moved_only = [p for p in comparison.pairs if p.moved and not p.changed]
    sections = [(comparison.added, lambda: added_section(comparison.added, order)),
                (comparison.changed, lambda: changed_section(comparison.changed)),
                (moved_only, lambda: moved_section(moved_only)),
                (comparison.removed, lambda: removed_section(comparison.removed))]
    return [render() for entries, render in sections if entries]


# ---------------------------------------------------------------- guide pages and registries

def pages_section(changes: list[PageChange]) -> list[str]:
    lines = [f"## 指南页面变更（{len(changes)}）"]
    for change in changes:
        page = change.page
        lines += ["", f"### {change.kind} {code(page.path)}（{md(page.title)}）", ""]
        if (change.after and change.after.text is None) or (change.before and change.before.text is None):
            lines.append("- ⚠ 这是符号链接（快捷方式），不会被读取，也不能发布：请改为普通文件")
            continue
        diff = change.diff
        plus, minus = sum(d.startswith("+") for d in diff), sum(d.startswith("-") for d in diff)
        lines += [f"- 正文：{ADDED}{plus} 行，{REMOVED}{minus} 行", ""] + fenced(diff[:DIFF_LINES], "diff")
        if len(diff) > DIFF_LINES:
            lines.append(f"（差异共 {len(diff)} 行，只显示前 {DIFF_LINES} 行，其余 {len(diff) - DIFF_LINES} 行从略。）")
    return lines


def registry_section(changes: dict[str, list[Note]]) -> list[str]:
    lines = ["## 登记表变更"]
    if not changes:
        return lines + ["", "登记表（分类、公开主体、同义词、节假日）没有变化。"]
    for path, notes in changes.items():
        lines += ["", f"### {code(path)}", ""] + [f"- {'⚠ ' if n.alert else ''}{note_text(n)}" for n in notes]
    return lines


# ---------------------------------------------------------------- checks on the changed items

def validation_section(problems: list[Problem], touched_paths: set[str], item_paths: set[str]) -> list[str]:
    """Problems in changed files and registries; the rest is only counted (invoke validate lists it)."""
    shown = [p for p in problems if p.path in touched_paths or p.path not in item_paths]
    lines = ["## 校验", ""]
    if shown:
        lines += [f"- {md(p)}" for p in sorted(shown, key=lambda p: (p.path, p.line or 0, p.field))]
        lines += ["", f"共 {len(shown)} 个问题：合并前必须改正。"]
    else:
        lines.append("本次改动的文件和登记表没有发现问题。")
    rest = len(problems) - len(shown)
    if rest:
        lines += ["", f"另有 {rest} 个问题在本次没有改动的文件中（运行 invoke validate 查看全部）。"]
    return lines


def audit_lines(findings: list, day, count: int) -> list[str]:
    """逾期未更新 / 超期公开 among the changed items: `invoke audit`'s table, every cell escaped."""
    from gongkai.freshness.audit import COLUMNS, INTERNAL_MARK, NOTHING_FOUND, format_audit

    lines = ["## 时限检查（逾期未更新、超期公开）", "", f"检查日期：{day}，检查本次改动的 {count} 个有效事项。", ""]
    if not findings:
        return lines + [NOTHING_FOUND]
    rows = [(f.index_no, (INTERNAL_MARK if f.internal else "") + f.title, f.unit, f.status, f.detail, f.location)
            for f in findings]
    lines += ["| " + " | ".join(COLUMNS) + " |", "| " + " | ".join(("---",) * len(COLUMNS)) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines + ["", format_audit(findings).split("\n")[-1]]


def secrecy_lines(findings: list[Problem], rows: list) -> list[str]:
    """Unresolved findings, then EVERY acknowledgement in the changed items with who checked it."""
    lines = ["## 保密审查", "", "### 发现的问题", ""]
    lines += [f"- {md(p)}" for p in findings] or ["本次改动的公开事项中没有发现疑似敏感内容。"]
    lines += ["", f"### 保密审查登记（{len(rows)} 条）", ""]
    if not rows:
        return lines + ["本次改动的事项中没有保密审查登记。"]
    lines += ["请逐条核对：登记的内容确需公开，审核人确有权确认。", "",
              "| 事项 | 类型 | 内容 | 审核人 | 日期 | 说明 | 本次新增 | 位置 |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {cell(i.title)} | {cell(a.kind)} | {cell(a.content)} | {cell(a.reviewer)} | {cell(a.date)} | "
              f"{cell(a.note)} | {'是' if new else '否'} | {cell(f'{i.source}:{a.line}' if a.line else i.source)} |"
              for i, a, new in rows]
    return lines


# ---------------------------------------------------------------- the whole report, within the limit

@dataclass
class Section:
    """Part of the report. `rank` says what is cut first when the report is too long: 0 never,
    then the highest rank first."""

    lines: list[str]
    rank: int = 0


def summary(comparison: Comparison, registries: dict[str, list[Note]], pages: list[PageChange]) -> list[str]:
    counts = (len(comparison.added), len(comparison.changed), len(comparison.moved), len(comparison.removed),
              sum(len(n) for n in registries.values()), len(pages))
    return ["## 概要", "", "| 新增 | 修改 | 移动 | 撤销 | 登记表变更 | 指南页面 |", "| --- | --- | --- | --- | --- | --- |",
            "| " + " | ".join(str(c) for c in counts) + " |", "",
            "“修改”含索引号变更；既移动又修改的事项在“修改”和“移动”中各计一次。"]


def assemble(sections: list[Section], full_name: str | None, limit: int | None = None) -> tuple[str, str]:
    """(the report within `limit` (LIMIT) characters, the full report)."""
    limit = limit or LIMIT
    full = _join([s.lines for s in sections])
    if len(full) <= limit:
        return full, full
    kept = [list(s.lines) for s in sections]
    budget = limit - len(_too_long_note(len(full), limit, full_name, True)) - 2
    for rank in sorted({s.rank for s in sections if s.rank}, reverse=True) + [0]:
        for index in [i for i, s in enumerate(sections) if s.rank == rank][::-1]:
            excess = len(_join(kept)) - budget
            if excess <= 0:
                break
            kept[index] = _cut(kept[index], max(len(_join([kept[index]])) - excess, 0))
    whole = all(k == s.lines for k, s in zip(kept, sections) if s.rank == 0)
    kept[0] = kept[0] + ["", _too_long_note(len(full), limit, full_name, whole)]
    return _join(kept), full


def _join(parts: list[list[str]]) -> str:
    return "\n\n".join("\n".join(lines).strip("\n") for lines in parts if lines).rstrip("\n") + "\n"


def _too_long_note(size: int, limit: int, full_name: str | None, whole: bool) -> str:
    """The note under the title of a shortened report. When even the ⚠ section did not fit (thousands
    of withdrawals), it says so in bold: those lines must be read in the full report."""
    where = f"CI 构建产物 {code(full_name)}" if full_name else "CI 构建产物（本地可运行 invoke review --base … --full 文件名 生成）"
    head = f"> **报告过长，完整报告见 {where}。** 完整报告 {size:,} 字，超过 {limit:,} 字的上限："
    if whole:
        return head + "概要和“需要特别确认的变更”完整列出，其余各节只列出前面的部分。"
    return head + "**需要特别确认的变更太多，这里只列出前面的部分：其余各条请务必在完整报告中逐条确认。**"


def _cut(lines: list[str], budget: int) -> list[str]:
    """The first lines of a section that fit in `budget` characters (never inside a code block),
    then a line saying how many were left out."""
    kept, size, fence, fence_start = [], 0, "", 0
    for number, line in enumerate(lines):
        if size + len(line) + 1 > budget - 40 and number > 0:
            break
        run = BACKTICKS.match(line)
        if not fence and run and len(run.group()) >= 3:
            fence, fence_start = run.group(), len(kept)
        elif fence and line == fence:
            fence = ""
        kept.append(line)
        size += len(line) + 1
    if fence:
        kept = kept[:fence_start]
    omitted = len(lines) - len(kept)
    if omitted == 0:
        return kept
    return _trim_blank(kept) + ["", f"（本节过长，其余 {omitted} 行从略：见完整报告。）"]


def _trim_blank(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines
