from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from treatments.models import Page


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(Page.objects.prefetch_related("sections__sources"), slug=slug)
    return render(request, "treatments/page.html", {"page": page})
