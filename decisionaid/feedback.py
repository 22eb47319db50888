"""Report a mistake: a short form on every page that lands as a record editors see in the admin.

No name or contact is asked for and nothing the person answered is sent. Each address may send a
few reports an hour: the count is kept in the cache under a keyed hash of the address and the
hour, never the address itself, and forgotten within the hour.
"""

import hashlib
import hmac

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from decisionaid.http import AidRequest
from treatments.models import MistakeReport

REPORTS_PER_HOUR = 5


class MistakeForm(forms.Form):
    what = forms.CharField(
        label="What is wrong?",
        help_text="Say which words or number, and what you think is right.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Say what is wrong on the page.",
            "max_length": "Keep it under 2,000 characters.",
        },
    )
    source = forms.CharField(
        label="Where did you read something different? (optional)",
        help_text="A web address or the name of a study, if you have one.",
        max_length=500,
        required=False,
        error_messages={"max_length": "Keep it under 500 characters."},
    )


def page_reported(request: AidRequest) -> str:
    """The page the report is about: an address of this aid, or the home page."""
    page = (request.GET.get("page") or request.POST.get("page") or "/")[:200]
    if not page.startswith("/") or page.startswith("//"):
        return "/"
    try:
        resolve(page.split("?")[0])
    except Resolver404:
        return "/"
    return page


def _over_the_limit(request: AidRequest) -> bool:
    hour = timezone.now().strftime("%Y%m%d%H")
    address = request.META.get("REMOTE_ADDR", "")
    key = hmac.new(settings.SECRET_KEY.encode(), f"{address}|{hour}".encode(), hashlib.sha256)
    name = f"mistake-reports:{key.hexdigest()[:32]}"
    cache = caches["default"]
    try:
        cache.add(name, 0, timeout=3600)
        return cache.incr(name) > REPORTS_PER_HOUR
    except Exception:  # a cache that is down never stops a report
        return False


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: AidRequest):
    page = page_reported(request)
    form = MistakeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 422
        elif _over_the_limit(request):
            form.add_error(
                None,
                "Many reports have come from here in the last hour. Please try again later: "
                "what you wrote is still below.",
            )
            status = 429
        else:
            MistakeReport.objects.create(
                page=page, version=request.content.number, **form.cleaned_data
            )
            return redirect(f"{request.path}?sent=1&page={page}")
    context = {"form": form, "page": page, "sent": request.GET.get("sent") == "1"}
    return render(request, "decisionaid/report.html", context, status=status)
