"""Writes the public pages and files. Only catalogue.public_items ever reach a template."""
from __future__ import annotations

import json
from pathlib import Path

from markupsafe import Markup, escape
from pelican.generators import Generator

from catalogue import boundary
from catalogue.build import fail
from freshness.status import build_date

from . import data, feeds, pages
from .badges import freshness_for
from .reuse import PageReuse, fingerprint


SITEURL_MARK = "\ue000SITEURL\ue000"  # a private-use character: never in real text, untouched by escaping


class SiteGenerator(Generator):
    def generate_output(self, writer):
        catalogue, paths = self.context["catalogue"], self.context["catalogue_paths"]
        day = build_date()
        freshness = freshness_for(self.context, day)
        site = pages.SiteData.build(catalogue, self.settings["SITENAME"], day, freshness)
        schema = json.loads((paths.schema_dir / "item.schema.json").read_text(encoding="utf-8"))
        files = self.data_files(site, schema, paths)  # first: the downloads page shows their sizes
        helpers = {"site": site, "fresh": freshness, "attachments_of": lambda i: data.attachments(i, paths.content),
                   "feedback_links": feedback_links(self.settings), "json_fields": data.json_fields(schema),
                   "row_html": self.row_renderer(freshness), "download_sizes": download_sizes(files),
                   "search_doc": search_doc_numbers(catalogue)}
        reuse, out = self.page_reuse(paths), Path(self.output_path)
        # Every page's navigation shows the published guide pages, and 年度报告 when there are any.
        nav_pages = [(p.slug, p.title) for p in catalogue.public_pages] + [bool(self.context.get("annual_reports"))]
        for spec in pages.page_specs(site):
            key = item_key(reuse, spec, freshness, paths, nav_pages) if spec.template == "item" else None
            if key and reuse.reuse(spec.save_as, key, out):
                continue
            writer.write_file(spec.save_as, self.get_template(spec.template), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], **helpers, **spec.context)
            if key:
                reuse.written(spec.save_as, key, out)
        reuse.save()  # safe at any moment: a page is reused only if output/ holds the recorded bytes
        self.write_files(site, files, paths)

    def row_renderer(self, freshness: dict):
        """Item-list rows rendered once per item: an item appears in five or more listings (its
        categories, unit, time limit, 五公开, home), which on a large catalogue is most of the
        listing work. Pages sit at different depths, so the row is rendered with a marker where
        the relative site URL goes and the marker is replaced for each page."""
        template, rows = self.env.get_template("partials/item_row.html"), {}

        def row_html(item, site_url: str) -> Markup:
            if item.index_no not in rows:
                rows[item.index_no] = template.render(item=item, fresh=freshness, SITEURL=SITEURL_MARK)
            return Markup(rows[item.index_no].replace(SITEURL_MARK, str(escape(site_url))))

        return row_html

    def page_reuse(self, paths) -> PageReuse:
        registries = [paths.schema_dir / f"{name}.yaml" for name in ("categories", "units")]
        store = Path(self.settings["CACHE_PATH"]) / "gongkai-pages.cache" if self.settings["GONGKAI_CACHE"] else None
        previous = Path(self.settings.get("GONGKAI_FINAL_OUTPUT", self.output_path))
        return PageReuse(store, previous, fingerprint(self.settings, registries), paths.root)

    def data_files(self, site, schema, paths) -> dict[str, bytes]:
        """Downloads, feeds, sitemap.xml and robots.txt. Their links are absolute in every build: a
        local build (no SITEURL) uses GONGKAI_LOCAL_SITEURL, where `invoke serve` shows the site."""
        site_url = self.settings["SITEURL"] or self.settings["GONGKAI_LOCAL_SITEURL"]
        files = {"downloads/catalogue.csv": data.catalogue_csv(site, site_url),
                 "downloads/catalogue.json": data.catalogue_json(site, site_url, schema, paths.content,
                                                                 self.settings["GONGKAI_DATA_LICENCE"]),
                 "robots.txt": data.robots(site_url)}
        for path, title, items, attr in feeds.feed_specs(site):
            files[path] = feeds.render_feed(site, site_url, path, title, items, attr)
        # sitemap_extra: pages other plugins write (annual_report: reports/), added in their generate_context.
        extra = self.context.get("sitemap_extra", [])
        files["sitemap.xml"] = data.sitemap(site, site_url, pages.listed_urls(site) + [p.url for p in site.pages] + extra)
        return files

    def write_files(self, site, files, paths):
        out = Path(self.output_path)
        for name, content in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(content)
        try:
            data.copy_files(site, paths.content, out)
        except boundary.Refused as refused:
            fail([refused.problem])


def download_sizes(files: dict[str, bytes]) -> dict[str, str]:
    """{file name: human size} of the downloads, for the downloads page."""
    return {name.rsplit("/", 1)[-1]: data.human_size(len(content)) for name, content in files.items()
            if name.startswith("downloads/")}


def search_doc_numbers(catalogue) -> dict[str, int]:
    """{索引号: document number in the search index}: the 目录总表 filters its rows with the search
    index's postings (theme/static/js/table.js), so its text filter finds what search finds."""
    from search_index.documents import order

    return {item.index_no: n for n, item in enumerate(order(catalogue.public_items, catalogue.categories))}


def item_key(reuse: PageReuse, spec, freshness: dict, paths, nav_pages: list) -> str:
    """Every value an item page shows (see theme/templates/item.html and its partials)."""
    item, previous, following = spec.context["item"], spec.context["previous"], spec.context["following"]
    # Attachments by content (their URL is a content hash), never by modification time.
    files = [(a.name, a.url, a.kind, a.size, a.download) for a in data.attachments(item, paths.content)]
    return reuse.key(item.meta, item.html, item.history, item.git_updated, freshness[item.index_no], files,
                     [(n.title, n.url) if n else None for n in (previous, following)], nav_pages)


def feedback_links(settings: dict):
    """意见反馈 links for an item, each prefilled with its 索引号 and 事项名称: [(label, url)] for the
    mail address and the online form that are configured."""
    from urllib.parse import quote, urlencode

    bases = [b for b in (settings["GONGKAI_FEEDBACK_FORM_URL"], settings["GONGKAI_FEEDBACK_URL"]) if b]

    def link(base: str, item):
        if base.startswith("mailto:"):
            return "发邮件反馈", f"{base}?subject={quote(f'意见反馈：{item.index_no} {item.title}')}"
        joiner = "&" if "?" in base else "?"
        return "在线留言反馈", f"{base}{joiner}{urlencode({'索引号': item.index_no, '事项名称': item.title})}"

    return lambda item: [link(base, item) for base in dict.fromkeys(bases)]
