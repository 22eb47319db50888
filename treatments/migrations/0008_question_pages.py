"""Pages of questions become content, and suggested questions get a lasting short name.

Until now the questionnaire had three fixed pages, named in code (a question's `step`). Each
becomes a `QuestionPage` with the title and hint the flow used to hold, and each question moves to
the page of its old step. Suggested questions get a slug (the first words of the question), which
people's saved answers use from now on instead of the row's number.

Published versions keep their content in the shape the models had when they were published, and
patient pages read the current one; so each version is rewritten into the new shape, saying the
same things (the same pages, titles and hints), with its digest worked out again.
"""

import datetime
import hashlib
import json

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations, models
from django.utils.text import slugify

import treatments.models
from treatments.permissions import grant_editor_permissions

SLUG_HELP = "A short name for web addresses and for the bundled content files: lowercase, hyphens."
SUGGESTED_SLUG_HELP = SLUG_HELP + " People's saved answers name the question by it: keep it."
PAGE_HELP = "The page of the questionnaire it is on."

# The three pages the flow had, with the words it showed on them.
PAGES = [
    {
        "slug": "about",
        "title": "Your CRPS",
        "hint": "These answers go on your summary, so your clinician sees your situation at a "
        "glance.",
        "summary_heading": "About me",
        "about_health": False,
        "order": 1,
    },
    {
        "slug": "health",
        "title": "Health questions",
        "hint": "Some health conditions change which treatments are safe or suitable. Your "
        "answers only mark things to discuss with your clinician. If you are not sure, choose "
        "“Not sure”.",
        "summary_heading": "",
        "about_health": True,
        "order": 2,
    },
    {
        "slug": "practical",
        "title": "Practical matters",
        "hint": "Cost, travel and time in hospital differ a lot between treatments.",
        "summary_heading": "",
        "about_health": False,
        "order": 3,
    },
]


def first_words(text: str, taken: set[str]) -> str:
    """A slug from the question's first four words, made unique among `taken`."""
    base = slugify(" ".join(text.split()[:4]))[:40].strip("-") or "question"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def digest_of(content: list[dict]) -> str:
    canonical = json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def pages_for_steps(apps) -> dict[str, object]:
    """A page for every step a question (or its history) names, the three known ones first."""
    QuestionPage = apps.get_model("treatments", "QuestionPage")
    HistoricalQuestionPage = apps.get_model("treatments", "HistoricalQuestionPage")
    Question = apps.get_model("treatments", "Question")
    HistoricalQuestion = apps.get_model("treatments", "HistoricalQuestion")
    known = {page["slug"]: page for page in PAGES}
    steps = set(Question.objects.values_list("step", flat=True))
    steps |= set(HistoricalQuestion.objects.values_list("step", flat=True))
    wanted = list(known) + sorted(s for s in steps if s and s not in known)
    pages = {}
    for order, step in enumerate(wanted, start=1):
        fields = known.get(step) or {"slug": step, "title": step.capitalize(), "order": order}
        page, made = QuestionPage.objects.get_or_create(
            slug=fields["slug"], defaults={k: v for k, v in fields.items() if k != "slug"}
        )
        if made:  # its first version, so editors can see and restore where it began
            HistoricalQuestionPage.objects.create(
                id=page.pk,
                **{
                    k: getattr(page, k)
                    for k in ("slug", "title", "hint", "summary_heading", "about_health", "order")
                },
                history_date=datetime.datetime.now(datetime.timezone.utc),
                history_type="+",
                history_change_reason="Made from the questionnaire's fixed pages",
            )
        pages[step] = page
    return pages


def suggested_slugs(apps) -> dict[int, str]:
    """Each suggested question's new slug, by primary key; its history gets the same."""
    SuggestedQuestion = apps.get_model("treatments", "SuggestedQuestion")
    HistoricalSuggestedQuestion = apps.get_model("treatments", "HistoricalSuggestedQuestion")
    taken: set[str] = set()
    slugs = {}
    for question in SuggestedQuestion.objects.order_by("order", "pk"):
        slugs[question.pk] = question.slug = first_words(question.text, taken)
        question.save(update_fields=["slug"])
    for row in HistoricalSuggestedQuestion.objects.all():
        row.slug = slugs.get(row.id) or slugify(" ".join(row.text.split()[:4]))[:40]
        row.save(update_fields=["slug"])
    return slugs


