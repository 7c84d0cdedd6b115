"""Catalogue plugin: reads content/items/, checks it against schema/, and hands it to the site.

The work lives in plain modules (frontmatter, schema, registry, validate, render, output) that
tests and invoke tasks call without Pelican; register() only wires them into the build.
"""
import logging

from pelican import signals

from . import output, textsafe
from .build import CatalogueGenerator, ErrorCollector

_collector = ErrorCollector()
# Attached on import, not in register(): Pelican imports every plugin before registering any, and
# a plugin that fails to import is only logged. The catalogue plugin is listed first, so this
# handler already listens when a later plugin fails, and the build stops instead of shipping a
# site without that plugin's pages.
logging.getLogger("pelican").addHandler(_collector)


def _generators(_pelican):
    return CatalogueGenerator


def _finish(pelican):
    _collector.fail_if_any()
    output.commit(pelican)


def register():
    # initialized: before any generator exists, so every file is written into the staging folder.
    signals.initialized.connect(output.begin)
    # generator_init: each generator's Jinja environment exists but no template is compiled yet.
    signals.generator_init.connect(textsafe.guard_templates)
    # get_generators: our generator runs after Pelican's own, so its context is complete.
    signals.get_generators.connect(_generators)
    # Pelican logs unreadable pages and continues; stop the build once every generator has read
    # its input, before anything is written.
    signals.all_generators_finalized.connect(_collector.fail_if_any)
    # finalized: all output written; swap it into place only if nothing went wrong.
    signals.finalized.connect(_finish)
