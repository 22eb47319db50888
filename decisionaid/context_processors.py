"""What every page's header and footer need from the flow, for the templates."""

import functools

from django.http import HttpRequest
from django.urls import reverse

# The pages every page links to in its header and footer.
SITE = ("home", "options", "sources", "glossary", "standards", "report")


@functools.cache
def _site_addresses() -> dict[str, str]:
    """Worked out once a process: the addresses do not change while it runs."""
    return {name: reverse(name) for name in SITE}


def site_addresses(request: HttpRequest) -> dict:
    return {"site": _site_addresses()}
