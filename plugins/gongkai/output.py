"""One build at a time, each in its own staging folder, swapped into place whole.

output/ always holds a complete site: the one before the build or the one it made. Beside it, in
the same folder (so every move is a rename on one file system):

  output.lock            held while a build runs. filelock: the OS releases it when the process
                         ends, even by kill -9, so it is never stale; a second build waits.
  output.staging-XXXX    one build in progress (a random, unique name per build)
  output.old-<ns>        the previous site during a two-rename swap (always complete)
  output.trash-XXXX      being deleted in the background
  output.frame-XXXX      the folders of a replaced site, its files deleted: the next build's
                         staging folder. A 10,000-item site has 10,000 folders (one per item
                         page), and making a folder is the slowest thing a rebuild does on some
                         disks (0.2 ms each here: 0.5–2.3 s a build). Adopting a frame, the
                         build first removes anything in it that is not a folder (a committed
                         output.frame-* must not publish its files); before the swap it removes
                         the folders it left empty (a deleted item's), so the site is what a
                         build from a new folder makes.

The swap: on Linux one renameat2(RENAME_EXCHANGE) trades staging and output/, so output/ never
disappears. Elsewhere (Windows, file systems without it) output/ → output.old-<ns>, then staging →
output/; a build killed between the two renames leaves no output/, and the next build, before
anything else, renames the newest output.old-* back (it was output/ a moment before). Every other
left-over beside output/ is deleted, and only when it is a real folder: a committed symlink is
never followed. output/ itself must be a real folder inside the project, or the build refuses.

Plain functions of the settings: the Pelican adapter calls begin() before any generator exists and
commit() when everything is written; `invoke publish` holds the same lock (build_lock) while it
reads output/, so it never uploads a site a build is replacing.
"""
from __future__ import annotations

import atexit
import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import settings as declared
from .errors import BuildRefused

# Test hook (tests/test_build_integrity.py, benchmarks/stress_builds.py): space-separated words.
# "kill@<step>" ends the build at that step as kill -9 would; "no-exchange" takes the portable swap.
FAULTS = "GONGKAI_TEST_FAULTS"
# Exactly the names builds make (.staging and .replaced-*: older versions), so a folder an editor
# named output.old or output.backup is never touched.
LEFT_OVER = re.compile(r"\.(staging|staging-\w+|old-\d+|trash-[0-9a-f]{12}|replaced-\d+-\d+)", re.ASCII)
OLD = re.compile(r"\.old-(\d+)", re.ASCII)
FRAME = re.compile(r"\.frame-[0-9a-f]{12}", re.ASCII)
_lock = None
WAITING = "另一个生成正在进行（invoke build、invoke serve 或 pelican），等待它完成后再生成……"


def begin(settings: dict) -> Path:
    """Before any generator exists: check where output/ goes, wait for the lock, repair what a
    killed build left, and redirect this build into its own staging folder (returned; also set as
    OUTPUT_PATH, with the real output/ kept as GONGKAI_FINAL_OUTPUT)."""
    settings = declared.resolve(settings)
    # Pelican's reader cache is an unsigned pickle under .cache/, which a commit can place: never load it.
    settings["CACHE_CONTENT"] = settings["LOAD_CONTENT_CACHE"] = False
    final = checked_output(settings)
    _acquire(final, settings["GONGKAI_BUILD_WAIT"])
    checked_output(settings)  # again: another build may have changed it while this one waited
    try:
        recover(final)
        staging = _staging(final)
    except OSError as exc:
        raise BuildRefused(f"构建失败：无法在 {_shown(final.parent, settings)} 中准备生成（{_reason(exc)}）。"
                           f"请检查文件夹的写入权限；上一次生成的 {final.name}/ 保持不变。") from None
    # A failed build stops with an exception: its half-written folder goes on the way out, its
    # folders kept as a frame (an editor's broken save is often followed by a quick fix).
    atexit.register(discard, staging, final, True)
    if settings["GONGKAI_INTRANET"]:
        (staging / INTRANET_MARK).write_text("内网网站（含内部事项），不能放到公开网站的服务器上。\n", encoding="utf-8")
    settings["GONGKAI_FINAL_OUTPUT"] = str(final)
    settings["OUTPUT_PATH"] = str(staging)
    return staging


