"""Every GONGKAI_* setting the plugins and tasks read: name, type, default and one line of doc.

Declared once here and checked at start-up, so a typo in pelicanconf.py fails loudly instead of
silently falling back to a default.
"""
from __future__ import annotations

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
    "GONGKAI_CHECKS": (list, [], "Extra checks run by validate and build, as 'module:function' taking (catalogue, paths)."),
    "GONGKAI_ITEM_CHECKS": (list, [], "Per-item checks ('module:function' taking an item), cached with each file's parse."),
    "GONGKAI_WARNINGS": (list, [], "Checks whose findings are printed as 提醒 but never fail validate or the build, "
                         "as 'module:function' taking (catalogue, paths)."),
    "GONGKAI_INTRO": (str, "", "One paragraph on the home page saying what the catalogue is."),
    "GONGKAI_CACHE": (bool, True, "Keep parse results and unchanged item pages between builds (signed, see catalogue/cache.py)."),
    "GONGKAI_BUILD_WAIT": (int, 1800, "Seconds a build waits for another build of the same output/ before refusing."),
    "GONGKAI_PUBLIC_BUILD": (bool, False, "True in publishconf.py: this build is the public site."),
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


# Set by the plugins themselves during a build, never by pelicanconf.py.
INTERNAL = {"GONGKAI_FINAL_OUTPUT"}
# Pelican must read nothing from content/: the catalogue reads items and pages, and its publish
# boundary (boundary.py) is the only way a file from content/ reaches output/.
READS_NOTHING = ("ARTICLE_PATHS", "PAGE_PATHS", "STATIC_PATHS")


def resolve(settings: dict) -> dict:
    """Fill defaults and check types; every wrong setting is reported at once."""
    wrong = []
    for name, (kind, default, _doc) in DECLARED.items():
        value = settings.setdefault(name, default if not isinstance(default, (list, dict)) else type(default)(default))
        if not isinstance(value, kind):
            wrong.append(f"{name} 应为 {kind}，实际为 {type(value).__name__}")
    unknown = [k for k in settings if k.startswith("GONGKAI_") and k not in DECLARED and k not in INTERNAL]
    wrong += [f"未知的设置 {k}（拼写错误？）" for k in unknown]
    wrong += [f"{k} 必须为 []：content/ 中的文件只由 catalogue 插件读取和发布" for k in READS_NOTHING if settings.get(k)]
    if wrong:
        raise SettingsError("pelicanconf.py 设置有误：" + "；".join(wrong))
    return settings


def project_root(settings: dict) -> Path:
    """content/ and schema/ are siblings at the top of the project."""
    return Path(settings["PATH"]).resolve().parent


def read_project_settings(root: Path, publish: bool = False) -> dict:
    """The resolved Pelican settings of a project, for tasks and tools that run outside Pelican."""
    from pelican.settings import read_settings

    conf = Path(root) / ("publishconf.py" if publish else "pelicanconf.py")
    return resolve(read_settings(str(conf)))
