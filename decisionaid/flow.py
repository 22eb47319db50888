"""The guided flow: one topic per page, post/redirect/get, answers kept in the session.

Every step is a plain form that works without JavaScript. With htmx, the step's partial is
swapped in place and the address bar follows. The steps read the questions from the content;
no step names a treatment.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from decisionaid import forms as flow_forms
from decisionaid.answers import RESUME_MAX_AGE, Answers, make_resume_token, remembers
from treatments.models import Question
from treatments.releases import Content

TOTAL_STEPS = 8


@dataclass(frozen=True)
class Step:
    slug: str
    number: int  # "Step n of 8"; the start page is 1, the options page 6, the summary 8
    title: str
    hint: str
    build: Callable[[dict | None, Answers, Content], forms.Form]
    save: Callable[[forms.Form, Answers], None]
    body: str = "decisionaid/_body_questions.html"  # the fields, inside step.html's form


def _build_questions(step: str):
    def build(data, answers: Answers, content: Content) -> forms.Form:
        questions = content.questions_on(step)
        initial = {
            q.slug: (chosen if q.kind == Question.Kind.MANY else chosen[0])
            for q in questions
            if (chosen := answers.choices.get(q.slug))
        }
        return flow_forms.QuestionsForm(data, initial=initial, questions=questions)

    return build


def _save_questions(form: flow_forms.QuestionsForm, answers: Answers) -> None:
    for question in form.questions:
        answers.choices.pop(question.slug, None)
    answers.choices.update(form.answers())


def _build_values(data, answers: Answers, content: Content) -> forms.Form:
    return flow_forms.ValuesForm(data, initial={"values": answers.values}, values=content.values)


def _save_values(form, answers: Answers) -> None:
    answers.values = form.cleaned_data["values"]


def _build_considering(data, answers: Answers, content: Content) -> forms.Form:
    return flow_forms.ConsideringForm(
        data, initial={"considering": answers.considering}, options=content.options
    )


def _save_considering(form, answers: Answers) -> None:
    answers.considering = form.cleaned_data["considering"]


def _build_clinician_questions(data, answers: Answers, content: Content) -> forms.Form:
    return flow_forms.ClinicianQuestionsForm(
        data,
        initial={"suggested": answers.suggested_questions, "own": answers.own_questions},
        suggested=content.suggested_questions,
    )


def _save_clinician_questions(form, answers: Answers) -> None:
    answers.suggested_questions = form.cleaned_data["suggested"]
    answers.own_questions = form.cleaned_data["own"]


def _build_sure(data, answers: Answers, content: Content) -> forms.Form:
    return flow_forms.SureForm(data, initial=answers.sure)


def _save_sure(form, answers: Answers) -> None:
    answers.sure = dict(form.cleaned_data)


STEPS = [
    Step(
        "about",
        2,
        "Your {condition}",  # the condition's name comes from the content (Aid)
        "These answers go on your summary, so your clinician sees your situation at a glance.",
        _build_questions(Question.Step.ABOUT),
        _save_questions,
    ),
    Step(
        "health",
        3,
        "Health questions",
        "Some health conditions change which treatments are safe or suitable. Your answers only "
        "mark things to discuss with your clinician. If you are not sure, choose “Not sure”.",
        _build_questions(Question.Step.HEALTH),
        _save_questions,
    ),
    Step(
        "practical",
        4,
        "Practical matters",
        "Cost, travel and time in hospital differ a lot between treatments.",
        _build_questions(Question.Step.PRACTICAL),
        _save_questions,
    ),
    Step(
        "values",
        5,
        "What matters most to you?",
        f"Choose up to {flow_forms.MAX_VALUES}. There are no right or wrong answers. The options "
        "page will show how each option does on what you choose.",
        _build_values,
        _save_values,
        "decisionaid/_body_values.html",
    ),
    Step(
        "considering",
        7,
        "Which options are you thinking about?",
        "Choose any you would like to talk about with your clinician. You can choose none. "
        "This is not a decision: you can change your mind at any time.",
        _build_considering,
        _save_considering,
        "decisionaid/_body_considering.html",
    ),
    Step(
        "questions",
        7,
        "Questions for your clinician",
        "Tick any questions you would like to ask. You can also write your own.",
        _build_clinician_questions,
        _save_clinician_questions,
        "decisionaid/_body_clinician_questions.html",
    ),
    Step(
        "sure",
        7,
        "How sure do you feel?",
        "These four questions are a short check called the SURE test. Answer each one yes or no. "
        "It helps you and your clinician see what may need more talk.",
        _build_sure,
        _save_sure,
        "decisionaid/_body_sure.html",
    ),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}
FIRST_STEP = STEPS[0].slug


def step_url(slug: str) -> str:
    return reverse("step", args=[slug])


def next_url(step: Step) -> str:
    """Where a completed step leads: the check page before the options and before the summary."""
    if step.slug in ("values", "sure"):
        return reverse("check")
    index = STEPS.index(step)
    return step_url(STEPS[index + 1].slug)


def back_url(step: Step) -> str:
    if step.slug == FIRST_STEP:
        return reverse("home")
    if step.slug == "considering":
        return reverse("options")
    return step_url(STEPS[STEPS.index(step) - 1].slug)


def render_step_page(request: HttpRequest, template: str, context: dict, status: int = 200):
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
def step(request: HttpRequest, slug: str) -> HttpResponse:
    current = STEP_BY_SLUG.get(slug)
    if current is None:
        raise Http404("No such step")
    answers = Answers.from_request(request)
    returning = request.GET.get("return") == "check"

    if request.method == "POST":
        form = current.build(request.POST, answers, request.content)
        if form.is_valid():
            current.save(form, answers)
            if current.slug not in answers.done:
                answers.done.append(current.slug)
            answers.save(request)
            return redirect(reverse("check") if returning else next_url(current))
    else:
        form = current.build(None, answers, request.content)

    context = {
        "step": replace(
            current, title=current.title.format(condition=request.content.aid.condition)
        ),
        "form": form,
        "total_steps": TOTAL_STEPS,
        "back_url": reverse("check") if returning else back_url(current),
        "returning": returning,
    }
    # 422 (Unprocessable Content), not 400, for a form that failed validation: htmx is told to
    # swap it in place, and django-htmx's debug error handler (which takes over 400, 403, 404 and
    # 500 responses in development) leaves it alone, so a mistake looks the same in every mode.
    status = 422 if form.is_bound else 200
    return render_step_page(request, "decisionaid/step.html", context, status)


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return redirect(step_url(FIRST_STEP))


def answer_rows(answers: Answers, content: Content) -> list[dict]:
    """What the person said, grouped by step, each with a link to change it."""
    rows = []
    for question in content.questions:
        labels = {c.slug: c.label for c in question.choices.all()}
        chosen = [labels[c] for c in answers.choices.get(question.slug, []) if c in labels]
        rows.append(
            {
                "label": question.short_label,
                "answer": chosen,
                "step": question.step,
                "change": f"{step_url(question.step)}?return=check#{question.slug}",
            }
        )
    values = {v.slug: v.statement for v in content.values}
    rows.append(
        {
            "label": "What matters most to you",
            "answer": [values[v] for v in answers.values if v in values],
            "step": "values",
            "change": f"{step_url('values')}?return=check",
        }
    )
    if {"considering", "questions", "sure"} & set(answers.done):
        names = {option.slug: option.name for option in content.options}
        suggested = {question.pk: question.text for question in content.suggested_questions}
        sure = answers.sure_score
        rows += [
            {
                "label": "Options you are thinking about",
                "answer": [names[s] for s in answers.considering if s in names],
                "step": "considering",
                "change": f"{step_url('considering')}?return=check",
            },
            {
                "label": "Questions for your clinician",
                "answer": [suggested[q] for q in answers.suggested_questions if q in suggested]
                + answers.own_questions.splitlines(),
                "step": "questions",
                "change": f"{step_url('questions')}?return=check",
            },
            {
                "label": "How sure you feel",
                "answer": [f"{sure} of 4 “yes” answers"] if sure is not None else [],
                "step": "sure",
                "change": f"{step_url('sure')}?return=check",
            },
        ]
    return rows


@require_safe
def check(request: HttpRequest) -> HttpResponse:
    answers = Answers.from_request(request)
    finished = "sure" in answers.done
    context = {
        "answers": answers,
        "rows": answer_rows(answers, request.content),
        "continue_url": reverse("summary") if finished else reverse("options"),
        "continue_label": "Continue to your summary" if finished else "Continue to your options",
        "resume_url": request.build_absolute_uri(reverse("resume"))
        + "#"
        + make_resume_token(answers),
        "resume_days": RESUME_MAX_AGE // (24 * 3600),
        "remembered": remembers(request),
    }
    return render_step_page(request, "decisionaid/check.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def clear(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        Answers.clear(request)
        if request.session.session_key is not None:
            request.session.flush()
        messages.success(request, "Your answers have been cleared from this browser.")
        return redirect("home")
    return render(request, "decisionaid/clear.html")


def options_step_numbers() -> tuple[int, int, int]:
    """The options pages' step number, the next step's, and the total, from STEPS above."""
    return STEP_BY_SLUG["values"].number + 1, STEP_BY_SLUG["considering"].number, TOTAL_STEPS
