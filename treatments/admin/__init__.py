"""The editors' admin, one module per room. Importing the package registers every content model
on the admin site (Django's autodiscovery imports it); the site-wide pages on deleted items are
added to the site by the project's admin site (decisionaid.security.StaffAdminSite)."""

from treatments.admin import (  # noqa: F401  (each module registers its models)
    evidence,
    feedback,
    knowledge,
    options,
    pages,
    publishing,
    questionnaire,
    reviews,
)