def commit(settings: dict, staging: Path, visit=None) -> Path:
    """Swap the finished staging folder into place (returns output/); the replaced site is deleted
    in the background. `visit(parts, file names)`: told every folder of the new site (_prune)."""
    final = Path(settings["GONGKAI_FINAL_OUTPUT"])
    staging = Path(staging)
    _fault("before-swap")
    try:
        _prune(staging, visit)
        old = swap(staging, final)
    except OSError as exc:
        kept = (f"上一次生成的 {final.name}/ 保持不变" if os.path.isdir(final)
                else f"上一次生成的网站在 {final.name}.old-* 中，下次生成时自动恢复")
        raise BuildRefused(f"构建失败：无法用新生成的网站替换 {final.name}/（{_reason(exc)}）。"
                           f"请检查 {final.name}/ 是否被其他程序占用或设为只读；{kept}。") from None
    settings["OUTPUT_PATH"] = str(final)
    _fault("after-swap")
    if old is not None:
        discard(old, final, frame=True)
    _release()
    return final


def _staging(final: Path) -> Path:
    """This build's own folder: a frame left by an earlier build (see above), emptied of anything
    but folders, or a new folder. mkdir, not mkdtemp: the folder becomes output/ and keeps the
    usual permissions (a web server reading it as another user must not meet mkdtemp's 0700)."""
    staging = final.with_name(f"{final.name}.staging-{secrets.token_hex(6)}")
    frames = [p for p in final.parent.iterdir() if p.name.startswith(final.name)
              and FRAME.fullmatch(p.name[len(final.name):]) and _real_dir(p)]
    for frame in frames[1:]:
        discard(frame, final)
    if frames:
        try:
            _rename(frames[0], staging)
            _folders_only(staging)
            return staging
        except OSError:
            discard(staging, final)
    staging.mkdir()
    return staging


