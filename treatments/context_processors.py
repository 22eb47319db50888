from django.http import HttpRequest


def published_content(request: HttpRequest) -> dict:
    """The published version every page reads from (for the footer's pages), looked up on use."""
    return {"content": getattr(request, "content", None)}
