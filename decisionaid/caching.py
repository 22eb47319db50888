"""Patient pages kept once rendered, per published version, so a version is rendered once.

- A visitor with no cookie but the CSRF one sees exactly what every such visitor sees: the whole
  response is kept for all of them (`kept_whole`).
- A visitor with answers asking for a page again gets it as it was first sent to them: the
  whole response is kept for their browser alone (`kept_whole`).
- Anything else (a first visit, a query, a staff session, a message waiting) gets the page's
  main part from a `{% cache %}` tag keyed by a `fragment`.

What is the same for everyone goes to the "default" cache, which app servers may share. What a
person's answers shape goes to the "personal" cache: this process's own memory, for minutes,
under a key that is a hash (see settings.CACHES) that includes the person's own random id
(`Answers.link`), so only the same person can ever meet an entry: a second visitor who gives
the same answers gets no faster page, and timing cannot tell that anyone gave them. Every key
holds the version's digest, so a new version never meets a stale entry.
"""

import hashlib
import math
import time
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from decisionaid.answers import answers_state
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


def _whole_page(request: AidRequest) -> Fragment | None:
    """Where the whole response to this request may be kept, or None when it may not.

    Only a GET (or HEAD) with no query string: an address with a query (a comparison, a link
    asked for, made-up parameters) is rendered from the page's own kept parts, keyed by what the
    view understood of it, so no visitor can add entries by inventing addresses. Only for a
    visitor whose cookies are at most the CSRF one and the answers one: a staff session or a
    message waiting is never kept. A visitor with answers is kept for only once their browser
    holds the CSRF cookie that the tokens in the page's forms are made from.
    """
    if request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING"):
        return None
    cookies = request.COOKIES
    personal = set(cookies) - {settings.CSRF_COOKIE_NAME}
    digest = request.content.digest
    if not personal:
        return fragment(digest, "whole", request.path, bool(request.htmx))
    if personal == {settings.ANSWERS_COOKIE_NAME} and settings.CSRF_COOKIE_NAME in cookies:
        # The answers cookie as the browser holds it: sealed with a random nonce each time it is
        # written, so it is this visitor's alone; a second visitor with the same answers holds
        # another. The CSRF secret too, as the page's forms carry a token made from it. The
        # address with its host and scheme, as the check page links back to it in full.
        return fragment(
            digest,
            "whole",
            request.build_absolute_uri(),
            bool(request.htmx),
            timezone.localdate(),
            personal=(
                cookies[settings.ANSWERS_COOKIE_NAME],
                cookies[settings.CSRF_COOKIE_NAME],
            ),
        )
    return None


@dataclass(frozen=True)
class Whole:
    """A response as the view made it, with the moment after which it must be made afresh."""

    body: bytes
    headers: tuple[tuple[str, str], ...]
    until: float

    def response(self) -> HttpResponse:
        response = HttpResponse(self.body)
        for name, value in self.headers:
            response[name] = value
        return response


def _keepable_until(request: AidRequest, response: HttpResponse, where: Fragment) -> float | None:
    """Until when this response may be served again, or None if it may not be kept at all."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    if len(messages.get_messages(request)):
        return None  # a message shown once must not be shown again
    now = time.time()
    if where.using != "personal":
        if "private" in response.get("Cache-Control", ""):
            return None
        return now + where.timeout
    state = answers_state(request)
    # A page that never read the answers is not this visitor's (it is drawn from the parts kept
    # for everyone); nor is one whose cookie could not be read: neither may take room here, so
    # no made-up cookie can fill it.
    if (
        state is None
        or state.changed
        or state.cleared
        or state.unreadable
        or state.readable_until is None
    ):
        return None
    # Never past the moment the cookie itself stops being accepted.
    return min(now + where.timeout, state.readable_until)


def kept_whole(view):
    """Keep the view's whole response, for everyone who carries nothing personal, or for this
    one visitor alone (see `_whole_page`), so a page asked for again is not rendered again."""

    @wraps(view)
    def wrapper(request: AidRequest, *args, **kwargs) -> HttpResponse:
        where = _whole_page(request)
        if where is None:
            return view(request, *args, **kwargs)
        cache = caches[where.using]
        kept = cache.get(where.key)
        if isinstance(kept, Whole) and time.time() < kept.until:
            if where.using == "personal":
                # As any page with a form does, the CSRF cookie is sent again, so it lives on
                # while the person keeps coming back to kept pages.
                get_token(request)
            return kept.response()
        response = view(request, *args, **kwargs)
        until = _keepable_until(request, response, where)
        if until is not None:
            whole = Whole(response.content, tuple(response.items()), until)
            cache.set(where.key, whole, max(1, math.ceil(until - time.time())))
        return response

    return wrapper