def _folders_only(folder: Path) -> None:
    """Delete everything below `folder` that is not a folder (files, symlinks: never followed)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _folders_only(entry.path)
            else:
                os.unlink(entry.path)


def _prune(folder, visit=None, parts: tuple = ()) -> bool:
    """Remove the folders below `folder` that hold nothing (left in a frame by a site that had
    them); whether `folder` itself holds nothing. `visit(parts, file names)` is told every folder
    on the way (the build's page count, buildreport.PageCount: one walk for both)."""
    below, names = [], []
    with os.scandir(folder) as entries:
        for entry in entries:
            (below if entry.is_dir(follow_symlinks=False) else names).append(entry)
    kept = bool(names)
    for entry in below:
        if _prune(entry.path, visit, (*parts, entry.name)):
            os.rmdir(entry.path)
        else:
            kept = True
    if visit:
        visit(parts, [entry.name for entry in names])
    return not kept


def checked_output(settings: dict) -> Path:
    """OUTPUT_PATH as a folder the build may replace whole, or a refusal naming what is wrong."""
    root = Path(os.path.realpath(declared.project_root(settings)))
    final = Path(os.path.abspath(settings["OUTPUT_PATH"]))
    real = Path(os.path.realpath(final.parent)) / final.name  # symlinks above output/ resolved, not output/ itself
    for check in OUTPUT_CHECKS:
        reason = check(final, real, root, settings)
        if reason:
            raise BuildRefused(f"构建失败：{reason}。未生成网站，没有删除或写入任何文件。")
    return final


def _outside(final, real, root, _settings):
    if real == root:
        return f"OUTPUT_PATH 是项目文件夹本身（{root}）：生成网站会整体替换输出文件夹，请改用单独的子文件夹，例如 output"
    if not real.is_relative_to(root):
        return f"输出文件夹 {final} 不在项目文件夹 {root} 之内：OUTPUT_PATH 必须是项目中单独的子文件夹，例如 output"
    return None


def _link(final, real, root, _settings):
    """A committed symlink (or a Windows junction) named output: the build would replace its target."""
    if os.path.lexists(final) and not _same(os.path.realpath(final), real):
        shown = real.relative_to(root).as_posix()
        return (f"{shown} 是一个链接（指向 {os.path.realpath(final)}），不是普通文件夹：生成网站会替换它指向的内容。"
                f"请删除这个链接（如果它已提交：git rm {shown}）后重新生成")
    return None


def _not_folder(final, real, root, _settings):
    if os.path.lexists(final) and not final.is_dir():
        return f"{real.relative_to(root).as_posix()} 是一个文件，不是文件夹：请把它改名或删除后重新生成"
    return None


def _overlap(_final, real, root, settings):
    """The whole output folder is replaced: it must not hold, or sit in, anything of the project's."""
    kept = [settings["PATH"], settings.get("THEME") or settings["PATH"], root / settings["GONGKAI_SCHEMA_DIR"],
            root / "plugins", root / ".git", settings["CACHE_PATH"]]
    for folder in (Path(os.path.realpath(p)) for p in kept):
        if real.is_relative_to(folder) or folder.is_relative_to(real):
            shown = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else folder
            return (f"OUTPUT_PATH（{real}）与项目的 {shown} 重叠：生成网站会整体替换输出文件夹，"
                    f"请改用单独的文件夹，例如 output")
    return None


def _not_a_site(final, real, root, _settings):
    """Only a folder a build made (or an empty one) is replaced: OUTPUT_PATH pointed at tools/ by
    mistake must not delete it."""
    if final.is_dir() and not (final / "index.html").is_file() and any(final.iterdir()):
        return (f"{real.relative_to(root).as_posix()}/ 不像是生成的网站（没有 index.html），替换它会删除其中的文件："
                f"请确认 OUTPUT_PATH，或把这个文件夹改名、移走后重新生成")
    return None


# Written into every intranet site (internalconf.py): the two builds tell their folders apart by it.
INTRANET_MARK = ".gongkai-intranet"
PUBLIC_CONFS = ("pelicanconf.py", "publishconf.py")


def public_outputs(root: Path) -> list[Path]:
    """The output folders of the project's public settings files (output/ unless they say otherwise)."""
    found = [root / "output"]
    for name in PUBLIC_CONFS:
        if (root / name).is_file():
            value = declared.read_settings_file(root / name).get("OUTPUT_PATH")
            if isinstance(value, str):
                found.append(Path(os.path.realpath(Path(value).parent)) / Path(value).name)
    return found


def _mixed_sites(final, real, root, settings):
    """The intranet site (内部 items) never goes where the public site is served from, and the public
    build never replaces the intranet site: each folder carries who wrote it (INTRANET_MARK)."""
    marked = (final / INTRANET_MARK).is_file()
    if not settings.get("GONGKAI_INTRANET"):
        if marked:
            return (f"{real.relative_to(root).as_posix()}/ 是内网网站（含内部事项）的输出文件夹，公开网站不能写入这里："
                    f"请把 OUTPUT_PATH 改回公开网站的文件夹，例如 output")
        return None
    if any(real == public or real.is_relative_to(public) or public.is_relative_to(real)
           for public in public_outputs(root)):
        return (f"内网网站（含内部事项）不能生成到公开网站的输出文件夹 {real.relative_to(root).as_posix()}/：请在 "
                f"internalconf.py 中把 OUTPUT_PATH 设为单独的文件夹，例如 output-internal")
    if final.is_dir() and (final / "index.html").is_file() and not marked:
        return (f"{real.relative_to(root).as_posix()}/ 中是另一个网站（不是内网网站生成的），内网网站不会替换它："
                f"请确认 internalconf.py 中的 OUTPUT_PATH，或把这个文件夹改名、移走后重新生成")
    return None


OUTPUT_CHECKS = (_outside, _link, _not_folder, _overlap, _mixed_sites, _not_a_site)


def recover(final: Path) -> None:
    """Undo what a killed build left: output/ missing → the newest complete output.old-* back;
    every other left-over folder (never a symlink) deleted."""
    left = sorted(p for p in final.parent.iterdir() if _real_dir(p) and p.name.startswith(final.name)
                  and LEFT_OVER.fullmatch(p.name[len(final.name):]))
    old = sorted((p for p in left if OLD.fullmatch(p.name[len(final.name):])), key=lambda p: int(p.name.rsplit("-", 1)[1]))
    if old and not os.path.lexists(final):
        restored = old.pop()
        _rename(restored, final)
        left.remove(restored)
        print(f"上一次生成在替换 {final.name}/ 时中断：已恢复完整的上一版网站（{restored.name} → {final.name}/）。",
              file=sys.stderr, flush=True)
    for folder in left:
        discard(folder, final)


def swap(staging: Path, final: Path) -> Path | None:
    """staging becomes output/; returns where the previous site now is (None on a first build)."""
    if not os.path.lexists(final):
        _rename(staging, final)
        return None
    if _exchange(staging, final):
        return staging  # now holds the previous site
    old = final.with_name(f"{final.name}.old-{time.time_ns()}")
    _rename(final, old)
    _fault("between-renames")
    try:
        _rename(staging, final)
    except OSError:
        _rename(old, final)  # put the previous site back before reporting
        raise
    return old


def _exchange(a: Path, b: Path) -> bool:
    """Atomically trade two folders (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if sys.platform != "linux" or "no-exchange" in os.environ.get(FAULTS, "").split():
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)  # glibc >= 2.28
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # this file system cannot: rename twice
        return False
    raise OSError(code, os.strerror(code), str(b))


def discard(folder: Path, final: Path, frame: bool = False) -> None:
    """Rename out of the way (an output.old-* is never half-deleted) and delete in the background;
    `frame`: keep its folders, as the next build's staging folder (see above)."""
    folder = Path(folder)
    if not _real_dir(folder):
        return
    # A new name each time, a left-over output.trash-* too: a deletion still running on its old
    # name (an earlier build's, keeping folders) then finds it gone and makes no frame of it, so
    # no frame is ever a folder another process is still deleting.
    trash = final.with_name(f"{final.name}.trash-{secrets.token_hex(6)}")
    try:
        _rename(folder, trash)
    except OSError:
        return  # tried again by the next build
    _remove_in_background(trash, final.with_name(f"{final.name}.frame-{secrets.token_hex(6)}") if frame else None)


# Delete the files, then give the folders their frame name; if either fails, delete everything.
KEEP_FOLDERS = 'find "$1" ! -type d -delete 2>/dev/null && mv -- "$1" "$2" 2>/dev/null || rm -rf -- "$1"'


def _remove_in_background(folder: Path, frame: Path | None = None) -> None:
    """Neither delays the build nor competes with it for Python's lock: a detached `rm -rf` where
    there is one, else a daemon thread (whatever is left is removed by the next build). Read-only
    files are made writable first, so a read-only output/ does not pile up. `frame`: the folders
    are kept under that name (KEEP_FOLDERS; where there is no `find`, deleted all the same)."""
    if os.name == "posix" and shutil.which("rm"):
        then = KEEP_FOLDERS if frame is not None and shutil.which("find") else 'rm -rf -- "$1"'
        subprocess.Popen(["sh", "-c", f'chmod -R u+w -- "$1" 2>/dev/null; {then}', "sh", str(folder), str(frame)],
                         start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"onerror": _writable_again}, daemon=True).start()


