"""The project's settings: every GONGKAI_* setting (name, type, default, one line of doc), where
things live (Paths), and reading pelicanconf.py / publishconf.py without Pelican.

Declared once here and checked at start-up, so a typo in pelicanconf.py fails loudly instead of
silently falling back to a default. A build gets its settings from Pelican; the commands read the
same file here (read_project_settings), with Pelican's own rules for the few Pelican settings the
core uses (tests/test_project.py compares both readings).
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import SettingsError

OptionalStr = (str, type(None))

# name: (type, default, doc)
DECLARED = {
    "GONGKAI_SCHEMA_DIR": (str, "schema", "Folder (relative to the project root) with item.schema.json and the registries."),
    "GONGKAI_ITEMS_DIR": (str, "items", "Folder under PATH (content/) that holds the item files."),
    "GONGKAI_INDEX_PATTERN": (OptionalStr, None, "Regex replacing the default 索引号 pattern, for a region's own rule."),
    "GONGKAI_OFFICE_NAME": (str, "政务公开办", "The catalogue office that approves every change under content/ and schema/."),
    "GONGKAI_OFFICE_REVIEWERS": (list, [], "Git-host handles of the catalogue office, e.g. ['@gongkai-ban']."),
    "GONGKAI_FEEDBACK_URL": (OptionalStr, None, "mailto: or form URL for 意见反馈; 索引号 and 事项名称 are appended."),
    "GONGKAI_FEEDBACK_FORM_URL": (OptionalStr, None, "A second 意见反馈 channel, an online form (http/https), offered beside "
                                  "GONGKAI_FEEDBACK_URL's mail; 索引号 and 事项名称 are appended as query parameters."),
    "GONGKAI_DATA_LICENCE": (str, "本目录的数据可以免费下载、复制、传播和再利用，请注明来源，并保持内容完整准确、不歪曲原意。"
                             "数据以网站公布的为准，每次网站更新时重新生成。",
                             "The licence line shown on the downloads page and written into catalogue.json."),
    "GONGKAI_LOCAL_SITEURL": (str, "http://localhost:8000", "Absolute address used in downloads, feeds and sitemap.xml "
                              "of local builds (no SITEURL): where `invoke serve` shows the site."),
    "GONGKAI_FOOTER": (dict, {}, "Footer facts: 主办单位, 联系方式, ICP备案号, 公安备案号, 网站标识码 (empty ones hidden)."),
    "GONGKAI_CHECKS": (list, [], "An office's own extra checks run by validate and every build, as 'module:function' "
                       "taking (catalogue, paths); the project's rules always run (project.py)."),
    "GONGKAI_ITEM_CHECKS": (list, [], "An office's own per-item checks ('module:function' taking an item), cached with "
                            "each file's parse; the project's per-item rules always run (catalogue.ITEM_RULES)."),
    "GONGKAI_WARNINGS": (list, [], "An office's own checks whose findings are printed as 提醒 but never fail validate "
                         "or the build, as 'module:function' taking (catalogue, paths); the project's own "
                         "(the annual reports') always run."),
    "GONGKAI_INTRO": (str, "", "One paragraph on the home page saying what the catalogue is."),
    "GONGKAI_CACHE": (bool, True, "Keep parse results and unchanged item pages between builds (signed, see catalogue/cache.py)."),
    "GONGKAI_SEARCH": (bool, True, "Write the search page and index (False only to time a build without them)."),
    "GONGKAI_BUILD_WAIT": (int, 1800, "Seconds a build waits for another build of the same output/ before refusing."),
    "GONGKAI_PUBLIC_BUILD": (bool, False, "True in publishconf.py: this build is the public site."),
    "GONGKAI_INTRANET": (bool, False, "True in internalconf.py: the intranet site for the body's own staff, 内部 items "
                         "included and marked; its own output folder and cache, never the public ones."),
    "GONGKAI_EDITOR": (str, "none", "Web editor under /admin/: 'none', 'internal' (pelicanconf.py builds only, never the "
                       "public site), 'public' (also the public site) or 'local' (set by `invoke edit`)."),
    "GONGKAI_EDITOR_BACKEND": (dict, {}, "Decap CMS backend: name gitlab|gitea|github, repo, base_url, app_id, branch… "
                               "(README, 管理员：网页编辑器)."),
    "GONGKAI_EDITOR_LOCAL_PORT": (int, 8081, "Port of the local editor backend (decap-server) that `invoke edit` starts."),
    # `invoke publish` (tools/publish.py): publishconf.py fills these from same-named environment variables.
    # Credentials are never settings: boto3 reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY itself.
    "GONGKAI_S3_ENDPOINT": (OptionalStr, None, "Object store endpoint, e.g. https://s3.oss-cn-hangzhou.aliyuncs.com."),
    "GONGKAI_S3_BUCKET": (OptionalStr, None, "Bucket the site is published to."),
    "GONGKAI_S3_PREFIX": (str, "", "Folder in the bucket ('' = the whole bucket); everything under it belongs to the site."),
    "GONGKAI_S3_REGION": (OptionalStr, None, "Region used in request signing, e.g. cn-hangzhou, ap-guangzhou, cn-north-4."),
    "GONGKAI_S3_ADDRESSING": (str, "virtual", "'virtual' (bucket.endpoint: OSS, COS, OBS) or 'path' (endpoint/bucket: MinIO)."),
    "GONGKAI_S3_CACHE_CONTROL": (str, "no-cache", "Cache-Control of files without a content hash in their name (HTML, feeds, CSS)."),
}


# Set by the build itself (gongkai_pelican), never by pelicanconf.py.
INTERNAL = {"GONGKAI_FINAL_OUTPUT"}
# Pelican must read nothing from content/: the catalogue reads items and pages, and its publish
# boundary (boundary.py) is the only way a file from content/ reaches output/.
READS_NOTHING = ("ARTICLE_PATHS", "PAGE_PATHS", "STATIC_PATHS")


NO_SITE_URL = ("正式发布（invoke build --publish）需要网站的公开地址：请设置环境变量 GONGKAI_SITEURL，"
               "例如 GONGKAI_SITEURL=https://gongkai.example.gov.cn{found}。持续集成中请在流水线变量里设置。")


def require_site_url(settings: dict) -> None:
    """A public build (publishconf.py) writes absolute links into downloads, feeds and sitemap.xml:
    without the site's real address they would point nowhere, so the build stops before writing."""
    url = settings.get("SITEURL") or ""
    if settings.get("GONGKAI_PUBLIC_BUILD") and not url.startswith(("https://", "http://")):
        found = f"（现在的值“{url}”不是以 https:// 或 http:// 开头的网址）" if url else ""
        raise SettingsError(NO_SITE_URL.format(found=found))


