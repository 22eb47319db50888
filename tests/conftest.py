import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests.factory import Factory


@pytest.fixture
def factory(db) -> Factory:
    return Factory()


@pytest.fixture
def content(db):
    """The bundled CRPS content, loaded as `make run` loads it."""
    call_command("load_content", verbosity=0)


@pytest.fixture
def editors_group(db) -> Group:
    """The Editors group as its data migration makes it.

    Browser tests run on a flushed database, which loses what migrations made; the group is then
    made again by the migration's own function, so tests still check what the migration does.
    """
    if not Group.objects.filter(name="Editors").exists():
        migration = importlib.import_module("treatments.migrations.0002_editors_group")
        migration.create_editors(apps, None)
    return Group.objects.get(name="Editors")
