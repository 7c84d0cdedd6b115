"""The files under output/admin/: the editor page, its config.yml and the bundled scripts.

Whether they are written at all is decided by GONGKAI_EDITOR (see wanted()); where the editor
saves is decided by GONGKAI_EDITOR_BACKEND (a code host: every save a merge request) or, for
`invoke edit`, by the local backend on this computer.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import escape

from ..errors import Problem
from .config import Registries, editor_config, formats, to_yaml

HERE = Path(__file__).resolve().parent
STATIC, VENDOR = HERE / "static", HERE / "vendor"
# admin/<name> <- source file; nothing else from this package enters output/.
COPIED = {"decap-cms.js": VENDOR / "decap-cms.js", "decap-cms.js.LICENSE.txt": VENDOR / "decap-cms.js.LICENSE.txt",
          "js-yaml.min.js": VENDOR / "js-yaml.min.js", "gongkai-editor.js": STATIC / "gongkai-editor.js"}
LICENSES = [VENDOR / "LICENSE.decap-cms.txt", VENDOR / "LICENSE.js-yaml.txt"]
SETTINGS_FILE = "pelicanconf.py"

MODES = ("none", "internal", "public", "local")
# Which builds carry /admin/, per mode: (local build with pelicanconf.py, intranet build with
# internalconf.py, public build with publishconf.py). "internal" = the intranet site only (served
# to the body's staff, never the public server); "local" = `invoke edit` on this computer.
WRITTEN = {"none": (False, False, False), "internal": (False, True, False), "public": (True, True, True),
           "local": (True, False, False)}

# name -> (required keys, defaults). Decap's Gitea backend has no editorial workflow.
BACKENDS = {
    "gitlab": (("repo", "base_url", "app_id"), {"auth_type": "pkce", "branch": "main"}),
    "gitea": (("repo", "base_url", "app_id"), {"branch": "main"}),
    "github": (("repo", "base_url"), {"branch": "main"}),
}
API_ROOT = {"gitlab": "/api/v4", "gitea": "/api/v1"}
AUTH_TYPES = ("pkce", "implicit")
WORKFLOW = {"gitlab": "editorial_workflow", "github": "editorial_workflow", "gitea": "simple"}
COMMIT_MESSAGES = {
    "create": "新增{{collection}}：{{slug}}",
    "update": "修改{{collection}}：{{slug}}",
    "delete": "删除{{collection}}：{{slug}}",
    "uploadMedia": "上传附件：{{path}}",
    "deleteMedia": "删除附件：{{path}}",
}


def wanted(settings: dict) -> bool:
    local, intranet, public = WRITTEN[settings["GONGKAI_EDITOR"]]
    if settings.get("GONGKAI_PUBLIC_BUILD"):
        return public
    return intranet if settings.get("GONGKAI_INTRANET") else local


def check(settings: dict) -> list[Problem]:
    """Every mistake in the editor settings, located in pelicanconf.py."""
    mode = settings["GONGKAI_EDITOR"]
    if mode not in MODES:
        return [_problem("GONGKAI_EDITOR", f"应为 {'、'.join(MODES)} 之一，实际为“{mode}”")]
    # "internal" is checked by the local build too, so a mistake shows before the intranet build.
    checked = wanted(settings) or (mode == "internal" and not settings.get("GONGKAI_PUBLIC_BUILD"))
    if not checked or mode == "local":
        return []
    backend = settings["GONGKAI_EDITOR_BACKEND"]
    name = backend.get("name")
    if name not in BACKENDS:
        return [_problem("GONGKAI_EDITOR_BACKEND", f"name 应为 {'、'.join(BACKENDS)} 之一（代码托管平台），实际为“{name or ''}”；"
                         "网页编辑器打开时需要知道在哪个仓库保存")]
    problems = [_problem("GONGKAI_EDITOR_BACKEND", f"{name} 需要填写 {key}（见 README“管理员：网页编辑器”）")
                for key in BACKENDS[name][0] if not backend.get(key)]
    if name == "gitlab" and backend.get("auth_type", "pkce") not in AUTH_TYPES:
        problems.append(_problem("GONGKAI_EDITOR_BACKEND",
                                 "GitLab 的 auth_type 应为 pkce（推荐）或 implicit：其他方式要经过 Netlify 的服务器"))
    for key in ("base_url", "api_root"):
        if backend.get(key) and urlsplit(backend[key]).scheme not in ("https", "http"):
            problems.append(_problem("GONGKAI_EDITOR_BACKEND", f"{key} 应为完整网址，例如 https://git.example.gov.cn，实际为“{backend[key]}”"))
    return problems


def _problem(setting: str, message: str) -> Problem:
    return Problem(SETTINGS_FILE, None, setting, message)


def backend_block(settings: dict) -> dict:
    """config.yml's backend section (and publish mode) for this build."""
    if settings["GONGKAI_EDITOR"] == "local":
        url = f"http://localhost:{settings['GONGKAI_EDITOR_LOCAL_PORT']}/api/v1"
        return {"backend": {"name": "proxy", "proxy_url": url, "branch": "main"}, "publish_mode": "simple"}
    given = dict(settings["GONGKAI_EDITOR_BACKEND"])
    name = given["name"]
    backend = {**BACKENDS[name][1], **given}
    base = backend["base_url"].rstrip("/")
    if name in API_ROOT:
        backend.setdefault("api_root", base + API_ROOT[name])
    backend.setdefault("commit_messages", COMMIT_MESSAGES)
    return {"backend": backend, "publish_mode": WORKFLOW[name]}


