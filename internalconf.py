"""Settings for the intranet site (`invoke build --internal`): pelicanconf.py, then what differs.

The intranet site is for the body's own staff: it shows 内部 items too (marked 内部 on every
listing, a banner on every page) and must never be served from the public server. It is written
to its own folder (output-internal/, never output/: the build refuses) with its own caches
(.cache/pelican/intranet/, see gongkai.settings.cache_folder), and the web editor set to
GONGKAI_EDITOR = "internal" appears here only.
"""
import os
import runpy
from pathlib import Path

globals().update({k: v for k, v in runpy.run_path(str(Path(__file__).with_name("pelicanconf.py"))).items()
                  if k.isupper()})

OUTPUT_PATH = "output-internal"
GONGKAI_INTRANET = True
GONGKAI_PUBLIC_BUILD = False
SITENAME = SITENAME + "（内网）"  # noqa: F821 (from pelicanconf.py)
# The address staff read the intranet site at, for the absolute links in downloads, feeds and
# sitemap.xml (default: GONGKAI_LOCAL_SITEURL, the local preview).
SITEURL = (os.environ.get("GONGKAI_INTRANET_SITEURL") or "").strip().rstrip("/")
