"""The registries an import reads and extends: new 一级/二级事项 and 公开主体 are appended to
schema/categories.yaml and schema/units.yaml as text, so the editors' comments and order stay."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.errors import ImportTableError, format_report
from gongkai.gate import TEMP_CODE_PREFIX

from ..yamlwrite import scalar
from .rows import Draft

PLACEHOLDER_CODE_PREFIX = TEMP_CODE_PREFIX  # the publish gate refuses 索引号 made with it


# ---------------------------------------------------------------- registries

def slug_of(name: str, taken: set[str]) -> str:
    """ASCII slug from the pinyin of a Chinese name, made unique with -2, -3 …"""
    from pypinyin import lazy_pinyin

    words = [re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in lazy_pinyin(name)]
    base = "-".join(w for w in words if w)
    if len(base) > 48:  # cut at a syllable boundary
        base = base[:49].rsplit("-", 1)[0]
    base = base.strip("-") or "fenlei"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def placeholder_code(unit: str) -> str:
    """A temporary 机构代码 (TEMP- and six hex digits of the name): valid, stable across imports,
    and visibly not a real 统一社会信用代码."""
    return PLACEHOLDER_CODE_PREFIX + hashlib.sha1(unit.encode("utf-8")).hexdigest()[:6].upper()


@dataclass
class Registries:
    """The registries as loaded, plus what this import adds to them (appended as text on write)."""

    categories: list
    units: list
    new_categories: dict = field(default_factory=dict)  # 一级事项 -> [二级事项] (new parent: key not in categories)
    new_units: dict = field(default_factory=dict)  # name -> 机构代码
    used_units: set = field(default_factory=set)  # units of the items actually written
    codes: dict = field(default_factory=dict)  # unit name -> 机构代码 used for 索引号

    def category(self, name):
        return next((c for c in self.categories if c.name == name), None)

    def add(self, parent: str, sub: str) -> None:
        existing = self.category(parent)
        if existing and existing.sub(sub):
            return
        subs = self.new_categories.setdefault(parent, [])
        if sub not in subs:
            subs.append(sub)


MISSING = "文件不存在"  # a registry not written yet: the import creates it


def load_registries(project) -> Registries:
    """The loaded project's registries; a missing registry file is fine (the import starts it),
    any other problem in one stops the import."""
    problems = [p for p in project.catalogue.registry_problems if p.message != MISSING]
    if problems:
        raise ImportTableError("登记表有错误，请先修正（invoke validate）再导入：\n" + format_report(problems))
    return Registries(project.catalogue.categories, project.catalogue.units)


def assign_codes(drafts: list[Draft], registries: Registries, code: str | None, notes: list[str]) -> None:
    """机构代码 per 公开主体: the registered one; else --code when exactly one unit needs one; else a
    placeholder (reported). Units not registered are registered with that code."""
    known = {u.name: u for u in registries.units}
    needing = sorted({d.fields["公开主体"] for d in drafts if not d.reasons
                      and not (known.get(d.fields["公开主体"]) and known[d.fields["公开主体"]].code)})
    if code and len(needing) > 1:
        raise ImportTableError(f"表格中有 {len(needing)} 个单位需要机构代码（{'、'.join(needing)}），--code 只能指定一个："
                               "请先在 schema/units.yaml 中登记各单位的机构代码，再导入")
    for unit in {d.fields["公开主体"] for d in drafts if not d.reasons}:
        if known.get(unit) and known[unit].code:
            registries.codes[unit] = known[unit].code
            continue
        registries.codes[unit] = code or placeholder_code(unit)
        if unit not in known:
            registries.new_units[unit] = registries.codes[unit]
        elif not code:
            notes.append(f"公开主体“{unit}”在 schema/units.yaml 中没有机构代码，索引号暂用临时代码 {registries.codes[unit]}："
                         "建议先补登机构代码再导入")


def _read_text(path: Path) -> tuple[str, str, bool]:
    """(text with \\n, newline used by the file, had BOM)."""
    if not path.is_file():
        return "", "\n", False
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.replace("\r\n", "\n"), newline, raw.startswith(b"\xef\xbb\xbf")


def _write_text(path: Path, text: str, newline: str, bom: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" if bom else "").encode() + text.replace("\n", newline).encode("utf-8"))


def append_categories(path: Path, registries: Registries, header: str) -> list[str]:
    """New 二级事项 go after the last line of their 一级事项's block; new 一级事项 at the end."""
    text, newline, bom = _read_text(path)
    lines = text.split("\n") if text else []
    taken = {c.slug for c in registries.categories}
    shown = []
    for parent, subs in registries.new_categories.items():
        existing = registries.category(parent)
        if existing:
            sub_taken = {s.slug for s in existing.subcategories}
            lines = _insert_subs(lines, existing, [(s, slug_of(s, sub_taken)) for s in subs])
            shown += [f"二级事项“{s}”（加在一级事项“{parent}”下）" for s in subs]
    new_parents = [(p, subs) for p, subs in registries.new_categories.items() if not registries.category(p)]
    if new_parents:
        block = _trim_end(lines) + ["", f"# {header}"]
        for parent, subs in new_parents:
            block += [f"- 名称: {scalar(parent)}", f"  slug: {slug_of(parent, taken)}", "  二级事项:"]
            sub_taken: set[str] = set()
            for sub in subs:
                block += [f"    - 名称: {scalar(sub)}", f"      slug: {slug_of(sub, sub_taken)}"]
            shown.append(f"一级事项“{parent}”，二级事项：{_quoted(subs)}")
        lines = block
    _write_text(path, "\n".join(_trim_end(lines)) + "\n", newline, bom)
    return shown


