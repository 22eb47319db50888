from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFiles(WhiteNoiseMiddleware):
    """whitenoise, keeping files with a hash in their name for one year rather than its ten.

    Those files never change, so browsers may keep them ("immutable"). Files without a hash are
    kept for whitenoise's default WHITENOISE_MAX_AGE: 60 seconds, none with DEBUG on.
    """

    FOREVER = 365 * 24 * 60 * 60


def permissions_policy(get_response: Callable[[HttpRequest], HttpResponse]):
    """Add the Permissions-Policy header, which Django has no setting for."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

    return middleware