def resolve(settings: dict) -> dict:
    """Fill defaults and check types; every wrong setting is reported at once."""
    wrong = []
    for name, (kind, default, _doc) in DECLARED.items():
        value = settings.setdefault(name, default if not isinstance(default, (list, dict)) else type(default)(default))
        if not isinstance(value, kind):
            wrong.append(f"{name} 应为 {kind}，实际为 {type(value).__name__}")
    unknown = [k for k in settings if k.startswith("GONGKAI_") and k not in DECLARED and k not in INTERNAL]
    wrong += [f"未知的设置 {k}（拼写错误？）" for k in unknown]
    wrong += [f"{k} 必须为 []：content/ 中的文件只由 gongkai 读取和发布" for k in READS_NOTHING if settings.get(k)]
    if settings.get("GONGKAI_INTRANET") and settings.get("GONGKAI_PUBLIC_BUILD"):
        wrong.append("GONGKAI_INTRANET 与 GONGKAI_PUBLIC_BUILD 不能同时为 True：内网网站（含内部事项）不能作为公开网站生成")
    if wrong:
        raise SettingsError("pelicanconf.py 设置有误：" + "；".join(wrong))
    return settings


INTRANET_CACHE = "intranet"  # the intranet build's caches: a folder of their own under CACHE_PATH


def cache_folder(settings: dict) -> Path:
    """Where this build keeps its caches: CACHE_PATH, or CACHE_PATH/intranet for the intranet build.
    Decided here, not in a settings file, so the public build never opens the intranet's caches
    whatever internalconf.py says (and cache.py binds each cache file to its folder as well)."""
    folder = Path(settings["CACHE_PATH"])
    return folder / INTRANET_CACHE if settings.get("GONGKAI_INTRANET") else folder


