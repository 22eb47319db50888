from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from whitenoise.middleware import WhiteNoiseMiddleware

from treatments.releases import current_content

Middleware = Callable[[HttpRequest], HttpResponse]

# Methods whose requests carry a body a view may read.
WITH_BODY = {"POST", "PUT", "PATCH", "DELETE"}


class StaticFiles(WhiteNoiseMiddleware):
    """whitenoise, keeping files with a hash in their name for one year rather than its ten.

    Those files never change, so browsers may keep them ("immutable"). Files without a hash are
    kept for whitenoise's default WHITENOISE_MAX_AGE: 60 seconds, none with DEBUG on.
    """

    FOREVER = 365 * 24 * 60 * 60


def permissions_policy(get_response: Middleware) -> Middleware:
    """Add the Permissions-Policy header, which Django has no setting for."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware


def bounded_request_bodies(get_response: Middleware) -> Middleware:
    """No view takes files, and the patient's forms are small: refuse anything else before a
    byte of it is read (Django would otherwise parse a multipart upload to a temporary file)."""

    def refuse(request: HttpRequest, status: int, what: str) -> HttpResponse:
        return render(request, "refused.html", {"what": what}, status=status)

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method not in WITH_BODY:
            return get_response(request)
        # Django's admin sends some forms as multipart (as it sees fit); it keeps its own limits.
        staff = request.path.startswith(settings.ADMIN_PATH)
        if not staff and request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
            return refuse(request, 415, "files")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refuse(request, 400, "length")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE if staff else settings.PATIENT_MAX_BODY
        if length > limit:
            return refuse(request, 413, "size")
        return get_response(request)

    return middleware


def personal_pages_not_cached(get_response: Middleware) -> Middleware:
    """A page requested with a person's answers may show them (things to discuss, their values,
    their summary): no browser or proxy may keep it, so "Clear all my answers" and the back
    button cannot bring them back. Pages for someone with no answers stay cacheable."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        answers_cookie = settings.ANSWERS_COOKIE_NAME
        if answers_cookie in request.COOKIES or answers_cookie in response.cookies:
            add_never_cache_headers(response)  # no-store and private, among others
        return response

    return middleware


def published_content(get_response: Middleware) -> Middleware:
    """`request.content`: the current published version, looked up only by pages that use it."""

    def middleware(request: HttpRequest) -> HttpResponse:
        # Declared for the views by decisionaid.http.AidRequest (as django-htmx sets `htmx`).
        request.content = SimpleLazyObject(current_content)  # type: ignore[attr-defined]
        return get_response(request)

    return middleware
