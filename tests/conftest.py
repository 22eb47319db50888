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

import hashlib
import importlib
import json
import os
import secrets
import shutil
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client, override_settings
from filelock import FileLock

from tests.factory import Factory
from tests.processes import PROJECT, manage

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
    # Tests in real transactions end by flushing the database, so they run after the rest (as
    # pytest-django orders them). pytest-xdist hands tests out in this order, and a `slow` test
    # left to the end keeps one process busy while the other has nothing to do: within each of
    # those two parts, slow tests go first. (pytest-django's own order puts tests without the
    # database last, among them the persona walks and the scale-out servers: one process then
    # worked alone for the last 33 s in one run of two. This sort replaces that order.)
    items.sort(key=lambda item: (_flushes_database(item), not item.get_closest_marker("slow")))


def _flushes_database(item) -> bool:
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return bool(
        "live_server" in names
        or "transactional_db" in names
        or (marker and marker.kwargs.get("transaction"))
    )


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


def rows_of(models) -> list[str]:
    """Every row of these models, natural keys in place of ids where they have them, as sorted
    JSON lines: what the content is, whatever ids its rows were given when they were loaded."""
    from django.core import serializers
    from django.core.serializers.json import DjangoJSONEncoder

    from treatments.content import for_serializing

    rows = []
    for model in models:
        rows += serializers.serialize(
            "python",
            for_serializing(model._default_manager.all(), natural_keys=True),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
    return sorted(json.dumps(row, sort_keys=True, cls=DjangoJSONEncoder) for row in rows)


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


def build_bundled_database(path: Path) -> None:
    """Migrate a new SQLite file and load the bundled content into it, as `make run` does."""
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{path}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_content", "-v0")


def shared_temporary_folder(tmp_path_factory, request) -> Path:
    """This run's temporary folder that every test process shares (pytest-xdist gives each
    worker a folder of its own inside it)."""
    root = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):  # a pytest-xdist worker
        root = root.parent
    return root


def built_once(tmp_path_factory, request, name: str, build) -> Path:
    """The file or folder `name`, made by `build(path)` the first time any test process of this
    run asks for it (pytest-xdist workers take turns with a lock), then shared by them all."""
    root = shared_temporary_folder(tmp_path_factory, request)
    path = root / name
    with FileLock(f"{path}.lock"):
        if not path.exists():
            building = root / f"{name}.building"
            shutil.rmtree(building, ignore_errors=True)
            building.unlink(missing_ok=True)
            build(building)
            building.rename(path)
    return path


# What the bundled database is made from: the project's code, migrations and content files, the
# locked libraries, and which content files the environment asks for.
BUNDLED_FROM = ["decisionaid", "treatments", "manage.py", "requirements.lock"]


def bundled_digest() -> str:
    digest = hashlib.sha256(sys.version.encode())
    digest.update(os.environ.get("DJANGO_CONTENT_FIXTURES", "").encode())
    for entry in BUNDLED_FROM:
        top = PROJECT / entry
        files = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PROJECT)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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
    kept = cache.mkdir("bundled-database") / f"{bundled_digest()}.sqlite3" if cache else None

    def build(path: Path) -> None:
        if kept and kept.exists():
            shutil.copyfile(kept, path)
            return
        build_bundled_database(path)
        if kept:
            for older in kept.parent.glob("*.sqlite3"):
                older.unlink(missing_ok=True)
            copying = kept.with_suffix(f".{os.getpid()}")
            shutil.copyfile(path, copying)
            copying.replace(kept)

    return built_once(tmp_path_factory, request, "bundled.sqlite3", build)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory, request, bundled_database) -> Path:
    """The static files as `collectstatic` leaves them for production, collected once per run
    into a folder of their own (servers started by tests get it as DJANGO_STATIC_ROOT)."""

    def collect(folder: Path) -> None:
        env = {  # debug off: hashed names and a manifest, as in production
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{bundled_database}",
            "DJANGO_STATIC_ROOT": str(folder),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        manage(env, "collectstatic", "--noinput", "-v0")

    return built_once(tmp_path_factory, request, "staticfiles", collect)


def copy_of(bundled: Path, folder: Path) -> Path:
    """A copy of the bundled database for one server to use."""
    copy = folder / "db.sqlite3"
    shutil.copyfile(bundled, copy)
    return copy


def _in_memory_sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite" and not connection.settings_dict["TEST"].get("NAME")


@pytest.fixture(scope="session")
def django_db_use_migrations(request) -> bool:
    """An in-memory SQLite test database is copied whole from `bundled_database` (schema, the
    migrations' own rows and the content), so its tables are made without migrating first."""
    if _in_memory_sqlite():
        return False
    return not request.config.getvalue("nomigrations")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """The test database with the bundled content: on SQLite a copy of `bundled_database`; on
    other databases migrated as usual, then the content loaded once."""
    with django_db_blocker.unblock():
        if _in_memory_sqlite():
            from django.contrib.contenttypes.models import ContentType
            from django.db import connection

            bundled = request.getfixturevalue("bundled_database")
            connection.ensure_connection()
            with sqlite3.connect(bundled) as source:
                source.backup(connection.connection)
            ContentType.objects.clear_cache()
        else:
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


REPORTED = {"fuzz_examples": 0, "page_weight": {}}


def pytest_runtest_logreport(report):
    """Gather what tests recorded with `record_property`, whichever process ran them."""
    if report.when != "teardown":
        return
    for key, value in report.user_properties:
        if key == "fuzz_examples":
            REPORTED["fuzz_examples"] += value
        elif key == "page_weight":
            name, size = value
            REPORTED["page_weight"][name] = size


def pytest_terminal_summary(terminalreporter):
    """Say how many fuzz examples ran, so `make fuzz` and CI show the work done, and which
    patient page weighs the most, so its distance from the budget is in sight."""
    if REPORTED["fuzz_examples"]:
        terminalreporter.write_line(f"fuzz: {REPORTED['fuzz_examples']} examples ran")
    if weights := REPORTED["page_weight"]:
        from tests.test_page_weight import COMPRESSED_BUDGET

        name, size = max(weights.items(), key=lambda item: item[1])
        terminalreporter.write_line(
            f"page weight: heaviest is {name}, {size / 1024:.1f} KB compressed with its CSS and "
            f"JavaScript (budget {COMPRESSED_BUDGET // 1024} KB)"
        )
