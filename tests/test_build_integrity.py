"""Builds cannot gut, poison or lose the site (issue 9: findings 2, 3, 4, 8, 10 and the high ones on
caches and read-only folders), each attack reproduced through `invoke build` or plain `pelican`.

Whole-site checks compare every byte of output/ with a build from scratch of the same content
(builds are deterministic for a fixed SOURCE_DATE_EPOCH), so "a complete old or new site" means
exactly that. Simulated crashes use the test hook GONGKAI_TEST_FAULTS (catalogue/output.py):
"kill@<step>" ends the build there as kill -9 does; "no-exchange" takes the portable two-rename
swap that Windows uses instead of Linux's atomic exchange.
"""
from __future__ import annotations

import ctypes
import gzip
import importlib.util
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, REPO, copy_project, make_mini_project, run_build, run_invoke
from test_build import snapshot
from test_serve import fetch, free_port, wait_for
from test_validation import BAD, MISTAKES

from gongkai import output

ITEM = "content/items/社会救助/低保名单.md"
PAGE = "items/11530000MB0123456X-2024-00001/index.html"
TITLE_1, TITLE_2 = "城乡最低生活保障对象名单", "低保对象名单（第二版）"
FAULTS = "GONGKAI_TEST_FAULTS"
INVALID = MISTAKES["bad_enum"][0]
KEPT = "构建失败：目录有错误，未生成网站；上一次生成的 output/ 保持不变。"


def retitle(root: Path, old: str, new: str) -> None:
    path = root / ITEM
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def left_overs(root: Path) -> list[str]:
    """Folders a build left beside output/ (deletion of the replaced site runs in the background),
    but for one frame: the folders of a replaced site, kept for the next build (output.FRAME)."""
    deadline = time.monotonic() + 20
    while True:
        found = sorted(p.name for p in root.glob("output.*") if p.name != "output.lock")
        frames = [name for name in found if output.FRAME.fullmatch(name[len("output"):])]
        if len(frames) == 1 and not any(p.is_file() or p.is_symlink() for p in (root / frames[0]).rglob("*")):
            found.remove(frames[0])
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict:
    """Byte-for-byte reference sites: the mini project with TITLE_1 and with TITLE_2, each built
    from scratch in its own folder."""
    refs = {}
    for number, title in ((1, TITLE_1), (2, TITLE_2)):
        root = make_mini_project(tmp_path_factory.mktemp(f"reference{number}") / "project")
        if title != TITLE_1:
            retitle(root, TITLE_1, title)
        result = run_build(root)
        assert result.returncode == 0, result.stderr
        refs[number] = snapshot(root / "output")
    assert refs[1] != refs[2] and PAGE in refs[1]
    return refs


@pytest.fixture
def built(tmp_path) -> Path:
    root = make_mini_project(tmp_path / "project")
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    return root


# --- Critical 2: concurrent builds -------------------------------------------------------------

def hold_lock(root: Path):
    from filelock import FileLock

    lock = FileLock(root / "output.lock")
    lock.acquire(timeout=0)
    return lock


def test_a_second_build_waits_for_the_running_one_then_publishes_the_whole_site(built, sites, tmp_path):
    retitle(built, TITLE_1, TITLE_2)
    lock = hold_lock(built)  # as a running `invoke build` or `invoke serve` rebuild holds it
    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "build"], cwd=built, stderr=err,
                                stdout=subprocess.DEVNULL, env=dict(os.environ, SOURCE_DATE_EPOCH=BUILD_EPOCH))
        try:
            assert wait_for(lambda: "另一个生成正在进行" in log.read_text(encoding="utf-8"), 60)
            time.sleep(1)
            assert proc.poll() is None  # still waiting, nothing touched
            assert snapshot(built / "output") == sites[1]
            assert not list(built.glob("output.staging*"))
        finally:
            lock.release()
        assert proc.wait(timeout=120) == 0
    assert log.read_text(encoding="utf-8").splitlines()[0] == \
        "另一个生成正在进行（invoke build、invoke serve 或 pelican），等待它完成后再生成……"
    assert snapshot(built / "output") == sites[2]


def test_a_build_that_waited_too_long_refuses_and_keeps_the_site(built, sites):
    retitle(built, TITLE_1, TITLE_2)
    lock = hold_lock(built)
    try:
        result = run_build(built, "-e", "GONGKAI_BUILD_WAIT=1")
    finally:
        lock.release()
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "构建失败：另一个生成已经运行了 1 秒仍未结束。请等它完成（或结束那个进程）后再生成；上一次生成的 output/ 保持不变。")
    assert "Traceback" not in result.stderr
    assert snapshot(built / "output") == sites[1] and not left_overs(built)


