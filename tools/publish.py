"""`invoke publish`: mirror output/ into an S3-compatible object store (阿里云 OSS, 腾讯云 COS, 华为云 OBS,
MinIO …) so that a reader never sees a page that names a missing file.

What is on the server is decided by two things, read fresh on every run:
- the listing (what exists, with its size and ETag), and
- the manifest `<prefix>/.gongkai-manifest.json`, written by this tool, recording for each file the
  sha256 of the content it uploaded, the ETag the server answered and the headers it sent.
A file is skipped only when the manifest records the same sha256 and headers as the local file AND
the listing still shows the ETag and size the manifest recorded. ETags are compared with what the
same server said before, never with an MD5 we compute: multipart and encrypted (SSE-KMS) uploads
have ETags that are not MD5s, and OSS writes them in upper case.

Interrupted runs: before the first write the manifest is rewritten without the entries of every
file about to change, and only after the last step is the full manifest written. A run killed at
any point therefore leaves no entry claiming content that may not be there, and a rerun re-uploads
exactly what is in doubt. (The ETag check alone would catch a replaced object on every server we
know; the two together do not depend on how a server computes its ETags.) The manifest is also the mark
that this location belongs to the site:
objects under a prefix that has none are never deleted.

Order of writes (each step finishes before the next starts): content-hashed files (attachments,
search data), other assets (CSS, JS, images), new pages, changed pages, the home page, then
deletions — pages before the files they used. "Pages" are all files that name other files (HTML,
feeds, sitemap, JSON/CSV downloads, the search index pointer).

Credentials come only from the standard AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
~/.aws/credentials …), never from settings; the EC2/ECS metadata providers are removed so that a
machine without keys never probes a metadata address.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sys
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from gongkai import output as builds
from gongkai.errors import PublishError
from gongkai.settings import read_project_settings

MANIFEST = ".gongkai-manifest.json"
MANIFEST_NOTE = "由 python3 -m invoke publish 写入：已发布文件的内容哈希，用于只上传有变化的文件。请勿修改或删除"
CONCURRENCY = 8
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
MANIFEST_CACHE = "no-store"

# Names that carry a hash of their content, so a changed file always gets a new name: cached for a year.
# files/<sha256[:16]>.<ext> is written by gongkai.site.data; search/data-<hash>/ by gongkai.search.export.
IMMUTABLE = (
    re.compile(r"files/[0-9a-f]{16,64}\.[a-z0-9]+"),
    re.compile(r"search/data-[0-9a-f]{8,64}/.+"),
)

# Longest suffix first: feeds are <name>.atom.xml.
CONTENT_TYPES = {
    ".atom.xml": "application/atom+xml", ".rss.xml": "application/rss+xml",
    ".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "text/javascript",
    ".mjs": "text/javascript", ".json": "application/json", ".xml": "application/xml", ".csv": "text/csv",
    ".txt": "text/plain", ".atom": "application/atom+xml", ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".ico": "image/x-icon", ".woff2": "font/woff2",
    ".woff": "font/woff", ".pdf": "application/pdf", ".ofd": "application/ofd",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}
FALLBACK_TYPE = "application/octet-stream"  # .wps and anything unknown: the browser offers a download
TEXT_TYPES = {"text/html", "text/css", "text/javascript", "application/json", "application/xml", "text/csv",
              "text/plain", "application/atom+xml", "application/rss+xml", "application/manifest+json"}
# Files that name other files: uploaded after the assets, deleted before them.
PAGE_TYPES = {"text/html", "application/xml", "application/atom+xml", "application/rss+xml",
              "application/json", "text/csv", "text/plain", "application/manifest+json"}
HOME = "index.html"


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    delete: bool = False


STEPS = (
    Step("immutable", "内容带哈希的文件（附件、搜索数据）"),
    Step("assets", "样式、脚本和图片"),
    Step("new_pages", "新增的网页、订阅和数据文件"),
    Step("pages", "更新的网页、订阅和数据文件"),
    Step("home", "首页"),
    Step("delete_pages", "删除不再存在的网页、订阅和数据文件", delete=True),
    Step("delete_assets", "删除不再存在的其他文件", delete=True),
)


# ---------------------------------------------------------------- what and where

@dataclass(frozen=True)
class Target:
    endpoint: str
    bucket: str
    prefix: str       # "" or "a/b" (no slashes at the ends)
    region: str | None
    addressing: str   # "virtual" or "path"
    cache_control: str

    def key(self, rel: str) -> str:
        return f"{self.prefix}/{rel}" if self.prefix else rel

    @property
    def list_prefix(self) -> str:
        return f"{self.prefix}/" if self.prefix else ""

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.list_prefix}（{self.endpoint}）"


REQUIRED = {
    "GONGKAI_S3_ENDPOINT": "对象存储的访问域名，例如 https://s3.oss-cn-hangzhou.aliyuncs.com",
    "GONGKAI_S3_BUCKET": "存储桶的名称",
}
ADDRESSING = {"virtual", "path"}


def read_target(settings: dict) -> tuple[Target | None, list[str]]:
    """The target from the declared GONGKAI_S3_* settings, or every problem with them."""
    problems = [f"缺少 {name}（{doc}）" for name, doc in REQUIRED.items() if not settings.get(name)]
    endpoint = settings.get("GONGKAI_S3_ENDPOINT") or ""
    if endpoint and not re.match(r"https?://[^/\s]+", endpoint):
        problems.append(f"GONGKAI_S3_ENDPOINT“{endpoint}”应以 https:// 或 http:// 开头，例如 https://cos.ap-guangzhou.myqcloud.com")
    prefix = (settings.get("GONGKAI_S3_PREFIX") or "").strip("/")
    if prefix and any(part in ("", ".", "..") for part in prefix.split("/")) or "\\" in prefix:
        problems.append(f"GONGKAI_S3_PREFIX“{prefix}”不是有效的文件夹名：不能含有 .、.. 、\\ 或连续的 /")
    addressing = settings.get("GONGKAI_S3_ADDRESSING") or "virtual"
    if addressing not in ADDRESSING:
        problems.append(f"GONGKAI_S3_ADDRESSING 应为 virtual 或 path，实际为“{addressing}”")
    if problems:
        return None, problems
    return Target(endpoint.rstrip("/"), settings["GONGKAI_S3_BUCKET"], prefix, settings.get("GONGKAI_S3_REGION") or None,
                  addressing, settings.get("GONGKAI_S3_CACHE_CONTROL") or "no-cache"), []


def content_type(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1].lower()
    kind = next((t for suffix, t in CONTENT_TYPES.items() if name.endswith(suffix)), FALLBACK_TYPE)
    return f"{kind}; charset=utf-8" if kind in TEXT_TYPES else kind


def is_immutable(rel: str) -> bool:
    return not rel.endswith(".html") and any(p.fullmatch(rel) for p in IMMUTABLE)


def cache_control(rel: str, short: str) -> str:
    return IMMUTABLE_CACHE if is_immutable(rel) else short


def is_page(rel: str) -> bool:
    return content_type(rel).split(";")[0] in PAGE_TYPES


# ---------------------------------------------------------------- the local build

@dataclass(frozen=True)
class LocalFile:
    rel: str
    path: Path
    size: int
    sha256: str
    content_type: str
    cache_control: str


def check_output(output: Path, shown: str, settings: dict) -> list[str]:
    """A publishable build: output/ exists and holds a home page (a failed build never replaces it),
    and no web editor that only the internal build (pelicanconf.py) carries."""
    from gongkai.editor.admin import wanted

    if not output.is_dir():
        return [f"{shown}/ 不存在：先运行 python3 -m invoke build --publish 生成网站"]
    problems = []
    if not (output / HOME).is_file():
        problems.append(f"{shown}/ 中没有 {HOME}，不是一次完整生成的网站：先运行 python3 -m invoke build --publish")
    if (output / "admin").exists() and not wanted(settings):
        problems.append(f"{shown}/admin/ 是只给内部使用的网页编辑器，说明这是 invoke build 的内部生成结果，不能公开发布："
                        "先运行 python3 -m invoke build --publish")
    if (output / MANIFEST).exists():
        problems.append(f"{shown}/ 中有名为 {MANIFEST} 的文件，与发布记录同名，请改名")
    return problems


def scan_output(output: Path, short_cache: str) -> dict[str, LocalFile]:
    """Every regular file under output/, keyed by its path with / separators."""
    found = {}
    for folder, dirs, files in os.walk(output):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue  # Pelican writes no links; a link could point outside output/
            rel = path.relative_to(output).as_posix()
            data = path.read_bytes()
            found[rel] = LocalFile(rel, path, len(data), hashlib.sha256(data).hexdigest(), content_type(rel),
                                   cache_control(rel, short_cache))
    return found


# ---------------------------------------------------------------- the plan

@dataclass(frozen=True)
class Remote:
    size: int
    etag: str


@dataclass
class Plan:
    steps: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: {s.name: [] for s in STEPS})
    unchanged: list[str] = field(default_factory=list)

    @property
    def uploads(self) -> list[tuple[str, str]]:
        return [entry for s in STEPS if not s.delete for entry in self.steps[s.name]]

    @property
    def deletes(self) -> list[str]:
        return [rel for s in STEPS if s.delete for rel, _ in self.steps[s.name]]

    @property
    def empty(self) -> bool:
        return not any(self.steps.values())


def normal_etag(etag: str) -> str:
    return etag.strip().strip('"').lower()


def why_upload(local: LocalFile, remote: Remote | None, recorded: dict | None) -> str | None:
    """Why a file must be uploaded, in the words the plan shows; None when the server has it."""
    if remote is None:
        return "新增"
    if recorded is None:
        return "未登记"  # on the server, but not recorded by a finished publish: interrupted, or put there by hand
    if (remote.size, remote.etag) != (recorded.get("size"), recorded.get("etag")):
        return "对象存储中被改动"
    if local.sha256 != recorded.get("sha256"):
        return "内容变化"
    if (local.content_type, local.cache_control) != (recorded.get("type"), recorded.get("cache")):
        return "响应头变化"
    return None


def upload_step(rel: str, new: bool) -> str:
    if is_immutable(rel):
        return "immutable"
    if not is_page(rel):
        return "assets"
    if rel == HOME:
        return "home"
    return "new_pages" if new else "pages"


def make_plan(local: dict[str, LocalFile], remote: dict[str, Remote], recorded: dict[str, dict]) -> Plan:
    plan = Plan()
    for rel, file in sorted(local.items()):
        reason = why_upload(file, remote.get(rel), recorded.get(rel))
        if reason is None:
            plan.unchanged.append(rel)
        else:
            plan.steps[upload_step(rel, rel not in remote)].append((rel, reason))
    for rel in sorted(set(remote) - set(local)):
        page = is_page(rel) and not is_immutable(rel)
        plan.steps["delete_pages" if page else "delete_assets"].append((rel, "已不在网站中"))
    return plan


def manifest_entry(file: LocalFile, etag: str) -> dict:
    return {"sha256": file.sha256, "etag": normal_etag(etag), "size": file.size, "type": file.content_type,
            "cache": file.cache_control}


# ---------------------------------------------------------------- the object store

S3_ERRORS = {
    "NoSuchBucket": "桶“{bucket}”不存在：检查 GONGKAI_S3_BUCKET，以及 GONGKAI_S3_ENDPOINT 是否是桶所在地域的访问域名",
    "InvalidAccessKeyId": "访问密钥 ID 不存在：检查 AWS_ACCESS_KEY_ID（阿里云 AccessKey ID、腾讯云 SecretId、华为云 AK、MinIO Access Key）",
    "SignatureDoesNotMatch": "签名不匹配：检查 AWS_SECRET_ACCESS_KEY 是否正确，GONGKAI_S3_REGION 是否是桶所在的地域",
    "AccessDenied": "没有权限：这组访问密钥需要对桶“{bucket}”的列举、读取、上传和删除权限",
    "AuthorizationHeaderMalformed": "地域不对：把 GONGKAI_S3_REGION 设为桶所在的地域",
    "PermanentRedirect": "桶不在这个访问域名下：把 GONGKAI_S3_ENDPOINT 改成桶所在地域的访问域名",
    "SecondLevelDomainForbidden": "这个对象存储不支持路径方式访问：把 GONGKAI_S3_ADDRESSING 设为 virtual",
    "InvalidBucketName": "桶名称“{bucket}”无效：检查 GONGKAI_S3_BUCKET",
    "RequestTimeTooSkewed": "本机时间与对象存储相差太大：校准本机时间后重试",
    "BadDigest": "上传的内容在传输中损坏（校验值不符），请重试",
}


def explain(exc: Exception, target: Target) -> str:
    """A botocore failure in the administrator's words (the code stays visible for a search)."""
    from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError, SSLError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "")) or str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        known = S3_ERRORS.get(code)
        text = known.format(bucket=target.bucket) if known else f"对象存储拒绝了请求：{error.get('Message') or '（无说明）'}"
        return f"{text}（{code}）"
    if isinstance(exc, SSLError):
        return f"与 {target.endpoint} 的 HTTPS 连接失败（证书问题？）：{exc}"
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError)):
        return f"连接不上 {target.endpoint}：检查 GONGKAI_S3_ENDPOINT 和网络"
    if isinstance(exc, ReadTimeoutError):
        return f"{target.endpoint} 长时间没有响应：稍后重试，或检查网络和代理"
    return f"{type(exc).__name__}: {exc}"


