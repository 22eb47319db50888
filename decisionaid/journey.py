"""The journey, declared once: every stop a person meets, in order.

JOURNEY below lists the stops. Where QUESTION_PAGES stands come the published content's pages of
questions, one stop per page that has questions, in the order editors gave them. Everything else
follows from that one list: the step numbers ("Step 3 of 8": every screen a person meets on the
way, each number once; the home page, the check page and the summary carry none), where
"Continue" and "Back" lead,
the groups of the check page, the order of the answers on the summary and the groups of the
FHIR record.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from django import forms
from django.http import Http404
from django.urls import reverse

from decisionaid import forms as flow_forms
from decisionaid import stand, sure
from decisionaid.answers import UNSURE, Answers
from decisionaid.fhir_items import Item, choice_item, coding, words_item, yes_no_item
from treatments.models import KnowledgeQuestion, Question, QuestionPage
from treatments.releases import Content


@dataclass(frozen=True)
class AnsweredQuestion:
    """Something the person was asked, with their answers in words (none when not answered)."""

    label: str
    answers: list[str]
    page: "Stop"
    change_url: str


Build = Callable[[dict | None, Answers, Content], forms.Form]
Save = Callable[[forms.Form, Answers], None]
Said = Callable[["Stop", Answers, Content], list[AnsweredQuestion]]
# Its items in the FHIR Questionnaire (decisionaid/fhir.py), their codes under the questionnaire's
# address (the third argument).
Fhir = Callable[["Stop", Content, str], list[Item]]


@dataclass(frozen=True, eq=False)
class Stop:
    """One stop of the journey: a step's form at /questions/<slug>/, or a page of its own."""

    slug: str
    title: str
    hint: str = ""
    url_name: str = "step"  # "step" for a form; otherwise the name of the page's address
    build: Build | None = None
    save: Save | None = None
    body: str = "decisionaid/_body_questions.html"  # the form's fields, inside step.html
    said: Said | None = None  # what the person said here, in words
    fhir: Fhir | None = None  # what the person said here, for the health record
    # What the address may suggest before anything is saved here (the options just compared).
    suggest: Callable[[Answers, list[str], Content], Answers] | None = None
    then_check: bool = False  # after this stop, the person checks their answers
    numbered: bool = True  # counts as a step ("Step n of N")
    optional: bool = False  # a person may pass it by: the journey is complete without it
    # Whether this version of the content has this stop at all (every version, when None).
    shown_if: Callable[[Content], bool] | None = None
    page: QuestionPage | None = None  # the content's page of questions this stop shows
    number: int | None = None  # given by the journey

    @property
    def is_form(self) -> bool:
        return self.build is not None

    @cached_property  # a frozen dataclass without slots keeps it in its __dict__
    def url(self) -> str:
        """Its address, worked out once: the stops are built once per published version."""
        if self.url_name == "step":
            return reverse("step", args=[self.slug])
        return reverse(self.url_name)


# --- What each form builds, saves and says back, in words and for the record -------------------


def _build_questions(page: QuestionPage) -> Build:
    def build(data, answers: Answers, content: Content) -> forms.Form:
        questions = content.questions_on(page)
        initial = {
            q.slug: (chosen if q.kind == Question.Kind.MANY else chosen[0])
            for q in questions
            if (chosen := answers.choices.get(q.slug))
        }
        return flow_forms.QuestionsForm(data, initial=initial, questions=questions)

    return build


def _save_questions(form, answers: Answers) -> None:
    for question in form.questions:
        answers.choices.pop(question.slug, None)
    answers.choices.update(form.answers())


def _said_on(page: QuestionPage) -> Said:
    def said(stop: Stop, answers: Answers, content: Content) -> list[AnsweredQuestion]:
        rows = []
        for question in content.questions_on(page):
            chosen = set(answers.choices.get(question.slug, []))
            labels = [choice.label for choice in question.related.choices if choice.slug in chosen]
            change = f"{stop.url}?return=check#{question.slug}"
            rows.append(AnsweredQuestion(question.short_label, labels, stop, change))
        return rows

    return said


