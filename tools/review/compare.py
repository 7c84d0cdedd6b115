"""Two snapshots compared: which items were added, removed, changed, moved; which registry entries
and guide pages changed; and which content becomes public that was not public at the base.

Items are matched by 索引号, then by file path, then — only for an 内部 item that disappeared — by
content: an 内部 item moved, re-numbered and made public in one change is one item made public,
not a withdrawal plus an unrelated addition. Any public item (new or changed) whose content comes
from an 内部 item of the base is reported as an exposure, whatever else changed.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from gongkai import urls

from .snapshot import REGISTRIES, Entry, Page, Snapshot

NONE = "（无）"
ADDED, REMOVED = "＋", "－"
# Content similarity: the share of an 内部 item's 4-character pieces found again in a public item.
SHINGLE = 4
SIMILAR = 0.5
_NOT_TEXT = re.compile(r"[\s\W_]+")


# ---------------------------------------------------------------- items

@dataclass
class FieldChange:
    name: str
    before: object  # text, a tuple of texts (a list field), or None when absent
    after: object


@dataclass
class Pair:
    """The same item before and after: matched by 索引号, else by file path, else by content."""

    before: Entry
    after: Entry
    fields: list[FieldChange] = field(default_factory=list)
    body_diff: list[str] = field(default_factory=list)
    similarity: float | None = None  # set when matched by content (both 索引号 and path changed)

    moved = property(lambda self: self.before.path != self.after.path)
    index_changed = property(lambda self: self.before.index_no != self.after.index_no)
    changed = property(lambda self: bool(self.fields or self.body_diff or not self.after.readable))


@dataclass(frozen=True)
class Exposure:
    """A public item carrying content that was 内部 at the base."""

    entry: Entry   # the public item now
    source: Entry  # the 内部 item at the base
    how: str       # why they are taken to be the same content, in Chinese


@dataclass
class Comparison:
    added: list[Entry]
    removed: list[Entry]
    pairs: list[Pair]
    exposures: list[Exposure] = field(default_factory=list)

    changed = property(lambda self: [p for p in self.pairs if p.changed])
    moved = property(lambda self: [p for p in self.pairs if p.moved])


def shingles(entry: Entry) -> frozenset[str]:
    """The item's distinctive text (name, 公开内容, body) as overlapping 4-character pieces,
    ignoring spaces, punctuation, and full-/half-width differences."""
    contents = entry.meta.get("公开内容")
    parts = [entry.title, *(map(str, contents) if isinstance(contents, list) else []), entry.body]
    text = _NOT_TEXT.sub("", unicodedata.normalize("NFKC", "\n".join(parts))).lower()
    return frozenset(text[i:i + SHINGLE] for i in range(max(len(text) - SHINGLE + 1, 1)))


class ContentIndex:
    """Finds, for a text, the indexed entry most of whose pieces it contains (an inverted index:
    the work grows with the pieces shared, not with the number of entries)."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self.sizes = []
        self.postings: dict[str, list[int]] = {}
        for number, entry in enumerate(entries):
            pieces = shingles(entry)
            self.sizes.append(len(pieces))
            for piece in pieces:
                self.postings.setdefault(piece, []).append(number)

    def best(self, pieces: frozenset[str], skip=()) -> tuple[Entry, float] | None:
        """(entry, share of its pieces found in `pieces`) for the best entry not in `skip`."""
        counts = Counter(n for piece in pieces for n in self.postings.get(piece, ()))
        scored = [(count / self.sizes[n], -n) for n, count in counts.items() if self.entries[n].path not in skip]
        if not scored:
            return None
        score, negative = max(scored)
        return self.entries[-negative], score


def match(before: dict[str, Entry], after: dict[str, Entry]) -> Comparison:
    """索引号 first (a move keeps it), then the path (a new 索引号 in the same file), then content
    (an 内部 item that vanished and a public one that appeared); the rest are additions and
    removals. A duplicated 索引号 is matched once and its twins by path."""
    by_index_before = _first_by_index(before.values())
    pairs, left, right = [], dict(before), dict(after)
    for entry in after.values():
        twin = by_index_before.get(entry.index_no) if entry.index_no else None
        if twin and twin.path in left:
            pairs.append(Pair(left.pop(twin.path), right.pop(entry.path)))
    for path in [p for p in right if p in left]:
        pairs.append(Pair(left.pop(path), right.pop(path)))
    pairs += _match_by_content(left, right)
    return Comparison(sorted(right.values(), key=_by_path), sorted(left.values(), key=_by_path),
                      sorted(pairs, key=lambda p: p.after.path))


