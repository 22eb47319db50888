"""Settings for the test suite: the project's own, with debug asked for as `make run` asks.

Debug off is the default everywhere else (fail closed); the suite runs local, loopback-only
settings, and pytest-django still turns DEBUG off while tests run. Tests of the production
settings load decisionaid.settings in a fresh interpreter with their own environment.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from decisionaid.settings import *  # noqa: E402, F403

# The suite's own process serves static files from the source folders, never from a folder
# `make serve` collected (whitenoise would read every file in it for each test client, and serve
# whatever stale copies it holds). Servers the tests start get a folder collected for the run
# (DJANGO_STATIC_ROOT). This folder does not exist, on purpose.
STATIC_ROOT = BASE_DIR / "tests" / "no-collected-static-files"  # noqa: F405

# No test reaches NCBI: a lookup not pointed at a recorded answer meets a closed loopback port.
PUBMED_ESUMMARY_URL = "http://127.0.0.1:9/entrez/eutils/esummary.fcgi"
