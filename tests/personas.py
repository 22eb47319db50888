"""The people the tests walk through the aid, in one place.

Answers (`typical_persona`, `heaviest_persona`) are built from the bundled content, so no test
names a particular treatment. The choosers (`everything`, `almost_nothing`, `leg_for_years`) pick
answers on a step as a browser test meets it: each takes one group of inputs on the page (its
name, type, values and whether it is optional) and returns the values to tick."""

from decisionaid import sure
from decisionaid.answers import UNSURE, Answers
from decisionaid.forms import MAX_OWN_QUESTIONS, MAX_VALUES
from treatments.models import (
    Consideration,
    KnowledgeQuestion,
    Option,
    Question,
    SuggestedQuestion,
    Value,
)


def raised_by(*pairs: tuple[str, str]) -> list[str]:
    """Slugs of published options that these answers raise a consideration on, by name."""
    found = Consideration.objects.for_answers(pairs).order_by("option__name")
    return list(dict.fromkeys(c.option.slug for c in found))


def first_choice(question: Question) -> str:
    return question.choices.order_by("order", "pk").first().slug


def typical_persona() -> Answers:
    """Some history, one health answer that matters, three options, a few questions."""
    choices = {
        "onset": ["1-to-5-years"],
        "location": ["arm-or-hand"],
        "tried": ["physio-ot", "medicines"],
        "tried-outcome": ["helped-a-little"],
        "cost-concern": ["cost-some"],
        "travel": ["day-trips"],
        "hospital-stay": ["not-sure"],
    }
    choices["conditions"] = ["dental"]
    choices["medicines"] = ["none"]
    dental = raised_by(("conditions", "dental"))
    others = [o.slug for o in Option.objects.ready().exclude(slug__in=dental).order_by("name")]
    questions = list(SuggestedQuestion.objects.values_list("slug", flat=True))
    return Answers(
        choices=choices,
        values=list(Value.objects.values_list("slug", flat=True)[:MAX_VALUES]),
        considering=[dental[0], others[0], others[-1]],
        suggested_questions=questions[:3],
        own_questions="Can I keep working while I have this treatment?",
        sure={"sure": "no", "understand": "yes", "risks_benefits": "yes", "support": "yes"},
        done=["about", "health", "practical", "values", "considering", "questions", "sure"],
    )


def heaviest_persona() -> Answers:
    """Every option considered, every health box ticked, every question, own questions in full."""
    choices = {
        question.slug: [choice.slug for choice in question.choices.all()][:1]
        for question in Question.objects.exclude(page__about_health=True)
    }
    choices["tried"] = [c.slug for c in Question.objects.get(slug="tried").choices.all()][:-1]
    for question in Question.objects.filter(page__about_health=True):
        choices[question.slug] = [c.slug for c in question.choices.all() if not c.exclusive]
    own = (
        "I would like to know how long the benefit lasts for people like me, and whether I can "
        "stop if it does not suit me. "
    ) * 8
    return Answers(
        choices=choices,
        values=list(Value.objects.values_list("slug", flat=True)[:MAX_VALUES]),
        considering=list(Option.objects.ready().values_list("slug", flat=True)),
        suggested_questions=list(SuggestedQuestion.objects.values_list("slug", flat=True)),
        own_questions=own[:MAX_OWN_QUESTIONS].strip(),
        sure=dict.fromkeys(sure.ITEMS, "no"),
        # Not sure of any knowledge question: every topic goes to the summary.
        knowledge=dict.fromkeys(KnowledgeQuestion.objects.values_list("slug", flat=True), UNSURE),
        done=[
            "about",
            "health",
            "practical",
            "values",
            "considering",
            "knowledge",
            "questions",
            "sure",
        ],
    )


# Choosers for the browser tests.

LONG_QUESTION = (
    "How long does any benefit last for people like me, and can I stop if it does not suit me? "
)


def everything(group: dict) -> list[str]:
    """Every box ticked, every health answer "yes", the longest own questions the form takes."""
    values = group["values"]
    if group["name"] == "values":
        return values[:3]
    if group["name"] in ("conditions", "medicines"):
        return [value for value in values if value != "none"]
    if group["type"] == "checkbox":
        return values[:-1] if group["name"] in ("location", "tried") else values
    if group["name"] in ("sure", "understand", "risks_benefits", "support"):
        return ["no"]
    return ["yes"] if "yes" in values else values[:1]


def almost_nothing(group: dict) -> list[str]:
    """Only what must be answered, and "not sure" wherever it is offered; the knowledge check
    (whose questions offer "not sure" as UNSURE) is skipped."""
    values = group["values"]
    if group["optional"] or group["name"] in ("considering", "suggested") or UNSURE in values:
        return []
    if group["name"] == "values":
        return values[:1]
    if group["name"] in ("sure", "understand", "risks_benefits", "support"):
        return ["yes"]
    return ["not-sure"] if "not-sure" in values else values[-1:]


LEG_FOR_YEARS = {
    "onset": ["over-5-years"],
    "location": ["leg-or-foot"],
    "tried": ["physio-ot", "medicines", "nerve-blocks"],
    "tried-outcome": ["no-change"],
    "sure": ["no"],
    "understand": ["yes"],
    "risks_benefits": ["no"],
    "support": ["yes"],
}


def leg_for_years(group: dict) -> list[str]:
    """A leg affected for years, several things tried, no health worries, a few options."""
    values = group["values"]
    if group["name"] in LEG_FOR_YEARS:
        return LEG_FOR_YEARS[group["name"]]
    if group["name"] == "values":
        return [values[1], values[3]]
    if group["name"] == "considering":
        return [values[0], values[len(values) // 2], values[-1]]
    if group["name"] == "suggested":
        return values[:2]
    if "none" in values:
        return ["none"]
    return ["no"] if "no" in values else values[:1]


PERSONAS = {
    # The most pages each may print on: 2 for a typical person, 3 for the heaviest walked by
    # clicking (every health answer ticked, all 29 options considered with their cautions and
    # signs to get help, a leaning on each, own questions in full), on A4 and on US Letter.
    "everything": (everything, LONG_QUESTION * 6, 3),
    "almost-nothing": (almost_nothing, "", 2),
    "leg-for-years": (leg_for_years, "Will I be able to drive after it?", 2),
}
