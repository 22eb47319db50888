"""The guided flow: one topic per page, post/redirect/get, answers kept in the browser.

Every step is a plain form that works without JavaScript. With htmx, the step's partial is
swapped in place and the address bar follows. The stops, their order and their numbers come from
the journey (decisionaid/journey.py); the questions come from the content. No step names a
treatment.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from decisionaid.answers import RESUME_MAX_AGE, Answers, end_links, make_resume_token, remembers
from decisionaid.caching import UNCACHED, fragment, kept_whole
from decisionaid.http import AidRequest, HtmxHttpRequest
from decisionaid.journey import answered, journey_for
from decisionaid.references import References
from decisionaid.safety import crisis_help, needs_crisis_help


def render_step_page(request: HtmxHttpRequest, template: str, context: dict, status: int = 200):
    """The whole page, or with htmx only its #step partial, keeping the address bar right."""
    if request.htmx:
        template += "#step"
    response = render(request, template, context, status=status)
    # Answers are personal and the body depends on HX-Request: never cache either way.
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    if request.htmx:
        # A failed post stays on the same address; a page reached by redirect shows its own.
        response["HX-Push-Url"] = "false" if status >= 400 else request.get_full_path()
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@kept_whole
def step(request: AidRequest, slug: str) -> HttpResponse:
    journey = journey_for(request.content)
    current = journey.form(slug)
    assert current.build and current.save  # journey.form() gives only the steps with a form
    answers = Answers.from_request(request)
    returning = request.GET.get("return") == "check"
    shown = answers  # what the form starts from

    if request.method == "POST":
        form = current.build(request.POST, answers, request.content)
        if form.is_valid():
            current.save(form, answers)
            if current.slug not in answers.done:
                answers.done.append(current.slug)
            answers.save(request)
            return redirect(reverse("check") if returning else journey.next(current).url)
    else:
        if current.suggest and (suggested := request.GET.getlist("compared")):
            shown = current.suggest(answers, suggested, request.content)
        form = current.build(None, shown, request.content)

    about_health = bool(current.page and current.page.about_health)
    wants_help = needs_crisis_help(answers, request.content)
    context = {
        "step": current,
        "form": form,
        # A form with mistakes is drawn afresh; otherwise the fields are drawn once for these
        # answers on this version.
        "fields": UNCACHED
        if form.is_bound
        else fragment(request.content.digest, "step", slug, returning, personal=(repr(shown),)),
        "total_steps": journey.total,
        "back_url": reverse("check") if returning else journey.back(current).url,
        "returning": returning,
        # On the health questions, and on every page after an answer marked for it.
        "crisis_help": crisis_help(request.content) if about_health or wants_help else None,
        # In short while the person answers the health questions; whole once they have ticked
        # an answer marked to show it.
        "crisis_compact": not wants_help,
        "crisis_refs": References("crisis-ref"),
    }
    # 422 (Unprocessable Content), not 400, for a form that failed validation: htmx is told to
    # swap it in place, and django-htmx's debug error handler (which takes over 400, 403, 404 and
    # 500 responses in development) leaves it alone, so a mistake looks the same in every mode.
    status = 422 if form.is_bound else 200
    return render_step_page(request, "decisionaid/step.html", context, status)


@require_safe
def start(request: AidRequest) -> HttpResponse:
    journey = journey_for(request.content)
    return redirect(journey.next(journey.by_slug["start"]).url)


@require_safe
@kept_whole
def check(request: AidRequest) -> HttpResponse:
    answers = Answers.from_request(request)
    journey = journey_for(request.content)
    onward = journey.after_check(answers)
    latest, earlier = journey.to_check(answers)
    context = {
        "answers": answers,
        "rows": answered(answers, request.content, latest),
        "earlier_rows": answered(answers, request.content, earlier),
        "continue_url": onward.url,
        "continue_label": f"Continue to {onward.title[:1].lower()}{onward.title[1:]}",
        "resume_url": request.build_absolute_uri(reverse("resume"))
        + "#"
        + make_resume_token(answers),
        "resume_days": RESUME_MAX_AGE // (24 * 3600),
        "remembered": remembers(request),
        "crisis_help": crisis_help(request.content)
        if needs_crisis_help(answers, request.content)
        else None,
    }
    return render_step_page(request, "decisionaid/check.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def clear(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        end_links(Answers.from_request(request))
        Answers.clear(request)
        if request.session.session_key is not None:
            request.session.flush()
        messages.success(
            request,
            "Your answers have been cleared from this browser, and links made from them no "
            "longer open them.",
        )
        return redirect("home")
    return render(request, "decisionaid/clear.html")
