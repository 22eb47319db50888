"""Adding a kind of part to an option is one declaration in treatments/schema.py (and its model
and migration): it is then published, exported, in the option's history and in the admin."""

import types

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, models
from django.test import override_settings
from django.urls import path
from simple_history.models import HistoricalRecords

from decisionaid import urls as project_urls
from treatments import releases, schema
from treatments.content import export_yaml
from treatments.history import PartsHistory
from treatments.models import CitesSources, Option, Source
from treatments.schema import Part

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def red_flags(transactional_db):
    """A new kind of part, as a developer would add one: the model (its table made here, where a
    migration would make it) and one line in OPTION_PARTS."""
    before = set(apps.all_models["treatments"])

    class RedFlag(CitesSources):
        option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="red_flags")
        text = models.TextField()
        sources = models.ManyToManyField(Source, related_name="red_flags")

        history = HistoricalRecords(m2m_fields=[sources])

        class Meta:
            app_label = "treatments"
            ordering = ["option", "pk"]

        def __str__(self):
            return self.text

        def patient_texts(self):
            return [(f"Red flag: {self.text[:40]}", self.text)]

    added = [
        model
        for name, model in apps.all_models["treatments"].items()
        if name not in before and not model._meta.auto_created
    ]
    with connection.schema_editor() as editor:
        for model in added:
            editor.create_model(model)
    declared = Part("redflag", own_page=True)
    schema.OPTION_PARTS.append(declared)
    admin.site.register(RedFlag)
    urlconf = types.ModuleType("urls_with_red_flags")
    urlconf.urlpatterns = [
        *project_urls.urlpatterns[:-1],
        path(project_urls.ADMIN, admin.site.urls),
    ]
    with override_settings(ROOT_URLCONF=urlconf):
        yield RedFlag

    schema.OPTION_PARTS.remove(declared)
    admin.site.unregister(RedFlag)
    with connection.schema_editor() as editor:
        for model in reversed(added):
            editor.delete_model(model)
    for name in set(apps.all_models["treatments"]) - before:
        del apps.all_models["treatments"][name]
    apps.clear_cache()


def test_a_new_kind_of_part_is_published_exported_in_history_and_in_the_admin(
    red_flags, factory, admin_client, tmp_path
):
    option = factory.make_option(ready=True)
    flag = red_flags.objects.create(option=option, text="Call for help if the limb turns blue.")

    # The publication rules ask for its source, as for every part that states a fact.
    assert "Give a source for every red flag (1 without one)." in option.publication_problems()
    flag.sources.set([factory.make_source()])
    assert option.publication_problems() == []

    factory.publish_version()
    published = releases.current_content().option(option.slug)
    assert [f.text for f in published.related.red_flags] == [flag.text]
    assert published.related.red_flags[0].related.sources[0].pk == flag.sources.get().pk
    assert option.pk in {o.pk for o in releases.current_content().options}

    option_file = next(
        p for p in export_yaml(tmp_path) if "model: treatments.redflag" in p.read_text()
    )
    assert flag.text in option_file.read_text()

    history = PartsHistory(option.pk)
    assert any(record.text == flag.text for record in history[:10])

    page = admin_client.get(f"/admin/treatments/option/{option.pk}/change/")
    assert page.status_code == 200
    assert f"/admin/treatments/redflag/?option__id__exact={option.pk}" in page.content.decode()


def test_everything_that_cites_a_source_shares_one_base():
    for model in schema.published_models():
        many, single = schema.source_fields(model)
        if (many or single) and model._meta.model_name != "option":
            assert issubclass(model, CitesSources), model.__name__
