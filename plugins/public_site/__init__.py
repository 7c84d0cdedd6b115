"""Public site plugin: writes every page of the public catalogue from the checked catalogue.

Pages are declared in pages.py as data; this module only wires the generator into Pelican.
"""
from pelican import signals

from .generator import SiteGenerator
from .phones import tel_links


def _generators(_pelican):
    return SiteGenerator


def _filters(generator):
    # Every generator's templates share base.html and its footer (the search page too).
    generator.env.filters["tel_links"] = tel_links


def register():
    # get_generators: generate_output runs after every generate_context, so the catalogue
    # put into the context by the catalogue plugin is there when pages are written.
    signals.get_generators.connect(_generators)
    signals.generator_init.connect(_filters)
