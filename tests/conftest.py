import pytest
from django.core.management import call_command

from tests.factory import Factory


@pytest.fixture
def factory(db) -> Factory:
    return Factory()


@pytest.fixture
def content(db):
    """The bundled CRPS content, loaded as `make run` loads it."""
    call_command("load_content", verbosity=0)