def _question_item(base: str, question: Question) -> Item:
    return choice_item(
        question.slug,
        question.text,
        f"{base}/{question.slug}",
        [(c.slug, c.label) for c in question.related.choices],
        lambda answers: answers.choices.get(question.slug, []),
        repeats=question.kind == Question.Kind.MANY,
        required=question.required,
    )


def _fhir_on(page: QuestionPage) -> Fhir:
    def fhir(stop: Stop, content: Content, base: str) -> list[Item]:
        return [_question_item(base, question) for question in content.questions_on(page)]

    return fhir


def _one_row(label: str, words: Callable[[Answers, Content], list[str]]) -> Said:
    def said(stop: Stop, answers: Answers, content: Content) -> list[AnsweredQuestion]:
        return [AnsweredQuestion(label, words(answers, content), stop, f"{stop.url}?return=check")]

    return said


def _build_values(data, answers: Answers, content: Content) -> forms.Form:
    initial = {"values": answers.values, "concern": answers.concern}
    return flow_forms.ValuesForm(data, initial=initial, values=content.values)


def _save_values(form, answers: Answers) -> None:
    answers.values = form.cleaned_data["values"]
    answers.concern = form.cleaned_data["concern"]


def _values_in_words(answers: Answers, content: Content) -> list[str]:
    by_slug = content.value_by_slug
    said = [by_slug[slug].statement for slug in answers.values if slug in by_slug]
    return said + ([f"Your own concern: {answers.concern}"] if answers.concern else [])


def _values_in_fhir(stop: Stop, content: Content, base: str) -> list[Item]:
    values = [(v.slug, v.statement) for v in content.values]
    return [
        choice_item(
            "values",
            stop.title,
            f"{base}/values",
            values,
            lambda answers: answers.values,
            repeats=True,
        ),
        words_item(
            "concern",
            "My own concern (not scored)",
            "string",
            lambda answers: answers.concern,
            maxLength=flow_forms.MAX_CONCERN,
        ),
    ]


def _build_considering(data, answers: Answers, content: Content) -> forms.Form:
    return flow_forms.ConsideringForm(
        data, initial={"considering": answers.considering}, options=content.options
    )


def _suggest_compared(answers: Answers, compared: list[str], content: Content) -> Answers:
    """The options the person just compared, ticked, unless they already chose some."""
    if answers.considering or "considering" in answers.done:
        return answers
    known = [slug for slug in dict.fromkeys(compared) if slug in content.option_by_slug]
    return replace(answers, considering=known)


def _save_considering(form, answers: Answers) -> None:
    answers.considering = form.cleaned_data["considering"]


def _considering_in_words(answers: Answers, content: Content) -> list[str]:
    by_slug = content.option_by_slug
    return [by_slug[slug].name for slug in answers.considering if slug in by_slug]


def _considering_in_fhir(stop: Stop, content: Content, base: str) -> list[Item]:
    options = [(o.slug, o.name) for o in content.options]
    return [
        choice_item(
            "considering",
            stop.title,
            f"{base}/options",
            options,
            lambda answers: answers.considering,
            repeats=True,
        )
    ]


def considered(answers: Answers, content: Content) -> list:
    """The options the person is thinking about, in the content's order."""
    considering = set(answers.considering)
    return [option for option in content.options if option.slug in considering]


def _build_stand(data, answers: Answers, content: Content) -> forms.Form:
    options = considered(answers, content)
    initial = {stand.leaning_field(slug): lean for slug, lean in answers.leaning.items()}
    initial |= {"stage": answers.stage, "role": answers.role}
    return flow_forms.StandForm(data, initial=initial, options=options)


def _save_stand(form, answers: Answers) -> None:
    answers.leaning = form.leaning()
    answers.stage = form.cleaned_data["stage"]
    answers.role = form.cleaned_data["role"]


def stand_in_words(answers: Answers, content: Content) -> list[str]:
    """Which way the person leans on each option, how far along they are and how they want to
    decide, in words; nothing for what they left out."""
    said = stand.leanings_in_words(answers.leaning, considered(answers, content))
    said += [stand.STAGES[answers.stage]] if answers.stage else []
    return said + ([stand.ROLES[answers.role]] if answers.role else [])


