"""保密审查 of attachment contents: the text of every file the site publishes (an item's 附件, a
file a 公开指南 page links), scanned by the same detectors as items and pages.

- What is published is decided by the publish boundary (gongkai.boundary), so exactly
  those files are scanned: public items' 附件, non-draft pages' and published annual reports'
  {attach} links. 内部 items publish nothing, so their attachments are scanned only if something
  public also links them.
- The text comes from secrecy.extract (pypdf, python-docx, openpyxl, xlrd), located by page,
  paragraph/table cell, sheet!cell, row/column or line; findings_in_text's detector
  (detect.find_sensitive, after gongkai.textnorm.fold) reads it exactly as it reads a body.
- Extraction runs in worker processes with a time and memory limit (secrecy.isolate): a hostile
  file costs at most TIME_LIMIT seconds and is reported, never a hang or a traceback.
- Results are kept per file content (SHA-256 of the bytes) through gongkai.cache, the one
  cache module: signed, keyed on code and library versions; a rebuild re-reads only changed files.
- Acknowledgements: a finding in an attachment is approved by a `保密审查` entry of an item that
  attaches it, matched exactly as in the item itself (same kind, same whole number). A file that
  cannot be read (an image, a scan, a damaged, encrypted or unsupported file) is approved, after a
  person has opened it, by an entry of 类型 无法检查的附件 whose 内容 names the file and its
  content (path#first 16 hex digits of its SHA-256): a changed file is a different file, and
  needs a person again. A 公开指南 page or an annual report cannot register acknowledgements
  (secrecy.pages), so a finding in a file only they link must be fixed.

load_project runs attachment_problems as its "attachments" step (validate, scan, every build).
Entries of an item with attachments are judged stale here, where the attachments' findings are
known (scan.scan_item defers them).
"""
from __future__ import annotations

import hashlib
import sys
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from gongkai import cache
from gongkai.boundary import Boundary
from gongkai.errors import Problem, quote

from . import extract as ex
from .detect import MARKING, find_sensitive
from .isolate import CRASHED, MEMORY, OK, TIMEOUT, run_isolated
from .pages import page_scanned
from .scan import ACK_KEY, STALE, UNCHECKED, Finding, acknowledgements, scan_item

CACHE_NAME = "gongkai-attachments.cache"
TIME_LIMIT = 180           # seconds one file may take (a 20 MB, 300-page PDF takes a few)
MEMORY_LIMIT = 3 * 1024 ** 3  # bytes of address space per worker
FINGERPRINT = 16           # hex digits of the SHA-256 named in an acknowledgement (as in files/<hash>)
WORK_PER_WORKER = 8_000_000  # bytes of attachments that pay for starting another worker
ANNOUNCE = 20              # files to read before saying so (the first build of a large catalogue)
# Pieces are scanned many at a time, joined by a break no number or marking crosses.
BATCH_CHARS = 200_000
JOIN = "\n。\n"

_REGISTER = "确需公开的，请在附上它的事项的 保密审查 中登记（内容照抄完整号码）并注明审核人"
ADVICE = {MARKING: "涉密、内部或不予公开的信息不得上网公开，请删除后重新附上；确属误报的，请在附上它的事项的 保密审查 中登记并注明审核人"}
NUMBER_ADVICE = f"公开前请删除或脱敏后重新附上；{_REGISTER}"
NOT_AN_ITEM = "公开指南页面和年度报告不能登记保密审查例外"
PAGE_ONLY = f"公开前请删除或脱敏后重新附上（{NOT_AN_ITEM}）"
PAGE_ONLY_MARKING = f"涉密、内部或不予公开的信息不得上网公开，请删除后重新附上（{NOT_AN_ITEM}）"
CONFIRM = ("请打开文件人工确认不含身份证号码、手机号码、银行卡号等个人信息和密级标识；确认可以公开的，由审核人在附上它的事项的"
           " 保密审查 中登记：内容 \"{content}\"，类型 无法检查的附件（文件改动后需重新确认）")
CONFIRM_PAGE_ONLY = f"{NOT_AN_ITEM}：请改为附上能自动检查的文件（例如有文字层的 PDF、.docx、.xlsx）"
REASON_LABEL = {TIMEOUT: "处理超时", CRASHED: "处理出错", MEMORY: ex.OVER_LIMIT}


@dataclass(frozen=True)
class Hit:
    """One finding in a file's text, where the editor finds it; `line` for a plain text file."""

    where: str
    line: int | None
    kind: str
    value: str
    shown: str
    label: str = ""