def session_without_metadata_probes():
    """The standard credential chain minus the EC2/ECS metadata providers (network probes that only
    make sense on AWS). Returns (boto3 session, credentials or None)."""
    import boto3
    import botocore.session

    core = botocore.session.Session()
    resolver = core.get_component("credential_provider")
    for name in ("iam-role", "container-role"):
        resolver.remove(name)
    return boto3.session.Session(botocore_session=core), core.get_credentials()


def make_client(session, target: Target):
    from botocore.config import Config

    config = Config(
        s3={"addressing_style": target.addressing}, signature_version="s3v4",
        retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=10, read_timeout=60,
        max_pool_connections=CONCURRENCY,
        # botocore's default CRC32 trailers are refused by several S3-compatible stores.
        request_checksum_calculation="when_required", response_checksum_validation="when_required")
    return session.client("s3", endpoint_url=target.endpoint, region_name=target.region or "us-east-1", config=config)


class Store:
    """The few S3 calls the tool makes, each failure turned into a PublishError."""

    def __init__(self, client, target: Target):
        self.client, self.target = client, target

    def _call(self, what: str, method: str, **kwargs):
        try:
            return getattr(self.client, method)(Bucket=self.target.bucket, **kwargs)
        except Exception as exc:  # botocore's family has no single base; every one is explained
            raise PublishError(f"{what}失败：{explain(exc, self.target)}") from exc

    def listing(self) -> dict[str, Remote]:
        """Objects under the prefix (never outside it), by path relative to the prefix."""
        found, token, start = {}, None, self.target.list_prefix
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self._call(f"列出 {self.target}", "list_objects_v2", Prefix=start, **extra)
            for obj in page.get("Contents", []):
                rel = obj["Key"][len(start):]
                if obj["Key"].startswith(start) and rel and rel != MANIFEST:
                    found[rel] = Remote(int(obj["Size"]), normal_etag(obj.get("ETag", "")))
            token = page.get("NextContinuationToken") if page.get("IsTruncated") else None
            if not token:
                return found

    def manifest(self) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.target.bucket, Key=self.target.key(MANIFEST))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise PublishError(f"读取发布记录 {MANIFEST} 失败：{explain(exc, self.target)}") from exc
        except Exception as exc:
            raise PublishError(f"读取发布记录 {MANIFEST} 失败：{explain(exc, self.target)}") from exc
        try:
            data = json.loads(body)
            return data if isinstance(data.get("files"), dict) else {"files": {}}
        except (ValueError, AttributeError):
            return {"files": {}}  # unreadable: nothing recorded, so everything is checked again

    def put(self, rel: str, data: bytes, content_type: str, cache: str) -> str:
        md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
        answer = self._call(f"上传 {rel} ", "put_object", Key=self.target.key(rel), Body=data,
                            ContentType=content_type, CacheControl=cache, ContentMD5=md5)
        return answer.get("ETag", "")

    def delete(self, rel: str) -> None:
        self._call(f"删除 {rel} ", "delete_object", Key=self.target.key(rel))

    def write_manifest(self, files: dict, complete: bool) -> None:
        body = json.dumps({"说明": MANIFEST_NOTE, "version": 1, "complete": complete, "files": files},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        self.put(MANIFEST, body, "application/json; charset=utf-8", MANIFEST_CACHE)


# ---------------------------------------------------------------- running the plan

def upload(store: Store, file: LocalFile) -> str:
    data = file.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != file.sha256:
        raise PublishError(f"{file.rel} 在发布过程中被改动（是否同时在生成网站？）：等生成结束后重新运行 python3 -m invoke publish")
    return store.put(file.rel, data, file.content_type, file.cache_control)


def run_step(store: Store, step: Step, entries, local: dict[str, LocalFile]) -> dict[str, str]:
    """One step's writes in parallel; the first failure stops the step (and so the publish)."""
    if not entries:
        return {}
    work = (lambda rel: store.delete(rel)) if step.delete else (lambda rel: upload(store, local[rel]))
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        futures = {pool.submit(work, rel): rel for rel, _ in entries}
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in done:
            future.result()  # re-raises the first failure
    return {} if step.delete else {futures[f]: f.result() for f in futures}


def execute(store: Store, plan: Plan, local: dict[str, LocalFile], remote: dict[str, Remote], recorded: dict,
            stream) -> None:
    in_doubt = {rel for entries in plan.steps.values() for rel, _ in entries}
    store.write_manifest({rel: e for rel, e in recorded.items() if rel not in in_doubt and rel in local}, complete=False)
    etags = {rel: remote[rel].etag for rel in plan.unchanged}
    try:
        for number, step in enumerate(STEPS, 1):
            entries = plan.steps[step.name]
            etags.update(run_step(store, step, entries, local))
            if entries:
                print(f"第 {number} 步 {step.label}：{'删除' if step.delete else '上传'} {len(entries)} 个，完成。", file=stream)
        store.write_manifest({rel: manifest_entry(local[rel], etags[rel]) for rel in sorted(local)}, complete=True)
    except PublishError as exc:
        raise PublishError(f"{exc}\n发布没有完成。网站仍可正常访问（新文件先于引用它们的网页上传，旧文件最后才删除）；"
                           "问题解决后重新运行 python3 -m invoke publish，会补上没有完成的部分。") from exc


def describe(plan: Plan, local: dict, remote: dict) -> str:
    reasons: dict[str, int] = {}
    for _, reason in plan.uploads:
        reasons[reason] = reasons.get(reason, 0) + 1
    detail = "，".join(f"{r} {n}" for r, n in reasons.items())
    return (f"本地 {len(local)} 个文件，对象存储中已有 {len(remote)} 个，其中 {len(plan.unchanged)} 个没有变化。\n"
            f"将上传 {len(plan.uploads)} 个" + (f"（{detail}）" if detail else "") + f"，删除 {len(plan.deletes)} 个。")


def plan_lines(plan: Plan) -> list[str]:
    lines = []
    for number, step in enumerate(STEPS, 1):
        entries = plan.steps[step.name]
        if entries:
            lines.append(f"第 {number} 步 {step.label}：")
            verb = "删除" if step.delete else "上传"
            lines += [f"  {verb} {rel}（{reason}）" for rel, reason in entries]
    return lines


def refuse_foreign_deletes(plan: Plan, target: Target) -> None:
    """Objects are deleted only where a publish has written its manifest (the location is the site's)."""
    if plan.deletes:
        shown = "、".join(plan.deletes[:5]) + ("……" if len(plan.deletes) > 5 else "")
        raise PublishError(
            f"{target}中已有 {len(plan.deletes)} 个不属于本网站的对象（{shown}），而这里从未用 invoke publish 发布过"
            f"（没有 {MANIFEST}）。为防止误删，发布已停止：请让 GONGKAI_S3_BUCKET / GONGKAI_S3_PREFIX 指向网站专用的位置，"
            "或先在控制台清空这个位置。")


# ---------------------------------------------------------------- the command

WAITING = "另一个生成正在进行，等待它完成后再发布……"


def prepare(root: Path, settings: dict):
    """Settings, credentials and the build, each problem collected; then the client and the local tree."""
    target, problems = read_target(settings)
    session, credentials = session_without_metadata_probes()
    if credentials is None:
        problems.append("缺少访问密钥：设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY（或在 ~/.aws/credentials 中配置），"
                        "密钥不能写进仓库")
    output = Path(settings["OUTPUT_PATH"])
    shown = output.relative_to(root).as_posix() if output.is_relative_to(root) else str(output)
    problems += check_output(output, shown, settings)
    if problems:
        raise PublishError("无法发布：\n" + "\n".join(f"  {p}" for p in problems) +
                           "\n发布设置用同名环境变量给出（持续集成中在 CI 的变量和密钥中设置），见 README“发布到对象存储”。")
    return Store(make_client(session, target), target), scan_output(output, target.cache_control), shown


def publish(root: Path, dry_run: bool = False, stream=None) -> None:
    """`invoke publish [--dry-run]`, holding the builds' lock (output.lock) from the first look at
    output/ to the last upload, so a build never replaces output/ while it is being read."""
    root = Path(root).resolve()
    settings = read_project_settings(root, publish=True)
    with builds.build_lock(Path(settings["OUTPUT_PATH"]), settings["GONGKAI_BUILD_WAIT"], WAITING):
        _publish(root, settings, dry_run, stream or sys.stdout)


def _publish(root: Path, settings: dict, dry_run: bool, stream) -> None:
    store, local, shown = prepare(root, settings)
    remote = store.listing()
    manifest = store.manifest()
    recorded = manifest["files"] if manifest else {}
    plan = make_plan(local, remote, recorded)
    if manifest is None:
        refuse_foreign_deletes(plan, store.target)
    print(f"发布 {shown}/ 到 {store.target}", file=stream)
    print(describe(plan, local, remote), file=stream)
    if dry_run:
        print("\n".join(plan_lines(plan) + ["试运行：没有写入任何内容。去掉 --dry-run 即正式发布。"]), file=stream)
        return
    if plan.empty and manifest and manifest.get("complete") and set(recorded) == set(local):
        print("没有变化，无需上传。", file=stream)
        return
    execute(store, plan, local, remote, recorded, stream)
    print(f"发布完成：上传 {len(plan.uploads)} 个，删除 {len(plan.deletes)} 个，没有变化 {len(plan.unchanged)} 个。", file=stream)