def _leaning_item(base: str, option) -> Item:
    """Which way the person leans on one option: asked only of the options they consider."""
    considering = coding(f"{base}/options", option.slug, option.name)  # as that step codes it
    return choice_item(
        stand.leaning_field(option.slug),
        option.name,
        f"{base}/leaning",
        stand.LEANINGS.items(),
        lambda answers: [answers.leaning.get(option.slug, "")],
        repeats=False,
        enableWhen=[{"question": "considering", "operator": "=", "answerCoding": considering}],
    )


def _stand_in_fhir(stop: Stop, content: Content, base: str) -> list[Item]:
    return [_leaning_item(base, option) for option in content.options] + [
        choice_item(
            "stage",
            stand.STAGE_QUESTION,
            f"{base}/stage",
            stand.STAGES.items(),
            lambda answers: [answers.stage],
            repeats=False,
        ),
        choice_item(
            "role",
            stand.ROLE_QUESTION,
            f"{base}/role",
            stand.ROLES.items(),
            lambda answers: [answers.role],
            repeats=False,
        ),
    ]


def _build_clinician_questions(data, answers: Answers, content: Content) -> forms.Form:
    return flow_forms.ClinicianQuestionsForm(
        data,
        initial={"suggested": answers.suggested_questions, "own": answers.own_questions},
        suggested=content.suggested_questions,
    )


def _save_clinician_questions(form, answers: Answers) -> None:
    answers.suggested_questions = form.cleaned_data["suggested"]
    answers.own_questions = form.cleaned_data["own"]


def suggested_ticked(answers: Answers, content: Content) -> list[str]:
    """The suggested questions the person ticked, in the content's order."""
    ticked = set(answers.suggested_questions)
    return [q.text for q in content.suggested_questions if q.slug in ticked]


def _clinician_questions_in_words(answers: Answers, content: Content) -> list[str]:
    return suggested_ticked(answers, content) + answers.own_questions.splitlines()


def _clinician_questions_in_fhir(stop: Stop, content: Content, base: str) -> list[Item]:
    suggested = [(q.slug, q.text) for q in content.suggested_questions]
    return [
        choice_item(
            "questions",
            stop.title,
            f"{base}/questions",
            suggested,
            lambda answers: answers.suggested_questions,
            repeats=True,
        ),
        words_item("own-questions", "My own questions", "text", lambda a: a.own_questions),
    ]


def _build_sure(data, answers: Answers, content: Content) -> forms.Form:
    return flow_forms.SureForm(data, initial=answers.sure)


def _save_sure(form, answers: Answers) -> None:
    answers.sure = dict(form.cleaned_data)


def _sure_in_words(answers: Answers, content: Content) -> list[str]:
    return [words] if (words := sure.in_words(answers.sure_score)) else []


def _sure_item(item: str, text: str) -> Item:
    def said(answers: Answers) -> bool | None:
        answer = answers.sure.get(item)
        return answer == "yes" if answer in ("yes", "no") else None

    return yes_no_item(f"sure-{item}", text, said)


def _sure_in_fhir(stop: Stop, content: Content, base: str) -> list[Item]:
    return [_sure_item(item, text) for item, text in sure.ITEMS.items()]


def _has_knowledge_check(content: Content) -> bool:
    return bool(content.knowledge_questions)


def _build_knowledge(data, answers: Answers, content: Content) -> forms.Form:
    # Passing it by leads past the page that explains the answers.
    journey = journey_for(content)
    return flow_forms.KnowledgeForm(
        data,
        initial=answers.knowledge,
        questions=content.knowledge_questions,
        unsure=UNSURE,
        skip_url=journey.next(journey.by_slug[KNOWLEDGE_EXPLAINED]).url,
    )


def _save_knowledge(form, answers: Answers) -> None:
    answers.knowledge = dict(form.cleaned_data)


