"""Shared test machinery. The bundled content is loaded once per test session, not once per test.

Loading the bundled content takes seconds and thousands of queries, so it is loaded into the test
database once, when the first database test starts. Then every database test sees:

- with the `content` fixture: that content, inside a transaction rolled back after the test;
- without it: the content tables empty (emptied inside that same transaction), which is what a
  test that builds its own rows with `factory` expects.

Browser tests need a live server, so they run in real transactions (`transaction=True`), and
Django ends each one by flushing the whole database. On SQLite (the test database lives in memory)
the database as it was just after loading is copied aside once, and copied back before each of
those tests: milliseconds instead of a reload. On other databases the content is loaded again
when a test asks for it and it is missing.

Marks are given here by what a test needs, so no file has to remember them: `browser` for every
test under tests/browser/, `database` for every test that touches the database (CI runs those,
and only those, again on PostgreSQL).
"""

import importlib
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client, override_settings

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


BROWSER_TESTS = Path(__file__).resolve().parent / "browser"
CONTENT_APP = "treatments"


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_TESTS in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
        if _uses_database(item):
            item.add_marker(pytest.mark.database)


def _uses_database(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return bool(
        item.get_closest_marker("django_db")
        or "_django_db_helper" in names
        or "live_server" in names
    )


def content_tables() -> list[str]:
    """Every table of the content app, its history and many-to-many tables included."""
    tables = []
    for model in apps.get_app_config(CONTENT_APP).get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def empty_content() -> None:
    """Delete every content row. Foreign keys are checked at commit, so the order is free."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table in content_tables():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


def table_rows() -> dict[str, int]:
    """How many rows each content table holds."""
    from django.db import connection

    with connection.cursor() as cursor:
        rows = {}
        for table in content_tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            rows[table] = cursor.fetchone()[0]
    return rows


def content_is_loaded() -> bool:
    from treatments.models import Option

    return Option.objects.exists()


class SessionDatabase:
    """The test database just after the content was loaded, kept to put back after a flush."""

    def __init__(self):
        from django.db import connection

        self.rows = table_rows()
        self.copy = None
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.ensure_connection()
            self.copy = sqlite3.connect(":memory:")
            connection.connection.backup(self.copy)

    def restore(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection

        if self.copy is None:
            return
        connection.ensure_connection()
        self.copy.backup(connection.connection)
        # The flush made content types again under new ids; forget those.
        ContentType.objects.clear_cache()

    def close(self) -> None:
        if self.copy is not None:
            self.copy.close()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with nothing rendered and kept (pages are kept per version)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing():
    """Django's own advice for tests: a fast hasher, since no test checks hashing strength."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    fast.enable()
    yield
    fast.disable()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated as usual, then the bundled content loaded into it once."""
    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
        session_database = SessionDatabase()
    yield session_database
    session_database.close()


@pytest.fixture(autouse=True)
def _content_only_when_asked(request):
    """Give a database test the session's content if it asks for `content`, else none."""
    if not _uses_database(request.node):
        return
    from django.db import connection

    request.getfixturevalue("db")
    if not connection.in_atomic_block:
        # A test in a real transaction: the one before it flushed the database when it ended.
        request.getfixturevalue("django_db_setup").restore()
    if "content" not in request.fixturenames:
        empty_content()


@pytest.fixture
def content(db):
    """The bundled content, as `make run` loads it (loaded once per session; see above)."""
    if not content_is_loaded():
        # A database without a cheap copy to restore (not SQLite), flushed by an earlier test.
        call_command("load_content", verbosity=0)


@pytest.fixture
def factory(db) -> Factory:
    return Factory()


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
    """Say how many fuzz examples ran, so `make fuzz` and CI show the work done, and which
    patient page weighs the most, so its distance from the budget is in sight."""
    fuzz = sys.modules.get("tests.test_fuzz")
    if fuzz and fuzz.RUN["examples"]:
        terminalreporter.write_line(f"fuzz: {fuzz.RUN['examples']} examples ran")
    weight = sys.modules.get("tests.test_page_weight")
    if weight and weight.WEIGHTS:
        name, size = max(weight.WEIGHTS.items(), key=lambda item: item[1])
        budget = weight.COMPRESSED_BUDGET
        terminalreporter.write_line(
            f"page weight: heaviest is {name}, {size / 1024:.1f} KB compressed with its CSS and "
            f"JavaScript (budget {budget // 1024} KB)"
        )
