"""Catalogue plugin: reads content/items/, checks it against schema/, and hands it to the site.

The work lives in plain modules (frontmatter, schema, registry, validate, render, output) that
tests and invoke tasks call without Pelican; register() only wires them into the build.
"""
import logging

from pelican import signals

from . import output
from .build import CatalogueGenerator, ErrorCollector

_collector = ErrorCollector()


def _generators(_pelican):
    return CatalogueGenerator


def _finish(pelican):
    _collector.fail_if_any()
    output.commit(pelican)


def register():
    # initialized: before any generator exists, so every file is written into the staging folder.
    signals.initialized.connect(output.begin)
    # get_generators: our generator runs after Pelican's own, so its context is complete.
    signals.get_generators.connect(_generators)
    # Pelican logs unreadable pages and continues; collect those errors and stop the build once
    # every generator has read its input, before anything is written.
    logging.getLogger("pelican").addHandler(_collector)
    signals.all_generators_finalized.connect(_collector.fail_if_any)
    # finalized: all output written; swap it into place only if nothing went wrong.
    signals.finalized.connect(_finish)