def rewrite_release(content: list[dict], pages: dict, suggested: dict[int, str]) -> list[dict]:
    """One version's content in the new shape: its questions on pages, its suggested questions
    with slugs (the same as in the editors' tables, for the rows they share)."""
    page_rows = [
        {
            "model": "treatments.questionpage",
            "pk": page.pk,
            "fields": {
                "slug": page.slug,
                "title": page.title,
                "hint": page.hint,
                "summary_heading": page.summary_heading,
                "about_health": page.about_health,
                "order": page.order,
            },
        }
        for page in pages.values()
    ]
    taken = set(suggested.values())
    rows = []
    for row in content:
        if row["model"] == "treatments.questionpage":
            continue
        fields = dict(row["fields"])
        if row["model"] == "treatments.question":
            if page_rows:
                rows += page_rows
                page_rows = []
            step = fields.pop("step", None)
            if "page" not in fields:
                fields["page"] = pages[step].pk if step in pages else None
        elif row["model"] == "treatments.suggestedquestion" and not fields.get("slug"):
            fields["slug"] = suggested.get(row["pk"]) or first_words(fields["text"], taken)
        rows.append({**row, "fields": fields})
    return rows


def forwards(apps, schema_editor):
    Question = apps.get_model("treatments", "Question")
    HistoricalQuestion = apps.get_model("treatments", "HistoricalQuestion")
    Release = apps.get_model("treatments", "Release")

    pages = pages_for_steps(apps)
    for step, page in pages.items():
        Question.objects.filter(step=step).update(page=page)
        HistoricalQuestion.objects.filter(step=step).update(page=page)
    suggested = suggested_slugs(apps)

    for release in Release.objects.all():
        content = rewrite_release(release.content, pages, suggested)
        Release.objects.filter(pk=release.pk).update(content=content, digest=digest_of(content))

    give_editors_the_pages(apps)


def give_editors_the_pages(apps):
    """Editors may add, change, remove and see pages of questions, and read (not rewrite) their
    history, as with every other kind of content."""
    grant_editor_permissions(apps, "questionpage")


