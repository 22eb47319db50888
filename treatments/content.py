"""The content files: where `load_content` finds them (settings.CONTENT_FIXTURES), and how the
live content is written out again, as the same natural-key YAML files (to commit to git and load
anywhere) or as CSV for spreadsheets."""

import csv
import datetime
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import models
from django.db.models import Count, Prefetch

from treatments import schema
from treatments.models import Claim, Option, Review, Source

FORMATS = {".yaml", ".yml", ".json"}


class MissingContent(Exception):
    pass


CORE_FILE = "01_core.yaml"


def bundled_fixtures() -> list[str]:
    """The content files to load, in load order: every file named in settings.CONTENT_FIXTURES,
    and the .yaml, .yml and .json files of every folder named there, by file name."""
    files = []
    for entry in map(Path, settings.CONTENT_FIXTURES):
        if entry.is_dir():
            files += sorted(
                (path for path in entry.iterdir() if path.suffix in FORMATS),
                key=lambda path: path.name,
            )
        elif entry.is_file():
            files.append(entry)
        else:
            raise MissingContent(
                f"No content file or folder at {entry}. Check CONTENT_FIXTURES "
                "(DJANGO_CONTENT_FIXTURES)."
            )
    return [str(path) for path in files]


def _named_by_natural_key(model) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.many_to_one and hasattr(field.related_model, "natural_key")
    ]


def for_serializing(queryset, *, natural_keys: bool):
    """The rows with everything Django's serializers read about each one, in a query per table
    rather than one per row: each many-to-many list and, when rows are written with natural
    keys, the rows their foreign keys point to (and, as a choice is named with its question,
    those rows' own). Without natural keys a foreign key is written as the id the row holds."""
    model = queryset.model
    many = [field.name for field in model._meta.many_to_many]
    if not natural_keys:
        return queryset.prefetch_related(*many)
    related = _named_by_natural_key(model)
    related += [
        f"{name}__{deeper}"
        for name in list(related)
        for deeper in _named_by_natural_key(model._meta.get_field(name).related_model)
    ]
    return queryset.select_related(*related).prefetch_related(*many)


def exported_models() -> list[type[models.Model]]:
    """What the export writes, in load order: the models of the bundled content, then the
    records of editors' reviews of each option (never published, but part of the content's
    upkeep)."""
    return [*schema.published_models(), Review]


def option_file(category_index: int, category: str) -> str:
    return f"{10 + category_index:02d}_{category}.yaml"


def export_yaml(directory: Path) -> list[Path]:
    """Write the live content as natural-key YAML files like the bundled ones: the shared
    sources, questionnaire and pages in one file, then one file per group of options with
    everything said about them. Loading the files into an empty database gives the same
    content. Returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    today = datetime.date.today().isoformat()
    written = []

    core = [model._default_manager.order_by("pk") for model in schema.shared_models()]
    written.append(
        _write_yaml(
            directory / CORE_FILE,
            f"The aid itself, shared sources, questionnaire, values, questions for the "
            f"clinician, pages and glossary.\nExported from the live content on {today} "
            "(manage.py export_content). Load it first.",
            core,
        )
    )
    option_rows: list[type[models.Model]] = [*schema.part_models(), Review]
    for index, (category, label) in enumerate(Option.Category.choices):
        options = Option.objects.filter(category=category).order_by("pk")
        if not options.exists():
            continue
        querysets = [options] + [
            model._default_manager.filter(option__category=category).order_by("pk")
            for model in option_rows
        ]
        written.append(
            _write_yaml(
                directory / option_file(index, category),
                f"{label}, with everything said about each option and its reviews.\n"
                f"Exported from the live content on {today} (manage.py export_content).",
                querysets,
            )
        )
    return written


def _write_yaml(path: Path, heading: str, querysets) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        for line in heading.splitlines():
            stream.write(f"# {line}\n")
        for queryset in querysets:
            if queryset.exists():
                serializers.serialize(
                    "yaml",
                    for_serializing(queryset, natural_keys=True),
                    stream=stream,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=True,
                    sort_keys=False,
                    width=120,
                )
    return path


# -- Spreadsheets --------------------------------------------------------------------------

# A cell that starts with one of these is read as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """A value as a spreadsheet cell's text, never read as a formula (as OWASP advises)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def citation(source) -> str:
    ids = [f"PMID {source.pmid}" if source.pmid else "", f"DOI {source.doi}" if source.doi else ""]
    extra = ", ".join(part for part in ids if part)
    return f"{source.short_citation}: {source.title}" + (f" ({extra})" if extra else "")


def export_csv(directory: Path) -> list[Path]:
    """Write claims.csv (one row per claim) and sources.csv (one row per source) for clinical
    reviewers who work in spreadsheets. UTF-8 with a byte-order mark, so Excel reads accents."""
    directory.mkdir(parents=True, exist_ok=True)
    claims = (
        Claim.objects.select_related("option")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("slug")))
        .order_by("option__name", "kind", "order", "pk")
    )
    claim_columns = [
        ("Option", lambda c: c.option.name),
        ("Option short name", lambda c: c.option.slug),
        ("Kind", lambda c: c.get_kind_display()),
        ("Main point", lambda c: c.is_main),
        ("Text", lambda c: c.text),
        ("How many (x)", lambda c: c.frequency_count),
        ("Out of (N)", lambda c: c.frequency_total),
        ("In which group", lambda c: c.frequency_group),
        ("Over what time", lambda c: c.frequency_timeframe),
        ("People in the study", lambda c: c.study_size),
        ("Range from (in 100)", lambda c: c.range_low),
        ("Range to (in 100)", lambda c: c.range_high),
        ("Sources", lambda c: "; ".join(citation(s) for s in c.sources.all())),
        ("Source short names", lambda c: "; ".join(s.slug for s in c.sources.all())),
    ]
    source_columns = [
        ("Short name", lambda s: s.slug),
        ("Title", lambda s: s.title),
        ("Authors", lambda s: s.authors),
        ("Publisher", lambda s: s.publisher),
        ("Year", lambda s: s.year),
        ("Kind", lambda s: s.get_kind_display()),
        ("Interest to declare", lambda s: s.interest),
        ("Web address", lambda s: s.url),
        ("PubMed ID", lambda s: s.pmid),
        ("DOI", lambda s: s.doi),
        ("Checked on", lambda s: s.checked_on),
        ("Claims citing it", lambda s: s.claim_count),
    ]
    return [
        _write_csv(directory / "claims.csv", claim_columns, claims),
        _write_csv(
            directory / "sources.csv",
            source_columns,
            Source.objects.annotate(claim_count=Count("claims")).order_by("slug"),
        ),
    ]


def _write_csv(path: Path, columns, rows) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([heading for heading, _ in columns])
        for row in rows:
            writer.writerow([spreadsheet_cell(value(row)) for _, value in columns])
    return path
