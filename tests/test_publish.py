"""`invoke publish` against a real S3 server (`rclone serve s3` on loopback, started and stopped here).

The example catalogue's build shows the headers of every kind of file. Three real builds of the
two-item test project are published in turn: v1; v2 = one item's text changed; v3 = v2 with the
other item (and its only attachment) withdrawn. What the bucket holds is read back over
S3 and compared byte for byte with output/; the order of writes is what the server received, seen
through a recording proxy; an interrupted publish is a process killed with SIGKILL while the proxy
holds one of its uploads.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, REPO, copy_project, make_mini_project, run_build
from s3_server import RcloneS3, RecordingProxy

BUCKET = "site"
MANIFEST = ".gongkai-manifest.json"
CHANGED_ITEM = "content/items/社会救助/低保名单.md"
CHANGED_PAGE = "items/11530000MB0123456X-2024-00001/index.html"
WITHDRAWN_ITEM = "content/items/财政信息/2024 年/部门预算.md"
WITHDRAWN_PAGE = "items/11530000MB0765432Y-2024-00003/index.html"
IMMUTABLE = "public, max-age=31536000, immutable"
# What each kind of file must be served as: written out here, not taken from tools/publish.py.
EXPECTED_TYPES = {
    ".atom.xml": "application/atom+xml; charset=utf-8", ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".xml": "application/xml; charset=utf-8", ".svg": "image/svg+xml",
    ".png": "image/png", ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
ENV_NAMES = ("GONGKAI_S3_ENDPOINT", "GONGKAI_S3_BUCKET", "GONGKAI_S3_PREFIX", "GONGKAI_S3_REGION",
             "GONGKAI_S3_ADDRESSING", "GONGKAI_S3_CACHE_CONTROL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
             "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SHARED_CREDENTIALS_FILE",
             "AWS_CONFIG_FILE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION", "AWS_REGION")


# ---------------------------------------------------------------- fixtures and helpers

@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    server = RcloneS3(tmp_path_factory.mktemp("s3"))
    server.client().create_bucket(Bucket=BUCKET)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """output/ of three successive real builds (publish settings), kept as folders."""
    root = make_mini_project(tmp_path_factory.mktemp("site") / "project")
    keep = tmp_path_factory.mktemp("builds")
    versions = {}

    def build(name):
        result = run_build(root, conf="publishconf.py", env={"GONGKAI_SITEURL": "https://gk.example.gov.invalid"})
        assert result.returncode == 0, result.stdout + result.stderr
        versions[name] = shutil.copytree(root / "output", keep / name)

    build("v1")
    changed = root / CHANGED_ITEM
    changed.write_text(changed.read_text(encoding="utf-8") + "\n复核后新增1户，名单已更新。\n", encoding="utf-8")
    build("v2")
    (root / WITHDRAWN_ITEM).unlink()
    build("v3")
    return versions


@pytest.fixture
def project(tmp_path) -> Path:
    """The project's code and settings (content/ empty: Pelican's settings need the folder); output/ is
    set by use_build()."""
    root = copy_project(tmp_path / "project", with_content=False)
    (root / "content").mkdir()
    return root


def use_build(project: Path, build: Path) -> None:
    shutil.rmtree(project / "output", ignore_errors=True)
    shutil.copytree(build, project / "output")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def env_for(s3, prefix: str, endpoint: str | None = None, home: Path | None = None, **extra) -> dict:
    env = {"GONGKAI_S3_ENDPOINT": endpoint or s3.endpoint, "GONGKAI_S3_BUCKET": BUCKET,
           "GONGKAI_S3_PREFIX": prefix, "GONGKAI_S3_ADDRESSING": "path",
           "AWS_ACCESS_KEY_ID": s3.access_key, "AWS_SECRET_ACCESS_KEY": s3.secret_key}
    return {**env, **no_aws_files(home or Path("/nonexistent")), **extra}


def no_aws_files(home: Path) -> dict:
    """Credentials and config only from what the test gives, never from the machine's ~/.aws."""
    return {"AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"), "AWS_CONFIG_FILE": str(home / "config")}


def publish_in_process(monkeypatch, project: Path, env: dict, dry_run: bool = False) -> tuple[int, str, str]:
    """What `python3 -m invoke publish` does (tasks.py: finish(publish, …)), in this process for speed."""
    import importlib.util

    from gongkai_tools.publish import publish

    spec = importlib.util.spec_from_file_location("tasks", REPO / "tasks.py")  # the boundary itself
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    finish = tasks.finish

    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as ended:
        finish(publish, project, dry_run=dry_run)
    return ended.value.code, out.getvalue(), err.getvalue()