def _match_by_content(left: dict[str, Entry], right: dict[str, Entry]) -> list[Pair]:
    """Vanished 内部 items paired with new public items that carry most of their text."""
    index = ContentIndex([e for e in sorted(left.values(), key=_by_path) if e.internal and e.readable])
    pairs, taken = [], set()
    for entry in sorted([e for e in right.values() if e.public], key=_by_path):
        found = index.best(shingles(entry), skip=taken) if index.entries else None
        if found and found[1] >= SIMILAR:
            taken.add(found[0].path)
            pairs.append(Pair(left.pop(found[0].path), right.pop(entry.path), similarity=found[1]))
    return pairs


def _first_by_index(entries) -> dict[str, Entry]:
    found = {}
    for entry in sorted(entries, key=_by_path):
        if entry.index_no:
            found.setdefault(entry.index_no, entry)
    return found


def _by_path(entry: Entry) -> str:
    return entry.path


def exposures(comparison: Comparison, before: Snapshot) -> list[Exposure]:
    """New public items, and public items whose text changed, that carry an 内部 item's content:
    the same file path as an 内部 item of the base, or most of an 内部 item's text."""
    internal = [e for e in sorted(before.entries.values(), key=_by_path) if e.internal and e.readable]
    if not internal:
        return []
    index, found = ContentIndex(internal), []
    for entry in (e for e in comparison.added if e.public):
        same_file = before.entries.get(entry.path)
        if same_file is not None and same_file.internal:
            found.append(Exposure(entry, same_file, "文件与基准版本中的内部事项相同"))
            continue
        hit = index.best(shingles(entry))
        if hit and hit[1] >= SIMILAR:
            found.append(Exposure(entry, hit[0], f"内容与基准版本中的内部事项相似（相似度 {hit[1]:.0%}）"))
    for pair in comparison.changed:
        if not (pair.before.public and pair.after.public):
            continue  # an 内部 item made public is flagged as such
        now = shingles(pair.after)
        hit = index.best(now - shingles(pair.before))
        if hit and _share(hit[0], now) >= SIMILAR and _share(hit[0], shingles(pair.before)) < SIMILAR:
            found.append(Exposure(pair.after, hit[0], f"修改后内容与基准版本中的内部事项相似（相似度 {_share(hit[0], now):.0%}）"))
    return found


def _share(source: Entry, pieces: frozenset[str]) -> float:
    own = shingles(source)
    return len(own & pieces) / len(own) if own else 0.0


def compare(before: Snapshot, after: Snapshot, field_order: list[str]) -> Comparison:
    comparison = match(before.entries, after.entries)
    for pair in comparison.pairs:
        if not pair.after.readable:
            continue  # nothing to compare with: the validation section says what is wrong
        pair.fields = field_changes(pair.before.meta, pair.after.meta, field_order)
        pair.body_diff = body_diff(pair.before.body, pair.after.body)
    comparison.exposures = exposures(comparison, before)
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
    names = sorted(set(old) | set(new), key=lambda n: field_rank(n, order))
    return [FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]


def field_rank(name: str, order: list[str]) -> tuple:
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


def list_parts(change: FieldChange) -> list[tuple[str, str]] | None:
    """[('＋', '甲'), ('－', '乙')] when both sides are lists (or absent); None for a plain value;
    [] when only the order changed."""
    before, after = change.before, change.after
    if not all(isinstance(v, (tuple, type(None))) for v in (before, after)):
        return None
    added = [(ADDED, e) for e in after or () if e not in (before or ())]
    removed = [(REMOVED, e) for e in before or () if e not in (after or ())]
    return added + removed


# ---------------------------------------------------------------- guide pages

@dataclass(frozen=True)
class PageChange:
    kind: str  # 新增 / 修改 / 删除
    before: Page | None
    after: Page | None

    @property
    def page(self) -> Page:
        return self.after or self.before

    @property
    def diff(self) -> list[str]:
        old = (self.before.text or "") if self.before else ""
        new = (self.after.text or "") if self.after else ""
        lines = difflib.unified_diff(old.strip("\n").split("\n") if old.strip() else [],
                                     new.strip("\n").split("\n") if new.strip() else [], lineterm="", n=2)
        return list(lines)[2:]


def page_changes(before: dict[str, Page], after: dict[str, Page]) -> list[PageChange]:
    changes = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        changes.append(PageChange("新增" if old is None else "删除" if new is None else "修改", old, new))
    return changes


# ---------------------------------------------------------------- registries

