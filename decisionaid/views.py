from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from decisionaid.answers import Answers
from decisionaid.caching import same_for_everyone


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@same_for_everyone
def home(request: HttpRequest) -> HttpResponse:
    has_answers = not Answers.from_request(request).is_empty
    return render(request, "home.html", {"has_answers": has_answers})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the hashed icon."""
    return redirect(static("img/favicon.svg"), permanent=True)