def backwards(apps, schema_editor):
    """Back to fixed steps: each question's step is its page's slug (a page added since then
    has no step to go back to, so its questions go to the first page)."""
    Question = apps.get_model("treatments", "Question")
    HistoricalQuestion = apps.get_model("treatments", "HistoricalQuestion")
    QuestionPage = apps.get_model("treatments", "QuestionPage")
    Release = apps.get_model("treatments", "Release")
    known = [page["slug"] for page in PAGES]
    step_of = {
        page.pk: page.slug if page.slug in known else known[0]
        for page in QuestionPage.objects.all()
    }
    for pk, step in step_of.items():
        Question.objects.filter(page_id=pk).update(step=step)
        HistoricalQuestion.objects.filter(page_id=pk).update(step=step)
    for release in Release.objects.all():
        slugs = {
            row["pk"]: row["fields"]["slug"]
            for row in release.content
            if row["model"] == "treatments.questionpage"
        }
        content = []
        for row in release.content:
            if row["model"] == "treatments.questionpage":
                continue
            fields = dict(row["fields"])
            if row["model"] == "treatments.question":
                slug = slugs.get(fields.pop("page", None), known[0])
                fields["step"] = slug if slug in known else known[0]
            elif row["model"] == "treatments.suggestedquestion":
                fields.pop("slug", None)
            content.append({**row, "fields": fields})
        Release.objects.filter(pk=release.pk).update(content=content, digest=digest_of(content))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("treatments", "0007_reviews"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="QuestionPage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text=SLUG_HELP,
                        max_length=40,
                        unique=True,
                        validators=[treatments.models.not_a_flow_step],
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        help_text="The page heading, e.g. “About you”.", max_length=150
                    ),
                ),
                (
                    "hint",
                    models.CharField(
                        blank=True,
                        help_text="One or two short sentences under the heading.",
                        max_length=300,
                    ),
                ),
                (
                    "summary_heading",
                    models.CharField(
                        blank=True,
                        help_text="The heading its answers are printed under on the summary, "
                        "e.g. “About me”. Pages with the same heading share it. Leave blank to "
                        "print only the points its answers raise to discuss.",
                        max_length=80,
                        verbose_name="heading on the summary",
                    ),
                ),
                (
                    "about_health",
                    models.BooleanField(
                        default=False,
                        help_text="Tick for questions about health conditions. Option pages then "
                        "tell everyone who should talk to a clinician first because of them, and "
                        "the summary can say when no answer raises a point.",
                        verbose_name="questions about health",
                    ),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Lower numbers come first: the pages are steps in this order.",
                    ),
                ),
            ],
            options={
                "verbose_name": "page of questions",
                "verbose_name_plural": "pages of questions",
                "ordering": ["order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalQuestionPage",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        help_text=SLUG_HELP,
                        max_length=40,
                        validators=[treatments.models.not_a_flow_step],
                    ),
                ),
                (
                    "title",
                    models.CharField(
                        help_text="The page heading, e.g. “About you”.", max_length=150
                    ),
                ),
                (
                    "hint",
                    models.CharField(
                        blank=True,
                        help_text="One or two short sentences under the heading.",
                        max_length=300,
                    ),
                ),
                (
                    "summary_heading",
                    models.CharField(
                        blank=True,
                        help_text="The heading its answers are printed under on the summary, "
                        "e.g. “About me”. Pages with the same heading share it. Leave blank to "
                        "print only the points its answers raise to discuss.",
                        max_length=80,
                        verbose_name="heading on the summary",
                    ),
                ),
                (
                    "about_health",
                    models.BooleanField(
                        default=False,
                        help_text="Tick for questions about health conditions. Option pages then "
                        "tell everyone who should talk to a clinician first because of them, and "
                        "the summary can say when no answer raises a point.",
                        verbose_name="questions about health",
                    ),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="Lower numbers come first: the pages are steps in this order.",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                        max_length=1,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical page of questions",
                "verbose_name_plural": "historical pages of questions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        # Nullable until every question has its page.
        migrations.AddField(
            model_name="question",
            name="page",
            field=models.ForeignKey(
                help_text=PAGE_HELP,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questions",
                to="treatments.questionpage",
            ),
        ),
        migrations.AddField(
            model_name="historicalquestion",
            name="page",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text=PAGE_HELP,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="treatments.questionpage",
            ),
        ),
        # Not unique until every suggested question has its own.
        migrations.AddField(
            model_name="suggestedquestion",
            name="slug",
            # No index yet: the unique one below makes its own (PostgreSQL would otherwise be
            # asked for the same "_like" index twice).
            field=models.SlugField(default="", help_text=SUGGESTED_SLUG_HELP, db_index=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalsuggestedquestion",
            name="slug",
            field=models.SlugField(default="", help_text=SUGGESTED_SLUG_HELP, db_index=False),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="question",
            name="page",
            field=models.ForeignKey(
                help_text=PAGE_HELP,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questions",
                to="treatments.questionpage",
            ),
        ),
        migrations.AlterField(
            model_name="suggestedquestion",
            name="slug",
            field=models.SlugField(help_text=SUGGESTED_SLUG_HELP, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalsuggestedquestion",
            name="slug",
            field=models.SlugField(help_text=SUGGESTED_SLUG_HELP),
        ),
        # With a default first, so that undoing this migration can add the column back.
        *(
            migrations.AlterField(
                model_name=model,
                name="step",
                field=models.CharField(default="", max_length=20),
            )
            for model in ("question", "historicalquestion")
        ),
        migrations.RemoveField(model_name="question", name="step"),
        migrations.RemoveField(model_name="historicalquestion", name="step"),
        migrations.AlterModelOptions(
            name="question",
            options={"ordering": ["page", "order", "pk"]},
        ),
    ]