@dataclass(frozen=True)
class Note:
    """One line of the registry section; `alert` lines are repeated at the top of the report.
    `text` is a template whose {0}, {1} … are the editor's values (escaped when rendered)."""

    text: str
    values: tuple = ()
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
    return str(entry.get("slug") or urls.unit_slug(str(entry.get("名称", ""))))


CATEGORY = Kind("一级事项", lambda e, _p: urls.category_url(_slug(e)), _slug,
                lambda a, b: _slug(a) == _slug(b), ("名称", "slug", "二级事项"))
SUBCATEGORY = Kind("二级事项", lambda e, parent: urls.category_url(parent, _slug(e)), _slug,
                   lambda a, b: _slug(a) == _slug(b))
UNIT = Kind("公开主体", lambda e, _p: urls.unit_url(_unit_slug(e)), _unit_slug,
            lambda a, b: _unit_slug(a) == _unit_slug(b) or (a.get("机构代码") is not None and a.get("机构代码") == b.get("机构代码")))


def _named(entries) -> dict[str, dict]:
    return {str(e["名称"]): e for e in entries or [] if isinstance(e, dict) and "名称" in e} if isinstance(entries, list) else {}


def diff_named(old_entries, new_entries, kind: Kind, parent: str = "", where: tuple = ()) -> list[Note]:
    """Entries added, removed, renamed (same slug, or same 机构代码 for units) and edited.
    `where` is (template, values) naming the parent (一级事项“{0}”下的)."""
    old, new = _named(old_entries), _named(new_entries)
    gone = {n: e for n, e in old.items() if n not in new}
    place, place_values = where or ("", ())
    k = len(place_values)
    notes, pairs = [], [(old[n], new[n]) for n in new if n in old]
    for name, entry in new.items():
        if name in old:
            continue
        was = next((o for o in gone.values() if kind.same(o, entry)), None)
        if was is not None:
            gone.pop(str(was["名称"]))
            notes.append(Note(f"{place}{kind.what}“{{{k}}}”改名为“{{{k + 1}}}”", (*place_values, str(was["名称"]), name)))
            pairs.append((was, entry))
        else:
            notes.append(Note(f"新增{place}{kind.what}“{{{k}}}”（网址 {{{k + 1}}}）", (*place_values, name, kind.url(entry, parent))))
    notes += [Note(f"删除{place}{kind.what}“{{{k}}}”：网页 {{{k + 1}}} 将从网站上消失", (*place_values, n, kind.url(e, parent)), alert=True)
              for n, e in gone.items()]
    for before, after in pairs:
        notes += _entry_changes(before, after, kind, parent, (place, place_values))
    return notes


def _entry_changes(before: dict, after: dict, kind: Kind, parent: str, where: tuple) -> list[Note]:
    place, values = where
    k = len(values)
    label, label_values = f"{place}{kind.what}“{{{k}}}”", (*values, str(after["名称"]))
    notes = []
    if kind.slug(before) != kind.slug(after):
        also = "（其下二级事项的网址随之改变）" if kind is CATEGORY else ""
        n = len(label_values)
        notes.append(Note(f"{label}的 slug {{{n}}} → {{{n + 1}}}：网址 {{{n + 2}}} 改为 {{{n + 3}}}{also}，旧网址将失效",
                          (*label_values, kind.slug(before), kind.slug(after), kind.url(before, parent),
                           kind.url(after, parent)), alert=True))
    trimmed = [{k2: v for k2, v in e.items() if k2 not in kind.skip} for e in (before, after)]
    for change in field_changes(*trimmed, order=[]):
        notes.append(Note(f"{label}的{{{len(label_values)}}}：{{{len(label_values) + 1}}}",
                          (*label_values, change.name, change)))
    if kind is CATEGORY:
        notes += diff_named(before.get("二级事项"), after.get("二级事项"), SUBCATEGORY, _slug(after),
                            ("一级事项“{0}”下的", (str(after["名称"]),)))
    return notes


def diff_generic(old, new) -> list[Note]:
    """Any other registry (synonyms, holidays): entries added and removed, keys changed."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [Note("{0}：{1}", (c.name, c)) for c in field_changes(old, new, order=[])]
    old_list = [_text(e) for e in old] if isinstance(old, list) else []
    new_list = [_text(e) for e in new] if isinstance(new, list) else []
    notes = [Note(f"{ADDED} {{0}}", (e,)) for e in new_list if e not in old_list]
    notes += [Note(f"{REMOVED} {{0}}", (e,)) for e in old_list if e not in new_list]
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
