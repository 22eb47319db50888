"""How the aid stands against the standards for decision aids, criterion by criterion.

`FRAMEWORKS` is the one place each criterion's status is kept: change a status or its reason
here and the standards page follows. A criterion marked Met names its evidence (`check`, a
question asked of the published content); when a version lacks that evidence, the page shows
"Not yet" and says so, so a "Met" can never outlive what earns it.

The criteria are said in our own plain words. Their lists were checked against:
- IPDAS v4.0: Joseph-Williams et al., Med Decis Making 2014;34:699-710 (PMID 23963501): 6
  qualifying and 10 certification criteria; 4 of the 10 are for screening tests only.
- NICE ECD8 (2021), section 1, the essential content standards on the condition, the decision
  and the options, and on the details of each option. The rest of ECD8 is not listed here yet.
- Healthcare Improvement Scotland's quality criteria, as published beside each aid it assessed
  (rightdecisions.scot.nhs.uk): 4 on process and 8 on content.
"""

import enum
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from treatments.models import Claim, Option, Page, Region
from treatments.readability import reading_grade
from treatments.releases import Content
from treatments.writing import patient_texts


class Status(enum.Enum):
    MET = "Met"
    PARTLY = "Partly"
    NOT_YET = "Not yet"


@dataclass(frozen=True)
class Where:
    """A place in the aid a reader can open: a URL name and its arguments."""

    label: str
    url_name: str
    args: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.args)


Check = Callable[[Content], bool]


@dataclass(frozen=True)
class Criterion:
    code: str
    text: str
    status: Status
    why: str
    where: tuple[Where, ...] = ()
    # Asked of the published content; a Met whose check fails is shown as Not yet.
    check: Check | None = None


@dataclass(frozen=True)
class Framework:
    slug: str
    name: str
    source: str
    note: str
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)


# The checks: what the published content must hold for a criterion to stay Met.


def condition_pages(content: Content) -> list[Page]:
    """Information pages about the condition itself: not in the footer, not the page on what
    happens with no new treatment, not the box on where to get help, not the treatments that
    are no option here."""
    return [
        page
        for page in content.pages
        if not (page.show_in_footer or page.up_front or page.crisis_help or page.after_options)
    ]


def has_condition_pages(content: Content) -> bool:
    return bool(condition_pages(content))


def states_the_decision(content: Content) -> bool:
    aid = content.aid
    return bool(aid.home_heading.strip() and aid.home_lead.strip())


def every_option(test: Callable[[Option], object]) -> Check:
    return lambda content: bool(content.options) and all(test(o) for o in content.options)


def has_value_ratings(content: Content) -> bool:
    """Every option says how it does on every value the aid asks about."""
    return bool(content.values) and all(
        {rating.value_id for rating in option.related.value_ratings}
        >= {value.pk for value in content.values}
        for option in content.options
    )


def has_current_care(content: Content) -> bool:
    return any(o.category == Option.Category.CURRENT_CARE for o in content.options)


def about_section(*words: str) -> Check:
    """The About page has a section whose heading holds one of `words`."""
    return lambda content: bool(about_sections(content, *words))


def all_claims_cited(option: Option) -> bool:
    return all(claim.related.sources for claim in option.related.claims)


def main_benefit_and_harm(option: Option) -> bool:
    return bool(option.main_benefit and option.main_harm)


def counts_carry_their_group(option: Option) -> bool:
    counted = [c for c in option.related.claims if c.frequency_total]
    return all(c.frequency_group.strip() and c.frequency_timeframe.strip() for c in counted)


HOME = Where("Home page", "home")
OPTIONS = Where("Your options", "options")
SOURCES = Where("Sources", "sources")
ABOUT = Where("About this aid", "page", ("about",))
VALUES = Where("What matters to you", "step", ("values",))
STAND = Where("Where you stand", "step", ("stand",))
SUMMARY = Where("Your summary", "summary")


def conditions(content: Content) -> tuple[Where, ...]:
    return tuple(Where(page.title, "page", (page.slug,)) for page in condition_pages(content))


