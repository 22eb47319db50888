import importlib
import sys
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from tests.factory import Factory

FORM = "application/x-www-form-urlencoded"


class FormClient(Client):
    """Posts as a browser posts the aid's forms: URL-encoded, never multipart (the aid takes no
    files, and refuses multipart bodies before reading them)."""

    def post(self, path, data=None, content_type=FORM, **extra):
        if content_type == FORM and not isinstance(data, (str, bytes)):
            data = urlencode(data or {}, doseq=True)
        return super().post(path, data, content_type=content_type, **extra)


@pytest.fixture
def client() -> FormClient:
    return FormClient()


@pytest.fixture
def admin_client(db, admin_user) -> FormClient:
    client = FormClient()
    client.force_login(admin_user)
    return client


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


def pytest_terminal_summary(terminalreporter):
    """Say how many fuzz examples ran, so `make fuzz` and CI show the work done."""
    fuzz = sys.modules.get("tests.test_fuzz")
    if fuzz and fuzz.RUN["examples"]:
        terminalreporter.write_line(f"fuzz: {fuzz.RUN['examples']} examples ran")
