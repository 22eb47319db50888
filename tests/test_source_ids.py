"""Every bundled source can be found again: a web address, a PubMed ID or a DOI, or a reason here
why none was found."""

import pytest
from django.core.exceptions import ValidationError

from treatments.models import Source

pytestmark = pytest.mark.django_db

# The bundled sources with no web address, PubMed ID or DOI, each with why: searched for in
# December 2026, none was found in PubMed or on its publisher's site. Give one an identifier and
# take it off; a new source needs an identifier, not a line here.
WITHOUT_AN_IDENTIFIER = {
    "seed-chopra": "The physician's web page is a seed text; its address was not found.",
    "bmj-best-practice-crps-prognosis": "A BMJ Best Practice page; its address was not found.",
    "bruehl-2007-editorial": "Editorial, Pain 2007;129:1-2; its PubMed ID and DOI were not found.",
    "connolly-2015": "Pain Med 2015;16:943-69; only a university's record of it was found.",
    "fischer-2013": "Only a library record of the abstract was found, naming no journal.",
    "varenna-2000": "J Rheumatol 2000;27:1477-83; only index records were found.",
    "papapetrou-2009": "Hormones (Athens) 2009;8:96-110; only copies of the paper were found.",
    "khan-2015": "J Bone Miner Res 2015; only copies and a university's record were found.",
    "jadad-1995": "J Pain Symptom Manage 1995;10:13-20; only an index record was found.",
    "guanethidine-trial-1995": "Anesth Analg 1995;81:718-23; only a record without its authors.",
    "kaplan-1996": "Acta Anaesthesiol Scand 1996;40:1216-22; only an index record was found.",
    "perez-2003": "Pain 2003;102:297-307; only copies of the paper were found.",
    "kiralp-2004-hyperbaric": "J Int Med Res 2004;32:258-62; only summaries were found.",
}


def sources_without_an_identifier() -> set[str]:
    return set(Source.objects.filter(url="", pmid="", doi="").values_list("slug", flat=True))


def test_only_the_listed_sources_lack_a_web_address_pubmed_id_and_doi(content):
    lacking = sources_without_an_identifier()
    new = sorted(lacking - WITHOUT_AN_IDENTIFIER.keys())
    found = sorted(WITHOUT_AN_IDENTIFIER.keys() - lacking)
    assert not new, f"give these a web address, PubMed ID or DOI: {', '.join(new)}"
    assert not found, f"these have an identifier now, so take them off the list: {found}"
    assert len(lacking) == 13


def test_every_source_on_the_list_says_why(content):
    assert all(reason.strip() for reason in WITHOUT_AN_IDENTIFIER.values())
    assert Source.objects.filter(slug__in=WITHOUT_AN_IDENTIFIER).count() == 13


def test_every_bundled_identifier_is_well_formed(content):
    failures = []
    for source in Source.objects.exclude(url="", pmid="", doi="").order_by("slug"):
        try:
            source.clean_fields(
                exclude=[
                    f.name for f in Source._meta.fields if f.name not in {"url", "pmid", "doi"}
                ]
            )
        except ValidationError as error:
            failures.append(f"{source.slug}: {error.message_dict}")
    assert not failures, "\n".join(failures)


def test_a_new_source_with_no_identifier_is_caught(content, factory):
    factory.make_source(slug="unlisted-leaflet", url="", pmid="", doi="")
    assert sources_without_an_identifier() - WITHOUT_AN_IDENTIFIER.keys() == {"unlisted-leaflet"}