@pytest.fixture(scope="module")
def example_versions(tmp_path_factory) -> tuple[Path, dict]:
    """The example catalogue (a few seconds per build, so two builds overlap), built once, and
    the reference site of a second version built from scratch."""
    second = copy_project(tmp_path_factory.mktemp("example2") / "project")
    example_retitle(second)
    assert run_build(second).returncode == 0
    root = copy_project(tmp_path_factory.mktemp("example") / "project")
    assert run_build(root).returncode == 0
    return root, snapshot(second / "output")


def example_retitle(root: Path) -> None:
    path = root / "content/items/社会救助/最低生活保障办事指南.md"
    text = path.read_text(encoding="utf-8")
    assert "事项名称: 最低生活保障申请办事指南\n" in text
    path.write_text(text.replace("事项名称: 最低生活保障申请办事指南\n", f"事项名称: {TITLE_2}\n"), encoding="utf-8")


@pytest.mark.parametrize("stagger", [0.3, 0.8, 1.5])
def test_two_builds_started_together_both_succeed_and_publish_the_whole_site(example_versions, stagger):
    """The issue's reproduction: `(invoke build & sleep 0.3; invoke build; wait)` on the example
    catalogue; the old shared output.staging gave 29 of 206 files (no index.html) with exit 0."""
    root, second = example_versions
    if TITLE_2 not in (root / "content/items/社会救助/最低生活保障办事指南.md").read_text(encoding="utf-8"):
        example_retitle(root)
    env = dict(os.environ, SOURCE_DATE_EPOCH=BUILD_EPOCH)
    first = subprocess.Popen([sys.executable, "-m", "invoke", "build"], cwd=root, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(stagger)
    other = run_invoke(root, "build")
    err = first.communicate(timeout=300)[1]
    assert (first.returncode, other.returncode) == (0, 0), err + other.stderr
    assert "Traceback" not in err + other.stderr
    assert snapshot(root / "output") == second
    assert not left_overs(root)


def test_serve_rebuilding_while_invoke_build_runs_keeps_a_whole_site(built, sites):
    port = free_port()
    env = dict(os.environ, SOURCE_DATE_EPOCH=BUILD_EPOCH)
    serve = subprocess.Popen([sys.executable, "-m", "invoke", "serve", "--port", str(port)], cwd=built, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/{PAGE[:-len('index.html')]}"
    try:
        assert TITLE_1 in (wait_for(lambda: fetch(url)) or "")
        retitle(built, TITLE_1, TITLE_2)  # serve starts rebuilding ...
        builds = [run_invoke(built, "build") for _ in range(2)]  # ... while the editor runs invoke build
        assert [b.returncode for b in builds] == [0, 0]
        assert wait_for(lambda: TITLE_2 in (fetch(url) or ""))
        time.sleep(2)  # serve's own rebuild may have queued behind ours: let it finish
        assert wait_for(lambda: snapshot(built / "output") == sites[2])
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        log = serve.communicate(timeout=60)[0].decode("utf-8")
    assert "Traceback" not in log
    assert snapshot(built / "output") == sites[2]
    assert not left_overs(built)


# --- Critical 3: output/ must be a real folder inside the project --------------------------------

def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=root,
                          capture_output=True, text=True, check=True)


def committed_then_cloned(repo: Path, clone: Path, *force_add: str) -> Path:
    shutil.copy2(REPO / ".gitignore", repo / ".gitignore")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    if force_add:
        git(repo, "add", "-f", "--", *force_add)
    git(repo, "commit", "-q", "-m", "content")
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
    return clone


def victim(folder: Path) -> dict:
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("不能被删除", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "data.bin").write_bytes(b"\x00" * 10)
    return snapshot(folder)


def test_a_committed_symlink_named_output_is_refused_and_its_target_untouched(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    kept = victim(elsewhere)
    repo = make_mini_project(tmp_path / "repo")
    (repo / "output").symlink_to("../elsewhere")
    # /output/ in .gitignore matches folders only: a symlink is added without -f.
    clone = committed_then_cloned(repo, tmp_path / "clone")
    assert (clone / "output").is_symlink()
    for result in (run_invoke(clone, "build"), run_build(clone)):
        assert result.returncode == 1
        assert result.stderr.strip() == (
            f"构建失败：output 是一个链接（指向 {elsewhere}），不是普通文件夹：生成网站会替换它指向的内容。"
            "请删除这个链接（如果它已提交：git rm output）后重新生成。未生成网站，没有删除或写入任何文件。")
        assert snapshot(elsewhere) == kept and sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt", "sub"]
    assert (clone / "output").is_symlink() and not list(clone.glob("output.*"))


def test_an_output_that_is_a_file_is_refused(built):
    shutil.rmtree(built / "output")
    (built / "output").write_text("不是网站", encoding="utf-8")
    result = run_build(built)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "构建失败：output 是一个文件，不是文件夹：请把它改名或删除后重新生成。未生成网站，没有删除或写入任何文件。")
    assert (built / "output").read_text(encoding="utf-8") == "不是网站"


@pytest.mark.parametrize("setting, reason", [
    ('"../outside"', "输出文件夹 {outside} 不在项目文件夹 {root} 之内：OUTPUT_PATH 必须是项目中单独的子文件夹，例如 output"),
    ('"."', "OUTPUT_PATH 是项目文件夹本身（{root}）：生成网站会整体替换输出文件夹，请改用单独的子文件夹，例如 output"),
    ('"tools"', "tools/ 不像是生成的网站（没有 index.html），替换它会删除其中的文件：请确认 OUTPUT_PATH，或把这个文件夹改名、移走后重新生成"),
    ('"content/site"', "OUTPUT_PATH（{root}/content/site）与项目的 content 重叠：生成网站会整体替换输出文件夹，请改用单独的文件夹，例如 output"),
])
def test_an_output_path_outside_the_project_or_over_its_files_is_refused(built, setting, reason):
    before = snapshot(built)
    result = run_build(built, "-e", f"OUTPUT_PATH={setting}")
    root = built.resolve()
    assert result.returncode == 1
    assert result.stderr.strip() == "构建失败：" + reason.format(root=root, outside=root.parent / "outside") + \
        "。未生成网站，没有删除或写入任何文件。"
    assert snapshot(built) == before and not (built.parent / "outside").exists()


def test_committed_symlinks_beside_output_are_never_followed(tmp_path, sites):
    """Names a build cleans up (output.old-*, output.staging-*, output.trash-*) and its lock file,
    committed as symlinks to elsewhere: the build neither deletes, restores nor truncates through them."""
    targets = {name: tmp_path / name for name in ("v1", "v2", "v3")}
    kept = {name: victim(folder) for name, folder in targets.items()}
    lock_target = tmp_path / "lock-target.txt"
    lock_target.write_text("锁文件指向的内容", encoding="utf-8")
    repo = make_mini_project(tmp_path / "repo")
    (repo / "output.old-99").symlink_to("../v1")
    (repo / "output.staging-abc123").symlink_to("../v2")
    (repo / "output.trash-0123456789ab").symlink_to("../v3")
    clone = committed_then_cloned(repo, tmp_path / "clone", "output.old-99", "output.staging-abc123",
                                  "output.trash-0123456789ab")
    result = run_build(clone)  # output/ is missing: an output.old-* would be restored if it were a real folder
    assert result.returncode == 0, result.stderr
    assert "已恢复" not in result.stderr
    assert snapshot(clone / "output").keys() == sites[1].keys()  # (item pages carry the clone's git history)
    assert {name: snapshot(folder) for name, folder in targets.items()} == kept
    assert all((clone / name).is_symlink() for name in ("output.old-99", "output.staging-abc123"))

    (clone / "output.lock").unlink()
    (clone / "output.lock").symlink_to(lock_target)
    refused = run_build(clone)
    assert refused.returncode == 1
    assert refused.stderr.strip().startswith("构建失败：无法使用锁文件 output.lock（是一个链接：")
    assert refused.stderr.strip().endswith("它必须是普通文件，不能是链接或文件夹，所在文件夹必须可写。未生成网站，没有删除或写入任何文件。")
    assert lock_target.read_text(encoding="utf-8") == "锁文件指向的内容"
    assert snapshot(clone / "output").keys() == sites[1].keys()


def folders(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir()}


def test_a_build_takes_the_folders_of_the_site_it_replaced_and_nothing_else(built, sites, tmp_path):
    """A replaced site's folders are kept, emptied of files, as the next build's staging folder
    (output.frame-*: no folder made again per item page). What the next build publishes is exactly
    a fresh build: a file or symlink found in the frame is deleted (never followed), a folder no
    page needs is removed."""
    retitle(built, TITLE_1, TITLE_2)
    assert run_build(built).returncode == 0
    assert left_overs(built) == []
    [frame] = built.glob("output.frame-*")
    assert (frame / "items").is_dir() and not [p for p in frame.rglob("*") if not p.is_dir()]
    items_folder = (frame / "items").stat().st_ino
    (frame / "items/planted.html").write_text("不应发布", encoding="utf-8")
    (frame / "index.html").write_text("不应发布", encoding="utf-8")
    kept = victim(tmp_path / "victim")
    (frame / "linked").symlink_to(tmp_path / "victim")
    (frame / "items/no-such-item/deeper").mkdir(parents=True)
    retitle(built, TITLE_2, TITLE_1)
    assert run_build(built).returncode == 0
    assert not frame.exists() and (built / "output/items").stat().st_ino == items_folder  # taken, not made
    assert snapshot(built / "output") == sites[1]
    made = {str(Path(name).parent.as_posix()) for name in sites[1]}
    expected = {p for name in made for p in [name, *(q.as_posix() for q in Path(name).parents)] if p != "."}
    assert folders(built / "output") == expected
    assert snapshot(tmp_path / "victim") == kept


@pytest.mark.skipif(os.name != "posix", reason="frames are made by a detached shell on POSIX only")
def test_a_folder_another_process_is_still_deleting_never_becomes_a_frame(tmp_path):
    """A build finds an output.trash-* still being emptied by the previous build's background job
    (invoke serve rebuilds at once): it renames it before deleting it, so that job's final rename
    to output.frame-* fails and the next build cannot take folders something is deleting."""
    final = tmp_path / "output"
    trash = tmp_path / "output.trash-0123456789ab"
    (trash / "items/a").mkdir(parents=True)
    (trash / "items/a/index.html").write_text("x", encoding="utf-8")
    output.discard(trash, final)  # as recover() does with a left-over
    assert not trash.exists()
    frame = tmp_path / "output.frame-0123456789ab"
    # The earlier job, reaching its rename only now: its folder is gone, it makes nothing.
    subprocess.run(["sh", "-c", output.KEEP_FOLDERS, "sh", str(trash), str(frame)], check=True)
    assert not frame.exists()
    assert left_overs(tmp_path) == []  # the renamed one is deleted whole, no frame either
    # Unhindered, the same job deletes the files and keeps the folders under the frame's name.
    (trash / "items/a").mkdir(parents=True)
    (trash / "items/a/index.html").write_text("x", encoding="utf-8")
    (trash / "linked").symlink_to(tmp_path)
    subprocess.run(["sh", "-c", output.KEEP_FOLDERS, "sh", str(trash), str(frame)], check=True)
    assert not trash.exists() and sorted(p.relative_to(frame).as_posix() for p in frame.rglob("*")) == ["items", "items/a"]


def test_a_folder_an_editor_named_like_a_backup_is_left_alone(built):
    for name in ("output.old", "output.backup", "output.staging-notes.txt"):
        (built / name).mkdir()
        (built / name / "mine.txt").write_text("编辑自己的文件", encoding="utf-8")
    assert run_build(built).returncode == 0
    assert all((built / name / "mine.txt").is_file() for name in ("output.old", "output.backup", "output.staging-notes.txt"))


# --- Critical 4: the swap, killed at every step ----------------------------------------------------

STEPS = [  # (faults, the site output/ holds right after the kill, the site the next build keeps)
    ("kill@before-swap", 1, 1),
    ("kill@after-swap", 2, 2),
    ("no-exchange kill@before-swap", 1, 1),
    ("no-exchange kill@between-renames", None, 1),  # the portable swap's one moment without output/
    ("no-exchange kill@after-swap", 2, 2),
]


@pytest.mark.parametrize("faults, right_after, kept", STEPS)
def test_a_build_killed_at_any_step_leaves_a_whole_site_and_the_next_build_recovers(built, sites, faults,
                                                                                    right_after, kept):
    retitle(built, TITLE_1, TITLE_2)
    killed = run_build(built, env={FAULTS: faults})
    assert killed.returncode == -signal.SIGKILL
    output = built / "output"
    if right_after is None:
        assert not output.exists() and len(list(built.glob("output.old-*"))) == 1
    else:
        assert snapshot(output) == sites[right_after]
    # The next build, even one that fails, first puts a whole site back; and says so truthfully.
    (built / BAD).write_text(INVALID, encoding="utf-8")
    failed = run_build(built)
    assert failed.returncode == 1 and KEPT in failed.stderr
    assert ("上一次生成在替换 output/ 时中断：已恢复完整的上一版网站（output.old-" in failed.stderr) == (right_after is None)
    assert snapshot(output) == sites[kept]
    (built / BAD).unlink()
    assert run_build(built).returncode == 0
    assert snapshot(output) == sites[2]
    assert not left_overs(built)


@pytest.mark.parametrize("faults", ["kill@before-swap", "kill@after-swap", "no-exchange kill@between-renames"])
def test_a_killed_build_never_leaves_a_stale_page_for_later_builds_to_reuse(built, sites, faults):
    """Finding 4b: killed after the swap but before the page keys were saved, the old code kept
    serving the killed build's item page (title B on the page, A in the listings) forever."""
    retitle(built, TITLE_1, TITLE_2)
    assert run_build(built, env={FAULTS: faults}).returncode == -signal.SIGKILL
    retitle(built, TITLE_2, TITLE_1)  # the change is reverted (e.g. it leaked something)
    assert run_build(built).returncode == 0
    assert snapshot(built / "output") == sites[1]
    retitle(built, TITLE_1, TITLE_2)
    assert run_build(built).returncode == 0
    assert snapshot(built / "output") == sites[2]


# --- High: read-only output/, unwritable project folder --------------------------------------------

def chattr(flag: str, path: Path) -> bool:
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


@pytest.fixture
def immutable():
    """Marks folders unchangeable (chattr +i: even root cannot rename into or out of them)."""
    marked = []

    def mark(path: Path):
        if shutil.which("chattr") is None or not chattr("+i", path):
            pytest.skip("chattr +i is not available here (needs root on ext4/xfs)")
        marked.append(path)

    yield mark
    for path in marked:
        chattr("-i", path)


def test_a_read_only_output_gives_a_chinese_message_and_keeps_the_site(built, sites, immutable):
    retitle(built, TITLE_1, TITLE_2)
    immutable(built / "output")
    result = run_build(built)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"构建失败：无法用新生成的网站替换 output/（不允许的操作（文件夹可能被设为只读或不可更改）：{built / 'output'}）。"
        "请检查 output/ 是否被其他程序占用或设为只读；上一次生成的 output/ 保持不变。")
    assert snapshot(built / "output") == sites[1]
    assert not list(built.glob("output.staging*"))