def invoke_publish(project: Path, env: dict, *flags: str, popen: bool = False):
    """`python3 -m invoke publish` as the administrator (or CI) runs it."""
    clean = {k: v for k, v in __import__("os").environ.items() if k not in ENV_NAMES}
    command = [sys.executable, "-m", "invoke", "publish", *flags]
    full_env = {**clean, "SOURCE_DATE_EPOCH": BUILD_EPOCH, **env}
    if popen:
        return subprocess.Popen(command, cwd=project, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    return subprocess.run(command, cwd=project, env=full_env, capture_output=True, text=True)


def bucket_tree(s3, prefix: str) -> dict[str, bytes]:
    """Every object under the prefix, read back over S3 (the manifest apart)."""
    client, start = s3.client(), f"{prefix}/"
    keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=start)
            for o in page.get("Contents", [])]
    return {k[len(start):]: client.get_object(Bucket=BUCKET, Key=k)["Body"].read()
            for k in keys if k != start + MANIFEST}


def manifest(s3, prefix: str) -> dict:
    return json.loads(s3.client().get_object(Bucket=BUCKET, Key=f"{prefix}/{MANIFEST}")["Body"].read())


def expected_type(rel: str) -> str:
    suffix = next((s for s in sorted(EXPECTED_TYPES, key=len, reverse=True) if rel.endswith(s)), None)
    assert suffix, f"no expected Content-Type for {rel}: add its kind to EXPECTED_TYPES"
    return EXPECTED_TYPES[suffix]


def expected_cache(rel: str) -> str:
    hashed = re.fullmatch(r"files/[0-9a-f]{16}\.\w+|search/data-[0-9a-f]+/.+", rel)
    return IMMUTABLE if hashed else "no-cache"


def phase(method: str, rel: str, before: dict) -> int:
    """The order the issue asks for: hashed assets, other assets, new pages, changed pages, the home
    page, then deletions (pages before the files they used)."""
    hashed = expected_cache(rel) == IMMUTABLE
    page = rel.endswith((".html", ".xml", ".json", ".csv", ".txt")) and not hashed
    if method == "DELETE":
        return 5 if page else 6
    if hashed:
        return 0
    if not page:
        return 1
    if rel == "index.html":
        return 4
    return 2 if rel not in before else 3


def check_order(writes: list[tuple[str, str]], prefix: str, before: dict) -> list[tuple[str, str]]:
    """Manifest first and last, the files in non-decreasing phase between; returns the files' writes."""
    manifest_key = f"{prefix}/{MANIFEST}"
    assert writes[0] == ("PUT", manifest_key) and writes[-1] == ("PUT", manifest_key)
    files = [(m, k[len(prefix) + 1:]) for m, k in writes[1:-1]]
    assert all(k.startswith(prefix + "/") for _, k in writes)
    phases = [phase(m, rel, before) for m, rel in files]
    assert phases == sorted(phases), list(zip(phases, files))
    return files


def publish_through_proxy(monkeypatch, s3, project, prefix):
    proxy = RecordingProxy(s3.endpoint, BUCKET)
    try:
        code, out, err = publish_in_process(monkeypatch, project, env_for(s3, prefix, proxy.endpoint))
    finally:
        proxy.stop()
    assert (code, err) == (0, ""), out + err
    # Plain uploads that every S3-compatible store accepts: a Content-MD5 to check the body against, and
    # none of the aws-chunked streaming encoding newer botocore uses by default, which OSS and others refuse.
    for headers in proxy.put_headers:
        assert "content-md5" in headers and int(headers["content-length"]) >= 0
        assert "aws-chunked" not in headers.get("content-encoding", "")
        assert not headers.get("x-amz-content-sha256", "").startswith("STREAMING")
        assert not any(name.startswith("x-amz-checksum-") or name == "x-amz-trailer" for name in headers)
    return proxy.writes, out


# ---------------------------------------------------------------- publishing

