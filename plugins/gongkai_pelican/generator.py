"""The one generator: loads the project once (generate_context) and writes the site, the search
index and the web editor from it (generate_output), with Pelican's writer and the theme.

Only catalogue.public_items ever reach a template (gongkai.site.pages.SiteData); the files other
than pages come ready-made from gongkai.site.data, .feeds, gongkai.search.export and
gongkai.editor.admin.
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from gongkai import memory
from gongkai.cache import PageReuse, Unchanged, derive_key, fingerprint
from gongkai.editor import admin
from gongkai.errors import CatalogueInvalid
from gongkai.project import load_project
from gongkai.report.site import link_of, published, sitemap_urls
from gongkai.search.export import previous_path
from gongkai.search.find import catalogue_documents, documents
from gongkai.search.incremental import begin_search
from gongkai.site import data, feeds, pages
from gongkai.site import documents as site_documents

from .boundary import stopping
from .report import write_reports

SITEURL_MARK = "\ue000SITEURL\ue000"  # a private-use character: never in real text, untouched by escaping
PAGES_CACHE = "gongkai-pages.cache"
# Pages whose size grows with the catalogue: written piece by piece (write_page). Every other page
# is small, and one write of the whole text is quicker than a write per piece (0.1 µs a piece).
GROWING_PAGES = {"table", "listing", "facets", "sitemap"}
SEARCH = "search"
SEARCH_PAGE = f"{SEARCH}/index.html"
SEARCH_META = f"{SEARCH}/index-meta.json"
_log = logging.getLogger(__name__)


class GongkaiGenerator(Generator):
    @stopping
    def generate_context(self):
        problems = admin.check(self.settings)  # editor settings: stop before anything is written
        if problems:
            raise CatalogueInvalid(problems)
        self.search = None  # started by load_project (begin_search); if the build fails, stopped (boundary.stopping)
        with memory.lasting():  # the catalogue lives as long as this process (gongkai.memory)
            project = load_project(self.settings, render=True, cache=True, strict=True,
                                   texts_final=self.begin_search if self.settings["GONGKAI_SEARCH"] else None)
        memory.release()  # the parse results' pickles, held while loading (gongkai.memory)
        if project.notices:
            print(project.notice_text(), file=sys.stderr)
        for warning in project.warnings():
            _log.warning(warning)
        self.context["gongkai_project"] = project
        self.context["catalogue"] = project.catalogue
        # The home page (every page's context) links the published annual reports.
        self.context["annual_reports"] = [link_of(r) for r in published(project.reports)]

    @stopping
    def generate_output(self, writer):
        project = self.context["gongkai_project"]
        out = Path(self.output_path)
        searched = documents(project)  # the site's items in the index's order: 内部 never enters it
        if self.settings["GONGKAI_SEARCH"] and not (self.search and same_items(self.search.items, searched)):
            if self.search:  # never expected (the same items, held the same way): then started again, here
                self.search.cancel()
            self.begin_search(project.catalogue, project.paths)
        search = self.search
        site = pages.SiteData.build(project.catalogue, self.settings["SITENAME"], project.build_date,
                                    project.freshness, project.vocabulary, project.document_schema)
        files = site_files(project, site, self.settings)  # first: the downloads page shows their sizes
        sizes = data.download_sizes(files)
        write_files(out, files)
        del files  # the downloads of a 50,000-document site are tens of megabytes: not kept while pages are written
        memory.release()
        self.write_pages(writer, project, site, out, sizes, searched)
        data.copy_files(site, project.boundary, out)
        write_reports(self, writer, project, out)
        if search:
            self.write_search(writer, out, site, search.files(project.catalogue, project.synonyms,
                                                              project.freshness, project.vocabulary))
        if admin.wanted(self.settings):
            write_files(out / "admin", admin.admin_files(self.settings, project))

    def begin_search(self, catalogue, paths) -> None:
        """load_project's texts_final: the search index starts as soon as its texts are final, and
        on a large site Whoosh runs in another process from then on, beside the remaining checks
        and the page writing (search/incremental.begin_search)."""
        self.search = begin_search(catalogue_documents(catalogue), paths.cache_dir, paths.root)
        memory.release()  # the texts handed to the search process

    def write_pages(self, writer, project, site, out: Path, download_sizes: dict[str, str], searched: list) -> None:
        freshness = project.freshness
        attachments_of = lambda item: data.attachments(item, project.boundary, project.vocabulary)
        helpers = {"site": site, "fresh": freshness, "attachments_of": attachments_of,
                   "feedback_links": pages.feedback_links(self.settings),
                   "json_fields": data.json_fields(project.schema), "row_html": self.row_renderer(freshness),
                   "download_sizes": download_sizes, "search_doc": search_doc_numbers(searched),
                   "item_documents": site_documents.item_documents, "policy_year": site_documents.policy_year,
                   "document_fields": site_documents.document_fields(project.document_schema) if site.documents else []}
        # Every page's navigation shows the published guide pages, and 年度报告 when there are any.
        nav_pages = [(p.slug, p.title) for p in project.catalogue.public_pages] + [bool(self.context["annual_reports"])]
        reuse = self.page_reuse(project)
        listings = pages.listings_key(reuse, site, nav_pages, self.context["annual_reports"])
        downloads = reuse.key(sorted(helpers["download_sizes"].items()))
        for spec in pages.page_specs(site):
            key = pages.page_key(reuse, spec, freshness, attachments_of, nav_pages, site, listings, downloads)
            if key and reuse.reuse(spec.save_as, key, out):
                continue
            write_page(writer, spec.save_as, self.get_template(spec.template), self.context,
                       self.settings["RELATIVE_URLS"] and not spec.root_relative, spec.template in GROWING_PAGES,
                       **helpers, **spec.context)
            if key:
                reuse.written(spec.save_as, key, out)
        reuse.save()  # safe at any moment: a page is reused only if output/ holds the recorded bytes

    def write_search(self, writer, out: Path, site, files: dict[str, bytes]) -> None:
        """The static index files, then the search page (its empty state lists the 一级事项). The
        files the previous build wrote with the same bytes are linked from it (cache.Unchanged)."""
        previous = Path(self.settings.get("GONGKAI_FINAL_OUTPUT", self.output_path))
        unchanged = Unchanged(previous)
        try:
            where = previous_path((previous / SEARCH_META).read_bytes())
        except OSError:
            where = previous_path(None)
        write_files(out / SEARCH, files, lambda name, target, content: unchanged.link(f"{SEARCH}/{where(name)}", target, content))
        writer.write_file(SEARCH_PAGE, self.get_template("search"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], page_title="搜索",
                          search_categories=pages.category_links(site))

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

    def page_reuse(self, project) -> PageReuse:
        paths = project.paths
        # The whole schema folder: the registries, and the schemas whose vocabulary (badge labels,
        # defaults) pages show.
        registries = sorted(p for p in paths.schema_dir.iterdir() if p.is_file())
        store = paths.cache_dir / PAGES_CACHE if paths.cache_dir else None
        previous = Path(self.settings.get("GONGKAI_FINAL_OUTPUT", self.output_path))
        # The build date too: every page states the day its verdicts were checked (本次核对日期).
        return PageReuse(store, previous, derive_key(fingerprint(self.settings, registries), project.build_date),
                         paths.root)


def write_page(writer, name: str, template, context: dict, relative_urls: bool, streamed: bool, **kwargs) -> None:
    """Pelican's Writer.write_file for one page without pagination: the same context, file check
    and content_written signal. `streamed`: rendered piece by piece into the file. Pelican renders
    a page into one string first: the 目录总表 of 10,000 items is 15 MB of HTML, which was held
    three times over (Jinja's pieces, the text, its UTF-8) at the build's memory peak."""
    local = context.copy()
    local["localsiteurl"] = local.get("localsiteurl")
    if relative_urls:
        local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
    local["output_file"] = name
    local.update(kwargs)
    if local["localsiteurl"]:
        context["localsiteurl"] = local["localsiteurl"]
    path = sanitised_join(writer.output_path, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with writer._open_w(path, "utf-8") as handle:  # refuses a second page at the same address
        if streamed:
            handle.writelines(template.generate(local))
        else:
            handle.write(template.render(local))
    _log.info('Writing "%s"', path)
    signals.content_written.send(path, context=local)


def site_files(project, site, settings: dict) -> dict[str, bytes]:
    """Downloads, robots.txt, feeds and the sitemap: every file of the site that is not a page.
    Their links are absolute in every build: a local build (no SITEURL) uses GONGKAI_LOCAL_SITEURL,
    where `invoke serve` shows the site."""
    site_url = settings["SITEURL"] or settings["GONGKAI_LOCAL_SITEURL"]
    files = {"downloads/catalogue.csv": data.catalogue_csv(site, site_url),
             "downloads/catalogue.json": data.catalogue_json(site, site_url, project.schema, project.boundary,
                                                             settings["GONGKAI_DATA_LICENCE"]),
             "robots.txt": data.robots(site_url)}
    if site.documents:  # a catalogue without 公开信息 has no such files
        absolute = lambda url: data.absolute(site_url, url)
        attachments = lambda d: data.public_attachments(d, project.boundary, project.vocabulary, site_url)
        files["downloads/documents.csv"] = site_documents.documents_csv(site.documents, absolute)
        files["downloads/documents.json"] = site_documents.documents_json(
            site.documents, absolute, project.document_schema, site.catalogue_title, site.build_date,
            settings["GONGKAI_DATA_LICENCE"], attachments)
    for path, title, items, attr in feeds.feed_specs(site):
        files[path] = feeds.render_feed(site, site_url, path, title, items, attr)
    files["sitemap.xml"] = data.sitemap(site, site_url, pages.listed_urls(site) + sitemap_urls(project.reports))
    return files


def same_items(started: list, final: list) -> bool:
    return len(started) == len(final) and all(a is b for a, b in zip(started, final))


def search_doc_numbers(searched: list) -> dict[str, int]:
    """{索引号: document number in the search index}: the 目录总表 filters its rows with the search
    index's postings (theme/static/js/table.js), so its text filter finds what search finds."""
    return {item.index_no: n for n, item in enumerate(searched)}


def write_files(folder: Path, files: dict[str, bytes], linked=None) -> None:
    """Each folder made once, not once per file: a search index has thousands of files in a few
    folders, and every mkdir is a file-system call (a slow one on some disks). `linked(name,
    target, bytes)`: whether the file was linked instead (cache.Unchanged)."""
    for parent in sorted({(folder / name).parent for name in files}):
        parent.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if not (linked and linked(name, folder / name, content)):
            (folder / name).write_bytes(content)
