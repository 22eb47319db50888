"""Patient pages kept once rendered, per published version, so a version is rendered once.

- A visitor with no cookie but the CSRF one sees exactly what every such visitor sees: the whole
  response is kept (`same_for_everyone`).
- Anyone else gets the page's main part from a `{% cache %}` tag keyed by a `fragment`.

What is the same for everyone goes to the "default" cache, which app servers may share. What a
person's answers shape goes to the "personal" cache: this process's own memory, for minutes,
under a key that is a hash (see settings.CACHES) that includes the person's own random id
(`Answers.link`), so only the same person can ever meet an entry: a second visitor who gives
the same answers gets no faster page, and timing cannot tell that anyone gave them. Every key
holds the version's digest, so a new version never meets a stale entry.
"""

import hashlib
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse

from decisionaid.http import AidRequest

SHARED_SECONDS = 24 * 60 * 60
PERSONAL_SECONDS = 10 * 60


@dataclass(frozen=True)
class Fragment:
    key: str
    using: str
    timeout: int


def fragment(digest: str, *shared, personal: tuple = ()) -> Fragment:
    """Where the part of a page for this version (`digest`), this page (`shared`) and this
    person (`personal`, empty when nothing personal shapes it) is kept."""
    if not keeping.get():
        return UNCACHED
    key = hashlib.sha256(repr((digest, shared, personal)).encode()).hexdigest()
    if any(personal):
        return Fragment(key, "personal", PERSONAL_SECONDS)
    return Fragment(key, "default", SHARED_SECONDS)


# A preview of the editors' draft is rendered afresh every time.
UNCACHED = Fragment("", "uncached", 0)

# Off while the journey is walked to time it (decisionaid/timing.py): the made-up answers of
# that walk keep nothing in any cache.
keeping: ContextVar[bool] = ContextVar("keeping", default=True)


def same_for_everyone(view):
    """Keep the view's whole response for visitors who carry nothing personal.

    Only for a request with no cookie but the CSRF one (no answers, no staff session, no message
    waiting) and no query string, and only a 200 that sets no cookie and may be cached. The key is
    the version, the address and whether htmx asked. An address with a query (a comparison, or
    made-up parameters) is rendered from the page's own cached parts, which are keyed by what
    the view understood of it, so no visitor can add entries by inventing addresses.
    """

    @wraps(view)
    def wrapper(request: AidRequest, *args, **kwargs) -> HttpResponse:
        if set(request.COOKIES) - {settings.CSRF_COOKIE_NAME} or request.META.get("QUERY_STRING"):
            return view(request, *args, **kwargs)
        digest = request.content.digest
        key = fragment(digest, "page", request.path, bool(request.htmx)).key
        cache = caches["default"]
        kept = cache.get(key)
        if kept is not None:
            body, content_type = kept
            return HttpResponse(body, content_type=content_type)
        response = view(request, *args, **kwargs)
        shareable = "private" not in response.get("Cache-Control", "") and not response.cookies
        if response.status_code == 200 and shareable and not response.streaming:
            cache.set(key, (response.content, response["Content-Type"]), SHARED_SECONDS)
        return response

    return wrapper