def origins(block: dict) -> list[str]:
    """The hosts the editor page may contact besides its own: the code host (API and sign-in)."""
    backend = block["backend"]
    urls = [backend.get(k) for k in ("base_url", "api_root", "proxy_url")]
    found = []
    for url in filter(None, urls):
        parts = urlsplit(url)
        hosts = [parts.netloc] + ([parts.netloc.replace("localhost", "127.0.0.1")] if parts.hostname == "localhost" else [])
        found += [f"{parts.scheme}://{h}" for h in hosts if f"{parts.scheme}://{h}" not in found]
    return found


def csp(hosts: list[str]) -> str:
    extra = " ".join(hosts)
    # Decap styles itself with emotion (inline <style>), hence 'unsafe-inline' for styles; it
    # checks config.yml with ajv, which compiles its checks with new Function(): 'unsafe-eval'.
    # Uploads are read back from blob: URLs. Scripts still come only from this site.
    return "; ".join([
        "default-src 'self'", "script-src 'self' 'unsafe-eval'", "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob: {extra}".strip(), f"connect-src 'self' blob: data: {extra}".strip(),
        f"media-src 'self' blob: {extra}".strip(), "font-src 'self' data:", "frame-src 'self' blob:",
        "worker-src 'self' blob:", "object-src 'none'", "base-uri 'self'", "form-action 'self'"])


def version() -> str:
    """Changes with any bundled script, so browsers fetch new files after an update."""
    digest = hashlib.sha256()
    for path in COPIED.values():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def site_config(settings: dict, project) -> dict:
    root = project.paths.root
    content = Path(settings["PATH"]).resolve().relative_to(root.resolve()).as_posix()
    block = backend_block(settings)
    config = {**block, **editor_config(project.paths.schema_dir, root, content, settings.get("GONGKAI_INDEX_PATTERN"),
                                       registries=Registries.of_project(project))}
    if settings.get("SITEURL"):
        config["site_url"] = config["display_url"] = settings["SITEURL"]
    config["collections"] = [{**c, "folder": f"{content}/{settings['GONGKAI_ITEMS_DIR']}"} if c["name"] == "items" else c
                             for c in config["collections"]]
    return config


def admin_files(settings: dict, project) -> dict[str, bytes]:
    """admin/<name> -> content, for the build to write (the Pelican adapter writes them)."""
    config = site_config(settings, project)
    page = (STATIC / "index.html").read_text(encoding="utf-8").format(
        csp=escape(csp(origins(config))), sitename=escape(settings["SITENAME"]), version=version(),
        formats=json.dumps(formats(project.paths.schema_dir), ensure_ascii=False).replace("</", "<\\/"))
    files = {"index.html": page.encode("utf-8"), "config.yml": to_yaml(config).encode("utf-8"),
             "LICENSES.txt": "\n\n".join(p.read_text(encoding="utf-8") for p in LICENSES).encode("utf-8")}
    files.update({name: path.read_bytes() for name, path in COPIED.items()})
    return files