def test_an_unwritable_project_folder_gives_a_chinese_message(built, sites, immutable):
    retitle(built, TITLE_1, TITLE_2)
    immutable(built)
    result = run_build(built)
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"构建失败：无法在 {built} 中准备生成（不允许的操作（文件夹可能被设为只读或不可更改）：")
    assert result.stderr.strip().endswith("请检查文件夹的写入权限；上一次生成的 output/ 保持不变。")
    assert "Traceback" not in result.stderr
    assert snapshot(built / "output") == sites[1]


# --- Critical 8: caches never serve results validate no longer accepts ----------------------------

def own_code(root: Path) -> dict:
    """Build with the code in `root`/plugins instead of the installed package (PYTHONPATH comes
    before the editable install): what a changed detector or renderer looks like to the cache."""
    return {"PYTHONPATH": str(root / "plugins")}


def test_a_fixed_detector_is_applied_to_files_parsed_before_the_fix(built):
    """8a: an item parsed while detect.py missed a mobile number must be scanned again once
    detect.py is fixed; the old cache (keyed on size and mtime) published it with exit 0. The build
    runs the copy's own code (own_code), which the test edits."""
    detect = built / "plugins/gongkai/secrecy/detect.py"
    fixed = detect.read_text(encoding="utf-8")
    detect.write_text(fixed + "\n\ndef find_sensitive(text):  # a detector that misses everything\n    return []\n",
                      encoding="utf-8")
    item = built / ITEM
    item.write_text(item.read_text(encoding="utf-8") + "咨询电话 13812345678。\n", encoding="utf-8")
    assert run_build(built, env=own_code(built)).returncode == 0
    page = (built / "output" / PAGE).read_text(encoding="utf-8")
    assert "13812345678" in page
    detect.write_text(fixed, encoding="utf-8")
    result = run_build(built, env=own_code(built))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{ITEM}:22: 正文: 疑似手机号码“138****5678”：公开前请删除或脱敏；"
        "确需公开的，请在 保密审查 中登记（内容照抄原文中的完整号码）并注明审核人",
        "共发现 1 个问题，涉及 1 个文件。请逐条修改后再运行 invoke validate。", KEPT]
    assert "13812345678" in (built / "output" / PAGE).read_text(encoding="utf-8")  # unchanged: the build failed


