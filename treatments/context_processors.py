from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from treatments.releases import current_content


def published_content(request: HttpRequest) -> dict:
    """The published version every page reads from (the aid's name, the footer's pages), looked
    up on use; also for a page answered before the middleware that sets `request.content`."""
    content = getattr(request, "content", None)
    return {"content": content if content is not None else SimpleLazyObject(current_content)}
