"""The request as the patient pages receive it, for type checking (as django-htmx's example
types `request.htmx`)."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from treatments.releases import Content


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware: `request.htmx`."""

    htmx: HtmxDetails


class AidRequest(HtmxHttpRequest):
    """And through decisionaid.middleware.published_content: `request.content`."""

    content: Content
