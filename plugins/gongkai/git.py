"""Every call to git goes through here (the history step's `git log`, the review's base version),
so that a ref or a path typed by a person (or written into a commit) can never become an option, a
refspec or a file outside our folder.

- refs are checked once by check_ref() (git check-ref-format rules, and nothing that git would read
  as an option, a refspec or a range) and always follow `--end-of-options`;
- paths always follow `--`;
- fetching writes only into our own ref namespace (refs/gongkai-review/…), never into a branch;
- export_tree() writes a commit's files under a folder we own, refusing any tree entry that could
  leave it (`..`, absolute, separators, symlinks).
"""
from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import BadRef, GitError

NO_GIT = "找不到 git 程序"
# Our own namespace for fetched refs: a fetch never moves a branch or a tag.
FETCH_NAMESPACE = "refs/gongkai-review"
# A user's log.follow or log.showSignature would change the output we parse; core.quotepath=false
# keeps Chinese file names as UTF-8.
CONFIG = ("-c", "core.quotepath=false", "-c", "log.follow=false", "-c", "log.showSignature=false")
MAX_REF_LENGTH = 255
# Ancestry suffixes (main~2, HEAD^) are allowed after a ref name: they cannot name another ref.
_ANCESTRY = re.compile(r"(?:[~^][0-9]{0,6})+$")
_REGULAR_FILE_MODES = {"100644", "100755"}


def _env() -> dict:
    # CI must fail, not wait for a password; LANGUAGE=C keeps git's own messages recognisable.
    return dict(os.environ, GIT_TERMINAL_PROMPT="0", LANGUAGE="C")


