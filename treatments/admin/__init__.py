"""The editors' admin, one module per room. Importing the package registers every content model
on the admin site (Django's autodiscovery imports it); the site-wide pages on deleted items are
added to the site by the project's admin site (decisionaid.security.StaffAdminSite)."""

from django.contrib import admin
from django.utils.functional import lazy

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
from treatments.models import Aid

# The aid's short name, as editors last saved it, read each time a page is drawn.
admin.site.site_header = lazy(lambda: f"{Aid.objects.current().short_name}: content", str)()
admin.site.site_title = lazy(lambda: f"{Aid.objects.current().short_name} content", str)()
admin.site.index_title = "Keep the content right"
