"""The test database and the bundled SQLite file it starts from: which tests touch it, the
content tables, and the copies made once per run (tests/conftest.py says how tests meet them)."""

import hashlib
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path

from django.apps import apps
from filelock import FileLock

from tests.processes import PROJECT, manage

CONTENT_APP = "treatments"


def flushes_database(item) -> bool:
    """A test in a real transaction (a live server's, say), which Django ends with a flush."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return bool(
        "live_server" in names
        or "transactional_db" in names
        or (marker and marker.kwargs.get("transaction"))
    )


def uses_database(item) -> bool:
    """A test that touches the database: marked so, or asking for a fixture that does."""
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


def build_or_reuse(path: Path, kept: Path | None) -> None:
    """Make the bundled database at `path`: a copy of the one `kept` from an earlier run if there
    is one, else built and then kept for the next run."""
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


def copy_of(bundled: Path, folder: Path) -> Path:
    """A copy of the bundled database for one server to use."""
    copy = folder / "db.sqlite3"
    shutil.copyfile(bundled, copy)
    return copy


def in_memory_sqlite() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite" and not connection.settings_dict["TEST"].get("NAME")


def copy_into_test_database(bundled: Path) -> None:
    """Make the in-memory test database a copy of the bundled database."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    connection.ensure_connection()
    with sqlite3.connect(bundled) as source:
        source.backup(connection.connection)
    ContentType.objects.clear_cache()