def test_first_publish_uploads_everything_with_the_right_headers(s3, example_output, project):
    use_build(project, example_output)
    local = tree(project / "output")
    result = invoke_publish(project, env_for(s3, "first"))
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [f"发布 output/ 到 s3://{BUCKET}/first/（{s3.endpoint}）",
                         f"本地 {len(local)} 个文件，对象存储中已有 0 个，其中 0 个没有变化。",
                         f"将上传 {len(local)} 个（新增 {len(local)}），删除 0 个。"]
    assert lines[-1] == f"发布完成：上传 {len(local)} 个，删除 0 个，没有变化 0 个。"
    assert bucket_tree(s3, "first") == local

    client = s3.client()
    for rel in local:
        head = client.head_object(Bucket=BUCKET, Key=f"first/{rel}")
        assert (rel, head["ContentType"], head["CacheControl"]) == (rel, expected_type(rel), expected_cache(rel))
    # Every file the search page fetches, apart from the pointer to the current data, is content-hashed.
    search = {rel for rel in local if rel.startswith("search/")} - {"search/index.html", "search/index-meta.json"}
    assert search and all(expected_cache(rel) == IMMUTABLE for rel in search)
    assert {rel for rel in local if expected_cache(rel) == IMMUTABLE} >= {r for r in local if r.startswith("files/")} != set()

    recorded = manifest(s3, "first")
    assert recorded["complete"] is True and set(recorded["files"]) == set(local)

    again = invoke_publish(project, env_for(s3, "first"))
    assert (again.returncode, again.stdout.splitlines()[-1]) == (0, "没有变化，无需上传。")


def test_dry_run_lists_the_plan_and_writes_nothing(monkeypatch, s3, builds, project):
    use_build(project, builds["v1"])
    proxy = RecordingProxy(s3.endpoint, BUCKET)
    code, out, err = publish_in_process(monkeypatch, project, env_for(s3, "dry", proxy.endpoint), dry_run=True)
    assert (code, err) == (0, "")
    assert "第 1 步 内容带哈希的文件（附件、搜索数据）：" in out.splitlines()
    assert out.endswith("第 5 步 首页：\n  上传 index.html（新增）\n试运行：没有写入任何内容。去掉 --dry-run 即正式发布。\n")
    assert proxy.writes == [] and bucket_tree(s3, "dry") == {}

    assert publish_in_process(monkeypatch, project, env_for(s3, "dry"))[0] == 0
    use_build(project, builds["v3"])
    before = manifest(s3, "dry")
    code, out, err = publish_in_process(monkeypatch, project, env_for(s3, "dry", proxy.endpoint), dry_run=True)
    proxy.stop()
    assert (code, err) == (0, ""), err
    assert f"  删除 {WITHDRAWN_PAGE}（已不在网站中）" in out.splitlines()
    assert "  上传 index.html（内容变化）" in out.splitlines()
    assert proxy.writes == []
    assert bucket_tree(s3, "dry") == tree(builds["v1"]) and manifest(s3, "dry") == before


def test_one_item_change_uploads_only_the_files_that_changed(monkeypatch, s3, builds, project):
    v1, v2 = tree(builds["v1"]), tree(builds["v2"])
    use_build(project, builds["v1"])
    assert publish_in_process(monkeypatch, project, env_for(s3, "change"))[0] == 0
    use_build(project, builds["v2"])
    writes, out = publish_through_proxy(monkeypatch, s3, project, "change")
    files = check_order(writes, "change", v1)
    changed = {rel for rel in v2 if v1.get(rel) != v2[rel]}
    assert {rel for m, rel in files if m == "PUT"} == changed
    assert len([rel for m, rel in files if m == "PUT"]) == len(changed)  # each once
    assert {rel for m, rel in files if m == "DELETE"} == set(v1) - set(v2)
    assert CHANGED_PAGE in changed and WITHDRAWN_PAGE not in changed
    assert "theme/css/site.css" in v2 and "theme/css/site.css" not in changed
    assert f"发布完成：上传 {len(changed)} 个，删除 {len(set(v1) - set(v2))} 个，没有变化 {len(v2) - len(changed)} 个。" in out
    assert bucket_tree(s3, "change") == v2


def test_a_withdrawn_item_disappears_pages_before_its_files(monkeypatch, s3, builds, project):
    v2, v3 = tree(builds["v2"]), tree(builds["v3"])
    use_build(project, builds["v2"])
    assert publish_in_process(monkeypatch, project, env_for(s3, "withdraw"))[0] == 0
    assert WITHDRAWN_PAGE in bucket_tree(s3, "withdraw")
    use_build(project, builds["v3"])
    writes, _ = publish_through_proxy(monkeypatch, s3, project, "withdraw")
    files = check_order(writes, "withdraw", v2)
    deleted = [rel for m, rel in files if m == "DELETE"]
    assert WITHDRAWN_PAGE in deleted
    gone_attachments = [rel for rel in deleted if rel.startswith("files/")]
    assert len(gone_attachments) == 1  # the withdrawn item's PDF, used by no other item
    assert deleted.index(WITHDRAWN_PAGE) < deleted.index(gone_attachments[0])
    assert bucket_tree(s3, "withdraw") == v3