CONDITION = "the information pages about the condition"
CURRENT_CARE = "the option of continuing your current care"

IPDAS = Framework(
    slug="ipdas",
    name="International Patient Decision Aid Standards (IPDAS) v4.0",
    source="Joseph-Williams N and others. Toward minimum standards for certifying patient "
    "decision aids. Med Decis Making 2014;34:699-710. PMID 23963501.",
    note="IPDAS v4.0 has 6 qualifying criteria (what makes a tool a decision aid) and 10 "
    "certification criteria (without them a decision aid risks a harmful bias). 4 of the 10 "
    "are only for screening tests, so they are not listed here. IPDAS also has 28 quality "
    "criteria; this page does not cover them yet.",
    criteria=(
        Criterion(
            "Q1",
            "It describes the health condition.",
            Status.MET,
            f"Described on {CONDITION}.",
            check=has_condition_pages,
        ),
        Criterion(
            "Q2",
            "It says plainly what decision is to be made.",
            Status.MET,
            "The home page says it: the aid helps you get ready to talk with your clinician "
            "about treatment.",
            (HOME,),
            states_the_decision,
        ),
        Criterion(
            "Q3",
            "It describes the options.",
            Status.MET,
            f"Every option has a page that says what it is, including {CURRENT_CARE}.",
            (OPTIONS,),
            every_option(lambda o: o.summary.strip()),
        ),
        Criterion(
            "Q4",
            "It describes each option's benefits.",
            Status.MET,
            "Every option page leads with its main benefit, and lists the others.",
            (OPTIONS,),
            every_option(lambda o: o.benefits),
        ),
        Criterion(
            "Q5",
            "It describes each option's harms and side effects.",
            Status.MET,
            "Every option page leads with its main harm, beside the main benefit.",
            (OPTIONS,),
            every_option(lambda o: o.harms),
        ),
        Criterion(
            "Q6",
            "It describes what living with each option is like.",
            Status.MET,
            'Every option page has a part on "what it is like", from studies and people\'s '
            "own accounts.",
            (OPTIONS,),
            every_option(lambda o: o.claims_of(Claim.Kind.LIVING)),
        ),
        Criterion(
            "C1",
            "It shows benefits and harms in equal detail.",
            Status.MET,
            "Each option page shows its main benefit and main harm side by side, in the same "
            "layout, with their numbers or the reason there are none.",
            (OPTIONS,),
            every_option(main_benefit_and_harm),
        ),
        Criterion(
            "C2",
            "It cites the evidence it uses.",
            Status.MET,
            "Every benefit, harm and other point has numbered sources, listed on each page and "
            "on the Sources page.",
            (SOURCES,),
            every_option(all_claims_cited),
        ),
        Criterion(
            "C3",
            "It gives the date it was made or last updated.",
            Status.MET,
            "Each option page gives the date it was last reviewed; the summary gives the "
            "version and its date.",
            (OPTIONS, SUMMARY),
            every_option(lambda o: o.last_reviewed_on),
        ),
        Criterion(
            "C4",
            "It says how and when it is updated.",
            Status.MET,
            'The About page says so under "Keeping it up to date"; each option gives its next '
            "review date.",
            (ABOUT,),
            about_section("up to date", "update"),
        ),
        Criterion(
            "C5",
            "It says how uncertain each number is.",
            Status.PARTLY,
            "Each number comes with the size and kind of study and how sure the research is. "
            "None of the numbers shows a range yet.",
            (OPTIONS,),
        ),
        Criterion(
            "C6",
            "It says who paid for it.",
            Status.MET,
            'The About page says so under "Funding and interests", and the summary prints it.',
            (ABOUT,),
            about_section("funding"),
        ),
    ),
)