def test_a_changed_renderer_renders_every_body_again(built):
    """8a: the same for render.py: cached bodies were rendered by the old code."""
    render = built / "plugins/gongkai/render.py"
    render.write_text(render.read_text(encoding="utf-8") + (
        "\n\n_original_sanitise = sanitise\n\n\ndef sanitise(*args, **kwargs):\n"
        "    return _original_sanitise(*args, **kwargs).replace(\"每月更新\", \"每月更新（新版渲染）\")\n"), encoding="utf-8")
    assert "每月更新（新版渲染）" not in (built / "output" / PAGE).read_text(encoding="utf-8")
    assert run_build(built, env=own_code(built)).returncode == 0
    assert "按乡镇分列的名单每月更新（新版渲染）。" in (built / "output" / PAGE).read_text(encoding="utf-8")


def test_an_item_made_internal_with_the_same_size_and_mtime_is_withdrawn(built):
    """8b: 公开对象 全社会 → 内部 with the byte length kept and the old mtime restored."""
    item = built / ITEM
    before, stat = item.read_bytes(), item.stat()
    after = before.replace("公开对象: 全社会".encode(), "公开对象: 内部".encode()).replace(
        "每月更新".encode(), "每月更新。".encode())
    assert len(after) == len(before) and after != before
    item.write_bytes(after)
    os.utime(item, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert item.stat().st_mtime_ns == stat.st_mtime_ns and item.stat().st_size == stat.st_size
    assert run_build(built).returncode == 0
    output = built / "output"
    assert not (output / PAGE).exists()
    for published in ("downloads/catalogue.json", "downloads/catalogue.csv", "sitemap.xml", "index.html"):
        assert "11530000MB0123456X/2024-00001" not in (output / published).read_text(encoding="utf-8-sig")
        assert TITLE_1 not in (output / published).read_text(encoding="utf-8-sig")


# --- Critical 10 and high: cache files a commit can place ------------------------------------------

class Evil:
    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').write('pwned')",)


OURS = ("gongkai-items.pickle", "gongkai-pages.pickle", "gongkai-items.cache", "gongkai-pages.cache")
# Pelican's reader caches: gzip-compressed pickles (GZIP_CACHE is on by default)
PELICANS = ("PagesGenerator", "PagesGenerator-Readers", "ArticlesGenerator", "ArticlesGenerator-Readers")


def as_placed(name: str, payload: bytes) -> bytes:
    """The payload in the form each cache file is read: ours behind our header (with a made-up
    signature), Pelican's gzipped, the older pickles bare."""
    if name in PELICANS:
        return gzip.compress(payload)
    return (b"gongkai-cache-1\n" + b"\0" * 32 if name.endswith(".cache") else b"") + payload


def test_committed_cache_files_never_run_code(tmp_path, sites):
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(Evil(proof)))
    assert proof.read_text() == "pwned"  # the payload is live: loading it runs code
    marker = tmp_path / "pwned"
    payload = pickle.dumps(Evil(marker))
    repo = make_mini_project(tmp_path / "repo")
    caches = repo / ".cache/pelican"
    caches.mkdir(parents=True)
    for name in OURS + PELICANS:
        (caches / name).write_bytes(as_placed(name, payload))
    clone = committed_then_cloned(repo, tmp_path / "clone", ".cache")
    assert (clone / ".cache/pelican/gongkai-items.cache").is_file()
    for result in (run_invoke(clone, "build"),
                   run_build(clone, "-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true")):
        assert result.returncode == 0, result.stderr
        assert not marker.exists()
        assert snapshot(clone / "output").keys() == sites[1].keys()  # (item pages carry the clone's git history)