@dataclass(frozen=True)
class FileScan:
    """What one file holds: findings, what could not be read, its SHA-256 and pages/cells/lines read.
    `cacheable` is False for a verdict that depends on the machine (a time-out, a crashed worker)."""

    sha256: str
    hits: tuple = ()
    unchecked: tuple = ()
    units: int = 0
    cacheable: bool = True


@dataclass(frozen=True)
class User:
    """An item (with its 附件 entry's line), a 公开指南 page or an annual report that publishes the file."""

    source: str
    line: int | None
    item: object = None  # catalogue.model.Item; None for a page

    def __str__(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source


# ---------------------------------------------------------------- one file (runs in a worker)

def scan_file(path: str) -> FileScan:
    """Extract and scan one file; the worker function (also called directly by tests and benchmarks)."""
    data = Path(path).read_bytes()
    extracted = ex.extract_bytes(data, Path(path).suffix.lower())
    return FileScan(hashlib.sha256(data).hexdigest(), tuple(hits_in(extracted.pieces)),
                    tuple(extracted.unchecked), extracted.units)


def hits_in(pieces: list) -> list[Hit]:
    """find_sensitive over the pieces, many joined at a time (one call per cell would cost more
    than the scan), each hit mapped back to its piece."""
    hits = []
    for batch in _batches(pieces):
        text = JOIN.join(p.text for p in batch)
        starts, at = [], 0
        for piece in batch:
            starts.append(at)
            at += len(piece.text) + len(JOIN)
        for match in find_sensitive(text):
            k = bisect_right(starts, match.start) - 1
            piece = batch[k]
            line = None
            if piece.first_line is not None:
                line = piece.first_line + text.count("\n", starts[k], match.start)
            hits.append(Hit(piece.where, line, match.kind, match.value, match.shown, match.label))
    return hits


def _batches(pieces: list):
    batch, size = [], 0
    for piece in pieces:
        if batch and size + len(piece.text) > BATCH_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(piece)
        size += len(piece.text) + len(JOIN)
    if batch:
        yield batch


# ---------------------------------------------------------------- many files, cached by content

def scan_files(files: list[Path], cache_dir: Path | None = None, project: Path | None = None) -> dict:
    """{file: FileScan} for every file; only files whose content is not in the cache are read."""
    digests = {file: _sha256(file) for file in files}
    key = cache.derive_key("attachments", ex.LIMITS, ex.MIN_TEXT_LAYER, TIME_LIMIT, MEMORY_LIMIT)
    store = cache_dir / CACHE_NAME if cache_dir and project else None
    stored = cache.load(store, key, project) if store else None
    known = stored if isinstance(stored, dict) else {}
    results = {f: known[d] for f, d in digests.items() if d in known}
    misses = [f for f in files if f not in results]
    if len(misses) >= ANNOUNCE:
        print(f"保密审查：正在读取 {len(misses)} 个新增或改动过的附件的内容（结果会保存，下次只读改动过的）……",
              file=sys.stderr, flush=True)
    outcomes = run_isolated(scan_file, [str(f) for f in misses], TIME_LIMIT, MEMORY_LIMIT, _workers(misses))
    for file, outcome in zip(misses, outcomes):
        results[file] = outcome.value if outcome.status == OK else _failed(digests[file] or "", outcome.status)
    if store and (misses or set(known) - set(digests.values())):
        # Only the files of this catalogue are kept, and only verdicts that do not depend on the machine.
        kept = {r.sha256: r for r in results.values() if r.cacheable and r.sha256}
        cache.save(store, key, kept, project)
    return results


def _workers(files: list[Path]) -> int:
    """One worker per WORK_PER_WORKER bytes to read: a worker costs a second of start-up (imports),
    which a handful of small files does not repay."""
    size = 0
    for file in files:
        try:
            size += file.stat().st_size
        except OSError:
            pass
    return 1 + size // WORK_PER_WORKER


def _sha256(file: Path) -> str | None:
    try:
        return cache.content_hash(file)
    except OSError:
        return None


def _failed(digest: str, status: str) -> FileScan:
    detail = {TIMEOUT: f"处理超过 {TIME_LIMIT} 秒仍未完成", CRASHED: "读取时检查程序意外退出",
              MEMORY: "读取时占用的内存超过上限"}.get(status, "读取时出错")
    unchecked = ex.Unchecked(ex.OVER_LIMIT if status != CRASHED else ex.DAMAGED, "",
                             f"{detail}：文件可能已损坏或过于复杂，请重新保存或拆分后附上",
                             REASON_LABEL.get(status, ex.DAMAGED))
    return FileScan(digest, (), (unchecked,), 0, cacheable=False)


# ---------------------------------------------------------------- the catalogue's attachments

def published_files(catalogue, boundary: Boundary, reports=()) -> dict:
    """{file: [User…]}: every file the site publishes, with the items, pages and reports that publish it."""
    users = defaultdict(list)
    for item in catalogue.public_items + catalogue.public_documents:
        for i, entry in enumerate(item.meta.get("附件") or []):
            written = entry.get("文件") if isinstance(entry, dict) else None
            file, _why = boundary.accept(written) if isinstance(written, str) else (None, None)
            if file:  # a refused file is reported by validate (check_attachments) and never published
                users[file.source].append(User(item.source, item.lines.get(("附件", i, "文件")), item))
    linking = [page for page in catalogue.pages if page_scanned(page)] + [r for r in reports if r.is_published]
    for page in linking:
        for file in page.files:
            user = User(page.source, _link_line(page, file.source), None)
            if user not in users[file.source]:
                users[file.source].append(user)
    return dict(users)


def _link_line(page, source: Path) -> int | None:
    """The line of the body that links the file (pages and reports record the file, not the line)."""
    lines = page.body.split("\n")
    n = next((n for n, line in enumerate(lines) if source.name in line), None)
    return page.body_line + n if n is not None else None


def attachment_findings(catalogue, paths, boundary: Boundary, reports=()) -> tuple[list[Problem], dict, int]:
    """(problems, {item: [Finding in its attachments]}, files checked); `reports` are the annual
    reports, whose {attach} links publish files too."""
    content = boundary.content
    root = Path(paths.root).resolve()
    files = published_files(catalogue, boundary, reports)
    scans = scan_files(list(files), getattr(paths, "cache_dir", None), root)
    problems, per_item = [], defaultdict(list)
    for source, users in files.items():
        display = _display(source, root)
        fingerprint = f"{source.relative_to(content).as_posix()}#{scans[source].sha256[:FINGERPRINT]}"
        items = [u.item for u in users if u.item is not None]
        acks = [a for item in items for a in acknowledgements(item)]
        for finding, problem in _file_findings(display, fingerprint, scans[source], users, bool(items)):
            for item in items:
                per_item[item].append(finding)
            if not any(a.covers(finding) for a in acks):
                problems.append(problem)
    return problems, per_item, len(files)


def _file_findings(display: str, fingerprint: str, scan: FileScan, users: list, acknowledgeable: bool):
    """(Finding to match acknowledgements against, Problem to report) for each hit and each unread part."""
    where = "、".join(map(str, users[:5])) + (f" 等 {len(users)} 处" if len(users) > 5 else "")
    for hit in scan.hits:
        advice = (ADVICE.get(hit.kind, NUMBER_ADVICE) if acknowledgeable
                  else PAGE_ONLY_MARKING if hit.kind == MARKING else PAGE_ONLY)
        called = hit.label or f"疑似{hit.kind}"
        finding = Finding(display, hit.line, hit.where, hit.kind, "", hit.shown, hit.value, label=hit.label)
        yield finding, Problem(display, hit.line, hit.where, f"{called}“{hit.shown}”：{advice}。附于：{where}")
    for unread in scan.unchecked:
        advice = CONFIRM.format(content=fingerprint) if acknowledgeable else CONFIRM_PAGE_ONLY
        label = f"无法检查（{unread.label or unread.reason}）"
        finding = Finding(display, None, unread.where, UNCHECKED, "", fingerprint, fingerprint, label=label)
        yield finding, Problem(display, None, unread.where, f"{label}：{unread.detail}。{advice}。附于：{where}")


def _display(source: Path, root: Path) -> str:
    try:
        return source.relative_to(root).as_posix()
    except ValueError:
        return quote(source.as_posix(), 200)


def stale_acknowledgements(catalogue, per_item: dict) -> list[Problem]:
    """Entries of items with attachments that approve nothing in the item or its attachments
    (scan.scan_item leaves these to this check)."""
    found = []
    for item in catalogue.public_items + catalogue.public_documents:
        if item.meta.get("附件") and item.meta.get(ACK_KEY):
            found += [f.problem() for f in scan_item(item, per_item.get(item, [])) if f.kind == STALE]
    return found


def attachment_problems(catalogue, paths, boundary: Boundary, reports=()) -> list[Problem]:
    """The "attachments" step of load_project: run by validate, scan and every build."""
    problems, per_item, _count = attachment_findings(catalogue, paths, boundary, reports)
    return problems + stale_acknowledgements(catalogue, per_item)