NICE = Framework(
    slug="nice",
    name="NICE standards framework for shared decision-making support tools (ECD8, 2021)",
    source="National Institute for Health and Care Excellence. Standards framework for "
    "shared-decision-making support tools, including patient decision aids (ECD8). 2021.",
    note="These are the essential content standards in ECD8's section 1 on the condition, the "
    "decision and the options, and on the details of each option, which we could check "
    "against its text. ECD8's other essential standards (the rest of section 1, and section 2 "
    "on how an aid is made) are not listed here yet, because we could not read their full "
    "text to check our wording against it.",
    criteria=(
        Criterion(
            "1a",
            "It states the condition the person has.",
            Status.MET,
            f"Described on {CONDITION}.",
            check=has_condition_pages,
        ),
        Criterion(
            "1b",
            "It states that a decision is needed, and which part of care it is about.",
            Status.MET,
            "The home page says the decision is about treatment, to talk over with a clinician.",
            (HOME,),
            states_the_decision,
        ),
        Criterion(
            "1c",
            "It sets out the options the evidence supports, including doing nothing new.",
            Status.MET,
            f"All options are at a glance on one page, {CURRENT_CARE} among them.",
            (OPTIONS,),
            has_current_care,
        ),
        Criterion(
            "1d",
            "It gives detail on the possible outcomes, benefits and harms of each option.",
            Status.MET,
            "Each option page gives its benefits, harms, limits and what it is like, each with "
            "its sources.",
            (OPTIONS,),
            every_option(lambda o: o.benefits and o.harms),
        ),
        Criterion(
            "1e",
            "It shows every option in the same, even-handed way.",
            Status.MET,
            "Every option uses the same layout, type and questions; the aid never ranks them.",
            (OPTIONS,),
            every_option(main_benefit_and_harm),
        ),
        Criterion(
            "1f",
            "It includes the option of doing nothing new or different.",
            Status.MET,
            f"There is {CURRENT_CARE}, shown like every other option.",
            (OPTIONS,),
            has_current_care,
        ),
        Criterion(
            "1g",
            "It supports the person's values, circumstances and preferences.",
            Status.MET,
            "You choose what matters most to you and may add a concern in your own words. The "
            "options page shows how each option does on each of them, in words, never a score; "
            "a step asks where you stand on each option, how far along you are and how you want "
            "to decide, and says that choosing none is a real choice. All of it goes on the "
            "summary.",
            (VALUES, OPTIONS, STAND, SUMMARY),
            has_value_ratings,
        ),
    ),
)

SCOTLAND = Framework(
    slug="scotland",
    name="Healthcare Improvement Scotland's quality criteria for shared decision aids",
    source="Healthcare Improvement Scotland, Right Decisions for Health and Care: the quality "
    "criteria published with each shared decision aid it has assessed.",
    note="Healthcare Improvement Scotland has not assessed this aid. This is our own "
    "assessment against its criteria.",
    criteria=(
        Criterion(
            "P1",
            "It says how it is kept up to date.",
            Status.MET,
            'The About page says so under "Keeping it up to date".',
            (ABOUT,),
            about_section("up to date", "update"),
        ),
        Criterion(
            "P2",
            "It shows that evidence stands behind it.",
            Status.MET,
            "Every point cites its sources, and the About page says how we found and graded them.",
            (SOURCES, ABOUT),
            every_option(all_claims_cited),
        ),
        Criterion(
            "P3",
            "It says how uncertain the chances of each outcome are.",
            Status.PARTLY,
            "Each option says how sure the research is and how big the studies were. None of "
            "the numbers shows a range yet.",
            (OPTIONS,),
        ),
        Criterion(
            "P4",
            "An equality impact assessment has been done.",
            Status.NOT_YET,
            "No formal assessment has been done. The About page says who may find the aid "
            "harder to use and what it does about it.",
            (ABOUT,),
        ),
        Criterion(
            "C1",
            "It gives the date it was made or published.",
            Status.MET,
            "Each option gives its last review date; the summary gives the version's date.",
            (OPTIONS, SUMMARY),
            every_option(lambda o: o.last_reviewed_on),
        ),
        Criterion(
            "C2",
            "It says which country it was made for.",
            Status.PARTLY,
            "Each option says what we found about the UK, the EU and the US, and costs stay in "
            "their source's money. The aid does not name one country it is written for.",
            (OPTIONS,),
        ),
        Criterion(
            "C3",
            "It describes the condition the decision is about.",
            Status.MET,
            f"Described on {CONDITION}.",
            check=has_condition_pages,
        ),
        Criterion(
            "C4",
            "It states the decision to be made.",
            Status.MET,
            "The home page says it.",
            (HOME,),
            states_the_decision,
        ),
        Criterion(
            "C5",
            "It gives clear information on each option's outcomes, benefits and harms.",
            Status.MET,
            "Each option page leads with its main benefit and main harm, with their numbers.",
            (OPTIONS,),
            every_option(main_benefit_and_harm),
        ),
        Criterion(
            "C6",
            "It shows the options in a consistent, balanced and neutral way.",
            Status.MET,
            "Every option uses the same layout and questions; the aid never ranks them.",
            (OPTIONS,),
            every_option(main_benefit_and_harm),
        ),
        Criterion(
            "C7",
            "It uses everyday words, or simpler ones where needed.",
            Status.PARTLY,
            "Every text is at US school grade 8 or below, and each option's first layer at grade "
            "6 or below (measured below). Assessors in Scotland look for a reading age of 11 in "
            "aids people read alone, which the rest of the aid does not yet meet.",
            (ABOUT,),
        ),
        Criterion(
            "C8",
            "It shows numbers on risks, benefits and chance in a way people can follow.",
            Status.MET,
            "Counts are given as a number out of a group, with who and over what time, and as "
            "a picture of 100 people.",
            (OPTIONS,),
            every_option(counts_carry_their_group),
        ),
    ),
)

