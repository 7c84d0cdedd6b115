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
        site_url = self.settings["SITEURL"]
        schema = json.loads((paths.schema_dir / "item.schema.json").read_text(encoding="utf-8"))
        helpers = {"site": site, "fresh": freshness, "attachments_of": lambda i: data.attachments(i, paths.content),
                   "feedback_url": feedback_url(self.settings["GONGKAI_FEEDBACK_URL"]),
                   "json_fields": data.json_fields(schema), "row_html": self.row_renderer(freshness)}
        reuse, out = self.page_reuse(paths), Path(self.output_path)
        for spec in pages.page_specs(site):
            key = item_key(reuse, spec, freshness, paths) if spec.template == "item" else None
            if key and reuse.reuse(spec.save_as, key, out):
                continue
            writer.write_file(spec.save_as, self.get_template(spec.template), self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], **helpers, **spec.context)
            if key:
                reuse.written(spec.save_as, key, out)
        reuse.save()  # safe at any moment: a page is reused only if output/ holds the recorded bytes
        self.write_files(site, site_url, schema, paths)

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

    def write_files(self, site, site_url, schema, paths):
        out = Path(self.output_path)
        files = {"downloads/catalogue.csv": data.catalogue_csv(site, site_url),
                 "downloads/catalogue.json": data.catalogue_json(site, site_url, schema),
                 "robots.txt": data.robots(site_url)}
        for path, title, items, attr in feeds.feed_specs(site):
            files[path] = feeds.render_feed(site, site_url, path, title, items, attr)
        listing_urls = [""] + [l.url for l in pages.listings(site)] + ["table/", "stats/", "downloads/"]
        # sitemap_extra: pages other plugins write (annual_report: reports/), added in their generate_context.
        extra = self.context.get("sitemap_extra", [])
        files["sitemap.xml"] = data.sitemap(site, site_url, listing_urls + [p.url for p in site.pages] + extra)
        for name, content in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(content)
        try:
            data.copy_files(site, paths.content, out)
        except boundary.Refused as refused:
            fail([refused.problem])


def item_key(reuse: PageReuse, spec, freshness: dict, paths) -> str:
    """Every value an item page shows (see theme/templates/item.html and its partials)."""
    item, previous, following = spec.context["item"], spec.context["previous"], spec.context["following"]
    # Attachments by content (their URL is a content hash), never by modification time.
    files = [(a.name, a.url, a.kind, a.size, a.download) for a in data.attachments(item, paths.content)]
    return reuse.key(item.meta, item.html, item.history, item.git_updated, freshness[item.index_no], files,
                     [(n.title, n.url) if n else None for n in (previous, following)])


def feedback_url(base: str | None):
    """意见反馈 link for an item, prefilled with its 索引号 and 事项名称 (mailto subject or form query)."""
    from urllib.parse import quote, urlencode

    def for_item(item):
        if not base:
            return None
        if base.startswith("mailto:"):
            return f"{base}?subject={quote(f'意见反馈：{item.index_no} {item.title}')}"
        joiner = "&" if "?" in base else "?"
        return f"{base}{joiner}{urlencode({'索引号': item.index_no, '事项名称': item.title})}"

    return for_item
