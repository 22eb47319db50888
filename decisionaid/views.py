import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from decisionaid.answers import Answers
from decisionaid.caching import kept_whole
from decisionaid.http import AidRequest
from decisionaid.timing import journey_time
from treatments.releases import content_in_memory


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@kept_whole
def home(request: AidRequest) -> HttpResponse:
    has_answers = not Answers.from_request(request).is_empty
    # The time promised is the typical journey's, by the model in timing.py, never typed.
    walked = journey_time(request.content, request.get_host(), request.is_secure())
    minutes = walked.promise if walked else None
    return render(request, "home.html", {"has_answers": has_answers, "minutes": minutes})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the hashed icon."""
    return redirect(static("img/favicon.svg"), permanent=True)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """Django's own 500 page, named after the aid this process last read. It asks the database
    nothing (that may be what failed), so before any content is read it uses settings.AID_NAME.

    When what failed is reaching the database, the page says so as a 503 with a time to try
    again: patient pages that only read the published version go on working from this
    process's copy meanwhile (treatments.releases.current_content)."""
    content = content_in_memory()
    name = content.aid.name if content is not None else settings.AID_NAME
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        page = loader.get_template("503.html").render({"aid_name": name})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render({"aid_name": name}))
