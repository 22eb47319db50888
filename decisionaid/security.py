"""Staff sign-in and sessions, and the headers and cookies that keep answers private."""

import time
from collections.abc import Callable
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.middleware import is_verified

STARTED = "_staff_started"
LAST_SEEN = "_staff_last_seen"


class StaffLoginForm(OTPAdminAuthenticationForm):
    """Password and code on one form: the code is checked against the person's one device.

    A wrong or missing code is a failed sign-in like a wrong password: django-axes counts it, and
    the page says exactly what it says for a wrong password, so it never tells that the password
    was right.
    """

    error_messages = {
        **OTPAdminAuthenticationForm.error_messages,
        "invalid_login": (
            "That did not sign you in. Enter your username, your password and the 6-digit code "
            "your authenticator app shows now. All three must be right; the username and "
            "password are case-sensitive."
        ),
    }

    def clean_otp(self, user):
        try:
            super().clean_otp(user)
        except forms.ValidationError as error:
            if error.code == "no_device":
                raise
            # The signal django.contrib.auth sends for a wrong password, so axes counts this too.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.cleaned_data.get("username")},
                request=self.request,
            )
            self.user_cache = None  # the page must not show the device list a right password opens
            raise self.get_invalid_login_error() from None

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user, confirmed=True, for_verify=True))
            if not devices:
                raise forms.ValidationError(
                    "No authenticator app is enrolled for this account yet. Ask an "
                    "administrator to enrol one (manage.py enrol_totp).",
                    code="no_device",
                )
            if len(devices) == 1:
                device = devices[0]
        return device


class StaffAdminSite(AdminSite):
    """The admin; with STAFF_REQUIRE_2FA, only staff who gave a code from their device get in."""

    index_title = "Keep the content right"

    # Properties, not attributes, so that every sign-in reads the setting (tests change it);
    # django-stubs declares these as attributes.
    @property
    def login_form(self):  # type: ignore[override]
        return StaffLoginForm if settings.STAFF_REQUIRE_2FA else None

    @property
    def login_template(self):  # type: ignore[override]
        return "otp/admin111/login.html" if settings.STAFF_REQUIRE_2FA else None

    def autocomplete_view(self, request):
        from treatments.admin.base import PickerLabels

        # Sources are found by author, year, publisher and PubMed ID, not a cut-short title.
        return PickerLabels.as_view(admin_site=self)(request)

    def get_urls(self):
        from treatments.admin.history import site_pages

        # The content's own pages across every kind of content (deleted items), in the admin.
        return [
            path("still-here/", self.admin_view(still_here), name="still_here"),
            *site_pages(self),
            *super().get_urls(),
        ]

    def each_context(self, request):
        from treatments.editing import aid_for
        from treatments.models import Aid

        context = super().each_context(request)
        # The aid's short name, as editors last saved it, read once for each page drawn.
        short_name = (aid_for(request) or Aid.unnamed()).short_name
        context.update(site_header=f"{short_name}: content", site_title=f"{short_name} content")
        if context["has_permission"]:
            # For the warning before an idle session ends (static/js/editor-aids.js).
            context["staff_session"] = {
                "seconds_left": seconds_left(request),
                "warn_seconds": IDLE_WARNING_MINUTES * 60,
                "keep_url": reverse(f"{self.name}:still_here"),
            }
        return context

    def has_permission(self, request: HttpRequest) -> bool:
        allowed = super().has_permission(request)
        if settings.STAFF_REQUIRE_2FA:
            return allowed and is_verified(request.user)
        return allowed


# How long before an idle staff session ends its page warns, with a button to stay (WCAG 2.2.1).
IDLE_WARNING_MINUTES = 5


def seconds_left(request: HttpRequest) -> int:
    """How long this staff session has before it ends: idle, or at the end of its lifetime."""
    now = time.time()
    ends = min(
        request.session.get(LAST_SEEN, now) + settings.STAFF_IDLE_MINUTES * 60,
        request.session.get(STARTED, now) + settings.STAFF_SESSION_HOURS * 3600,
    )
    return max(0, int(ends - now))


@require_POST
def still_here(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": the idle time starts again, and the page learns its new end."""
    request.session[LAST_SEEN] = time.time()
    return JsonResponse({"seconds_left": seconds_left(request)})


def staff_session_timeout(get_response: Callable[[HttpRequest], HttpResponse]):
    """End a signed-in session after STAFF_IDLE_MINUTES idle or STAFF_SESSION_HOURS in all.

    Only a request that brings a session cookie is looked at, so patient pages (which have none)
    never read the session table.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None and request.user.is_authenticated:
            now = time.time()
            started = session.get(STARTED, now)  # set at sign-in (mark_sign_in)
            last_seen = session.get(LAST_SEEN, now)
            if (
                now - last_seen > settings.STAFF_IDLE_MINUTES * 60
                or now - started > settings.STAFF_SESSION_HOURS * 3600
            ):
                logout(request)  # deletes the session row: the old cookie opens nothing
            elif STARTED not in session or now - last_seen > 60:
                # At most one session write a minute: every write is a database query, and
                # the admin's live aids send several requests at once.
                session[STARTED] = started
                session[LAST_SEEN] = now
        return get_response(request)

    return middleware


def mark_sign_in(sender, request, user, **kwargs) -> None:
    """The staff session's lifetime counts from the moment of sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[LAST_SEEN] = time.time()


class MessageCookieStorage(CookieStorage):
    """Messages in a cookie (never the session), named with __Host- in production."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cookie_name = settings.MESSAGES_COOKIE_NAME


def no_referrer(view):
    """Pages that show or open a resume link tell the browser to send no Referer from them."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped
