"""Settings for the published site (`invoke build --publish`): absolute URLs, feeds on."""
import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: E402,F401,F403  (Pelican's documented pattern for publishconf)

# CI sets GONGKAI_SITEURL from the Pages address; it may be empty there, hence `or`.
SITEURL = os.environ.get("GONGKAI_SITEURL") or "https://gongkai.shilixian.gov.invalid"
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = False
# The web editor (/admin/) is left out of the public site unless GONGKAI_EDITOR = "public".
GONGKAI_PUBLIC_BUILD = True
