from django.http import HttpRequest

from treatments.models import Page


def footer_pages(request: HttpRequest) -> dict:
    """The information pages editors chose to list in every page's footer (one query, on use)."""
    return {"footer_pages": Page.objects.filter(show_in_footer=True).only("slug", "title")}