def knowledge_answer(question: KnowledgeQuestion, chosen: str | None) -> str:
    """The answer a person chose to a knowledge question, in words ("" when not answered)."""
    if chosen == UNSURE:
        return "I'm not sure"
    return next((c.label for c in question.related.choices if c.slug == chosen), "")


def _said_knowledge(stop: Stop, answers: Answers, content: Content) -> list[AnsweredQuestion]:
    rows = [
        AnsweredQuestion(question.topic, [said], stop, f"{stop.url}?return=check#{question.slug}")
        for question in content.knowledge_questions
        if (said := knowledge_answer(question, answers.knowledge.get(question.slug)))
    ]
    return rows or [AnsweredQuestion(stop.title, [], stop, f"{stop.url}?return=check")]


def _knowledge_item(base: str, question: KnowledgeQuestion) -> Item:
    """One knowledge question: its answers, then "I'm not sure" (coded as the answers keep it)."""
    offered = [(c.slug, c.label) for c in question.related.choices]
    offered.append((UNSURE, knowledge_answer(question, UNSURE)))
    return choice_item(
        f"knowledge-{question.slug}",
        question.text,
        f"{base}/knowledge/{question.slug}",
        offered,
        lambda answers: [answers.knowledge.get(question.slug, "")],
        repeats=False,
    )


def _knowledge_in_fhir(stop: Stop, content: Content, base: str) -> list[Item]:
    return [_knowledge_item(base, question) for question in content.knowledge_questions]


# --- The journey ---------------------------------------------------------------------------------

QUESTION_PAGES = Stop("", "The content's pages of questions, one stop each")

JOURNEY: list[Stop] = [
    Stop("start", "Start", url_name="home", numbered=False),
    QUESTION_PAGES,
    Stop(
        "values",
        "What matters most to you?",
        f"Choose up to {flow_forms.MAX_VALUES}. There are no right or wrong answers. The options "
        "page shows how each option does on them.",
        build=_build_values,
        save=_save_values,
        body="decisionaid/_body_values.html",
        said=_one_row("What matters most to you", _values_in_words),
        fhir=_values_in_fhir,
        then_check=True,
    ),
    Stop("options", "Your options", url_name="options"),
    Stop(
        "considering",
        "Which options are you thinking about?",
        "Choose any you would like to talk about, or none. It is not a decision.",
        build=_build_considering,
        save=_save_considering,
        suggest=_suggest_compared,
        body="decisionaid/_body_considering.html",
        said=_one_row("Options you are thinking about", _considering_in_words),
        fhir=_considering_in_fhir,
    ),
    Stop(
        "stand",
        stand.TITLE,
        stand.HINT,
        build=_build_stand,
        save=_save_stand,
        body="decisionaid/_body_stand.html",
        said=_one_row("Where you stand", stand_in_words),
        fhir=_stand_in_fhir,
        optional=True,
    ),
    Stop(
        "knowledge",
        "Check what you know",
        "Optional. Then see why each answer is right.",
        build=_build_knowledge,
        save=_save_knowledge,
        body="decisionaid/_body_knowledge.html",
        said=_said_knowledge,
        fhir=_knowledge_in_fhir,
        optional=True,
        shown_if=_has_knowledge_check,
    ),
    Stop(
        "knowledge-answers",
        "Why each answer is right",
        url_name="knowledge_answers",
        numbered=False,
        shown_if=_has_knowledge_check,
    ),
    Stop(
        "questions",
        "Questions for your clinician",
        "Tick any you would like to ask, or write your own.",
        build=_build_clinician_questions,
        save=_save_clinician_questions,
        body="decisionaid/_body_clinician_questions.html",
        said=_one_row("Questions for your clinician", _clinician_questions_in_words),
        fhir=_clinician_questions_in_fhir,
    ),
    Stop(
        "sure",
        sure.TITLE,
        sure.HINT,
        build=_build_sure,
        save=_save_sure,
        body="decisionaid/_body_sure.html",
        said=_one_row("How sure you feel", _sure_in_words),
        fhir=_sure_in_fhir,
    ),
    Stop("check", "Check your answers", url_name="check", numbered=False),
    Stop("summary", "Your summary", url_name="summary", numbered=False),
]
FIXED_SLUGS = {stop.slug for stop in JOURNEY if stop is not QUESTION_PAGES}
KNOWLEDGE_EXPLAINED = "knowledge-answers"