def test_truncated_cache_files_do_not_block_the_build(built, sites):
    """High: a truncated Pelican reader cache stopped every build with an EOFError."""
    caches = built / ".cache/pelican"
    for name in PELICANS:
        (caches / name).write_bytes(gzip.compress(pickle.dumps({"x": list(range(1000))}))[:40])
    for path in caches.glob("gongkai-*.cache"):
        path.write_bytes(path.read_bytes()[:50])
    retitle(built, TITLE_1, TITLE_2)
    result = run_build(built, "-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true")
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr
    assert snapshot(built / "output") == sites[2]


def test_no_cache_is_kept_when_the_signing_secret_would_sit_in_the_project(built, sites):
    """A secret a commit could place signs nothing: with the user cache folder inside the
    project, the build still works but keeps no cache."""
    for path in (built / ".cache/pelican").glob("gongkai-*"):
        path.unlink()
    inside = {"XDG_CACHE_HOME": str(built / ".cache/user")}
    retitle(built, TITLE_1, TITLE_2)
    assert run_build(built, env=inside).returncode == 0
    assert snapshot(built / "output") == sites[2]
    assert not list((built / ".cache/pelican").glob("gongkai-*")) and not (built / ".cache/user").exists()


# --- Done-when: many concurrent and killed builds (slow; benchmarks/stress_builds.py prints the same) ---