def _writable_again(func, path, _info):
    try:
        os.chmod(path, stat.S_IWRITE)
        func(path)
    except OSError:
        pass


@contextlib.contextmanager
def build_lock(final: Path, wait: int, waiting: str = WAITING):
    """Hold output.lock (the builds' lock) while reading output/: `invoke publish` uses it."""
    lock = _locked(Path(final), wait, waiting)
    try:
        yield
    finally:
        lock.release()


def _acquire(final: Path, wait: int) -> None:
    """Wait for any other build of this output/ (invoke build, invoke serve, plain pelican)."""
    global _lock
    _lock = _locked(final, wait, WAITING)


def _locked(final: Path, wait: int, waiting: str):
    from filelock import FileLock, Timeout

    path = final.with_name(final.name + ".lock")
    lock = FileLock(path, thread_local=False)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            print(waiting, file=sys.stderr, flush=True)
            lock.acquire(timeout=wait)
    except Timeout:
        raise BuildRefused(f"构建失败：另一个生成已经运行了 {wait} 秒仍未结束。请等它完成（或结束那个进程）后再生成；"
                           f"上一次生成的 {final.name}/ 保持不变。") from None
    except OSError as exc:
        raise BuildRefused(f"构建失败：无法使用锁文件 {path.name}（{_reason(exc)}）：它必须是普通文件，"
                           f"不能是链接或文件夹，所在文件夹必须可写。未生成网站，没有删除或写入任何文件。") from None
    return lock


def _release() -> None:
    global _lock
    if _lock is not None:
        _lock.release()
        _lock = None


def _rename(source: Path, target: Path) -> None:
    """os.rename; on Windows a file the preview server or a virus scanner has open blocks it for a moment."""
    for attempt in range(10 if os.name == "nt" else 1):
        try:
            os.rename(source, target)
            return
        except PermissionError:
            if attempt == (9 if os.name == "nt" else 0):
                raise
            time.sleep(0.1)


def _real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode) and _same(os.path.realpath(path), os.path.join(
            os.path.realpath(path.parent), path.name))
    except OSError:
        return False


def _same(a, b) -> bool:
    """One path? (Windows file names ignore case: "Output" is output/, not a link to it.)"""
    return os.path.normcase(str(a)) == os.path.normcase(str(b))


def _fault(step: str) -> None:
    if f"kill@{step}" in os.environ.get(FAULTS, "").split():
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def _shown(path: Path, settings: dict) -> str:
    root = Path(os.path.realpath(declared.project_root(settings)))
    real = Path(os.path.realpath(path.parent)) / path.name if path.name else path
    return real.relative_to(root).as_posix() if real.is_relative_to(root) and real != root else str(path)


REASONS = {errno.EACCES: "没有权限", errno.EPERM: "不允许的操作（文件夹可能被设为只读或不可更改）",
           errno.EROFS: "文件系统只读", errno.ENOSPC: "磁盘空间不足", errno.EBUSY: "正被其他程序使用",
           errno.ELOOP: "是一个链接", errno.EISDIR: "是一个文件夹", errno.ENOTEMPTY: "文件夹不为空",
           errno.EEXIST: "已经存在"}


def _reason(exc: OSError) -> str:
    return f"{REASONS.get(exc.errno, exc.strerror or type(exc).__name__)}：{exc.filename}" if exc.filename else \
        REASONS.get(exc.errno, exc.strerror or str(exc))