def test_an_object_changed_by_hand_is_put_back(monkeypatch, s3, builds, project):
    use_build(project, builds["v1"])
    assert publish_in_process(monkeypatch, project, env_for(s3, "hand"))[0] == 0
    s3.client().put_object(Bucket=BUCKET, Key="hand/stats/index.html", Body=b"<p>defaced</p>", ContentType="text/html")
    code, out, _ = publish_in_process(monkeypatch, project, env_for(s3, "hand"), dry_run=True)
    assert "  上传 stats/index.html（对象存储中被改动）" in out.splitlines()
    assert publish_in_process(monkeypatch, project, env_for(s3, "hand"))[0] == 0
    assert bucket_tree(s3, "hand") == tree(builds["v1"])


def test_a_new_cache_rule_republishes_the_files_it_applies_to(monkeypatch, s3, builds, project):
    v1 = tree(builds["v1"])
    use_build(project, builds["v1"])
    assert publish_in_process(monkeypatch, project, env_for(s3, "rule"))[0] == 0
    env = env_for(s3, "rule", GONGKAI_S3_CACHE_CONTROL="public, max-age=300")
    code, out, _ = publish_in_process(monkeypatch, project, env, dry_run=True)
    listed = {line.split()[1].split("（")[0] for line in out.splitlines() if line.startswith("  上传 ")}
    assert listed == {rel for rel in v1 if expected_cache(rel) != IMMUTABLE}
    assert "  上传 index.html（响应头变化）" in out.splitlines()
    assert publish_in_process(monkeypatch, project, env)[0] == 0
    heads = {rel: s3.client().head_object(Bucket=BUCKET, Key=f"rule/{rel}")["CacheControl"] for rel in v1}
    assert heads == {rel: IMMUTABLE if expected_cache(rel) == IMMUTABLE else "public, max-age=300" for rel in v1}


# ---------------------------------------------------------------- interrupted publishes

def kill_mid_publish(s3, project: Path, prefix: str, hang_after: int) -> list[tuple[str, str]]:
    """Run the publish until the server has received `hang_after` writes, then SIGKILL it."""
    proxy = RecordingProxy(s3.endpoint, BUCKET, hang_after=hang_after)
    process = invoke_publish(project, env_for(s3, prefix, proxy.endpoint), popen=True)
    try:
        assert proxy.hanging.wait(120), process.communicate()
        process.kill()
        process.communicate()
    finally:
        proxy.stop()
    return proxy.writes


def planned_uploads(monkeypatch, project, env) -> int:
    code, out, _ = publish_in_process(monkeypatch, project, env, dry_run=True)
    assert code == 0
    return int(re.search(r"将上传 (\d+) 个", out).group(1))


def test_a_killed_publish_converges_when_run_again(monkeypatch, s3, builds, project):
    v1, v3 = tree(builds["v1"]), tree(builds["v3"])
    use_build(project, builds["v1"])
    assert publish_in_process(monkeypatch, project, env_for(s3, "killed"))[0] == 0
    use_build(project, builds["v3"])
    writes = kill_mid_publish(s3, project, "killed", hang_after=4)
    assert len(writes) == 4 and writes[0] == ("PUT", f"killed/{MANIFEST}")
    half = bucket_tree(s3, "killed")
    assert half not in (v1, v3)  # new files are there, the old site is still whole
    assert all(half.get(rel) == body for rel, body in v1.items())
    # The manifest left behind vouches only for the files this publish was not going to touch.
    left = manifest(s3, "killed")
    assert left["complete"] is False
    assert set(left["files"]) == {rel for rel in v3 if v1.get(rel) == v3[rel]}

    code, out, err = publish_in_process(monkeypatch, project, env_for(s3, "killed"))
    assert (code, err) == (0, ""), out + err
    assert bucket_tree(s3, "killed") == v3
    assert publish_in_process(monkeypatch, project, env_for(s3, "killed"))[1].splitlines()[-1] == "没有变化，无需上传。"


