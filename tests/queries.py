"""Counting a page's database queries, the way the budgets in the issue measure them."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

# Once a version is warm in the process, a patient page asks the database one thing: which
# version is current. It does not grow with the content.
PATIENT_PAGE_QUERIES = 1


def queries_when_warm(client, url: str) -> int:
    """The queries a page runs the second time it is asked for (the first builds the version)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)
