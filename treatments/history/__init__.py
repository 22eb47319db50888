"""What changed in the content, and when, one module per question: the site-wide log (activity),
reading records (records), first entries for loaded content (loading), deleted items and
restoring them (deleted), and the changes since an option was last reviewed (since_review).

Every content model keeps its history with django-simple-history.
"""

from treatments.history.activity import Activity, Entry, Filters
from treatments.history.deleted import (
    CannotRestore,
    Deleted,
    Restored,
    deleted_items,
    find_deleted,
    restore,
)
from treatments.history.loading import record_loaded_content
from treatments.history.records import (
    LOADED,
    RELOADED,
    RESTORED,
    PartsHistory,
    content_models,
    describe,
    describe_row,
    history_of,
    kind_of,
    what_happened,
)
from treatments.history.since_review import (
    changes_since_review,
    list_diff,
    review_moment,
    word_diff,
)

__all__ = [
    "Activity",
    "Entry",
    "Filters",
    "LOADED",
    "RELOADED",
    "RESTORED",
    "CannotRestore",
    "Deleted",
    "PartsHistory",
    "Restored",
    "changes_since_review",
    "content_models",
    "deleted_items",
    "describe",
    "describe_row",
    "find_deleted",
    "history_of",
    "kind_of",
    "list_diff",
    "record_loaded_content",
    "restore",
    "review_moment",
    "what_happened",
    "word_diff",
]
