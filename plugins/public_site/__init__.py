"""Public site plugin: writes every page of the public catalogue from the checked catalogue.

Pages are declared in pages.py as data; this module only wires the generator into Pelican.
"""
from markupsafe import Markup
from pelican import signals

from catalogue.render import sanitise

from .generator import SiteGenerator


def _filters(pelican):
    # Editor-written pages (公开指南) pass the same allowlist as item bodies.
    pelican.settings.setdefault("JINJA_FILTERS", {})["sanitise"] = lambda html: Markup(sanitise(html))


def _generators(_pelican):
    return SiteGenerator


def register():
    # initialized: settings exist but generators (and their Jinja environments) do not yet.
    signals.initialized.connect(_filters)
    # get_generators: generate_output runs after every generate_context, so the catalogue
    # put into the context by the catalogue plugin is there when pages are written.
    signals.get_generators.connect(_generators)
