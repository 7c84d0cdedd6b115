"""Settings for the published site (`invoke build --publish`): pelicanconf.py, then absolute URLs."""
import os
import runpy
from pathlib import Path

# Everything pelicanconf.py sets, read by path (Pelican reads this file by path too, so no import
# path is needed); then what differs for the public site.
globals().update({k: v for k, v in runpy.run_path(str(Path(__file__).with_name("pelicanconf.py"))).items()
                  if k.isupper()})

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
