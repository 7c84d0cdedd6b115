"""Public site plugin: writes every page of the public catalogue from the checked catalogue.

Pages are declared in pages.py as data; this module only wires the generator into Pelican.
"""
from pelican import signals

from .generator import SiteGenerator
from .phones import tel_links

NO_SITE_URL = ("正式发布（invoke build --publish）需要网站的公开地址：请设置环境变量 GONGKAI_SITEURL，"
               "例如 GONGKAI_SITEURL=https://gongkai.example.gov.cn{found}。持续集成中请在流水线变量里设置。")


class SiteUrlMissing(SystemExit):
    """SystemExit, so Pelican prints the sentence alone (an exception would come with its traceback)."""


def require_site_url(pelican):
    """A public build (publishconf.py) writes absolute links into downloads, feeds and sitemap.xml:
    without the site's real address they would point nowhere, so the build stops before writing."""
    settings = pelican.settings
    url = settings.get("SITEURL") or ""
    if settings.get("GONGKAI_PUBLIC_BUILD") and not url.startswith(("https://", "http://")):
        found = f"（现在的值“{url}”不是以 https:// 或 http:// 开头的网址）" if url else ""
        raise SiteUrlMissing(NO_SITE_URL.format(found=found))


def _generators(_pelican):
    return SiteGenerator


def _filters(generator):
    # Every generator's templates share base.html and its footer (the search page too).
    generator.env.filters["tel_links"] = tel_links


def register():
    signals.initialized.connect(require_site_url)
    # get_generators: generate_output runs after every generate_context, so the catalogue
    # put into the context by the catalogue plugin is there when pages are written.
    signals.get_generators.connect(_generators)
    signals.generator_init.connect(_filters)