@pytest.mark.slow
def test_twenty_concurrent_or_killed_builds_always_leave_a_whole_site(tmp_path):
    spec = importlib.util.spec_from_file_location("stress_builds", REPO / "benchmarks/stress_builds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # benchmarks/ is run by hand, not installed: loaded by path
    stress = module.stress

    outcomes = stress(rounds=20, work=tmp_path, seed=9)
    assert outcomes["rounds"] == 20
    assert outcomes["violations"] == []


# --- Unit: the one cache module --------------------------------------------------------------------

@pytest.fixture
def cache_project(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    root = tmp_path / "project"
    (root / ".cache").mkdir(parents=True)
    return root


def test_a_cache_file_is_read_back_only_under_its_key_and_its_signature(cache_project, tmp_path, monkeypatch):
    from gongkai import cache

    path = cache_project / ".cache/x.cache"
    cache.save(path, "key-1", {"a": 1}, cache_project)
    assert cache.load(path, "key-1", cache_project) == {"a": 1}
    assert cache.load(path, "key-2", cache_project) is None
    data = path.read_bytes()
    for foreign in (data[:-1] + bytes([data[-1] ^ 1]), data[:40], b"", pickle.dumps({"a": 1})):
        path.write_bytes(foreign)
        assert cache.load(path, "key-1", cache_project) is None
    path.write_bytes(data)
    secret = tmp_path / "user/gongkai/cache-secret"
    assert secret.stat().st_mode & 0o777 == 0o600 and len(secret.read_bytes()) == 32
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))  # a copy from another account
    assert cache.load(path, "key-1", cache_project) is None


