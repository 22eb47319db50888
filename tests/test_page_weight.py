"""Page weights are exact and belong in tests: what a person on a slow phone has to download."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

# htmx (about 50 KB unpacked) is most of it; the budget leaves room for our own CSS and JS.
STATIC_BUDGET = 110 * 1024
HTML_BUDGET = {"/": 12 * 1024, "/questions/health/": 40 * 1024, "/options/": 300 * 1024}


def linked_static(html: str) -> list[Path]:
    paths = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    return [Path(finders.find(path)) for path in paths]


@pytest.mark.parametrize("path", list(HTML_BUDGET))
def test_pages_stay_within_their_weight_budget(client, content, path):
    html = client.get(path).content.decode()
    assert len(html.encode()) <= HTML_BUDGET[path]
    static = sum(file.stat().st_size for file in linked_static(html))
    assert static <= STATIC_BUDGET


def test_pages_load_only_our_own_small_set_of_files(client, content):
    html = client.get("/").content.decode()
    names = sorted(path.name for path in linked_static(html))
    assert names == [
        "aid.js",
        "favicon.svg",
        "htmx-2.min.js",
        "print.css",
        "screen.css",
    ]