def question_page_stop(page: QuestionPage) -> Stop:
    return Stop(
        page.slug,
        page.title,
        page.hint,
        build=_build_questions(page),
        save=_save_questions,
        said=_said_on(page),
        fhir=_fhir_on(page),
        page=page,
    )


class Journey:
    """The stops for one published version of the content, numbered."""

    def __init__(self, stops: list[Stop]):
        self.stops: list[Stop] = []
        number = 0
        for stop in stops:
            if stop.numbered:
                number += 1
            self.stops.append(replace(stop, number=number if stop.numbered else None))
        self.total = number
        self.by_slug = {stop.slug: stop for stop in self.stops}
        self.forms = [stop for stop in self.stops if stop.is_form]
        self.question_pages = [stop for stop in self.stops if stop.page is not None]
        self.check = self.by_slug["check"]

    def form(self, slug: str) -> Stop:
        """The form step at /questions/<slug>/."""
        stop = self.by_slug.get(slug)
        if stop is None or not stop.is_form:
            raise Http404("No such step")
        return stop

    def following(self, stop: Stop) -> Stop:
        """The stop after this one in order, passing over the check page."""
        later = self.stops[self.stops.index(stop) + 1 :]
        return next(s for s in later if s is not self.check)

    def next(self, stop: Stop) -> Stop:
        """Where a completed step leads: the check page if it says so, else the next stop."""
        if stop.then_check:
            return self.check
        return self.stops[self.stops.index(stop) + 1]

    def back(self, stop: Stop) -> Stop:
        """The stop before this one, passing over the check page."""
        earlier = self.stops[: self.stops.index(stop)]
        return next(s for s in reversed(earlier) if s is not self.check)

    def after_check(self, answers: Answers) -> Stop:
        """Where the check page leads: on from the furthest step done that led to it."""
        leading = [stop for stop in self.forms if self.next(stop) is self.check]
        done = [stop for stop in leading if stop.slug in answers.done] or leading[:1]
        return self.following(done[-1])

    def parts(self) -> list[list[Stop]]:
        """The form steps, in runs that each end at the check page."""
        parts: list[list[Stop]] = [[]]
        for stop in self.forms:
            parts[-1].append(stop)
            if self.next(stop) is self.check:
                parts.append([])
        return [part for part in parts if part]

    def to_check(self, answers: Answers) -> tuple[list[Stop], list[Stop]]:
        """The steps the check page lists: (the latest run begun, the runs before it). The first
        run is always there; a later one once begun. The person checked the earlier runs when
        they finished them, so the page folds those away."""
        begun = [
            part
            for n, part in enumerate(self.parts())
            if n == 0 or any(stop.slug in answers.done for stop in part)
        ]
        return begun[-1], [stop for part in begun[:-1] for stop in part]


def journey_for(content: Content) -> Journey:
    """The journey through this version of the content (worked out once per version)."""
    return content.computed("journey", _journey)


def _journey(content: Content) -> Journey:
    stops = []
    for stop in JOURNEY:
        if stop.shown_if and not stop.shown_if(content):
            continue
        if stop is not QUESTION_PAGES:
            stops.append(stop)
            continue
        # A page with no questions yet is no step; nor is one named like a step of the flow.
        stops += [
            question_page_stop(page)
            for page in content.question_pages
            if page.related.questions and page.slug not in FIXED_SLUGS
        ]
    return Journey(stops)


def answered(
    answers: Answers, content: Content, stops: list[Stop] | None = None
) -> list[AnsweredQuestion]:
    """What the person said at each form step (or at `stops`), in words, in journey order."""
    if stops is None:
        stops = journey_for(content).forms
    return [row for stop in stops if stop.said for row in stop.said(stop, answers, content)]