def test_processes_that_make_the_secret_together_all_keep_the_first_one_written(cache_project, monkeypatch):
    """A first build's processes each find no secret and make one. One written after another had
    signed with its own made that signature invalid (the next build found no index: a flaky test).
    Here another process writes its secret just before this one would: this one keeps it."""
    from gongkai import cache

    theirs = bytes(range(32))
    made = cache.secrets.token_bytes

    def another_process_first(size: int) -> bytes:
        cache.secret_path().write_bytes(theirs)
        return made(size)

    monkeypatch.setattr(cache.secrets, "token_bytes", another_process_first)
    assert cache.secret(cache_project) == theirs and cache.secret_path().read_bytes() == theirs
    assert sorted(p.name for p in cache.secret_path().parent.iterdir()) == ["cache-secret"]  # no temporary file left
    cache.secret_path().write_bytes(b"cut short")  # not a secret: replaced
    monkeypatch.setattr(cache.secrets, "token_bytes", made)
    fresh = cache.secret(cache_project)
    assert len(fresh) == 32 and fresh != theirs and cache.secret_path().read_bytes() == fresh


def test_a_large_cache_value_is_pickled_into_the_file_as_it_is_signed(cache_project):
    """cache.save streams the pickle into the file (no whole copy in memory first): the file is still
    MAGIC, tag, pickle, the same bytes a pickle made in memory gives, and a byte changed anywhere
    in it, here past the first of pickle's 64 KB frames, fails the tag."""
    from gongkai import cache

    path = cache_project / ".cache/big.cache"
    value = {f"items/{n}.md": ("0" * 64, bytes([n]) * 200_000, "正文" * 5000) for n in range(20)}  # 6 MB
    assert cache.save(path, "key", value, cache_project)
    assert cache.load(path, "key", cache_project) == value
    data = path.read_bytes()
    assert data[:len(cache.MAGIC)] == cache.MAGIC
    assert data[len(cache.MAGIC) + cache.TAG_BYTES:] == pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    middle = len(data) // 2
    path.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:])
    assert cache.load(path, "key", cache_project) is None


def test_a_value_that_cannot_be_pickled_leaves_the_previous_cache_file(cache_project):
    from gongkai import cache

    path = cache_project / ".cache/x.cache"
    cache.save(path, "key", {"a": 1}, cache_project)
    with pytest.raises((pickle.PicklingError, AttributeError)):
        cache.save(path, "key", {"a": 1, "b": lambda: 0}, cache_project)
    assert cache.load(path, "key", cache_project) == {"a": 1}
    assert sorted(p.name for p in path.parent.iterdir()) == ["x.cache"]  # no temporary file left


def test_a_previous_file_is_linked_only_with_the_same_bytes_from_a_real_folder_inside(tmp_path):
    """cache.Unchanged: the previous output's file becomes the new one only when it holds exactly
    the bytes about to be written; never a changed file, a symlink, or a file reached through a
    symlinked folder (the new site would share a file outside the output)."""
    from gongkai.cache import Unchanged

    previous, new, outside = tmp_path / "output", tmp_path / "staging", tmp_path / "outside"
    for folder in (previous / "search/data-0123456789/s", new, outside):
        folder.mkdir(parents=True)
    (previous / "search/data-0123456789/s/0.json").write_bytes(b'{"a":[1]}')
    (previous / "search/changed.json").write_bytes(b'{"a":[2]}')
    (outside / "0.json").write_bytes(b'{"a":[1]}')
    (previous / "search/symlinked.json").symlink_to(outside / "0.json")
    (previous / "search/data-fedcba9876").symlink_to(outside)
    unchanged = Unchanged(previous)
    assert unchanged.link("search/data-0123456789/s/0.json", new / "same.json", b'{"a":[1]}')
    assert (new / "same.json").stat().st_ino == (previous / "search/data-0123456789/s/0.json").stat().st_ino
    assert not unchanged.link("search/changed.json", new / "changed.json", b'{"a":[3]}')
    assert not unchanged.link("search/symlinked.json", new / "symlinked.json", b'{"a":[1]}')
    assert not unchanged.link("search/data-fedcba9876/0.json", new / "through.json", b'{"a":[1]}')
    assert not unchanged.link("search/missing.json", new / "missing.json", b"")
    assert sorted(p.name for p in new.iterdir()) == ["same.json"]


