"""Refresh the web editor's vendored browser files from the npm registry. Run by hand, never by
the build (which must work offline):

    python3 tools/editor_vendor.py decap-cms@3.16.3 js-yaml@5.5.0

`npm pack` downloads each package tarball (npm checks the registry's integrity hash); the files
listed in FILES are copied into plugins/gongkai/editor/vendor/, and SOURCES.json records the version,
the tarball's integrity and each file's sha256 (tests/test_editor_config.py checks them).
Afterwards: run `python3 -m invoke test` (the browser tests drive the new version) and commit.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "plugins" / "gongkai" / "editor" / "vendor"
SOURCES = VENDOR / "SOURCES.json"
# package -> {file in vendor/: path inside the npm tarball}
FILES = {
    "decap-cms": {"decap-cms.js": "package/dist/decap-cms.js",
                  "decap-cms.js.LICENSE.txt": "package/dist/decap-cms.js.LICENSE.txt"},
    "js-yaml": {"js-yaml.min.js": "package/dist/browser/js-yaml.umd.min.js",
                "LICENSE.js-yaml.txt": "package/LICENSE"},
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def vendor(spec: str, sources: dict) -> None:
    name, _, version = spec.rpartition("@")
    if name not in FILES or not version:
        raise ValueError(f"用法：python tools/editor_vendor.py {' '.join(p + '@版本' for p in FILES)}")
    with tempfile.TemporaryDirectory() as tmp:
        packed = json.loads(subprocess.check_output(["npm", "pack", "--json", "--pack-destination", tmp, spec]))[0]
        with tarfile.open(Path(tmp) / packed["filename"]) as tar:
            for target, member in FILES[name].items():
                with tar.extractfile(member) as src, open(VENDOR / target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    sources[name] = {"version": packed["version"], "integrity": packed["integrity"],
                     "files": {target: sha256(VENDOR / target) for target in FILES[name]}}
    print(f"{name} {packed['version']}：已更新 {', '.join(FILES[name])}")


def main(specs: list[str]) -> None:
    sources = json.loads(SOURCES.read_text(encoding="utf-8")) if SOURCES.is_file() else {}
    for spec in specs:
        vendor(spec, sources)
    SOURCES.write_text(json.dumps(sources, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:] or [f"{name}@{info['version']}" for name, info in
                          json.loads(SOURCES.read_text(encoding="utf-8")).items()])
