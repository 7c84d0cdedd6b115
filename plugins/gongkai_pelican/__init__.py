"""The Pelican adapter: the only code that knows Pelican. It hands Pelican's settings to the gongkai
core, puts the loaded project into Pelican's context and writes pages with Pelican's writer and the
theme's templates; everything it writes comes from plain functions of gongkai (site/, search/,
editor/). pelicanconf.py lists it as PLUGINS = ["gongkai_pelican"].

Errors: the core raises (gongkai.errors); stopping() in boundary.py is the one place a build turns
them into a Chinese message and exit status 1, without a traceback.
"""
import logging
import sys
import time
from pathlib import Path

from pelican import signals

from gongkai import buildreport, output, textsafe
from gongkai.settings import require_site_url
from gongkai.site.phones import tel_links

from .boundary import ErrorCollector, stopping
from .generator import GongkaiGenerator

_collector = ErrorCollector()
# Attached on import, not in register(): Pelican imports every plugin before registering any, and a
# plugin that fails to import is only logged. This handler already listens then, so the build stops
# instead of shipping a site without that plugin's pages.
logging.getLogger("pelican").addHandler(_collector)
_started = time.monotonic()


@stopping
def _begin(pelican) -> None:
    global _started
    _started = time.monotonic()
    require_site_url(pelican.settings)
    pelican.output_path = str(output.begin(pelican.settings))


@stopping
def _finish(pelican) -> None:
    _collector.fail_if_any()
    count = buildreport.PageCount()
    final = output.commit(pelican.settings, Path(pelican.output_path), count.folder)
    pelican.output_path = str(final)
    line = buildreport.summary(*count.result(), time.monotonic() - _started)
    print(line, flush=True)
    buildreport.write(buildreport.BuildResult(True, summary=line))


def _speak_chinese() -> None:
    """Pelican's console says "Generating..." while it runs and "Done: Processed 0 articles …"
    at the end (items are not articles: always 0). The first becomes Chinese; the second is left
    out, _finish() having said what was built. Every other line Pelican prints stays. The core's
    own warnings (already Chinese) print as plain lines, without Pelican's "WARNING" column."""
    from pelican.log import console

    if getattr(console, "gongkai", False):  # once per process, however often register() runs
        return
    console.gongkai = True
    status, say = console.status, console.print
    console.status = lambda _text, **options: status("正在生成网站……", **options)
    console.print = lambda *objects, **options: (
        None if objects and str(objects[0]).startswith("Done: Processed") else say(*objects, **options))
    plain = logging.StreamHandler(sys.stderr)
    plain.setFormatter(logging.Formatter("%(message)s"))
    for name in ("gongkai", "gongkai_pelican"):
        logger = logging.getLogger(name)
        logger.addHandler(plain)
        logger.propagate = False


def _generators(_pelican):
    return GongkaiGenerator


def _filters(generator) -> None:
    textsafe.guard_templates(generator)
    # Every generator's templates share base.html and its footer (the search page too).
    generator.env.filters["tel_links"] = tel_links


def register():
    _speak_chinese()
    # initialized: before any generator exists, so every file (Pelican's theme files too) is
    # written into this build's staging folder, under the build lock.
    signals.initialized.connect(_begin)
    # generator_init: each generator's Jinja environment exists but no template is compiled yet
    # (Jinja reads `finalize` at compile time): nothing a template prints carries controls.
    # tel_links: the footer's phone numbers become tel: links (gongkai.site.phones).
    signals.generator_init.connect(_filters)
    # get_generators: ours runs after Pelican's own, so it writes into the same staging folder.
    signals.get_generators.connect(_generators)
    # all_generators_finalized: every input has been read and nothing written yet; Pelican logs
    # what it could not read and carries on, so stop here if it logged anything.
    signals.all_generators_finalized.connect(stopping(_collector.fail_if_any))
    # finalized: everything written; swap it into place only if nothing went wrong.
    signals.finalized.connect(_finish)
