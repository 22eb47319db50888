"""Settings for the test suite: the project's own, with debug asked for as `make run` asks.

Debug off is the default everywhere else (fail closed); the suite runs local, loopback-only
settings, and pytest-django still turns DEBUG off while tests run. Tests of the production
settings load decisionaid.settings in a fresh interpreter with their own environment.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from decisionaid.settings import *  # noqa: E402, F403