def test_a_killed_publish_then_going_back_to_the_old_build_converges(monkeypatch, s3, builds, project):
    """The hard case: the killed run replaced pages in place; the next run publishes the build the
    manifest last recorded. Files whose upload was in flight must not be taken as unchanged."""
    v1 = tree(builds["v1"])
    use_build(project, builds["v1"])
    assert publish_in_process(monkeypatch, project, env_for(s3, "back"))[0] == 0
    use_build(project, builds["v3"])
    uploads = planned_uploads(monkeypatch, project, env_for(s3, "back"))
    kill_mid_publish(s3, project, "back", hang_after=uploads)  # the manifest, then all but the home page
    half = bucket_tree(s3, "back")
    replaced = [rel for rel in v1 if rel in half and half[rel] != v1[rel]]
    assert replaced and "index.html" not in replaced

    use_build(project, builds["v1"])
    code, out, err = publish_in_process(monkeypatch, project, env_for(s3, "back"))
    assert (code, err) == (0, ""), out + err
    assert bucket_tree(s3, "back") == v1


# ---------------------------------------------------------------- refusals, in the administrator's words

def test_missing_settings_and_keys_are_named_in_chinese(monkeypatch, builds, project, tmp_path):
    use_build(project, builds["v1"])
    code, out, err = publish_in_process(monkeypatch, project, no_aws_files(tmp_path))
    assert (code, out) == (1, "")
    assert err == (
        "无法发布：\n"
        "  缺少 GONGKAI_S3_ENDPOINT（对象存储的访问域名，例如 https://s3.oss-cn-hangzhou.aliyuncs.com）\n"
        "  缺少 GONGKAI_S3_BUCKET（存储桶的名称）\n"
        "  缺少访问密钥：设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY（或在 ~/.aws/credentials 中配置），密钥不能写进仓库\n"
        "发布设置用同名环境变量给出（持续集成中在 CI 的变量和密钥中设置），见 README“发布到对象存储”。\n")


def test_wrong_values_are_named_in_chinese(monkeypatch, s3, builds, project):
    use_build(project, builds["v1"])
    env = env_for(s3, "a/../b", endpoint="oss-cn-hangzhou.aliyuncs.com", GONGKAI_S3_ADDRESSING="dns")
    code, _, err = publish_in_process(monkeypatch, project, env)
    assert code == 1
    assert err.splitlines()[1:4] == [
        "  GONGKAI_S3_ENDPOINT“oss-cn-hangzhou.aliyuncs.com”应以 https:// 或 http:// 开头，例如 https://cos.ap-guangzhou.myqcloud.com",
        "  GONGKAI_S3_PREFIX“a/../b”不是有效的文件夹名：不能含有 .、.. 、\\ 或连续的 /",
        "  GONGKAI_S3_ADDRESSING 应为 virtual 或 path，实际为“dns”"]


def remove(path: Path) -> None:
    shutil.rmtree(path) if path.is_dir() else path.unlink()


def add_editor(path: Path) -> None:
    path.mkdir()
    (path / "index.html").write_text("<title>内容管理</title>", encoding="utf-8")


@pytest.mark.parametrize("spoil, path, message", [
    (remove, "output", "  output/ 不存在：先运行 python3 -m invoke build --publish 生成网站"),
    (remove, "output/index.html", "  output/ 中没有 index.html，不是一次完整生成的网站：先运行 python3 -m invoke build --publish"),
    (add_editor, "output/admin", "  output/admin/ 是只给内部使用的网页编辑器，说明这是 invoke build 的内部生成结果，不能公开发布："
                                 "先运行 python3 -m invoke build --publish"),
], ids=["no output", "no home page", "internal editor"])
def test_an_incomplete_or_internal_build_is_not_published(monkeypatch, s3, builds, project, spoil, path, message):
    use_build(project, builds["v1"])
    spoil(project / path)
    code, out, err = publish_in_process(monkeypatch, project, env_for(s3, "incomplete"))
    assert (code, out, err.splitlines()[:2]) == (1, "", ["无法发布：", message])
    assert bucket_tree(s3, "incomplete") == {}