def git(root: Path, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    """git's CompletedProcess (bytes); the caller decides what a non-zero exit means."""
    try:
        return subprocess.run(["git", *CONFIG, *args], cwd=root, input=data, capture_output=True, env=_env())
    except OSError as exc:  # git not installed
        raise GitError(NO_GIT) from exc


def run_git(root: Path, *args: str) -> str:
    """git's standard output as text; GitError (git's first stderr line) when it fails."""
    done = git(root, *args)
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        raise GitError(stderr.splitlines()[0] if stderr else f"git 退出码 {done.returncode}")
    return done.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------- refs

def _has_control_or_space(text: str) -> bool:
    return any(c.isspace() or unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in text)


# (test on the whole ref, or on its name without ~N/^N, message). First failing rule is reported.
_REF_RULES = [
    (lambda r, n: not r, "不能为空"),
    (lambda r, n: len(r) > MAX_REF_LENGTH, f"太长（超过 {MAX_REF_LENGTH} 个字符）"),
    (lambda r, n: r.startswith("-"), "不能以“-”开头（会被 git 当作选项）"),
    (lambda r, n: r.startswith("+"), "不能以“+”开头"),
    (lambda r, n: ":" in r, "不能包含“:”"),
    (lambda r, n: _has_control_or_space(r), "不能包含空格、换行或控制字符"),
    (lambda r, n: not n, "缺少分支名或提交号"),
    (lambda r, n: ".." in n, "不能包含“..”"),
    (lambda r, n: "@{" in n or n == "@", "不能包含“@{”，也不能只是“@”"),
    (lambda r, n: any(c in n for c in "\\?*[~^"), "不能包含 \\ ? * [ ~ ^（~ 和 ^ 只能写在末尾，如 main~1）"),
    (lambda r, n: n.startswith("/") or n.endswith("/") or "//" in n, "不能以“/”开头或结尾，也不能有连续的“/”"),
    (lambda r, n: n.endswith("."), "不能以“.”结尾"),
    (lambda r, n: any(p.startswith(".") or p.endswith(".lock") for p in n.split("/")),
     "每一段不能以“.”开头或以“.lock”结尾"),
]


def ref_problem(ref: str) -> str | None:
    """Why `ref` is refused (Chinese), or None: git check-ref-format's rules for the name, which
    may end in ~N / ^N, plus no leading - or +, no : and no whitespace or control characters."""
    name = _ANCESTRY.sub("", ref)
    return next((message for test, message in _REF_RULES if test(ref, name)), None)


def check_ref(ref: str) -> str:
    """`ref` itself when it is a safe branch name, tag, commit id or one of those with ~N/^N."""
    problem = ref_problem(ref)
    if problem:
        raise BadRef(f"不是有效的分支名或提交号：{problem}")
    return ref


def commit_of(root: Path, ref: str) -> str | None:
    """The full commit id `ref` names here, or None. `ref` must have passed check_ref()."""
    done = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{check_ref(ref)}^{{commit}}")
    return done.stdout.decode().strip() if done.returncode == 0 else None


def fetch_ref(root: Path, remote: str, ref: str, name: str, depth: int = 1) -> str | None:
    """Fetch `ref` from `remote` into refs/gongkai-review/<name> only; its commit id, or None."""
    target = f"{FETCH_NAMESPACE}/{name}"
    done = git(root, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", f"--depth={depth}", "--end-of-options",
               remote, f"{check_ref(ref)}:{target}")
    return commit_of(root, target) if done.returncode == 0 else None


def deepen(root: Path, remote: str, commits: int) -> bool:
    """A shallow clone fetches `commits` more of history (no refspec: no ref is moved but remote ones)."""
    return git(root, "fetch", "--quiet", "--no-tags", f"--deepen={commits}", "--end-of-options", remote).returncode == 0


def is_repository(root: Path) -> bool:
    return git(root, "rev-parse", "--git-dir").returncode == 0


def subject_of(root: Path, commit: str) -> str:
    done = git(root, "log", "-1", "--format=%s", "--end-of-options", check_ref(commit), "--")
    return done.stdout.decode("utf-8", "replace").strip()


# ---------------------------------------------------------------- a commit's files on disk

@dataclass(frozen=True)
class TreeEntry:
    mode: str
    oid: str
    path: str  # as git stores it, "/"-separated


def safe_relative(path: str) -> bool:
    """A tree path that stays inside any folder it is written under, on Linux and on Windows."""
    # Windows drops trailing dots and spaces from each name, so ". ." and "..." mean ".." there.
    return not path.startswith("/") and all(part.rstrip(" .") for part in path.split("/")) \
        and not any(c in path for c in "\\:\0")


def tree_entries(root: Path, commit: str, folders: list[str]) -> list[TreeEntry]:
    """Every entry under `folders` at `commit`, as git lists it (one process)."""
    listing = git(root, "ls-tree", "-r", "-z", "--end-of-options", check_ref(commit), "--", *folders)
    entries = []
    for record in listing.stdout.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = record.partition("\t")
        fields = meta.split(" ")
        if len(fields) == 3:
            entries.append(TreeEntry(fields[0], fields[2], path))
    return entries


def export_tree(root: Path, commit: str, folders: list[str], dest: Path, want=lambda path: True) -> list[str]:
    """Write the regular files under `folders` at `commit` (those `want(path)` accepts) below `dest`:
    two git processes in all. Returns the paths refused: symlinks, submodules, and names that could
    leave `dest` (`..`, `.`, absolute, backslashes, drive letters). Nothing is ever written outside
    `dest`, and no existing file or link is followed or overwritten."""
    dest = Path(os.path.realpath(dest))
    refused, wanted = [], []
    for entry in tree_entries(root, commit, folders):
        if not want(entry.path):
            continue
        if entry.mode not in _REGULAR_FILE_MODES or not safe_relative(entry.path):
            refused.append(entry.path)
        else:
            wanted.append(entry)
    for entry, data in zip(wanted, _blobs(root, [e.oid for e in wanted])):
        if data is None or not _write_inside(dest, entry.path, data):
            refused.append(entry.path)
    return refused


def _blobs(root: Path, oids: list[str]):
    """The contents of `oids`, in order, from one `git cat-file --batch`."""
    if not oids:
        return
    out = git(root, "cat-file", "--batch", data="".join(f"{oid}\n" for oid in oids).encode()).stdout
    position = 0
    for _oid in oids:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        if len(header) != 3:  # "<oid> missing" (a partial clone): no content follows
            position = header_end + 1
            yield None
            continue
        size = int(header[2])
        yield out[header_end + 1: header_end + 1 + size]
        position = header_end + 1 + size + 1


def _write_inside(dest: Path, path: str, data: bytes) -> bool:
    """Create dest/path (a new file, never through a link); False when it would land elsewhere."""
    target = dest.joinpath(*path.encode("utf-8", "surrogateescape").decode("utf-8", "replace").split("/"))
    parent = Path(os.path.realpath(target.parent))
    if parent != dest and dest not in parent.parents:
        return False
    parent.mkdir(parents=True, exist_ok=True)
    if Path(os.path.realpath(target.parent)) != parent:
        return False  # something replaced a folder on the way with a link
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(parent / target.name, flags, 0o644)
    except OSError:
        return False  # exists already (two names that are one on this file system) or not creatable
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    return True
