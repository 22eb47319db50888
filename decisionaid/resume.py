"""Opening saved answers from a resume link, and choosing to keep answers on this device.

The link carries its token after '#', so the token stays in the browser: it is never in the
request line, a server log or a Referer (browsers never send the part after '#'). The resume
page's script puts it in the form; without JavaScript, the person pastes the link or code into
the box on the same page.

Only a link with the token in its path is answered with Referrer-Policy: no-referrer. Pages
with a form keep the site's same-origin policy: under no-referrer, browsers send "Origin: null"
with a form, which Django's CSRF protection rightly refuses; and no page's address holds a token.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from decisionaid.answers import (
    RESUME_MAX_AGE,
    TokenEnded,
    TokenExpired,
    TokenInvalid,
    read_resume_token,
    set_remember,
    token_from_link,
)
from decisionaid.security import no_referrer


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def resume(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _private(render(request, "decisionaid/resume.html"))
    pasted = request.POST.get("link", "")
    if not pasted.strip():
        context: dict[str, object] = {
            "error": "Paste the link from your summary or check page, or its code."
        }
        return _private(render(request, "decisionaid/resume.html", context, status=400))
    try:
        answers = read_resume_token(token_from_link(pasted))
    except TokenEnded:
        context = {"ended": True}
        return _private(render(request, "decisionaid/resume_invalid.html", context, status=400))
    except TokenExpired:
        context = {"expired": True, "days": RESUME_MAX_AGE // 86400}
        return _private(render(request, "decisionaid/resume_invalid.html", context, status=400))
    except TokenInvalid:
        context = {"expired": False, "days": RESUME_MAX_AGE // 86400}
        return _private(render(request, "decisionaid/resume_invalid.html", context, status=400))
    answers.save(request)
    messages.success(request, "Your saved answers are open. Check them, then carry on.")
    return redirect("check")


@require_http_methods(["GET", "HEAD"])
@no_referrer
def resume_in_path(request: HttpRequest, token: str) -> HttpResponse:
    """A link with the token in its path (as older printouts have): move it after the '#'."""
    return _private(HttpResponseRedirect(reverse("resume") + "#" + token))


@require_POST
def remember(request: HttpRequest) -> HttpResponse:
    """Keep the answers on this device for 30 days, or only until the browser closes."""
    keep = request.POST.get("remember") == "yes"
    set_remember(request, keep)
    if keep:
        messages.success(request, "Your answers will be kept on this device for 30 days.")
    else:
        messages.success(request, "Your answers will be forgotten when you close this browser.")
    return redirect(reverse("check") + "#come-back")
