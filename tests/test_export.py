"""The live content written out: YAML files that load back into an empty database as the same
content, CSV files for spreadsheets, and a check of the publication rules for CI."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import treatments
from tests.bundled import read_yaml
from tests.database import empty_content, rows_of
from treatments.content import exported_models
from treatments.models import Claim, Option, Review, Source

pytestmark = pytest.mark.django_db

BUNDLED = Path(treatments.__file__).resolve().parent / "fixtures"


def export(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_content", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def entries(folder) -> list[dict]:
    found = []
    for path in sorted(folder.glob("*.yaml")):
        found.extend(read_yaml(path) or [])
    return found


# -- YAML -------------------------------------------------------------------------------------


def test_the_export_loaded_into_an_empty_database_gives_identical_content(content, tmp_path):
    before = rows_of(exported_models())
    export(tmp_path)
    empty_content()
    assert not Option.objects.exists()
    files = sorted(str(path) for path in tmp_path.glob("*.yaml"))
    call_command("loaddata", *files, verbosity=0)
    assert rows_of(exported_models()) == before


def test_reviews_round_trip_through_the_export(content, tmp_path):
    option = Option.objects.order_by("pk").first()
    review = Review.objects.create(
        option=option,
        reviewed_by="Ada Editor",
        reviewed_on=datetime.date(2026, 3, 2),
        what_checked="Costs against the clinic's price list; new trials searched in PubMed.",
    )
    option.refresh_from_db()
    dates = (option.last_reviewed_on, option.reviewed_by, option.next_review_due)
    export(tmp_path)
    empty_content()
    call_command("loaddata", *sorted(str(p) for p in tmp_path.glob("*.yaml")), verbosity=0)
    loaded = Review.objects.get()
    assert (loaded.option.slug, loaded.reviewed_by, loaded.reviewed_on) == (
        option.slug,
        "Ada Editor",
        datetime.date(2026, 3, 2),
    )
    assert (loaded.what_checked, loaded.next_review_due, loaded.recorded_at) == (
        review.what_checked,
        datetime.date(2027, 3, 2),
        review.recorded_at,
    )
    loaded_option = Option.objects.get(slug=option.slug)
    assert (
        loaded_option.last_reviewed_on,
        loaded_option.reviewed_by,
        loaded_option.next_review_due,
    ) == dates


def test_the_export_has_the_shape_of_the_bundled_files(content, tmp_path):
    export(tmp_path)
    exported, bundled = entries(tmp_path), entries(BUNDLED)
    assert {e["model"] for e in exported} == {e["model"] for e in bundled}
    assert len(exported) == len(bundled)
    natural = {
        f"treatments.{m._meta.model_name}" for m in exported_models() if hasattr(m, "natural_key")
    }
    for entry in exported:
        assert ("pk" in entry) == (entry["model"] not in natural), entry
    claim = next(e for e in exported if e["model"] == "treatments.claim")
    assert isinstance(claim["fields"]["option"], list)  # options named by their short name
    assert all(isinstance(key, list) for key in claim["fields"]["sources"])


def test_the_export_says_so_when_its_folder_holds_other_content_files(content, tmp_path):
    (tmp_path / "99_old.yaml").write_text("[]\n")
    out, err = export(tmp_path)
    assert "Wrote" in out
    assert "99_old.yaml, which this export did not write" in err


def test_the_export_refuses_a_file_in_place_of_a_folder(tmp_path, db):
    path = tmp_path / "a-file"
    path.write_text("")
    with pytest.raises(CommandError, match="is a file, not a folder"):
        export(path)


# -- CSV --------------------------------------------------------------------------------------


def read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_claims_csv_has_one_row_per_claim_with_its_numbers_and_sources(factory, tmp_path):
    option = factory.make_option(name="Mirror therapy")
    trial = factory.make_source(authors="Cacchio A, et al.", year=2009, pmid="19388890")
    factory.make_claim(
        option,
        kind=Claim.Kind.BENEFIT,
        is_main=True,
        text="Pain eased for most people.",
        frequency_count=20,
        frequency_total=24,
        frequency_group="people given mirror therapy",
        frequency_timeframe="over 4 weeks",
        sources=[trial],
    )
    factory.make_claim(option, kind=Claim.Kind.HARM, text='=HYPERLINK("x")')
    export("--csv", tmp_path)

    rows = read_csv(tmp_path / "claims.csv")
    assert len(rows) == 2
    benefit = next(row for row in rows if row["Kind"] == "Benefit")
    assert benefit["Option"] == "Mirror therapy"
    assert benefit["Main point"] == "yes"
    assert benefit["Text"] == "Pain eased for most people."
    assert (benefit["How many (x)"], benefit["Out of (N)"]) == ("20", "24")
    assert benefit["In which group"] == "people given mirror therapy"
    assert benefit["Sources"].startswith("Cacchio A, et al., 2009: ")
    assert benefit["Sources"].endswith("(PMID 19388890)")
    assert benefit["Source short names"] == trial.slug
    harm = next(row for row in rows if row["Kind"] == "Harm or side effect")
    assert harm["Text"] == '\'=HYPERLINK("x")'  # never run as a formula


def test_sources_csv_has_one_row_per_source(content, tmp_path):
    export("--csv", tmp_path)
    rows = read_csv(tmp_path / "sources.csv")
    assert len(rows) == Source.objects.count()
    cited = Source.objects.filter(claims__isnull=False).first()
    row = next(row for row in rows if row["Short name"] == cited.slug)
    assert row["Title"] == cited.title
    assert row["Kind"] == cited.get_kind_display()
    assert int(row["Claims citing it"]) == cited.claims.count()
    assert len(read_csv(tmp_path / "claims.csv")) == Claim.objects.count()


# -- check_content ------------------------------------------------------------------------


def check_content() -> str:
    out = io.StringIO()
    call_command("check_content", stdout=out)
    return out.getvalue()


def test_check_content_passes_the_bundled_content(content):
    out = check_content()
    assert out.startswith("OK:")
    assert f"{Option.objects.ready().count()} published options" in out


def test_check_content_fails_naming_each_broken_option_and_problem(content):
    broken = Option.objects.ready().order_by("name")[0]
    broken.claims.filter(kind=Claim.Kind.HARM).delete()
    also = Option.objects.ready().order_by("name")[1]
    Option.objects.filter(pk=also.pk).update(certainty_basis="")
    with pytest.raises(CommandError) as failed:
        check_content()
    message = str(failed.value)
    assert f"{broken.name} ({broken.slug}): Add at least one harm or side effect." in message
    assert f"{also.name} ({also.slug}): Say whose certainty rating this is" in message
    assert "2 published options break the publication rules" in message
    assert failed.value.returncode == 1


def test_check_content_leaves_drafts_alone(factory):
    factory.make_option()  # a draft with no claims at all
    assert check_content().startswith("OK:")