def _quoted(names: list[str]) -> str:
    """Names may contain 、 themselves (行政法规、规章), so each is quoted."""
    return "".join(f"“{n}”" for n in names)


def _trim_end(lines: list[str]) -> list[str]:
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _insert_subs(lines: list[str], category, subs: list[tuple[str, str]]) -> list[str]:
    """Insert after the category's last entry line, with the indentation its 二级事项 already use."""
    last_sub = category.subcategories[-1].line  # 1-based line of that entry's first key
    sample = lines[last_sub - 1]
    dash = sample.index("-") if sample.lstrip().startswith("-") else max(sample.index("名称") - 2, 0)
    key = sample.index("名称") if "名称" in sample else dash + 2
    end = last_sub
    while end < len(lines) and lines[end].strip() and (len(lines[end]) - len(lines[end].lstrip())) > dash:
        end += 1
    new = []
    for name, slug in subs:
        new += [" " * dash + "-" + " " * (key - dash - 1) + f"名称: {scalar(name)}", " " * key + f"slug: {slug}"]
    return lines[:end] + new + lines[end:]


def append_units(path: Path, registries: Registries, reviewers: list[str], header: str) -> list[str]:
    text, newline, bom = _read_text(path)
    lines = _trim_end(text.split("\n") if text else [])
    taken = {u.slug for u in registries.units}
    lines += ["", f"# {header}"]
    shown = []
    for name, code in registries.new_units.items():
        lines += [f"- 名称: {scalar(name)}", f"  slug: {slug_of(name, taken)}", f"  机构代码: {scalar(code)}",
                  f"  审核人: [{', '.join(json.dumps(r, ensure_ascii=False) for r in reviewers)}]"]  # @ needs quotes
        temporary = "（临时代码：请改为该单位的统一社会信用代码）" if code.startswith(PLACEHOLDER_CODE_PREFIX) else ""
        shown.append(f"{name}：机构代码 {code}{temporary}，审核人 {'、'.join(reviewers)}（请改为该单位的审核人）")
    _write_text(path, "\n".join(lines) + "\n", newline, bom)
    return shown