FRAMEWORKS = (IPDAS, NICE, SCOTLAND)


@dataclass(frozen=True)
class Assessed:
    """A criterion as this version of the content shows it."""

    criterion: Criterion
    status: Status
    why: str
    where: tuple[Where, ...]


def assess(criterion: Criterion, content: Content) -> Assessed:
    where = criterion.where
    if criterion.check is has_condition_pages:
        where = conditions(content) + where
    if criterion.status is Status.MET and criterion.check and not criterion.check(content):
        why = "This version of the content is missing what this rests on: " + criterion.why
        return Assessed(criterion, Status.NOT_YET, why, where)
    return Assessed(criterion, criterion.status, criterion.why, where)


@dataclass(frozen=True)
class PageGrade:
    title: str
    url: str
    texts: int
    median: float
    highest: float


def reading_levels(content: Content) -> list[PageGrade]:
    """The reading grade of each page's texts of two sentences or more: median and highest.

    Measured as the content rule measures them (treatments.readability), glossary words plain.
    """
    terms = [term.term for term in content.terms]
    pages: list[tuple[str, str, list[str]]] = [
        (page.title, page.get_absolute_url(), [s.body for s in page.related.sections])
        for page in content.pages
    ]
    pages += [
        (o.name, o.get_absolute_url(), [text for _, text in patient_texts(o)])
        for o in content.options
    ]
    found = []
    for title, url, texts in pages:
        grades = [g.without_glossary for t in texts if (g := reading_grade(t, terms)).measured]
        numbers = [grade for grade in grades if grade is not None]
        if numbers:
            found.append(
                PageGrade(title, url, len(numbers), statistics.median(numbers), max(numbers))
            )
    return found


def regions(content: Content) -> list[str]:
    """The places the content says what it found about, in the aid's order."""
    said = {note.region for o in content.options for note in o.related.regions}
    return [region.label for region in Region if region in said]


def about_sections(content: Content, *words: str) -> list:
    """The About page's sections whose heading holds one of `words`, as the page shows them."""
    about = content.page_by_slug.get("about")
    sections = about.related.sections if about else ()
    return [s for s in sections if any(w in s.heading.lower() for w in words)]


def standards(content: Content) -> dict:
    """Everything the standards page shows, worked out once per version."""
    return {
        "equality": about_sections(content, "harder to use"),
        "updates": about_sections(content, "up to date"),
        "frameworks": [
            (framework, [assess(c, content) for c in framework.criteria])
            for framework in FRAMEWORKS
        ],
        "reading_levels": reading_levels(content),
        "regions": regions(content),
    }