def project_root(settings: dict) -> Path:
    """content/ and schema/ are siblings at the top of the project."""
    return Path(settings["PATH"]).resolve().parent


@dataclass(frozen=True)
class Paths:
    """Where things live; all derived from the project root unless a setting says otherwise."""

    root: Path
    content: Path
    schema_dir: Path
    items_dir: Path
    cache_dir: Path | None = None  # where checks may keep results between runs (None: they do not)

    @property
    def pages_dir(self) -> Path:
        """公开指南 pages: content/pages/."""
        return self.content / "pages"

    @property
    def item_schema(self) -> Path:
        return self.schema_dir / "item.schema.json"

    @property
    def document_schema(self) -> Path:
        """公开信息 (documents under an item): schema/document.schema.json."""
        return self.schema_dir / "document.schema.json"

    @classmethod
    def for_root(cls, root: Path, content: str = "content", schema_dir: str = "schema", items: str = "items"):
        root = Path(root).resolve()
        return cls(root, root / content, root / schema_dir, root / content / items)

    @classmethod
    def from_settings(cls, settings: dict) -> Paths:
        root = project_root(settings)
        content = Path(settings["PATH"]).resolve()
        cache_dir = cache_folder(settings) if settings["GONGKAI_CACHE"] else None
        return cls(root, content, root / settings["GONGKAI_SCHEMA_DIR"], content / settings["GONGKAI_ITEMS_DIR"],
                   cache_dir)


# ---------------------------------------------------------------- reading the settings file

# Pelican's defaults for the Pelican settings the core reads (pelican.settings.DEFAULT_CONFIG;
# tests/test_project.py checks they still agree). THEME is only needed by the build.
PELICAN_DEFAULTS = {"PATH": ".", "OUTPUT_PATH": "output", "CACHE_PATH": "cache", "SITENAME": "A Pelican Blog",
                    "SITEURL": "", "RELATIVE_URLS": False, "DEFAULT_LANG": "en", "ARTICLE_PATHS": [""],
                    "PAGE_PATHS": ["pages"], "STATIC_PATHS": ["images"]}
# Relative to the settings file, as Pelican makes them (THEME only when it names a folder).
PATH_SETTINGS = ("PATH", "OUTPUT_PATH", "THEME", "CACHE_PATH")


def read_settings_file(path: Path) -> dict:
    """The upper-case names a settings file defines, read as Pelican reads it (executed as a
    module named after the file); paths made absolute relative to the file, as Pelican does."""
    path = Path(path).resolve()
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except (OSError, SyntaxError) as exc:
        raise SettingsError(f"无法读取 {path.name}：{exc}") from exc
    settings = {k: v for k, v in vars(module).items() if k.isupper()}
    for name in PATH_SETTINGS:
        value = settings.get(name)
        if isinstance(value, str) and not os.path.isabs(value):
            absolute = os.path.abspath(os.path.normpath(os.path.join(path.parent, value)))
            if name != "THEME" or os.path.exists(absolute):
                settings[name] = absolute
    return settings


def read_project_settings(root: Path, publish: bool = False) -> dict:
    """The resolved settings of a project (pelicanconf.py, or publishconf.py for the public site),
    for the commands that run without Pelican; the same values a build gets for what they read."""
    conf = Path(root) / ("publishconf.py" if publish else "pelicanconf.py")
    settings = {**{k: (list(v) if isinstance(v, list) else v) for k, v in PELICAN_DEFAULTS.items()},
                **read_settings_file(conf)}
    settings["DEFAULT_LANG"] = settings["DEFAULT_LANG"].lower()
    settings["SITEURL"] = settings["SITEURL"].removesuffix("/")
    return resolve(settings)


def settings_for(root: Path) -> dict:
    """The project's settings (read_project_settings), or, in a folder without pelicanconf.py (a
    project being set up, or a test's registry-only folder), the defaults with content/ there."""
    root = Path(root)
    if (root / "pelicanconf.py").is_file():
        return read_project_settings(root)
    return resolve({**PELICAN_DEFAULTS, "PATH": str((root / "content").resolve()),
                    "OUTPUT_PATH": str((root / "output").resolve()), "CACHE_PATH": str((root / ".cache").resolve()),
                    **{name: [] for name in READS_NOTHING}})
