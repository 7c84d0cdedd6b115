"""Settings for the published site (`invoke build --publish`): absolute URLs, feeds on."""
import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: E402,F401,F403  (Pelican's documented pattern for publishconf)

# The address the public reads the site at: CI sets GONGKAI_SITEURL (the Pages address, or a
# variable). Without it the build stops with a Chinese message (public_site.require_site_url)
# rather than publishing links to a placeholder; `invoke publish` (uploading output/) needs none.
SITEURL = (os.environ.get("GONGKAI_SITEURL") or "").strip().rstrip("/")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = False
# The web editor (/admin/) is left out of the public site unless GONGKAI_EDITOR = "public".
GONGKAI_PUBLIC_BUILD = True

# Where `invoke publish` uploads the site: from same-named environment variables (CI variables).
# The access keys are never here: boto3 reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY itself.
GONGKAI_S3_ENDPOINT = os.environ.get("GONGKAI_S3_ENDPOINT") or None
GONGKAI_S3_BUCKET = os.environ.get("GONGKAI_S3_BUCKET") or None
GONGKAI_S3_PREFIX = os.environ.get("GONGKAI_S3_PREFIX") or ""
GONGKAI_S3_REGION = os.environ.get("GONGKAI_S3_REGION") or None
GONGKAI_S3_ADDRESSING = os.environ.get("GONGKAI_S3_ADDRESSING") or "virtual"
GONGKAI_S3_CACHE_CONTROL = os.environ.get("GONGKAI_S3_CACHE_CONTROL") or "no-cache"
