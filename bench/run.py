"""Speed and memory of the main pages, measured outside the test suite (machines here are noisy).

Loads the bundled content into a throwaway SQLite database, then times each page through
Django's test client and reports the median, the slowest run and the peak memory allocated.
Run with `make bench`.
"""

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "decisionaid.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")  # local, loopback-only settings, as `make run` uses
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from decisionaid.answers import PURPOSE_COOKIE, Answers, encrypt  # noqa: E402
from treatments.models import Consideration, Option, Value  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    option = Option.objects.published().first()
    heavy = Answers(
        choices={c.choice.question.slug: [c.choice.slug] for c in Consideration.objects.all()},
        values=list(Value.objects.values_list("slug", flat=True)[:3]),
        considering=list(Option.objects.published().values_list("slug", flat=True)),
        sure={"sure": "no", "understand": "yes", "risks_benefits": "no", "support": "yes"},
    )
    client = Client()
    client.cookies[settings.ANSWERS_COOKIE_NAME] = encrypt(heavy, PURPOSE_COOKIE)
    pages = [
        "/",
        "/questions/health/",
        "/check/",
        "/options/",
        f"/options/{option.slug}/",
        "/sources/",
        "/summary/",
    ]
    print(f"{'page':32} {'median ms':>10} {'max ms':>8} {'peak KiB':>9} {'bytes':>8}")
    for path in pages:
        client.get(path)  # warm caches and template loading
        timings = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        tracemalloc.start()
        client.get(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{path:32} {statistics.median(timings):10.1f} {max(timings):8.1f} "
            f"{peak / 1024:9.0f} {len(response.content):8}"
        )


if __name__ == "__main__":
    main()