def test_wrong_key_and_missing_bucket_are_explained(monkeypatch, s3, builds, project):
    use_build(project, builds["v1"])
    code, _, err = publish_in_process(monkeypatch, project, env_for(s3, "keys", AWS_SECRET_ACCESS_KEY="wrong" * 4))
    assert code == 1
    assert err == (f"列出 s3://{BUCKET}/keys/（{s3.endpoint}）失败：签名不匹配：检查 AWS_SECRET_ACCESS_KEY 是否正确，"
                   "GONGKAI_S3_REGION 是否是桶所在的地域（SignatureDoesNotMatch）\n")
    code, _, err = publish_in_process(monkeypatch, project, env_for(s3, "keys", GONGKAI_S3_BUCKET="nosuchbucket"))
    assert code == 1
    assert err == (f"列出 s3://nosuchbucket/keys/（{s3.endpoint}）失败：桶“nosuchbucket”不存在：检查 GONGKAI_S3_BUCKET，"
                   "以及 GONGKAI_S3_ENDPOINT 是否是桶所在地域的访问域名（NoSuchBucket）\n")


def test_nothing_outside_the_prefix_is_ever_deleted(monkeypatch, s3, builds, project):
    client = s3.client()
    others = {"keep.txt": b"root", "other/index.html": b"other site", "scope-sibling/index.html": b"sibling"}
    for key, body in others.items():
        client.put_object(Bucket=BUCKET, Key=key, Body=body)
    use_build(project, builds["v2"])
    assert publish_in_process(monkeypatch, project, env_for(s3, "scope"))[0] == 0
    use_build(project, builds["v3"])
    assert publish_in_process(monkeypatch, project, env_for(s3, "scope"))[0] == 0
    assert {k: client.get_object(Bucket=BUCKET, Key=k)["Body"].read() for k in others} == others
    assert bucket_tree(s3, "scope") == tree(builds["v3"])


def test_a_location_never_published_to_is_not_emptied(monkeypatch, s3, builds, project):
    client = s3.client()
    client.put_object(Bucket=BUCKET, Key="foreign/old/index.html", Body=b"old site")
    client.put_object(Bucket=BUCKET, Key="foreign/report.pdf", Body=b"%PDF")
    use_build(project, builds["v1"])
    proxy = RecordingProxy(s3.endpoint, BUCKET)
    code, out, err = publish_in_process(monkeypatch, project, env_for(s3, "foreign", proxy.endpoint))
    proxy.stop()
    assert (code, out, proxy.writes) == (1, "", [])
    assert err == (f"s3://{BUCKET}/foreign/（{proxy.endpoint}）中已有 2 个不属于本网站的对象（old/index.html、report.pdf），"
                   f"而这里从未用 invoke publish 发布过（没有 {MANIFEST}）。为防止误删，发布已停止："
                   "请让 GONGKAI_S3_BUCKET / GONGKAI_S3_PREFIX 指向网站专用的位置，或先在控制台清空这个位置。\n")
    assert bucket_tree(s3, "foreign") == {"old/index.html": b"old site", "report.pdf": b"%PDF"}


# ---------------------------------------------------------------- plain functions

@pytest.mark.parametrize("rel, kind", [
    ("a/b.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("files/0123456789abcdef.ofd", "application/ofd"), ("files/0123456789abcdef.wps", "application/octet-stream"),
    ("x.JPG", "image/jpeg"), ("feeds/new.atom.xml", "application/atom+xml; charset=utf-8"),
])
def test_content_types_of_kinds_the_example_lacks(rel, kind):
    from gongkai_tools.publish import content_type

    assert content_type(rel) == kind


def test_a_file_changed_during_the_publish_stops_it(tmp_path):
    from gongkai_tools.publish import LocalFile, PublishError, upload

    path = tmp_path / "index.html"
    path.write_text("new", encoding="utf-8")
    with pytest.raises(PublishError) as caught:
        upload(None, LocalFile("index.html", path, 3, "0" * 64, "text/html; charset=utf-8", "no-cache"))
    assert str(caught.value) == ("index.html 在发布过程中被改动（是否同时在生成网站？）："
                                 "等生成结束后重新运行 python3 -m invoke publish")


def test_credentials_never_come_from_a_metadata_service(monkeypatch, tmp_path):
    """Without keys the chain must end empty-handed, not probe 169.254.169.254 (no request leaves loopback)."""
    from gongkai_tools.publish import session_without_metadata_probes

    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in no_aws_files(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9/")  # would fail loudly if asked
    session, credentials = session_without_metadata_probes()
    assert credentials is None
    resolver = session._session.get_component("credential_provider")
    assert {p.METHOD for p in resolver.providers}.isdisjoint({"iam-role", "container-role"})
