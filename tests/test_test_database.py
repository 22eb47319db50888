"""The test database itself: content when a test asks for it, none otherwise, nothing leaking.

These run after tests that edit, reload and delete the content (files run in name order), and
in this order, so they also show that each of those changes was rolled back.
"""

import pytest

from tests.database import table_rows

pytestmark = pytest.mark.django_db


def test_a_test_without_the_content_builds_its_own(factory):
    factory.make_option()
    assert table_rows()["treatments_option"] == 1


def test_a_test_that_does_not_ask_for_the_content_starts_with_none(factory):
    assert set(table_rows().values()) == {0}


def test_a_test_that_asks_for_the_content_gets_it_as_loaded(content, django_db_setup):
    rows = table_rows()
    assert rows == django_db_setup.rows
    assert rows["treatments_option"] >= 20