@pytest.mark.parametrize("meta, expected", [
    (b'{"data": "data-0123456789/"}', "data-0123456789/s/0a.json"),
    (b'{"data": "../../../etc/"}', "data-abcdefabcd/s/0a.json"),
    (b'{"data": 5}', "data-abcdefabcd/s/0a.json"),
    (b"not json", "data-abcdefabcd/s/0a.json"),
    (None, "data-abcdefabcd/s/0a.json"),
])
def test_the_previous_search_files_are_looked_for_only_under_a_data_folder_name(meta, expected):
    """The previous index-meta.json names its data folder; anything but such a name (a hand-edited
    or hostile file) is ignored, and the files are then looked for at their own names."""
    from gongkai.search.export import previous_path

    where = previous_path(meta)
    assert where("data-abcdefabcd/s/0a.json") == expected
    assert where("index-meta.json") == "index-meta.json"


GC_WATCH = """
import gc, runpy, sys
import gongkai_pelican.generator as generator
loading = generator.load_project
def watched(*args, **kwargs):
    print("collector on while loading:", gc.isenabled())
    return loading(*args, **kwargs)
generator.load_project = watched
sys.argv = ["pelican", "content", "-s", "pelicanconf.py"]
try:
    runpy.run_module("pelican", run_name="__main__")
finally:
    print("frozen after loading:", gc.get_freeze_count() > 1000, "collector on:", gc.isenabled())
"""


def test_the_catalogue_is_loaded_with_the_collector_paused_then_frozen(tmp_path):
    """gongkai.memory.lasting around load_project in the build: no collection walks the thousands
    of objects being loaded, and none walks them again afterwards (they are frozen), while the
    collector still runs for everything the build makes later."""
    project = copy_project(tmp_path / "site")
    done = subprocess.run([sys.executable, "-c", GC_WATCH], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH})
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "collector on while loading: False" and lines[1].startswith("已生成网站：")
    assert lines[2:] == ["frozen after loading: True collector on: True"]


def test_memory_a_phase_freed_goes_back_to_the_system():
    """gongkai.memory.release(): on Linux with glibc, freed heap space between live objects is
    returned (the build calls it between phases); elsewhere it reports that it could not ask."""
    from gongkai import memory

    glibc = sys.platform.startswith("linux") and hasattr(ctypes.CDLL(None), "malloc_trim")
    assert memory.release() == glibc
    if not glibc:
        return
    rss = lambda: int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    blocks = [bytearray(20_000) for _ in range(3000)]  # 60 MB below glibc's mmap threshold: in the heap
    del blocks[::2]  # 30 MB of holes between live blocks, each hole a page or more
    before = rss()
    memory.release()
    assert before - rss() > 10_000_000
    del blocks


def test_cache_writes_never_follow_a_symlinked_cache_folder_out_of_the_project(cache_project, tmp_path):
    from gongkai import cache

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (cache_project / ".cache/pelican").symlink_to(elsewhere)
    cache.save(cache_project / ".cache/pelican/x.cache", "key", {"a": 1}, cache_project)
    assert list(elsewhere.iterdir()) == []


def test_the_cache_key_changes_with_any_plugin_source_and_library_version(tmp_path, monkeypatch):
    from gongkai import cache

    names = {entry.split("-")[0].lower().replace("_", "-") for entry in cache.installed()}
    assert {"pelican", "markdown", "nh3", "jsonschema", "pyyaml", "whoosh-reloaded"} <= names
    import pelican
    assert f"pelican-{pelican.__version__}.dist-info" in cache.installed()
    plugins = tmp_path / "plugins"
    (plugins / "secrecy").mkdir(parents=True)
    (plugins / "secrecy/detect.py").write_text("PATTERN = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "PLUGINS", plugins)
    keys = []
    try:
        for change in (lambda: None, lambda: (plugins / "secrecy/detect.py").write_text("PATTERN = 2\n"),
                       lambda: monkeypatch.setattr(cache, "installed", lambda: ["nh3-0.0.1.dist-info"])):
            change()
            cache.environment.cache_clear()
            keys.append(cache.derive_key("items", "schema"))
        assert cache.derive_key("items", "schema") != cache.derive_key("items", "other schema")
    finally:
        cache.environment.cache_clear()  # nothing computed from the stand-in plugins outlives the test
    assert len(set(keys)) == 3
