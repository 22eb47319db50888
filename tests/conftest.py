"""Shared test machinery. The bundled content is loaded once per run, not once per test.

Migrating takes about 10 s here and loading the bundled content about 7 s, so both happen once
per run, into a SQLite file (`bundled_database`) that every test process shares (pytest-xdist runs
one process per core), and the file is kept in pytest's cache for the next run. On SQLite the
in-memory test database starts as a copy of that file, and each server a test starts (the
development server, gunicorn) runs on its own copy. On other databases the test database is
migrated and the content loaded once per process. Then every database test sees:

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
from functools import partial
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import override_settings

from tests import database
from tests.factory import Factory
from tests.processes import collect_static
from tests.pubmed import RecordedPubMed
from tests.users import FormClient, make_staff, signed_in

# What a run says at its end (fuzz examples run, the heaviest page) is in tests/reporting.py.
pytest_plugins = ["tests.reporting"]


@pytest.fixture
def client() -> FormClient:
    return FormClient()


@pytest.fixture
def admin_client(db, admin_user) -> FormClient:
    return signed_in(admin_user)


BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(items):
    for item in items:
        if BROWSER_TESTS in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
        if database.uses_database(item):
            item.add_marker(pytest.mark.database)
    # Tests in real transactions end by flushing the database, so they run after the rest (as
    # pytest-django orders them). pytest-xdist hands tests out in this order, and a `slow` test
    # left to the end keeps one process busy while the other has nothing to do: within each of
    # those two parts, slow tests go first. (pytest-django's own order puts tests without the
    # database last, among them the persona walks and the scale-out servers: one process then
    # worked alone for the last 33 s in one run of two. This sort replaces that order.)
    items.sort(
        key=lambda item: (database.flushes_database(item), not item.get_closest_marker("slow"))
    )


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
def bundled_database(tmp_path_factory, request) -> Path:
    """A SQLite file, migrated and holding the bundled content, made once per run. Servers
    started by tests run on copies of it; the in-memory test database starts as one.

    Migrating takes about 10 s and loading the content about 7 s here, so doing it once rather
    than once for each process and server is most of a minute saved. The file is kept in
    pytest's cache (.pytest_cache) under a digest of everything it is made from, so the next
    run reuses it until a migration, a content file, the code or a library changes (as
    pytest-django's --reuse-db, but never stale). A run without pytest's cache (a clean clone,
    `-p no:cacheprovider`) builds it."""
    cache = getattr(request.config, "cache", None)
    kept = (
        cache.mkdir("bundled-database") / f"{database.bundled_digest()}.sqlite3" if cache else None
    )
    build = partial(database.build_or_reuse, kept=kept)
    return database.built_once(tmp_path_factory, request, "bundled.sqlite3", build)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory, request, bundled_database) -> Path:
    """The static files as `collectstatic` leaves them for production, collected once per run
    into a folder of their own (servers started by tests get it as DJANGO_STATIC_ROOT)."""
    collect = partial(collect_static, database=bundled_database)
    return database.built_once(tmp_path_factory, request, "staticfiles", collect)


@pytest.fixture(scope="session")
def django_db_use_migrations(request) -> bool:
    """An in-memory SQLite test database is copied whole from `bundled_database` (schema, the
    migrations' own rows and the content), so its tables are made without migrating first."""
    if database.in_memory_sqlite():
        return False
    return not request.config.getvalue("nomigrations")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """The test database with the bundled content: on SQLite a copy of `bundled_database`; on
    other databases migrated as usual, then the content loaded once."""
    with django_db_blocker.unblock():
        if database.in_memory_sqlite():
            database.copy_into_test_database(request.getfixturevalue("bundled_database"))
        else:
            call_command("load_content", verbosity=0)
        session_database = database.SessionDatabase()
    yield session_database
    session_database.close()


@pytest.fixture(autouse=True)
def _content_only_when_asked(request):
    """Give a database test the session's content if it asks for `content`, else none."""
    if not database.uses_database(request.node):
        return
    from django.db import connection

    request.getfixturevalue("db")
    if not connection.in_atomic_block:
        # A test in a real transaction: the one before it flushed the database when it ended.
        request.getfixturevalue("django_db_setup").restore()
    if "content" not in request.fixturenames:
        database.empty_content()


@pytest.fixture
def content(db):
    """The bundled content, as `make run` loads it (loaded once per session; see above)."""
    if not database.content_is_loaded():
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


@pytest.fixture
def publishers_group(editors_group) -> Group:
    """The Publishers group as its migration makes it (see editors_group)."""
    if not Group.objects.filter(name="Publishers").exists():
        migration = importlib.import_module("treatments.migrations.0005_releases")
        migration.create_publishers(apps, None)
    return Group.objects.get(name="Publishers")


@pytest.fixture
def editor(editors_group) -> User:
    return make_staff("editor", editors_group, email="editor@example.org")


@pytest.fixture
def editor_client(editor) -> FormClient:
    return signed_in(editor)


@pytest.fixture
def recorded_pubmed(settings):
    """PubMed's esummary answering from recorded answers on a loopback port, and the lookup
    (this process's and its live server's) pointed at it."""
    with RecordedPubMed() as pubmed:
        settings.PUBMED_ESUMMARY_URL = pubmed.url
        yield pubmed
